"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkdruk.settings.dev")

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
