"""The heartbeat that /health/ reads, and its place in the beat schedule (every minute)."""

from django.db import migrations, models

TASK = "werkdruk.tasks.beat_heartbeat"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Beat heartbeat",
        # A heartbeat that waited more than a minute for a worker is worth nothing any more.
        defaults={"task": TASK, "interval": every_minute, "expire_seconds": 60},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("werkdruk", "0001_form_submissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("job", models.CharField(max_length=50, unique=True)),
                ("beat_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(seed, unseed),
    ]
