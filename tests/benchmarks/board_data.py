"""The annual report benchmark's data: the demo board with N schools, each through step 11.

``build(schools=30)`` runs in a migrated, empty database (Django set up, eager Celery tasks) and
drives the real services, as the demo does:

- ``plans.demo.demo_load`` makes the demo board with the Erasmus College (about 120 staff) and
  Het Baken Lyceum (about 40); N - 2 more schools of 50 to 150 staff get a pupil count;
- the board fixes last school year's distribution over all N schools by pupil count (step 0);
- Het Baken gets the demo's own ratified process (``schoolplans.demo.demo_ratified``: 3 units,
  6 measures); every other school gets a ratified process of realistic size from this module:
  4 to 8 units, 15 to 40 measures, the split by fte, the frameworks, the agreement vote with a
  turnout of 60 to 95%, the kick-off with its attendance, a working method with meetings per
  unit, comments on the measures, the unit plans submitted, the school plan merged, published,
  the evaluation agreement, the PMR's consent and the director's sign-off;
- every process gets the demo's spending (``spending.demo.demo_spending``) and its baseline and
  follow-up survey (``surveys.demo.demo_survey``: 70% and 60% of the staff answer).

Deterministic for a given seed. Not idempotent: build into a fresh database.
"""

import datetime
import itertools
import random
import time
from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace
from unittest import mock

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from plans.demo import DEMO_FRAMEWORKS, _staff, _user, demo_allocation_final, demo_load
from plans.demo_plans import _measure_data, _sign_both
from plans.models import MeasureCategory, WorkloadCause
from plans.services.announcements import announcement_send
from plans.services.frameworks import framework_rule_create
from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plans import (
    measure_comment_add,
    measure_create,
    plan_for_unit,
    plan_update,
)
from processes import agreement
from processes import services as process_services
from processes.models import PupilCount, School, SchoolRole, SchoolYear
from schoolplans.demo import _publish_and_ratify, demo_ratified
from schoolplans.services import merge
from spending.demo import demo_spending
from surveys.demo import demo_survey
from units.models import (
    BudgetSplit,
    KickoffSession,
    OrganisationalUnit,
    StaffCategory,
    WorkingMethod,
)
from units.services import budget, split
from units.services import units as unit_services
from units.services.kickoff import (
    kickoff_attendance_count,
    kickoff_session_create,
    kickoff_session_mark_held,
)
from units.services.working_method import MeetingData, working_method_record
from voting.models import Vote
from voting.services import closing
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close
from voting.services.vote import vote_create, vote_open

PER_PUPIL = Decimal("330.00")  # the workload funds per pupil, as in the demo board's total
MAX_MEASURE = Decimal("39000")  # below the frameworks' warning of 40,000 per measure
CITIES = [
    "Alphen aan den Rijn", "Bodegraven", "Boskoop", "Gouda", "Hazerswoude", "Katwijk", "Lisse",
    "Noordwijk", "Oegstgeest", "Sassenheim", "Voorschoten", "Wassenaar", "Woerden", "Zoeterwoude",
    "Leiderdorp", "Nieuwkoop", "Waddinxveen", "Reeuwijk", "Kaag", "Hillegom", "Teylingen",
    "Warmond", "Rijnsburg", "Valkenburg", "Koudekerk", "Ter Aar", "Zwammerdam", "Moordrecht",
    "Montfoort", "Oudewater", "Haastrecht", "Schoonhoven",
]  # fmt: skip
KINDS = ["Lyceum", "College", "Scholengemeenschap", "Vakcollege", "Gymnasium"]
TEACHER_UNITS = [
    "Docenten talen", "Docenten exacte vakken", "Docenten mens en maatschappij",
    "Docenten kunst en sport", "Team onderbouw", "Team bovenbouw havo", "Team bovenbouw vwo",
]  # fmt: skip
SUPPORT_UNIT = "Ondersteuning en leiding"
CAUSES = ["marking", "meetings", "class_size", "supervision", "timetabling", "lesson_preparation"]
# category -> (titles, cost type, hourly rate)
MEASURES = {
    "task_relief": (["Correctie-uren bij de toetsweken", "Uren voor het mentoraat",
                     "Roostervrije middag voor de sectie"], "hours", "52.00"),
    "extra_staff": (["Onderwijsassistent-uren", "Extra conciërge-uren in de pauzes",
                     "Inval-uren bij ziekte"], "hours", "38.00"),
    "professionalisation": (["Scholing digitaal nakijken", "Training klassenmanagement",
                             "Intervisie voor nieuwe collega's"], "fixed", None),
    "materials_ict": (["Licenties voor een nakijkprogramma", "Laptops voor de sectie"], "fixed",
                      None),
    "organisational": (["Eén vergadering per maand minder", "Nakijkvrije week na de toetsweek",
                        "Vaste afspraken over e-mail na werktijd"], "none", None),
    "wellbeing": (["Teamdag", "Een rustige werkplek"], "fixed", None),
}  # fmt: skip


