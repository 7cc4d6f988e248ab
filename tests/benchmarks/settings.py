"""The benchmarks' settings: production's, plus the floor endpoint (see ``urls``).

Everything else comes from the environment exactly as in production (``vote_bench.py`` sets
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and the rest).
"""

from werkdruk.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
