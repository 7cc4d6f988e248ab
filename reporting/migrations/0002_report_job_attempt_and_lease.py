"""A run number and a lease per report job (restart after a lost worker), and the watchdog in
the beat schedule: every minute."""

from django.db import migrations, models

import reporting.models

TASK = "reporting.tasks.report_jobs_watch"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Annual report jobs: restart after a lost worker",
        defaults={"task": TASK, "interval": interval},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_report_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportjob",
            name="attempt",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempt"),
        ),
        migrations.AddField(
            model_name="reportjob",
            name="lease",
            field=models.CharField(
                default=reporting.models.new_lease, editable=False, max_length=32
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