def build(*, schools=30, seed=2026, log=print) -> dict:
    """Build the board; returns {"board": pk, "school_year": start year, "schools": [pks]}."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    year = SchoolYear.objects.current().previous()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        result = demo_load()
        board = result["board"]
        erasmus, baken = result["schools"]
        extra = _schools(board, year, schools - 2, rng)
        _fix_allocation(board, year)
        started = time.monotonic()
        processes = [demo_ratified(result)]
        for school in [erasmus, *extra]:
            users = _accounts(school)
            processes.append(_ratified(school, year, users, rng))
            log(f"{school.name}: ratified ({len(processes)}/{schools}, "
                f"{time.monotonic() - started:.0f} s)")  # fmt: skip
        for process in processes:
            demo_spending(process)
            demo_survey(process)
        log(f"spending and surveys recorded ({time.monotonic() - started:.0f} s)")
    return {
        "board": board.pk,
        "school_year": year.start_year,
        "schools": [erasmus.pk, baken.pk, *(s.pk for s in extra)],
    }


@transaction.atomic
def _schools(board, year, count, rng) -> list[School]:
    """``count`` schools of 50 to 150 staff with about 9 to 13 pupils per staff member."""
    made = []
    for n in range(1, count + 1):
        city = CITIES[(n - 1) % len(CITIES)]
        school = School.objects.create(
            board=board,
            brin=f"{n:02d}R{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"[-4:],
            name=f"{KINDS[n % len(KINDS)]} {city} {n:02d}",
            city=city,
        )
        staff = rng.randint(50, 150)
        mt = max(2, staff // 20)
        oop = round(staff * 0.22)
        _staff(
            school,
            rng,
            [
                (StaffCategory.OP, staff - mt - oop),
                (StaffCategory.OOP, oop),
                (StaffCategory.MT, mt),
            ],
            f"s{n:02d}",
        )
        PupilCount.objects.create(
            school=school, school_year=year, pupil_count=staff * rng.randint(9, 13)
        )
        made.append(school)
    return made


@transaction.atomic
def _fix_allocation(board, year):
    """Step 0 of last school year over all schools: the funds per pupil times the pupils."""
    pupils = sum(PupilCount.objects.filter(school__board=board, school_year=year).values_list(
        "pupil_count", flat=True
    ))  # fmt: skip
    demo_allocation_final(
        board=board,
        school_year=year,
        total=PER_PUPIL * pupils,
        board_office_fte=Decimal("4.2"),
        actor=_user("bestuur", "Carla Zwart"),
    )


def _account(staff_member):
    """A sign-in account for a staff member (the e-mail's local part is the demo user's)."""
    if staff_member.user_id is None:
        staff_member.user = _user(staff_member.email.split("@")[0], staff_member.name)
        staff_member.save(update_fields=["user"])
    return staff_member.user


@transaction.atomic
def _accounts(school) -> dict:
    """The director and the PMR member of a school (the demo's own for the Erasmus College)."""
    roles = {
        r.role: r.user for r in SchoolRole.objects.filter(school=school).select_related("user")
    }
    director, pmr = roles.get(SchoolRole.Role.DIRECTOR), roles.get(SchoolRole.Role.PMR)
    staff = school.staff_members.order_by("email")
    if director is None:
        director = _account(staff.filter(category=StaffCategory.MT).first())
        SchoolRole.objects.create(user=director, school=school, role=SchoolRole.Role.DIRECTOR)
    if pmr is None:
        pmr = _account(staff.filter(category=StaffCategory.OP).last())
        SchoolRole.objects.create(user=pmr, school=school, role=SchoolRole.Role.PMR)
    return {"director": director, "pmr": pmr}


@transaction.atomic
def _ratified(school, year, users, rng):
    director, pmr = users["director"], users["pmr"]
    process = process_services.process_create(school=school, school_year=year, actor=director)
    for number, who in ((5, "director"), (6, "director"), (9, "director"), (10, "pmr")):
        # One side proposes, the other agrees (both sign off who carries it out).
        process_services.step_propose_actor(
            step=process.steps.get(number=number), actor=director, agreed_actor=who
        )
        process_services.step_agree_actor(step=process.steps.get(number=number), actor=pmr)
    budget.budget_line_from_allocation(process=process, actor=director)
    units = _units(process, director, rng)
    _sign_both(process, 1, director, pmr, "Eenheden besproken in de PMR.")
    split.split_save(
        process=process,
        actor=director,
        method=BudgetSplit.Method.FTE,
        reserve_kind=BudgetSplit.Reserve.PERCENTAGE,
        reserve_value=Decimal("5"),
        weights={},
        fixed_amounts={},
    )
    _sign_both(process, 2, director, pmr, "Verdeling naar fte, met 5% centrale reserve.")
    for text, kind, severity, check in DEMO_FRAMEWORKS:
        framework_rule_create(
            process=process, actor=director, text=text, kind=kind, severity=severity, **check
        )
    _sign_both(process, 3, director, pmr, "Kaders besproken in de PMR.")
    _staff_vote(process, pmr, rng)
    _kickoff_and_announcements(process, director, rng)
    coordinators = _working_methods(process, units, rng)
    _unit_plans(process, units, coordinators, rng)
    school_plan = merge.school_plan_create(process=process, actor=director)
    merge.school_plan_annotate(
        school_plan=school_plan,
        actor=director,
        introduction="Het plan volgt de eenheden; de reserve blijft voor onvoorzien.",
    )
    version = merge.school_plan_mark_final(school_plan=school_plan, actor=director)
    _publish_and_ratify(process, version, director, pmr, next(iter(coordinators.values())))
    return process


def _units(process, director, rng) -> list[OrganisationalUnit]:
    """3 to 7 units of teachers (by subject) and one of the support staff and the leadership."""
    count = rng.randint(4, 8)
    staff = list(process.school.staff_members.filter(active=True).order_by("department", "pk"))
    teachers = [s for s in staff if s.category == StaffCategory.OP]
    bounds = [i * len(teachers) // (count - 1) for i in range(count)]
    groups = [teachers[a:b] for a, b in itertools.pairwise(bounds)]
    groups.append([s for s in staff if s.category != StaffCategory.OP])
    names = [*TEACHER_UNITS[: count - 1], SUPPORT_UNIT]
    units = []
    for name, members in zip(names, groups, strict=True):
        kind = OrganisationalUnit.Kind.FUNCTION_GROUP
        if name != SUPPORT_UNIT:
            kind = OrganisationalUnit.Kind.DEPARTMENT
        unit = unit_services.unit_create(process=process, actor=director, name=name, kind=kind)
        unit_services.unit_members_assign(unit=unit, actor=director, staff_members=members)
        units.append(unit)
    return units


def _staff_vote(process, pmr, rng):
    """Step 4: the agreement frozen and put to the vote; 60-95% of the staff vote, mostly yes.
    The vote closes a few seconds after the last ballot: closing reads the clock as its
    closing time (the rest of the services keep the real clock)."""
    agreement.agreement_freeze(process=process, actor=pmr)
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(hours=1),
        base=Vote.Base.VOTES_CAST,
        quorum_percentage=50,
    )
    vote = vote_open(vote=vote, actor=pmr)
    turnout = rng.uniform(0.6, 0.95)
    for voter in vote.voters.order_by("pk"):
        if rng.random() < turnout:
            choice = rng.choices(["yes", "no", "abstain"], weights=[80, 12, 8])[0]
            ballot_cast(vote=vote, voter=voter, choice=choice)
    clock = SimpleNamespace(now=lambda: vote.closes_at)
    with mock.patch.object(closing, "timezone", clock):
        vote_close(vote=vote, actor=pmr)


def _kickoff_and_announcements(process, director, rng):
    """Steps 5 and 6 by the director: a kick-off attended by 55-90% of the staff, then the
    announcements with a deadline four weeks ahead."""
    today = timezone.localdate()
    session = kickoff_session_create(
        process=process,
        actor=director,
        title="Startbijeenkomst werkdrukmiddelen",
        date=today - datetime.timedelta(days=1),  # held once started, whatever the time now
        starts_at=datetime.time(14, 30),
        ends_at=datetime.time(16, 30),
        place="Aula",
        agenda="Uitleg van het akkoord, daarna gesprekken per eenheid.",
        format=KickoffSession.Format.PLENARY_THEN_SESSIONS,
        in_working_time=True,
        meal_offered=False,
        hours_credited=Decimal("2"),
        uses_sign_up=False,
    )
    staff = process.school.staff_members.filter(active=True).count()
    attended = round(staff * rng.uniform(0.55, 0.9))
    kickoff_attendance_count(session=session, actor=director, count=attended)
    kickoff_session_mark_held(session=session, actor=director)
    process_services.step_complete(step=process.steps.get(number=5), actor=director)
    announcement_send(process=process, actor=director, deadline=today + datetime.timedelta(days=28))
    process_services.step_complete(step=process.steps.get(number=6), actor=director)


def _members(unit):
    return [m.staff_member for m in unit.memberships.select_related("staff_member").order_by("pk")]


def _working_methods(process, units, rng) -> dict:
    """Step 7: each unit's first member leads it; 1 to 3 meetings; decided by consensus."""
    coordinators = {}
    for unit in units:
        leader = _members(unit)[0]
        coordinators[unit.pk] = _account(leader)
        working_method_record(
            unit=unit,
            actor=coordinators[unit.pk],
            leader=leader,
            decision_mode=WorkingMethod.DecisionMode.CONSENSUS,
            participation=WorkingMethod.Participation.VOLUNTARY,
            facilitation="In werktijd, in plaats van een teamvergadering.",
            hours_credited=Decimal("2"),
            meetings=[
                MeetingData(date=timezone.localdate() + datetime.timedelta(days=7 * d))
                for d in range(rng.randint(1, 3))
            ],
        )
    return coordinators


def _spec(code, unit_budget, rng):
    """One measure as ``plans.demo_plans._measure_data`` takes it, costing at most
    ``unit_budget``."""
    titles, cost_type, rate = MEASURES[code]
    title = rng.choice(titles)
    ceiling = min(unit_budget, MAX_MEASURE) * Decimal(str(rng.uniform(0.5, 1.0)))
    years = rng.choice([1, 1, 1, 2])
    share = rng.randint(60, 100)
    if cost_type == "none":
        return (code, title, years, "none", None, None, share)
    if cost_type == "hours":
        hours = max(8, int(ceiling / Decimal(rate)))
        return (code, title, years, "hours", str(hours), rate, share)
    amount = max(Decimal("250"), ceiling.quantize(Decimal("10"), rounding=ROUND_DOWN))
    return (code, title, years, "fixed", f"{amount:.2f}", None, share)


def _unit_plans(process, units, coordinators, rng):
    """Step 8: 15 to 40 measures over the units, within each unit's budget; two or three
    colleagues comment; every coordinator submits."""
    categories = {c.code: c for c in MeasureCategory.objects.all()}
    causes = {c.code: c for c in WorkloadCause.objects.filter(code__in=CAUSES)}
    total = rng.randint(15, 40)
    counts = [2] * len(units)
    for _ in range(total - sum(counts)):
        counts[rng.randrange(len(units))] += 1
    start = process.school_year.start_year
    for unit, count in zip(units, counts, strict=True):
        unit.refresh_from_db()
        coordinator = coordinators[unit.pk]
        plan = plan_for_unit(unit=unit)
        cause_codes = rng.sample(CAUSES, 2)
        plan_update(
            plan=plan,
            actor=coordinator,
            analysis="Nakijken en vergaderen kosten in de drukste weken de meeste tijd.",
            other_causes="",
            expected_effects="Minder werk in de drukste weken van het jaar.",
            success_indicators="De werkdrukenquête in juni, vergeleken met die van oktober.",
            causes=cause_codes,
        )
        # Costed measures share 85% of the unit's amount; a two-year one counts once a year.
        costed = Decimal("0.85") * (unit.amount or Decimal(0)) / count
        made = []
        for _ in range(count):
            spec = _spec(rng.choice(list(MEASURES)), costed, rng)
            data = _measure_data(spec, categories[spec[0]], start, [causes[cause_codes[0]]])
            made.append(measure_create(plan=plan, actor=coordinator, data=data))
        for colleague in rng.sample(_members(unit)[1:], min(3, len(_members(unit)) - 1)):
            measure_comment_add(
                measure=rng.choice(made), actor=_account(colleague), text="Goed idee, graag."
            )
        plan_submit(plan=plan, actor=coordinator)


def sizes(*, board, school_year) -> dict:
    """What the board's processes of ``school_year`` hold, summed over its schools."""
    from plans.models import Measure
    from processes.models import Process
    from schoolplans.models import SchoolPlanMeasure
    from spending.models import MeasureSpending
    from surveys.models import SurveyResponse
    from units.models import StaffMember
    from voting.models import Ballot, Voter

    processes = Process.objects.filter(school__board_id=board, school_year__start_year=school_year)
    return {
        "schools": School.objects.filter(board_id=board).count(),
        "ratified processes": processes.filter(
            school_plan__versions__ratification__isnull=False
        ).count(),
        "active staff": StaffMember.objects.filter(school__board_id=board, active=True).count(),
        "units": OrganisationalUnit.objects.filter(process__in=processes).count(),
        "unit plan measures": Measure.objects.filter(plan__process__in=processes).count(),
        "school plan measures": SchoolPlanMeasure.objects.filter(
            school_plan__process__in=processes
        ).count(),
        "spending records": MeasureSpending.objects.filter(process__in=processes).count(),
        "agreement voters": Voter.objects.filter(vote__process__in=processes).count(),
        "ballots": Ballot.objects.filter(vote__process__in=processes).count(),
        "survey responses": SurveyResponse.objects.filter(
            round__questionnaire__process__in=processes
        ).count(),
    }
