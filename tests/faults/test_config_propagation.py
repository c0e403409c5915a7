"""A configuration change is seen at once by every gunicorn worker, not when their local caches expire.

Each process caches tenants and providers (sso_gateway/localcache.py); here the cache's lifetime is an hour,
so only the published configuration generation can make a worker that cached "no such provider" see the
provider an admin has just added. Needs PostgreSQL (the workers and this test share the database) and Redis.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import provider_at
from tests.faults.processes import gunicorn
from tests.faults.services import skip_without_worker_env


def _worker_pids_that_answered(server, status: int, path: str) -> set[str]:
    return set(re.findall(rf'"GET {re.escape(path)}" {status} .*pid=<(\d+)>', server.log.read_text()))


@pytest.mark.django_db(transaction=True)
def test_a_provider_added_is_used_at_once_by_both_gunicorn_workers(
    tenant, oidc_provider, own_redis, redis_sessions, tmp_path
):
    skip_without_worker_env()
    redis_sessions(own_redis)  # this process publishes to the Redis the workers read
    provider_at(oidc_provider, tenant=tenant, slug="first")
    path = "/acme/login/new/"
    with gunicorn(
        tmp_path, workers=2, threads=1, REDIS_URL=own_redis.url(0), GATEWAY_CONFIG_CACHE_SECONDS=3600
    ) as server:

        def start() -> int:
            headers = {"Connection": "close"}
            return requests.get(server.url + path, allow_redirects=False, timeout=10, headers=headers).status_code

        with ThreadPoolExecutor(8) as pool:
            for _ in range(25):  # until both workers have cached "no provider 'new'" (bounded)
                assert set(pool.map(lambda _: start(), range(8))) == {404}
                if len(_worker_pids_that_answered(server, 404, path)) == 2:
                    break
            assert len(_worker_pids_that_answered(server, 404, path)) == 2, server.tail()

            provider_at(oidc_provider, tenant=tenant, slug="new")  # the admin's save, committed
            answers = []
            for _ in range(25):  # every answer from now on, from either worker, starts the sign-in
                answers += pool.map(lambda _: start(), range(8))
                if len(_worker_pids_that_answered(server, 302, path)) == 2:
                    break
        assert set(answers) == {302}, answers
        assert len(_worker_pids_that_answered(server, 302, path)) == 2, server.tail()
