"""Issue 19, item 5: the backup and restore drill of docs/deployment.md on PostgreSQL.

The demo is committed to the test database, which is dumped with ``pg_dump -Fc`` and restored
with ``pg_restore`` into a fresh database; ``manage.py verify_records`` against the restored
copy finds every frozen hash and money sum as it was (exit status 0). A row changed in the
copy afterwards is reported (exit status 1).
"""

import glob
import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from processes.models import AgreementVersion
from werkdruk.celery import app

ROOT = Path(__file__).resolve().parents[2]


def pg_program(name: str) -> str:
    """The newest PostgreSQL client program of that name that Debian installed."""
    found = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not found:
        pytest.fail(f"{name} not found under /usr/lib/postgresql/*/bin: apt-get install postgresql")
    return max(found, key=lambda path: int(Path(path).parts[-3]))


def server_options() -> list[str]:
    database = settings.DATABASES["default"]
    return [
        *("-h", database["HOST"], "-p", str(database["PORT"]), "-U", database["USER"]),
        "--no-password",
    ]


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def verify(name: str) -> subprocess.CompletedProcess:
    """``manage.py verify_records`` in a process of its own, against database ``name``."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "verify_records"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "werkdruk.settings.test",
            "DATABASE_URL": database_url(name),
            "DB_CONN_MAX_AGE": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def restored_name():
    name = f"{settings.DATABASES['default']['NAME']}_restored"
    yield name
    subprocess.run(  # noqa: S603
        [pg_program("dropdb"), *server_options(), "--if-exists", "--force", name], check=True
    )


def test_dump_restore_into_a_fresh_database_and_verify(transactional_db, tmp_path, restored_name):
    # Commit the demo; its tasks run in this process, not queued for a worker that is gone.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(DEBUG=True):
            call_command("demo", stdout=io.StringIO())
    finally:
        app.conf.task_always_eager = eager
    assert AgreementVersion.objects.exists()

    dump = tmp_path / "werkdruk.dump"
    source = settings.DATABASES["default"]["NAME"]
    subprocess.run(  # noqa: S603
        [pg_program("pg_dump"), *server_options(), "-Fc", "-f", str(dump), source], check=True
    )
    subprocess.run([pg_program("createdb"), *server_options(), restored_name], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            pg_program("pg_restore"),
            *server_options(),
            *("--no-owner", "--exit-on-error", "-d", restored_name),
            str(dump),
        ],
        check=True,
    )

    result = verify(restored_name)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No differences." in result.stdout
    assert "0 agreement versions" not in result.stdout  # the copy has the records
    assert "0 budget splits" not in result.stdout

    # The drill's other half: a row changed in the copy is found.
    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        dbname=restored_name,
        autocommit=True,
    ) as connection:
        connection.execute(
            "UPDATE processes_agreementversion "
            "SET content = jsonb_set(content, '{school_year}', '\"1999-2000\"') "
            "WHERE id = (SELECT min(id) FROM processes_agreementversion)"
        )

    result = verify(restored_name)

    assert result.returncode == 1
    assert "processes.AgreementVersion #" in result.stdout
    assert "content_hash: expected " in result.stdout
    assert "1 difference found." in result.stderr
