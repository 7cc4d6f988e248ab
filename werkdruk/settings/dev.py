"""Local development: SQLite, e-mail printed to the console, a worker on the filesystem broker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)  # noqa: F405
