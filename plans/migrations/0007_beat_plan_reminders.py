"""Seed the beat schedule: reminders of the unit plans' deadline every morning (editable in
the admin)."""

from django.db import migrations

TASK = "plans.tasks.plan_reminders_send"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Amsterdam",
    )
    PeriodicTask.objects.get_or_create(
        name="Unit plan reminders", defaults={"task": TASK, "crontab": crontab}
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_workload_causes_seed"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
