"""The Celery application; tasks live in each app's tasks.py."""

import logging
import os

from celery import Celery
from celery.signals import setup_logging, task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkdruk.settings.dev")

logger = logging.getLogger("werkdruk.tasks")

app = Celery("werkdruk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_projects_logging(**kwargs):
    """Worker and beat log through the project's LOGGING, whose handler removes personal codes.

    Without a receiver for this signal Celery replaces the root logger's handlers with its
    own (``worker_hijack_root_logger``), which have no such filter. With one, Celery leaves
    logging alone (also sys.stdout and sys.stderr), and ``LOG_LEVEL`` sets the level.
    """
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, **extra):
    """A failed task in the log with what it was given: its name, id and arguments.

    The arguments go through the log handler's filter like every message (personal codes
    become "…"); the traceback too. Celery's own line names the task and the exception only.
    """
    name = getattr(sender, "name", None) or repr(sender)
    logger.error(
        "Task %s [%s] failed: %s; args=%r kwargs=%r",
        name,
        task_id,
        f"{type(exception).__name__}: {exception}",
        tuple(args or ()),
        dict(kwargs or {}),
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
        extra={"task_name": name, "task_id": task_id},
    )
