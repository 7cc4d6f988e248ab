"""Demo data for step 8: the board's second school writes its unit plans.

Het Baken Lyceum went through steps 1-7 of the current school year by the real services: its
units, the split and the frameworks signed by the director and the PMR, the staff vote held
and adopted, the kick-off held, the announcements sent and a working method per unit. Step 8 is
open: one unit approved its plan by its own vote and submitted it, one submitted by consensus,
and the demo teacher's unit is still drafting. Every measure is made and costed by the step 8
services. Loaded by ``manage.py demo`` after ``demo_load`` (which the tests use on its own).

Idempotent: once the school has a process for the current year, nothing changes.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from processes import agreement
from processes import services as process_services
from processes.models import Process, SchoolRole, SchoolYear
from units.models import (
    BudgetSplit,
    KickoffSession,
    OrganisationalUnit,
    StaffMember,
    WorkingMethod,
)
from units.selectors.units import staff_select
from units.services import budget, split
from units.services import units as unit_services
from units.services.kickoff import (
    kickoff_attendance_count,
    kickoff_session_create,
    kickoff_session_mark_held,
)
from units.services.working_method import MeetingData, working_method_record
from voting.models import Vote
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close
from voting.services.vote import vote_create, vote_open

from .demo import DEMO_FRAMEWORKS, _user
from .models import FrameworkRule, MeasureCategory, WorkloadCause
from .services import measure_votes, unit_plan_votes
from .services.announcements import announcement_send
from .services.frameworks import framework_rule_create
from .services.unit_plan_decisions import plan_submit
from .services.unit_plans import (
    MeasureData,
    measure_create,
    plan_for_unit,
    plan_update,
    warning_acknowledge,
)

# (e-mail local part, name, role at the second school, category, function, department)
BAKEN_USERS = [
    ("directeur.baken", "Wim Hoogendoorn", SchoolRole.Role.DIRECTOR, "MT", "rector", "directie"),
    ("pmr.baken", "Sevda Aydın", SchoolRole.Role.PMR, "OP", "docent wiskunde", "wiskunde"),
    ("docent.baken", "Joris Meulenbelt", None, "OP", "docent Engels", "Engels"),
    ("oop.baken", "Linda Kramer", None, "OOP", "administratief medewerker", "administratie"),
]
BETA_GAMMA = {
    "wiskunde",
    "natuurkunde",
    "scheikunde",
    "biologie",
    "informatica",
    "economie",
    "aardrijkskunde",
    "geschiedenis",
    "maatschappijleer",
}
# Units: name, kind, description, coordinator (demo user), how the unit decides.
BAKEN_UNITS = [
    (
        "Docenten bèta en gamma",
        OrganisationalUnit.Kind.DEPARTMENT,
        "Docenten exacte vakken, economie en mens-en-maatschappijvakken.",
        "pmr.baken",
        WorkingMethod.DecisionMode.VOTE,
    ),
    (
        "Docenten talen en kunst",
        OrganisationalUnit.Kind.DEPARTMENT,
        "Docenten talen, kunstvakken, lichamelijke opvoeding en levensbeschouwing.",
        "docent.baken",
        WorkingMethod.DecisionMode.CONSENSUS,
    ),
    (
        "Ondersteuning en leiding",
        OrganisationalUnit.Kind.FUNCTION_GROUP,
        "Onderwijsondersteunend personeel en de schoolleiding.",
        "oop.baken",
        WorkingMethod.DecisionMode.CONSENSUS,
    ),
]


# Per unit: the causes it recognises (codes), its analysis and its measures: category, title,
# school years it runs, cost type, amount / fte / hours, function or hourly rate, share of the
# unit that benefits (%), and any other fields.
PLANS = {
    "Docenten bèta en gamma": (
        ["marking", "lesson_preparation", "meetings"],
        "Het nakijken van schoolexamens en het voorbereiden van practica kosten in de "
        "toetsweken de meeste tijd; vergaderingen vullen de rest.",
        [
            ("extra_staff", "Onderwijsassistent voor de practica", 1, "fte", "0.4",
             "onderwijsassistent", 40, {"beneficiaries": "de docenten bèta met practica"}),
            ("task_relief", "Correctie-uren bij de schoolexamens", 1, "hours", "120",
             "docent LB", 90),
            ("organisational", "Eén teamvergadering per maand in plaats van twee", 2, "none",
             None, None, 100),
            ("professionalisation", "Scholing digitaal toetsen en nakijken", 1, "fixed",
             "4500.00", None, 75),
        ],
    ),
    "Docenten talen en kunst": (
        ["marking", "class_size"],
        "Schrijfopdrachten en mondelingen nakijken in grote klassen.",
        [
            ("extra_staff", "Onderwijsassistent 0,3 fte voor de schrijfvaardigheid", 1, "fte",
             "0.3", "onderwijsassistent", 60),
            ("organisational", "Nakijkvrije week na de toetsweek", 1, "none", None, None, 100),
            ("materials_ict", "Licenties voor een nakijkprogramma (jaarabonnement)", 2, "fixed",
             "2800.00", None, 80, {"structural": True}),
        ],
    ),
    "Ondersteuning en leiding": (
        ["supervision", "team_agreements", "timetabling"],
        "Steeds onderbroken worden in de pauzes, en taken die niemand duidelijk heeft.",
        [
            ("extra_staff", "Extra conciërge-uren in de pauzes", 1, "hours", "300", "conciërge",
             70),
            ("wellbeing", "Teamdag voor het onderwijsondersteunend personeel", 1, "fixed",
             "3000.00", None, 100),
            ("organisational", "Taken bij roosterwijzigingen opnieuw verdelen", 1, "none", None,
             None, 100, {"changes_task_policy": True}),
            ("materials_ict", "Een vaste, rustige werkplek voor de administratie", 1, "fixed",
             "1800.00", None, 60),
            ("task_relief", "Roostermaker vrijgeroosterd in de planningsweken", 1, "hours", "64",
             "48.50", 55),
        ],
    ),
}  # fmt: skip
QUANTITY = {"fixed": "amount", "fte": "fte", "hours": "hours"}


def _measure_data(spec, category, start, causes) -> MeasureData:
    """A measure of ``PLANS`` as the services take it; a rate is a number, a function not."""
    _code, title, years, cost_type, quantity, function_or_rate, share, *extra = spec
    fields = dict(extra[0]) if extra else {}
    if quantity is not None:
        fields[QUANTITY[cost_type]] = Decimal(quantity)
    if function_or_rate is not None and function_or_rate[0].isdigit():
        fields["hourly_rate"] = Decimal(function_or_rate)
    elif function_or_rate is not None:
        fields["function"] = function_or_rate
    return MeasureData(
        title=title,
        category=category,
        cost_type=cost_type,
        first_year=start,
        last_year=start + years - 1,
        benefit_share=Decimal(share),
        causes=causes,
        **fields,
    )


def demo_plans(result) -> Process:
    """Bring the second school of the demo board to step 8 with unit plans (idempotent).

    ``result`` is what ``plans.demo.demo_load`` returned. The demo staff are made up: the
    announcement e-mails to them go nowhere (a dummy e-mail backend while this runs).
    """
    school = result["schools"][1]
    year = SchoolYear.objects.current()
    process = Process.objects.filter(school=school, school_year=year).first()
    if process is not None:
        return process
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _demo_plans(school, year)


@transaction.atomic
def _demo_plans(school, year) -> Process:
    users = _baken_users(school)
    director, pmr = users["directeur.baken"], users["pmr.baken"]
    process = process_services.process_create(school=school, school_year=year, actor=director)
    for number in (5, 6):
        # One side proposes, the other agrees (both sign off who carries it out).
        process_services.step_propose_actor(
            step=process.steps.get(number=number), actor=director, agreed_actor="director"
        )
        process_services.step_agree_actor(step=process.steps.get(number=number), actor=pmr)
    budget.budget_line_from_allocation(process=process, actor=director)
    units = _units(process, director, users)
    _sign_both(process, 1, director, pmr, "Drie eenheden, besproken in de PMR.")
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
    _staff_vote(process, pmr)
    _kickoff_and_announcements(process, director)
    for name, _kind, _description, coordinator, mode in BAKEN_UNITS:
        working_method_record(
            unit=units[name],
            actor=users[coordinator],
            leader=StaffMember.objects.get(school=school, user=users[coordinator]),
            decision_mode=mode,
            participation=WorkingMethod.Participation.VOLUNTARY,
            facilitation="In werktijd, in plaats van een teamvergadering.",
            hours_credited=Decimal("3"),
            meetings=[
                MeetingData(date=timezone.localdate() + datetime.timedelta(days=d)) for d in (7, 21)
            ],
        )
    _unit_plans(process, units, users)
    return process


def _baken_users(school) -> dict:
    users = {}
    for local, name, role, category, function, department in BAKEN_USERS:
        user = users[local] = _user(local, name)
        if role:
            SchoolRole.objects.get_or_create(user=user, school=school, role=role)
        StaffMember.objects.get_or_create(
            school=school,
            email=user.email,
            defaults={
                "name": name,
                "category": category,
                "function": function,
                "department": department,
                "fte": Decimal("1.0") if category == "MT" else Decimal("0.8"),
                "user": user,
            },
        )
    return users


def _units(process, director, users) -> dict[str, OrganisationalUnit]:
    """Three units; the OP by subject, everyone else (the OOP and the MT) in the third."""
    units = {
        name: unit_services.unit_create(
            process=process, actor=director, name=name, kind=kind, description=description
        )
        for name, kind, description, _coordinator, _mode in BAKEN_UNITS
    }
    teachers = list(staff_select(process=process, category="OP"))
    beta = [s for s in teachers if s.department in BETA_GAMMA]
    names = [name for name, *_rest in BAKEN_UNITS]
    unit_services.unit_members_assign(unit=units[names[0]], actor=director, staff_members=beta)
    unit_services.unit_members_assign(
        unit=units[names[1]], actor=director, staff_members=[s for s in teachers if s not in beta]
    )
    unit_services.unit_members_assign(
        unit=units[names[2]],
        actor=director,
        staff_members=staff_select(process=process, unassigned_only=True),
    )
    return units


def _sign_both(process, number, director, pmr, grounds):
    for actor in (director, pmr):
        process_services.step_sign_off(
            step=process.steps.get(number=number), actor=actor, grounds=grounds
        )


def _staff_vote(process, pmr):
    """Step 4: the agreement frozen, the staff vote held; everyone voted, so the PMR counted
    it before its closing time. Adopted: steps 5 and 6 open."""
    agreement.agreement_freeze(process=process, actor=pmr)
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
        base=Vote.Base.VOTES_CAST,
        quorum_percentage=50,
    )
    vote = vote_open(vote=vote, actor=pmr)
    _cast(vote, every=6)
    vote_close(vote=vote, actor=pmr)


def _cast(vote, *, every):
    """Everyone on the roll votes: yes, except every ``every``-th (alternately no, abstain)."""
    for i, voter in enumerate(vote.voters.order_by("pk"), start=1):
        choice = "yes" if i % every else ("no" if i % (2 * every) else "abstain")
        ballot_cast(vote=vote, voter=voter, choice=choice)


def _kickoff_and_announcements(process, director):
    """Steps 5 and 6, both carried out by the director as agreed: a kick-off held yesterday
    afternoon (a session is recorded as held only once it has started, whatever the time the
    demo is loaded), and each unit's amount, the frameworks and a deadline four weeks ahead
    announced."""
    today = timezone.localdate()
    session = kickoff_session_create(
        process=process,
        actor=director,
        title="Startbijeenkomst werkdrukmiddelen",
        date=today - datetime.timedelta(days=1),
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
    kickoff_attendance_count(session=session, actor=director, count=38)
    kickoff_session_mark_held(session=session, actor=director)
    process_services.step_complete(step=process.steps.get(number=5), actor=director)
    announcement_send(process=process, actor=director, deadline=today + datetime.timedelta(days=28))
    process_services.step_complete(step=process.steps.get(number=6), actor=director)


def _unit_plans(process, units, users):
    """Step 8: the bèta-gamma unit approved its plan by vote and submitted it; the support
    staff submitted theirs; the languages unit (the demo teacher's) is still drafting."""
    categories = {c.code: c for c in MeasureCategory.objects.all()}
    causes = {c.code: c for c in WorkloadCause.objects.all()}
    majority = FrameworkRule.objects.get(process=process, machine_check="majority_benefit")
    names = [name for name, *_rest in BAKEN_UNITS]
    coordinators = {name: users[coordinator] for name, _k, _d, coordinator, _m in BAKEN_UNITS}
    plans = {}
    start = process.school_year.start_year
    for name, (cause_codes, analysis, measures) in PLANS.items():
        coordinator = coordinators[name]
        plan = plans[name] = plan_for_unit(unit=units[name])
        plan_update(
            plan=plan,
            actor=coordinator,
            analysis=analysis,
            other_causes="",
            expected_effects="Minder werk in de drukste weken.",
            success_indicators="Een korte enquête in juni, vergeleken met die van oktober.",
            causes=cause_codes,
        )
        for spec in measures:
            data = _measure_data(spec, categories[spec[0]], start, [causes[cause_codes[0]]])
            measure = measure_create(plan=plan, actor=coordinator, data=data)
            if data.benefit_share <= 50:
                warning_acknowledge(
                    plan=plan,
                    actor=coordinator,
                    rule=majority,
                    measure=measure,
                    reason="De practica drukken vooral op deze docenten; de rest van de "
                    "eenheid profiteert van de andere maatregelen.",
                )
    beta, support = names[0], names[2]
    vote = unit_plan_votes.plan_vote_start(
        plan=plans[beta],
        actor=coordinators[beta],
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    _cast(vote, every=5)
    unit_plan_votes.plan_vote_close(plan=plans[beta], actor=coordinators[beta])
    for name in (beta, support):
        plan_submit(plan=plans[name], actor=coordinators[name])
    talen = names[1]
    _measures_vote(plans[talen], coordinators[talen])


def _measures_vote(plan, coordinator):
    """The languages unit chose its measures by vote within its budget (issue 18, item 8):
    its plan's measures and one typed-in option, costing more together than the budget; every
    member ticked a combination that fits (one in six abstained); counted. Taking the chosen
    set into the plan is left to the demo teacher, the unit's coordinator."""
    budget = OrganisationalUnit.objects.get(pk=plan.unit_id).amount
    # The typed-in option makes the options cost more together than the budget.
    spent = sum(plan.measures.values_list("total_cost", flat=True), Decimal("0"))
    extra = (budget - spent + budget / 5).quantize(Decimal("1E2"))
    vote = measure_votes.measures_vote_start(
        plan=plan,
        actor=coordinator,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        measure_ids=list(plan.measures.values_list("pk", flat=True)),
        extra_options=[{"title": "Kleinere groepen bij de schrijfvaardigheid", "cost": extra}],
    )
    options = list(vote.options.order_by("position"))
    rng = random.Random(8)  # noqa: S311 - demo data, not security
    for i, voter in enumerate(vote.voters.order_by("pk"), start=1):
        if i % 6 == 0:
            ballot_cast(vote=vote, voter=voter, choice="abstain", selection=[])
            continue
        chosen, total = [], Decimal("0")
        for option in rng.sample(options, len(options)):
            if rng.random() < 0.6 and total + option.cost <= budget:
                chosen.append(option.position)
                total += option.cost
        if not chosen:
            cheapest = min(options, key=lambda o: o.cost)
            chosen = [cheapest.position]
        ballot_cast(vote=vote, voter=voter, choice="yes", selection=chosen)
    measure_votes.measures_vote_close(plan=plan, actor=coordinator)
