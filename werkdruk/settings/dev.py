"""Local development: SQLite, e-mail printed to the console, a worker on the filesystem broker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Links in e-mails point at the address the development server really runs on (bin/dev-server
# exports DEV_SERVER_ADDRESS for the web server and the worker alike).
SITE_URL = env.str(
    "SITE_URL", default=f"http://{env.str('DEV_SERVER_ADDRESS', default='127.0.0.1:8000')}"
)

(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)  # noqa: F405
