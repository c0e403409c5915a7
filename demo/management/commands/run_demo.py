"""`manage.py run_demo` (what bin/run execs): the whole product on one machine.

Starts the fake Jira site in this process, sets up the demo tenant against it and the demo identity
provider, then supervises the gateway (runserver), a Celery worker and Celery beat. Without REDIS_URL
the broker is kombu's filesystem transport in var/broker/ (no server needed). Ctrl-C stops them all.
"""

import os
import sys
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import services, supervisor
from demo.banner import banner
from demo.jira import demo_site_start
from demo.selectors import demo_overview
from tenants.links import absolute

START_TIMEOUT = 60.0
# A quiet console: the banner above says what runs, so not each process's own banner and notices. runserver's
# "development server" notice is for deployments, which docs/production.md makes with gunicorn.
QUIET = {"DJANGO_RUNSERVER_HIDE_WARNING": "true"}
# Celery warns when its worker runs as root (a container, a VM's only user): the worker then runs tasks with the
# rights of root. Here it is safe to silence: the worker accepts JSON only (Celery refuses to start as root with
# pickle), from a broker directory in var/ that only this user can write, and runs the gateway's own tasks on a
# database this same user owns; bin/run as a normal user shows no warning to silence.
# (By its message: PYTHONWARNINGS is read before site-packages can be imported, so it cannot name Celery's class.)
WORKER_AS_ROOT = {"PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges"}


class Command(BaseCommand):
    help = "Run the local demo: gateway, Celery worker and beat, demo identity provider, fake Jira site."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default=os.environ.get("GATEWAY_LISTEN", "127.0.0.1:8000"))
        parser.add_argument("--jira-port", type=int, default=int(os.environ.get("GATEWAY_DEMO_JIRA_PORT", "0")))

    def handle(self, *args, listen, jira_port, **options):
        if not settings.GATEWAY_DEMO:
            raise CommandError("Demo mode is off (GATEWAY_DEMO=false); bin/run turns it on.")
        # With REDIS_URL: the database after the cache's. The filesystem transport ignores the host; naming one keeps
        # kombu from warning "No hostname was supplied" in every process.
        broker = settings.CELERY_BROKER_URL or "filesystem://localhost//"
        procs = supervisor.Supervisor(env={**os.environ, "CELERY_BROKER_URL": broker, **QUIET})
        supervisor.raise_stop_on_signals()  # from here on, Ctrl-C ends in `finally`, whatever the step
        site = None
        try:
            site = demo_site_start(token=services.jira_token(), port=jira_port, ports=_previous_port())
            self._set_up(site)
            self._start(procs, listen=listen)
            self.stdout.write(banner(overview=demo_overview(), home_url=absolute("/"), jira_url=site.fake.url,
                                     broker=broker.split("://")[0] + "://"))  # fmt: skip
            self.stdout.flush()
            died = procs.watch()
            raise CommandError(f"The {died} process stopped; stopping the others.")
        except supervisor.Stop:
            self.stdout.write("\nStopping the gateway, the Celery worker and beat ...")
        finally:
            supervisor.ignore_signals()
            procs.stop()
            if site is not None:
                site.fake.stop()
        self.stdout.write("Stopped.")

    def _set_up(self, site) -> None:
        tenant = services.demo_tenant_ensure()
        run = services.demo_jira_connect(tenant=tenant, site_url=site.fake.url, email=site.email, token=site.token)
        if run.outcome != run.Outcome.SUCCESS:
            raise CommandError(f"The first sync of the demo tenant failed: {run.error}")

    def _start(self, procs: supervisor.Supervisor, *, listen: str) -> None:
        python, manage = sys.executable, str(settings.BASE_DIR / "manage.py")
        celery = [python, "-m", "celery", "-A", "sso_gateway"]
        procs.start("gateway", [python, manage, "runserver", "--noreload", listen])
        procs.start("worker", [*celery, "--quiet", "worker", "--pool", "solo", "--loglevel", "WARNING",
                               "--without-gossip", "--without-mingle", "--without-heartbeat"],
                    env=WORKER_AS_ROOT if os.geteuid() == 0 else None)  # fmt: skip
        procs.start("beat", [*celery, "--quiet", "beat", "--loglevel", "WARNING",
                             "--schedule", str(settings.VAR_DIR / "beat")])  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        died = procs.watch(until=lambda: _answers(absolute("/healthz")) or time.monotonic() > deadline)
        if died:
            raise CommandError(f"The {died} process did not start.")
        if not _answers(absolute("/healthz")):
            raise CommandError(f"The gateway did not answer at {absolute('/healthz')} within {START_TIMEOUT:.0f}s.")


def _previous_port() -> tuple[int, ...]:
    """Last run's port of the fake Jira site, so a tenant connected to it by hand keeps its site URL."""
    try:
        port = urlsplit(services.demo_site_url_previous()).port
    except ValueError:
        return ()
    return (port,) if port else ()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
