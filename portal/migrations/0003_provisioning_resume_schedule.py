"""Beat entry for `portal.tasks.customer_provision_resume`: every 5 minutes, provisioning retries that
never reached the task queue (it was down when the customer came) are queued again."""

from django.db import migrations

TASK_NAME = "Resume provisioning retries the queue never took"
TASK = "portal.tasks.customer_provision_resume"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": TASK, "interval": interval, "enabled": True, "description": "Provisioning safety net."},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_provisioning_resume"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
