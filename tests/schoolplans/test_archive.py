"""The archive export (schoolplans/selectors/archive.py, ``manage.py export_process``)."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from plans.demo import demo_load
from plans.demo_plans import demo_plans
from plans.models import Measure, MeasureCategory
from processes.agreement import content_hash
from processes.models import Decision
from schoolplans.models import (
    EvaluationAgreement,
    MeasureSource,
    PmrDecision,
    Publication,
    PublicationComment,
    RatificationRecord,
    SchoolPlan,
    SchoolPlanMeasure,
    SchoolPlanVersion,
)
from schoolplans.selectors.archive import FORMAT, archive_content, archive_json
from units.models import WorkingMethod
from voting.models import Ballot, Participation, Vote, Voter, VoterToken
from voting.services import casting

TOP_LEVEL = {
    "format",
    "school",
    "board",
    "school_year",
    "process",
    "steps",
    "decisions",
    "board_decisions",
    "budget",
    "units",
    "frameworks",
    "factsheet",
    "agreements",
    "votes",
    "kickoff_sessions",
    "announcements",
    "working_methods",
    "unit_plans",
    "school_plan",
    "publications",
    "evaluation_agreement",
    "pmr_decisions",
    "ratification",
}
AMOUNT = re.compile(r"^\d+\.\d{2}$")


@pytest.fixture
def codes(monkeypatch):
    """Every personal code and receipt code handed out while the demo is built."""
    issued = []
    original = casting.new_code

    def recording(groups):
        code = original(groups)
        issued.append(code)
        return code

    monkeypatch.setattr(casting, "new_code", recording)
    return issued


@pytest.fixture
def baken(db, codes):
    """The demo's second school at step 8, built by the real services (steps 0-8)."""
    return demo_plans(demo_load())


