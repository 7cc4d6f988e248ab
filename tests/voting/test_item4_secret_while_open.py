"""Issue 14 item 4: the vote is secret while it is open, not only after.

A copy of the database taken while the vote runs (the file, a backup, the database's own row
bookkeeping that pairs a ballot with the participation written in the same transaction) must
show no choice: ballots are sealed to a key made for the vote, whose private half is kept
outside the database and destroyed once the vote is counted.
"""

import datetime
import os
import sqlite3

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from processes.models import Decision, ProcessStep
from tests.fixtures.ballots import choices_cast, opened_ballots
from voting import keys, sealing, selectors
from voting.models import Ballot, PaperBatch, Vote
from voting.services import closing
from voting.services.casting import receipt_check
from voting.services.closing import vote_cancel, vote_close, vote_void
from voting.services.common import sha256
from voting.services.custody import KeyLost, keys_sweep
from voting.services.messages import votes_tick
from voting.services.paper import paper_batch_confirm, paper_batch_enter
from werkdruk.exceptions import DomainError

from .conftest import cast_many, create_vote, past_closing, user

pytestmark = pytest.mark.django_db

CHOICES = ["abstain", "abstain", "abstain", "yes", "no"]


def key_files(vote) -> list[str]:
    vote.refresh_from_db()
    return sorted(p.name for p in keys.key_dir().glob(f"{vote.key_id}.*"))


def database_copy(tmp_path) -> bytes:
    """The raw bytes of the whole SQLite database, page by page (free pages included), as the
    file on disk holds them; also written to ``copy.sqlite3`` to be opened as a database."""
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL copy is tests/integration/test_vote_sealed_postgres.py")
    connection.ensure_connection()
    raw = connection.connection.serialize()
    (tmp_path / "copy.sqlite3").write_bytes(raw)
    return raw


def test_item4_an_open_votes_ballots_hold_nothing_readable(open_vote):
    receipts = cast_many(open_vote, CHOICES)

    rows = list(Ballot.objects.filter(vote=open_vote).values("choice", "receipt_hash", "sealed"))
    assert len(rows) == 5
    assert {(row["choice"], row["receipt_hash"]) for row in rows} == {("", None)}
    assert len({bytes(row["sealed"]) for row in rows}) == 5  # three abstains, three sealings
    assert len({len(row["sealed"]) for row in rows}) == 1  # a "no" is as long as an "abstain"
    # What was cast is there for whoever holds the key (here: the test, with the server's).
    assert choices_cast(open_vote) == sorted(CHOICES)
    assert sorted(c["r"] for c in opened_ballots(open_vote)) == sorted(sha256(r) for r in receipts)


def test_item4_a_copy_of_the_database_file_during_the_vote_shows_no_choice(open_vote, tmp_path):
    # The word may stand in the database already (the rule's text, a demo decision): what
    # matters is that three abstentions add none.
    before = database_copy(tmp_path).count(b"abstain")
    receipts = cast_many(open_vote, CHOICES)

    raw = database_copy(tmp_path)

    assert raw.count(b"abstain") == before
    for receipt in receipts:
        assert receipt.encode() not in raw
        assert sha256(receipt).encode() not in raw
    # Nor the key that would open the ballots: only its public half is in the database.
    private = keys.secret_read(Vote.objects.get(pk=open_vote.pk).key_id, keys.PRIVATE)
    assert private is not None and private not in raw
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    stored = copy.execute("SELECT choice, receipt_hash, appreciation FROM voting_ballot").fetchall()
    copy.close()
    assert set(stored) == {("", None, "{}")}


def test_item4_the_private_key_lives_in_the_key_folder_with_owner_only_access(open_vote):
    vote = Vote.objects.get(pk=open_vote.pk)
    assert vote.public_key and vote.keys_ready
    path = keys.key_dir() / f"{vote.key_id}.{keys.PRIVATE}"
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.key_dir().stat().st_mode & 0o077 == 0
    assert sealing.public_key_of(path.read_bytes()) == vote.public_key


def test_item4_counting_opens_the_ballots_and_the_result_equals_the_cast_choices(open_vote):
    receipts = cast_many(open_vote, CHOICES + ["yes", "yes"])
    vote = vote_close(vote=past_closing(open_vote))

    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (3, 1, 3)
    assert vote.outcome == Vote.Outcome.REJECTED  # 3 yes of 7 cast is not more than half
    rows = list(Ballot.objects.filter(vote=vote).values_list("choice", "sealed"))
    assert sorted(choice for choice, _sealed in rows) == sorted(CHOICES + ["yes", "yes"])
    assert all(sealed is None for _choice, sealed in rows)
    # Receipts still work after closing.
    assert all(receipt_check(vote=vote, code=r) for r in receipts)


def test_item4_after_counting_the_private_key_is_gone(
    open_vote, django_capture_on_commit_callbacks
):
    cast_many(open_vote, ["yes"])
    assert keys.PRIVATE in {name.split(".")[1] for name in key_files(open_vote)}

    with django_capture_on_commit_callbacks(execute=True):
        vote_close(vote=past_closing(open_vote))

    assert key_files(open_vote) == []


