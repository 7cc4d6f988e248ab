"""Issue 14 item 4: a vote that is open while the upgrade runs is sealed by the migration.

Its plain ballots become sealed ballots under a new key kept in the key folder, and a paper
batch waiting for its second teller keeps only the keyed hash of its counts. Run in a fresh
SQLite database in another process, so that migrating back and forth touches no test data.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime, json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = ("voting", "0004_unit_plan_vote")
executor = MigrationExecutor(connection)
executor.migrate([OLD])
# Every other app as it is now, voting as it was before the upgrade.
others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "voting"]
old = executor.loader.project_state([*others, OLD]).apps
M = lambda app, name: old.get_model(app, name)
now = timezone.now()
user = M("accounts", "User").objects.create(email="pmr@school.nl")
board = M("processes", "Board").objects.create(name="Board")
school = M("processes", "School").objects.create(board=board, name="School", brin="00AA")
year, _ = M("processes", "SchoolYear").objects.get_or_create(start_year=2026)
process = M("processes", "Process").objects.create(school=school, school_year=year)
vote = M("voting", "Vote").objects.create(
    process=process, kind="agreement", round=1, state="open", created_by=user,
    opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=1),
    base="votes_cast", majority_numerator=1, majority_denominator=2,
)
staff = [
    M("units", "StaffMember").objects.create(
        school=school, name=f"P{i}", email=f"p{i}@school.nl", category="OP", fte=1
    )
    for i in range(4)
]
Voter = M("voting", "Voter")
voters = [Voter.objects.create(vote=vote, staff_member=s, category="OP") for s in staff]
for voter, choice, receipt in zip(voters[:2], ["abstain", "yes"], ["a" * 64, "b" * 64]):
    M("voting", "Participation").objects.create(voter=voter)
    M("voting", "Ballot").objects.create(
        vote=vote, choice=choice, appreciation={"1": 3}, receipt_hash=receipt
    )
batch = M("voting", "PaperBatch").objects.create(
    vote=vote, ballot_count=2, yes_count=2, no_count=0, abstain_count=0, entered_by=user
)
batch.voters.set(voters[2:])

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from voting import keys, sealing
from voting.models import Ballot, PaperBatch, Vote
from voting.services import custody

vote = Vote.objects.get(pk=vote.pk)
private = keys.secret_read(vote.key_id, keys.PRIVATE)
ballots = list(Ballot.objects.filter(vote=vote).values_list("choice", "receipt_hash", "sealed"))
print(json.dumps({
    "keys_ready": vote.keys_ready,
    "custody": vote.key_custody,
    "key_matches": sealing.public_key_of(private) == vote.public_key,
    "plain": [[c, r] for c, r, s in ballots],
    "opened": sorted(sealing.unseal(private, s)["c"] + sealing.unseal(private, s)["r"][:1]
                     for c, r, s in ballots),
    "batch_matches": custody.counts_match(vote, (2, 0, 0), PaperBatch.objects.get().counts_mac),
    "batch_other": custody.counts_match(vote, (1, 1, 0), PaperBatch.objects.get().counts_mac),
}))
"""


def test_item4_the_upgrade_seals_the_ballots_of_a_vote_open_at_that_moment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="werkdruk.settings.test",
        WERKDRUK_VAR_DIR=str(tmp_path),
        VOTE_KEY_DIR=str(tmp_path / "keys"),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [*manage, "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )

    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["keys_ready"] and outcome["custody"] == "server" and outcome["key_matches"]
    assert outcome["plain"] == [["", None], ["", None]]
    assert outcome["opened"] == ["abstaina", "yesb"]
    assert outcome["batch_matches"] and not outcome["batch_other"]
