"""Redis stopped during sign-ins and syncs.

Each test starts its own redis-server (never the machine's shared one), kills it with SIGKILL and
restarts it on the same port. Sign-in must keep working (the rate limits fail open, the cache degrades to
misses, sessions are kept in the database too); work that was queued must not be lost and must complete,
by a real Celery worker, once Redis is back.
"""

import time

import pytest
from django.test import Client

from providers.models import Customer
from providers.oidc import limits
from tenants.models import ServiceDesk, SyncRun
from tenants.tasks import service_desks_sync_tenant
from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory, TenantFactory, provider_at
from tests.faults.helpers import publishing_to
from tests.faults.processes import celery_worker
from tests.faults.services import skip_without_worker_env, wait_until
from tests.fixtures.jsm import connect
from tests.helpers import signed_in


def provider_for(tenant, fake):
    return provider_at(fake, tenant=tenant)


def sign_in_as(client: Client, idp, fake, *, email: str, next_path: str = "/acme/account/"):
    """The customer's whole trip; returns the gateway's last answer (a redirect to `next` on success)."""
    fake.user = {**fake.user, "sub": email, "email": email, "name": email.split("@")[0].title()}
    start = client.get(f"{idp.login_path()}?next={next_path}")
    if start.status_code != 302:
        return start
    callback = fake.approve(start["Location"])
    return client.get(callback.removeprefix("http://testserver"))


@pytest.mark.django_db
def test_sign_in_while_redis_is_down_completes_and_works_again_when_it_returns(
    tenant, oidc_provider, own_redis, redis_sessions, settings
):
    settings.DEBUG = False
    redis_sessions(own_redis)
    idp = provider_for(tenant, oidc_provider)
    ann = Client(raise_request_exception=False)
    assert sign_in_as(ann, idp, oidc_provider, email="ann@example.com")["Location"] == "/acme/account/"

    own_redis.kill()
    bob = Client(raise_request_exception=False)
    signed = sign_in_as(bob, idp, oidc_provider, email="bob@example.com")
    assert signed.status_code == 302 and signed["Location"] == "/acme/account/", signed.content[:300]
    bobs_page = bob.get("/acme/account/")  # the session was written to the database while the cache was down
    assert bobs_page.status_code == 200 and b"bob@example.com" in bobs_page.content
    anns_page = ann.get("/acme/account/")  # signed in before the outage: still signed in
    assert anns_page.status_code == 200 and b"ann@example.com" in anns_page.content
    stranger = Client(raise_request_exception=False).get(idp.login_path())
    assert stranger.status_code == 302 and stranger["Location"].startswith(oidc_provider.base_url)  # limits fail open

    own_redis.start()  # same port, empty: no restart of the gateway
    carol = Client(raise_request_exception=False)
    assert sign_in_as(carol, idp, oidc_provider, email="carol@example.com")["Location"] == "/acme/account/"
    assert b"carol@example.com" in carol.get("/acme/account/").content


@pytest.fixture
def worker_on_own_redis(transactional_db, tmp_path, own_durable_redis, settings):
    """A real Celery worker whose broker is this test's durable redis-server; the test process publishes there."""
    skip_without_worker_env()
    broker = own_durable_redis.url(1)
    with (
        publishing_to(broker),
        celery_worker(tmp_path, concurrency=1, REDIS_URL=broker, CELERY_BROKER_URL=broker) as queue,
    ):
        settings.GATEWAY_PROVISION_QUEUE = queue
        yield queue


@pytest.mark.worker
@pytest.mark.timeout(180)
def test_syncs_waiting_in_the_queue_when_redis_crashes_complete_after_it_returns(
    worker_on_own_redis, own_durable_redis, fake_jsm_factory
):
    queue = worker_on_own_redis
    tenants = [TenantFactory(slug=slug) for slug in ("acme", "globex", "initech")]
    sites = [fake_jsm_factory() for _ in tenants]
    for tenant, site in zip(tenants, sites, strict=True):
        connect(tenant, site)
        site.state.add_service_desks(3)
    sites[0].slow("/rest/servicedeskapi/servicedesk", 3.0, times=1)  # the one worker process is busy with acme

    for tenant in tenants:
        service_desks_sync_tenant.apply_async(args=(tenant.pk, "admin"), queue=queue)
    wait_until(SyncRun.objects.filter(tenant=tenants[0], outcome="running").exists, what="acme's sync to start")
    assert not SyncRun.objects.filter(tenant__in=tenants[1:]).exists()  # globex and initech wait in Redis

    own_durable_redis.kill()
    own_durable_redis.start()  # same port; its append-only file still holds the queued messages

    done = SyncRun.objects.filter(outcome=SyncRun.Outcome.SUCCESS)
    wait_until(lambda: done.count() == 3, what="the three syncs")
    for tenant in tenants:
        assert ServiceDesk.objects.filter(tenant=tenant, is_active=True).count() == 3
    assert not SyncRun.objects.filter(outcome=SyncRun.Outcome.FAILED).exists()