def test_item4_the_key_survives_a_count_that_fails(
    open_vote, monkeypatch, django_capture_on_commit_callbacks
):
    """The key is destroyed after the counting commits, never before: a count that fails at
    its very end (here the procedure's reaction to the result) can be tried again."""
    cast_many(open_vote, ["yes"])

    def fail(*args):
        raise DomainError("The procedure could not move on.")

    monkeypatch.setitem(closing.ON_CLOSE, Vote.Kind.AGREEMENT, fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        vote_close(vote=past_closing(open_vote))

    assert Vote.objects.get(pk=open_vote.pk).state == Vote.State.OPEN
    assert any(name.endswith(keys.PRIVATE) for name in key_files(open_vote))
    monkeypatch.undo()
    assert vote_close(vote=open_vote).yes_count == 1


def test_item4_a_damaged_ballot_stops_the_count(open_vote):
    cast_many(open_vote, ["yes", "no"])
    ballot = Ballot.objects.filter(vote=open_vote).first()
    Ballot.objects.filter(pk=ballot.pk).update(sealed=b"damaged")

    with pytest.raises(DomainError):
        vote_close(vote=past_closing(open_vote))
    assert Vote.objects.get(pk=open_vote.pk).state == Vote.State.OPEN


def test_item4_a_key_folder_that_is_not_there_is_not_a_lost_key(open_vote, pmr, settings, tmp_path):
    """An unmounted or wrong folder must never lead to declaring a countable vote void."""
    settings.VOTE_KEY_DIR = str(tmp_path / "not-mounted")
    vote = past_closing(open_vote)

    assert selectors.key_status(vote) == selectors.KEY_UNAVAILABLE
    with pytest.raises(keys.FolderUnavailable):
        vote_close(vote=vote, actor=pmr)
    with pytest.raises(DomainError, match="not lost"):
        vote_void(vote=vote, actor=pmr, grounds="Gone?")
    assert not (tmp_path / "not-mounted").exists()  # reading never creates the folder


def test_item4_paper_ballots_are_sealed_and_a_waiting_entry_keeps_no_counts(open_vote, pmr):
    five = list(open_vote.voters.order_by("pk")[:5])
    batch = paper_batch_enter(
        vote=open_vote, actor=pmr, voters=five, yes=5, no=0, abstain=0, description="Meeting"
    )

    stored = PaperBatch.objects.filter(pk=batch.pk).values().get()
    assert not {"yes_count", "no_count", "abstain_count"} & set(stored)
    salt, digest = stored["counts_mac"].split("$")
    assert len(digest) == 64 and salt  # a salted keyed hash, its key in the key folder
    paper_batch_confirm(batch=batch, actor=user("pmr2"), yes=5, no=0, abstain=0)
    assert PaperBatch.objects.get(pk=batch.pk).counts_mac == ""  # compared, then dropped
    assert set(Ballot.objects.filter(vote=open_vote).values_list("choice", flat=True)) == {""}
    assert choices_cast(open_vote) == ["yes"] * 5


def test_item4_a_lost_key_stops_the_count_and_the_vote_is_declared_void_and_held_again(
    open_vote, pmr, django_capture_on_commit_callbacks
):
    cast_many(open_vote, ["yes", "yes"])
    vote = past_closing(open_vote)
    keys.secrets_destroy(vote.key_id)  # the server was restored without its key folder

    with pytest.raises(KeyLost):
        vote_close(vote=vote, actor=pmr)
    # The scheduled task leaves it open (and logs), it does not count it as nothing.
    votes_tick()
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN

    with pytest.raises(DomainError):
        vote_void(vote=vote, actor=pmr, grounds="")
    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_void(vote=vote, actor=pmr, grounds="Restored from a backup.")

    assert (vote.state, vote.outcome, vote.cast_count) == ("closed", "void", 2)
    assert not Ballot.objects.filter(vote=vote).exists()
    decision = Decision.objects.get(action="voting.vote.void")
    assert decision.grounds == "Restored from a backup."
    assert "void" in decision.summary
    # Held again: step 4 is still open and the next round can be prepared.
    assert vote.process.steps.get(number=4).state == ProcessStep.State.OPEN
    assert create_vote(vote.process, pmr).round == 2
    with pytest.raises(DomainError):
        receipt_check(vote=vote, code="AAAA-AAAA-AAAA-AAAA")


def test_item4_a_vote_whose_key_is_there_cannot_be_declared_void(open_vote, pmr):
    with pytest.raises(DomainError):
        vote_void(vote=open_vote, actor=pmr, grounds="Just because.")
    assert Vote.objects.get(pk=open_vote.pk).state == Vote.State.OPEN


def test_item4_only_the_pmr_declares_a_vote_void(open_vote, director):
    keys.secrets_destroy(Vote.objects.get(pk=open_vote.pk).key_id)
    with pytest.raises(PermissionDenied):
        vote_void(vote=open_vote, actor=director, grounds="Lost.")


def test_item4_cancelling_destroys_the_sealed_ballots_and_the_key(
    open_vote, pmr, django_capture_on_commit_callbacks
):
    cast_many(open_vote, ["no"])
    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_cancel(vote=open_vote, actor=pmr, grounds="The split must change.")

    assert (vote.outcome, vote.cast_count) == ("cancelled", 1)
    assert not Ballot.objects.filter(vote=vote).exists()
    assert key_files(vote) == []


def test_item4_the_sweep_removes_key_files_of_votes_no_longer_open(open_vote, pmr):
    stray = "00000000-0000-0000-0000-000000000001"
    keys.secret_write(stray, keys.PRIVATE, b"x" * 32)
    assert keys_sweep() == 0  # too young: a vote may be opening right now
    old = timezone.now() - datetime.timedelta(hours=2)
    for path in keys.key_dir().iterdir():
        os.utime(path, (old.timestamp(), old.timestamp()))

    (keys.key_dir() / "lost+found").mkdir(exist_ok=True)  # a volume's own folder
    (keys.key_dir() / "notes.txt").write_text("not ours")

    keys_sweep()

    assert not keys.secret_exists(stray, keys.PRIVATE)
    assert key_files(open_vote)  # the open vote keeps its key
    assert (keys.key_dir() / "notes.txt").exists()  # only our own files are ever touched
