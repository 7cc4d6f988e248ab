"""Issue 14 item 4 on PostgreSQL: while the vote is open, a dump of the database and the
database's own row bookkeeping (``xmin``) pair every ballot with its participation, but the
ballot holds nothing readable; the real Celery worker counts the vote with the key from the key
folder, the result equals the cast choices, and the key is destroyed."""

import datetime
import glob
import subprocess
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.fixtures.ballots import choices_cast
from voting import keys
from voting.models import Ballot, Vote
from voting.services.casting import ballot_cast, receipt_check
from voting.services.common import sha256
from voting.tasks import votes_tick

from .test_vote_concurrency import open_vote  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHOICES = ["abstain", "abstain", "yes"]
RESULT_TIMEOUT = 60


def pg_dump(*args) -> str:
    """``pg_dump`` of the test database, as someone holding a backup would have it."""
    binary = max(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    db = settings.DATABASES["default"]
    command = [binary, "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], *args]
    return subprocess.run([*command, db["NAME"]], capture_output=True, text=True, check=True).stdout


def xmins(table) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table}")  # noqa: S608 (a table name of ours)
        return sorted(row[0] for row in cursor.fetchall())


def key_files(vote) -> list[str]:
    return sorted(p.name for p in keys.key_dir().glob(f"{vote.key_id}.*"))


def test_item4_a_dump_and_xmin_during_the_vote_pair_ballots_with_voters_but_show_no_choice(
    open_vote,  # noqa: F811
):
    before = pg_dump("--data-only").count("abstain")
    voters = list(open_vote.voters.order_by("pk"))
    receipts = [
        ballot_cast(vote=open_vote, voter=voter, choice=choice)
        for voter, choice in zip(voters, CHOICES, strict=True)
    ]

    # The bookkeeping does pair them: each ballot was written by the transaction that wrote its
    # participation (the participation in a savepoint, which has a later transaction id), so the
    # two interleave one to one. (Not always the very next id: transaction ids are the whole
    # server's, and the other test process may take one in between.)
    ballots = sorted(int(x) for x in xmins("voting_ballot"))
    participations = sorted(int(x) for x in xmins("voting_participation"))
    assert len(participations) == len(ballots) == len(CHOICES)
    for i, ballot in enumerate(ballots):
        assert (participations[i - 1] if i else 0) < ballot < participations[i]
    # ... but the ballot table, dumped as a backup would hold it, shows no choice and no receipt.
    ballots = pg_dump("--data-only", "--table", "voting_ballot")
    assert "abstain" not in ballots and "\tyes\t" not in ballots
    for receipt in receipts:
        assert sha256(receipt) not in ballots
    assert pg_dump("--data-only").count("abstain") == before
    # Nor is the private key anywhere in the database.
    vote = Vote.objects.get(pk=open_vote.pk)
    private = keys.secret_read(vote.key_id, keys.PRIVATE)
    assert private.hex() not in pg_dump("--data-only")
    assert choices_cast(vote) == sorted(CHOICES)


def test_item4_the_worker_counts_with_the_key_folder_and_destroys_the_key(
    open_vote,  # noqa: F811
    celery_worker_process,
):
    voters = list(open_vote.voters.order_by("pk"))
    receipts = [
        ballot_cast(vote=open_vote, voter=voter, choice=choice)
        for voter, choice in zip(voters, CHOICES, strict=True)
    ]
    sealed_ids = set(Ballot.objects.values_list("id", flat=True))
    Vote.objects.filter(pk=open_vote.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )

    assert votes_tick.delay().get(timeout=RESULT_TIMEOUT)["closed"] == 1

    vote = Vote.objects.get(pk=open_vote.pk)
    assert (vote.state, vote.yes_count, vote.no_count, vote.abstain_count) == ("closed", 1, 0, 2)
    rows = list(Ballot.objects.values_list("id", "choice", "sealed"))
    assert sorted(choice for _id, choice, _sealed in rows) == sorted(CHOICES)
    assert not sealed_ids & {row[0] for row in rows}
    assert all(sealed is None for *_rest, sealed in rows)
    # Rewritten in one transaction: the bookkeeping no longer tells one ballot from another.
    assert len(set(xmins("voting_ballot"))) == 1
    assert all(receipt_check(vote=vote, code=receipt) for receipt in receipts)
    # The worker destroys the key after its commit (a moment after the task's result).
    deadline = time.monotonic() + 10
    while key_files(vote) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert key_files(vote) == []
