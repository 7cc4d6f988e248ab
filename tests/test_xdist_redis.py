"""tests/plugins/xdist_redis.py: each pytest-xdist worker on Redis databases of its own."""

import pytest

from tests.plugins.xdist_redis import xdist_redis_environment

REDIS = {
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/1",
}


@pytest.mark.parametrize(
    ("worker", "broker", "backend"),
    [
        ("gw0", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("gw1", "redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/3"),
        ("gw5", "redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/11"),
    ],
)
def test_each_xdist_worker_has_its_own_pair_of_redis_databases(worker, broker, backend):
    environment = xdist_redis_environment({**REDIS, "PYTEST_XDIST_WORKER": worker})
    assert environment == {"CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": backend}


def test_nothing_changes_outside_xdist_or_without_redis():
    assert xdist_redis_environment(REDIS) == {}
    filesystem = {"CELERY_BROKER_URL": "filesystem://", "PYTEST_XDIST_WORKER": "gw1"}
    assert xdist_redis_environment(filesystem) == {}