@pytest.mark.worker
@pytest.mark.timeout(180)
def test_provisioning_queued_while_redis_is_down_is_not_lost(worker_on_own_redis, own_durable_redis, fake_jsm):
    from sso_gateway.celery import app as celery_app

    tenant = TenantFactory(slug="acme")
    connect(tenant, fake_jsm)
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="5")
    ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")
    customer = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email="ann@example.com")
    client = signed_in(customer, Client(raise_request_exception=False))

    own_durable_redis.kill()
    fake_jsm.fail("/rest/api/3/user/search", 503)  # Jira down too: the provisioning must be queued
    page = client.get("/acme/portal/5/")
    assert page.status_code == 200 and b"setting up your access" in page.content
    assert Customer.objects.get(pk=customer.pk).provisioning == Customer.Provisioning.RETRYING

    own_durable_redis.start()
    fake_jsm.heal()
    celery_app.send_task("portal.tasks.customer_provision_resume", queue=worker_on_own_redis)
    done = Customer.objects.filter(pk=customer.pk, provisioning=Customer.Provisioning.DONE)
    wait_until(done.exists, what="the worker to finish the provisioning", seconds=60)
    assert len([u for u in fake_jsm.state.users.values() if u["emailAddress"] == "ann@example.com"]) == 1


@pytest.mark.django_db(transaction=True)  # on_commit runs inside the request, as in production
def test_sync_now_while_the_broker_is_down_tells_the_admin_instead_of_a_500(tenant, jira, operator_client):
    from django.urls import reverse

    from sso_gateway.celery import app as celery_app
    from tests.faults.services import closed_port_url

    operator_client.raise_request_exception = False
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        with publishing_to(closed_port_url().replace("http", "redis") + "/0"):
            response = operator_client.post(
                reverse("admin:tenants_tenant_changelist"),
                {"action": "sync_now", "_selected_action": [tenant.pk]},
                follow=True,
            )
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 200
    page = response.content.decode()
    messages = page[page.index('class="messagelist"') :].split("</ul>")[0].lower()
    assert "queue" in messages  # a warning that says the task queue is unreachable, not "Sync started"


@pytest.mark.django_db
def test_rate_limits_count_in_one_redis_round_trip_and_fail_open_while_redis_is_down(
    tenant, oidc_provider, own_redis, redis_sessions, settings, monkeypatch
):
    import redis
    from redis.client import Pipeline

    settings.DEBUG = False
    redis_sessions(own_redis)
    settings.GATEWAY_RATE_SIGNIN_PER_IP, settings.GATEWAY_RATE_SIGNIN_PER_TENANT = "3/m", "100/m"
    minute = time.time() // 60 * 60
    monkeypatch.setattr(limits, "clock", lambda: minute)  # one window, even if the test crosses a minute
    idp = provider_for(tenant, oidc_provider)
    round_trips = []
    execute = Pipeline.execute
    monkeypatch.setattr(Pipeline, "execute", lambda self, **kw: round_trips.append(len(self)) or execute(self, **kw))
    statuses = [Client().get(idp.login_path()).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert round_trips == [4, 4, 4, 4]  # INCR and EXPIRE of the IP's and the tenant's counters, together
    counters = redis.Redis.from_url(own_redis.url(0)).keys("*gw.rl.*")
    assert len(counters) == 2
    assert all(0 < redis.Redis.from_url(own_redis.url(0)).ttl(key) <= 61 for key in counters)

    own_redis.kill()
    assert [Client(raise_request_exception=False).get(idp.login_path()).status_code for _ in range(2)] == [302, 302]


def test_the_cache_builds_its_redis_client_once(own_redis, redis_sessions):
    from django.core.cache import caches

    redis_sessions(own_redis)
    cache = caches["default"]
    cache.set("a", 1)
    assert cache.get("a") == 1 and cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    own_redis.kill()
    assert cache.get("a") is None  # down: a miss, as before
    own_redis.start()
    cache.set("a", 2)
    assert cache.get("a") == 2  # the same client reconnects
