"""Queueing Celery work from a request without letting a broker outage become a 500.

Tasks are sent once the current transaction commits (HackSoft: tasks take ids, queued with
on_commit). If the broker cannot be reached, the failure is logged and handed to `on_failure`,
so the caller can tell the person (the admin's "Sync now") or leave a mark that a periodic task
picks up later (provisioning: `portal.tasks.customer_provision_resume`).
"""

import logging
from collections.abc import Callable

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def publish_on_commit(task, *, args: tuple, on_sent: Callable[[], None] | None = None,
                      on_failure: Callable[[Exception], None] | None = None, **options) -> None:  # fmt: skip
    def send() -> None:
        try:
            task.apply_async(args=args, **options)
        except OperationalError as exc:
            logger.warning("Could not queue %s: the task broker is unreachable (%s)", task.name, exc)
            if on_failure is not None:
                on_failure(exc)
            return
        if on_sent is not None:
            on_sent()

    transaction.on_commit(send)
