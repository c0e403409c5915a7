"""The Celery app. Without a broker (the embedded default) tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sso_gateway.settings")

app = Celery("sso_gateway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