def keys_of(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def test_export_holds_every_part_of_a_process_up_to_step_8(baken):
    data = archive_content(baken)
    assert set(data) == TOP_LEVEL
    assert data["format"] == FORMAT
    assert data["school"] == {"name": "Het Baken Lyceum", "brin": "34CD", "city": baken.school.city}
    assert data["school_year"] == str(baken.school_year)
    assert data["board"]["allocation"]["school_amount"] == data["budget"]["lines"][0]["amount"]
    assert [s["number"] for s in data["steps"]] == list(range(1, 12))
    assert {s["number"]: s["state"] for s in data["steps"]}[8] == "open"
    step1 = data["steps"][0]
    assert {s["side"] for s in step1["sign_offs"]} == {"director", "pmr"}
    # Every decision of the process, in time order; the board's step 0 for that year too.
    assert len(data["decisions"]) == baken.decisions.count() > 20
    assert (
        data["decisions"][0]["summary"] == baken.decisions.order_by("created_at", "pk")[0].summary
    )
    assert data["board_decisions"] and all(d["step"] == 0 for d in data["board_decisions"])
    # Units with counts and fte; the split with an amount per unit; amounts as strings.
    assert [u["name"] for u in data["units"]] == sorted(u.name for u in baken.units.all())
    assert (
        sum(u["staff_count"] for u in data["units"])
        == baken.school.staff_members.filter(active=True).count()
    )
    assert all(Decimal(u["fte"]) > 0 and AMOUNT.match(u["amount"]) for u in data["units"])
    split = data["budget"]["split"]
    assert split["method"] == "fte" and split["reserve_value"] == "5.00"
    assert sum(Decimal(u["amount"]) for u in split["units"]) + Decimal(
        split["reserve_amount"]
    ) == Decimal(data["budget"]["total"])
    assert len(data["frameworks"]) == 6
    # The frozen agreement with its hash, as voted on.
    (agreement,) = data["agreements"]
    assert agreement["sha256"] == content_hash(agreement["content"])
    # The staff vote and the unit's own vote: totals and rule only.
    votes = {(v["kind"], v["unit"]): v for v in data["votes"]}
    staff_vote = votes[("agreement", None)]
    assert staff_vote["outcome"] == "adopted" and staff_vote["agreement_version"] == 1
    assert staff_vote["cast"] == staff_vote["yes"] + staff_vote["no"] + staff_vote["abstain"]
    assert staff_vote["rule"]["quorum_percentage"] == 50
    assert votes[("unit_plan", "Docenten bèta en gamma")]["outcome"] == "adopted"
    # Steps 5-8.
    (session,) = data["kickoff_sessions"]
    assert session["attendance_mode"] == "counted" and session["attended"] == 38
    assert session["held_at"] is not None and session["starts_at"] == "14:30"
    assert len(data["announcements"]) == 3 and all(a["current"] for a in data["announcements"])
    leaders = {m["unit"]: m["leader"] for m in data["working_methods"]}
    assert leaders["Docenten talen en kunst"] == "Joris Meulenbelt"
    assert all(len(m["meetings"]) == 2 for m in data["working_methods"])
    plans = {p["unit"]: p for p in data["unit_plans"]}
    assert plans["Docenten bèta en gamma"]["state"] == "submitted"
    assert plans["Docenten bèta en gamma"]["approval_vote_round"] == 1
    assert plans["Docenten talen en kunst"]["state"] == "draft"
    measures = plans["Ondersteuning en leiding"]["measures"]
    assert len(measures) == 5 and measures[0]["cost_per_year"]
    assert any(m["changes_task_policy"] for m in measures)
    assert plans["Docenten bèta en gamma"]["acknowledged_warnings"]
    # Steps 9-11 have not started: their keys are there, empty.
    assert data["school_plan"] is None and data["evaluation_agreement"] is None
    assert data["ratification"] is None
    assert data["publications"] == data["pmr_decisions"] == []


def test_export_links_no_ballot_to_anyone_and_lists_no_voters(baken, codes):
    text = archive_json(baken)
    assert Ballot.objects.exists() and Participation.objects.exists() and codes
    secrets = (
        list(VoterToken.objects.values_list("token_hash", flat=True))
        + [b.receipt_hash for b in Ballot.objects.all() if b.receipt_hash]
        + [str(pk) for pk in Ballot.objects.values_list("id", flat=True)]
        + [str(pk) for pk in Participation.objects.values_list("id", flat=True)]
        + codes
    )
    assert secrets and not [s for s in secrets if s in text]
    # No voter's e-mail address, and no voter's name unless the decisions or a working
    # method already name that person as the one who acted.
    voters = Voter.objects.select_related("staff_member").filter(vote__process=baken)
    assert not [v for v in voters if v.staff_member.email in text]
    named = set(Decision.objects.filter(process=baken).values_list("actor_name", flat=True))
    named |= {m.leader.name for m in WorkingMethod.objects.filter(process=baken)}
    others = {v.staff_member.name for v in voters} - named
    assert len(others) > 20 and not [name for name in others if name in text]
    keys = set(keys_of(json.loads(text)))
    assert not {k for k in keys if re.search("ballot|voter|token|receipt|participations", k)}


def test_export_is_deterministic_json_that_round_trips(baken, tmp_path):
    text = archive_json(baken)
    assert archive_json(baken) == text
    data = json.loads(text)
    again = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert again == text
    assert data["budget"]["total"] == str(sum(line.amount for line in baken.budget_lines.all()))
    out = tmp_path / "baken.json"
    call_command("export_process", school="34cd", year=str(baken.school_year), out=str(out))
    assert out.read_text(encoding="utf-8") == text


def test_school_plan_publication_evaluation_and_ratification_come_from_their_models(baken):
    """Steps 9-11 as their models hold them (the services are tested in their own files)."""
    category = MeasureCategory.objects.get(code="organisational")
    unit_measure = Measure.objects.filter(plan__process=baken).order_by("pk").first()
    school_plan = SchoolPlan.objects.create(process=baken, introduction="Samen gelezen.")
    measure = SchoolPlanMeasure.objects.create(
        school_plan=school_plan,
        unit=unit_measure.plan.unit,
        title="Samengevoegd",
        category=category,
        first_year=2026,
        last_year=2026,
        cost_per_year={"2026": "100.00"},
        total_cost=Decimal("100"),
        annotation="Twee gelijke maatregelen.",
    )
    MeasureSource.objects.create(
        school_measure=measure,
        unit_measure=unit_measure,
        unit=unit_measure.plan.unit,
        unit_name=unit_measure.plan.unit.name,
        plan_revision=1,
        title=unit_measure.title,
        category_code=unit_measure.category.code,
        first_year=unit_measure.first_year,
        last_year=unit_measure.last_year,
        cost_per_year=unit_measure.cost_per_year,
        total_cost=unit_measure.total_cost,
    )
    content = {"measures": [{"title": "Samengevoegd"}]}
    version = SchoolPlanVersion.objects.create(
        school_plan=school_plan, number=1, content=content, content_hash=content_hash(content)
    )
    publication = Publication.objects.create(
        version=version, comments_until=datetime.date(2027, 3, 1), notified=[1, 2, 3]
    )
    PublicationComment.objects.create(
        publication=publication, author_name="Iemand Anders", text="Graag meer uitleg."
    )
    EvaluationAgreement.objects.create(
        process=baken,
        what="Werkdruk",
        indicators="Enquête",
        when="Juni",
        responsible="PMR",
        sharing="Personeelsvergadering",
        follow_up="Volgend jaar opnieuw meten.",
    )
    refusal = PmrDecision.objects.create(
        version=version,
        outcome=PmrDecision.Outcome.REFUSAL,
        meeting_date=datetime.date(2027, 3, 10),
        reasons="Te weinig voor het OOP.",
        recorded_at=timezone.now() - datetime.timedelta(hours=1),
    )
    refusal.units_to_revise.set([unit_measure.plan.unit])
    PmrDecision.objects.create(
        version=version, outcome="consent", meeting_date=datetime.date(2027, 3, 20)
    )
    RatificationRecord.objects.create(
        version=version, decision_list=[{"summary": "x"}], decision_list_hash="ab" * 32
    )

    data = archive_content(baken)
    plan = data["school_plan"]
    assert plan["introduction"] == "Samen gelezen."
    (exported,) = plan["measures"]
    assert exported["unit"] == unit_measure.plan.unit.name and exported["total_cost"] == "100.00"
    assert exported["sources"][0]["unit_measure"] == unit_measure.pk
    assert exported["sources"][0]["title"] == unit_measure.title
    assert plan["versions"] == [
        {
            "number": 1,
            "created_at": plan["versions"][0]["created_at"],
            "sha256": content_hash(content),
            "content": content,
        }
    ]
    (published,) = data["publications"]
    assert published["notified_count"] == 3 and published["comments_until"] == "2027-03-01"
    assert published["comments"][0]["text"] == "Graag meer uitleg."
    assert "Iemand Anders" not in archive_json(baken)  # the commenter is not named
    assert data["evaluation_agreement"]["follow_up"] == "Volgend jaar opnieuw meten."
    assert [d["outcome"] for d in data["pmr_decisions"]] == ["refusal", "consent"]
    assert data["pmr_decisions"][0]["units_to_revise"] == [unit_measure.plan.unit.name]
    assert data["ratification"]["version"] == 1
    assert data["ratification"]["decision_list_sha256"] == "ab" * 32


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("school", "year", "message"),
    [
        ("99ZZ", "2026-2027", "There is no school with BRIN code 99ZZ."),
        ("34CD", "2026", "Give the school year as two years with a hyphen, e.g. 2025-2026."),
        ("34CD", "2026-2028", "Give the school year as two years with a hyphen, e.g. 2025-2026."),
        ("34CD", "1999-2000", "Het Baken Lyceum has no process for 1999-2000."),
    ],
)
def test_command_refuses_unknown_school_year_or_process(db, school, year, message):
    demo_load()
    with pytest.raises(CommandError) as error:
        call_command("export_process", school=school, year=year)
    assert str(error.value) == message


def test_command_says_when_it_cannot_write_the_file(baken, tmp_path):
    out = tmp_path / "missing-folder" / "archive.json"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_process", school="34CD", year=str(baken.school_year), out=str(out))
    assert not out.exists()


def test_command_writes_to_standard_output_without_a_file(baken, capsys):
    call_command("export_process", school="34CD", year=str(baken.school_year))
    data = json.loads(capsys.readouterr().out)
    assert data["school"]["brin"] == "34CD"
    assert Vote.objects.filter(process=baken).count() == len(data["votes"])
