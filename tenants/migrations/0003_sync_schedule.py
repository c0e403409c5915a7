"""Creates the Celery beat schedule that syncs every tenant's service desks.

The interval comes from settings.GATEWAY_SYNC_INTERVAL_MINUTES at migration time; afterwards it is
edited in the admin (Periodic tasks → "Sync service desks of every tenant").
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Sync service desks of every tenant"
TASK = "tenants.tasks.service_desks_sync_all"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minutes = int(getattr(settings, "GATEWAY_SYNC_INTERVAL_MINUTES", 30))
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": TASK, "interval": interval, "enabled": True, "description": "Keeps service desks in sync."},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0002_sync_lock_org_rules_grants"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
