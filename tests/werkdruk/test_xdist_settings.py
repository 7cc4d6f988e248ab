"""The test settings under pytest-xdist: each xdist worker on Redis databases of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND]))"
)


def celery_urls(**env_changes):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="werkdruk.settings.test")
    env.pop("PYTEST_XDIST_WORKER", None)  # set when this test itself runs under xdist
    env.update(env_changes)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


REDIS = {
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/1",
}


@pytest.mark.parametrize(
    ("worker", "expected"),
    [
        (None, ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"]),
        ("gw0", ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"]),
        ("gw1", ["redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/3"]),
        ("gw5", ["redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/11"]),
    ],
)
def test_each_xdist_worker_has_its_own_pair_of_redis_databases(worker, expected):
    env = dict(REDIS, **({"PYTEST_XDIST_WORKER": worker} if worker else {}))
    assert celery_urls(**env) == expected


def test_the_filesystem_broker_is_left_alone():
    urls = celery_urls(PYTEST_XDIST_WORKER="gw1", CELERY_BROKER_URL="filesystem://")
    assert urls[0] == "filesystem://"
