"""Demo data for steps 9-11: last school year of the board's second school, ratified.

Het Baken Lyceum (which ``plans.demo_plans`` brings to step 8 in the current school year) went
through the whole procedure last school year, every step by the real services: the board's
distribution of that year, three units, the split by fte and the frameworks signed by the
director and the PMR, the staff vote adopted, the kick-off held, the announcements, a working
method per unit (all deciding by consensus), the three unit plans submitted; then the school
plan merged from them (one amount changed, two similar training measures combined), marked
final by the director, published by the PMR with a comment period, the evaluation agreement
recorded, the PMR's separate consent to the measure that changes the task policy (the
meeting hours), its consent at its meeting and the director's sign-off. Its decision list is
frozen with the ratification, and ``manage.py export_process --school 34CD --year <last>``
exports it.

Measures cost fixed amounts or hours at a given hourly cost: the example function costs are
seeded for the current and the next school year only. Every date the services check against
today (deadlines, the PMR meeting) is today. Idempotent: once the school has a process for
last school year, nothing changes. E-mails to the made-up staff go nowhere while this runs.
"""

from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from plans.demo import DEMO_FRAMEWORKS, _user, demo_allocation_final
from plans.demo_plans import (
    BAKEN_UNITS,
    _baken_users,
    _kickoff_and_announcements,
    _measure_data,
    _sign_both,
    _staff_vote,
    _units,
)
from plans.models import MeasureCategory, WorkloadCause
from plans.services.frameworks import framework_rule_create
from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plans import measure_create, plan_for_unit, plan_update
from processes import services as process_services
from processes.models import Process, SchoolYear
from units.models import BoardAllocation, BudgetSplit, StaffMember, WorkingMethod
from units.services import budget, split
from units.services.working_method import MeetingData, working_method_record

from .models import SchoolPlanMeasure
from .selectors.task_policy import task_policy_measures
from .services import merge, publication, ratification, task_policy

BOARD_TOTAL = Decimal("664200.00")  # last year's workload funds of the demo board

# Per unit: causes, analysis and measures, as in plans.demo_plans.PLANS.
PLANS = {
    "Docenten bèta en gamma": (
        ["marking", "meetings"],
        "Nakijken in de toetsweken en te veel vergaderingen laten weinig tijd voor de lessen.",
        [
            ("task_relief", "Correctie-uren bij de schoolexamens", 1, "hours", "100", "52.00",
             90),
            ("professionalisation", "Scholing digitaal toetsen en nakijken", 1, "fixed",
             "4500.00", None, 75),
            ("organisational", "Eén teamvergadering per maand in plaats van twee", 1, "none",
             None, None, 100, {"changes_task_policy": True}),
        ],
    ),
    "Docenten talen en kunst": (
        ["marking", "class_size"],
        "Schrijfopdrachten nakijken in grote klassen kost avonden en weekenden.",
        [
            ("extra_staff", "Onderwijsassistent-uren voor de schrijfvaardigheid", 1, "hours",
             "400", "38.00", 60),
            ("professionalisation", "Scholing digitaal nakijken van schrijfopdrachten", 1,
             "fixed", "3200.00", None, 80),
        ],
    ),
    "Ondersteuning en leiding": (
        ["supervision", "timetabling"],
        "Steeds onderbroken worden in de pauzes, en roosterwijzigingen op het laatste moment.",
        [
            ("extra_staff", "Extra conciërge-uren in de pauzes", 1, "hours", "250", "35.00", 70),
            ("wellbeing", "Teamdag voor het onderwijsondersteunend personeel", 1, "fixed",
             "3000.00", None, 100),
        ],
    ),
}  # fmt: skip
CHANGED = ("Teamdag voor het onderwijsondersteunend personeel", Decimal("2500.00"))
COMBINED = (
    "Scholing digitaal toetsen en nakijken",
    "Scholing digitaal nakijken van schrijfopdrachten",
)


def demo_ratified(result) -> Process:
    """Give the second school of the demo board a ratified process for last school year
    (idempotent). ``result`` is what ``plans.demo.demo_load`` returned."""
    school = result["schools"][1]
    year = SchoolYear.objects.current().previous()
    process = Process.objects.filter(school=school, school_year=year).first()
    if process is not None:
        return process
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _demo_ratified(school, year, result["board"])


@transaction.atomic
def _demo_ratified(school, year, board) -> Process:
    users = _baken_users(school)
    director, pmr = users["directeur.baken"], users["pmr.baken"]
    if not BoardAllocation.objects.filter(
        board=board, school_year=year, fixed_at__isnull=False
    ).exists():
        demo_allocation_final(
            board=board,
            school_year=year,
            total=BOARD_TOTAL,
            board_office_fte=Decimal("4.2"),
            actor=_user("bestuur", "Carla Zwart"),
        )
    process = process_services.process_create(school=school, school_year=year, actor=director)
    for number, who in ((5, "director"), (6, "director"), (9, "director"), (10, "pmr")):
        # One side proposes, the other agrees (both sign off who carries it out).
        process_services.step_propose_actor(
            step=process.steps.get(number=number), actor=director, agreed_actor=who
        )
        process_services.step_agree_actor(step=process.steps.get(number=number), actor=pmr)
    _agreement(process, director, pmr, users)
    _staff_vote(process, pmr)
    _kickoff_and_announcements(process, director)
    units = {unit.name: unit for unit in process.units.all()}
    coordinators = {name: users[coordinator] for name, _k, _d, coordinator, _m in BAKEN_UNITS}
    for name, coordinator in coordinators.items():
        working_method_record(
            unit=units[name],
            actor=coordinator,
            leader=StaffMember.objects.get(school=school, user=coordinator),
            decision_mode=WorkingMethod.DecisionMode.CONSENSUS,
            participation=WorkingMethod.Participation.VOLUNTARY,
            facilitation="In werktijd, in plaats van een teamvergadering.",
            hours_credited=Decimal("2"),
            meetings=[MeetingData(date=timezone.localdate(), place="Teamkamer")],
        )
    _unit_plans(process, units, coordinators)
    version = _school_plan(process, director)
    _publish_and_ratify(process, version, director, pmr, users["docent.baken"])
    return process


def _agreement(process, director, pmr, users):
    """Steps 1-3: the budget, the units, the split by fte and the frameworks, signed."""
    budget.budget_line_from_allocation(process=process, actor=director)
    _units(process, director, users)
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


def _unit_plans(process, units, coordinators):
    """Step 8: every unit writes and submits its plan; the last submission completes it."""
    categories = {c.code: c for c in MeasureCategory.objects.all()}
    causes = {c.code: c for c in WorkloadCause.objects.all()}
    start = process.school_year.start_year
    for name, (cause_codes, analysis, measures) in PLANS.items():
        coordinator = coordinators[name]
        plan = plan_for_unit(unit=units[name])
        plan_update(
            plan=plan,
            actor=coordinator,
            analysis=analysis,
            other_causes="",
            expected_effects="Minder werk in de drukste weken van het jaar.",
            success_indicators="De werkdrukenquête in juni, vergeleken met die van oktober.",
            causes=cause_codes,
        )
        for spec in measures:
            data = _measure_data(spec, categories[spec[0]], start, [causes[cause_codes[0]]])
            measure_create(plan=plan, actor=coordinator, data=data)
        plan_submit(plan=plan, actor=coordinator)


def _school_plan(process, director):
    """Step 9 by the director: merged, one amount lowered, two similar measures combined."""
    school_plan = merge.school_plan_create(process=process, actor=director)
    measures = {m.title: m for m in SchoolPlanMeasure.objects.filter(school_plan=school_plan)}
    title, cost = CHANGED
    changed = measures[title]
    merge.school_measure_update(
        measure=changed,
        actor=director,
        title=changed.title,
        description=changed.description,
        category=changed.category,
        cost_per_year={changed.first_year: cost},
        annotation="Een goedkopere locatie gevonden; het programma blijft hetzelfde.",
    )
    merge.school_measures_combine(
        measures=[measures[t] for t in COMBINED],
        actor=director,
        title="Scholing digitaal nakijken voor alle docenten",
        description="Eén scholing voor de docenten van beide eenheden.",
        annotation="Twee bijna gelijke scholingen samengevoegd; samen goedkoper in te kopen.",
    )
    merge.school_plan_annotate(
        school_plan=school_plan,
        actor=director,
        introduction="Het plan volgt de drie eenheden; de reserve blijft voor onvoorzien.",
    )
    return merge.school_plan_mark_final(school_plan=school_plan, actor=director)


def _publish_and_ratify(process, version, director, pmr, teacher):
    """Steps 10 and 11: published by the PMR with a comment, the evaluation agreement, the
    PMR's consent at today's meeting and the director's sign-off."""
    today = timezone.localdate()
    published = publication.plan_publish(version=version, actor=pmr, comments_until=today)
    publication.publication_comment_add(
        publication=published,
        actor=teacher,
        text="Fijn dat de scholing voor beide eenheden samen wordt ingekocht.",
    )
    ratification.evaluation_agreement_save(
        process=process,
        actor=director,
        what="Of de werkdruk in de drukste weken lager is, per eenheid.",
        indicators="De werkdrukenquête (begin en eind van het jaar) en de vraag per maatregel.",
        when="De enquête in oktober en in juni; de bespreking in de PMR-vergadering van juli.",
        responsible="De directeur en de PMR samen; de coördinatoren per eenheid.",
        sharing="In de personeelsvergadering en op de pagina van het plan.",
        follow_up="Volgend jaar de enquête opnieuw afnemen en de correctie-uren voortzetten "
        "als die de werkdruk in de toetsweken merkbaar verlaagden.",
    )
    # The meeting hours are part of the task policy: the PMR consents to that separately.
    for measure in task_policy_measures(version):
        task_policy.task_policy_decision_record(
            version=version,
            actor=pmr,
            measure_key=measure["key"],
            outcome="consent",
            meeting_date=today,
        )
    ratification.pmr_decision_record(
        version=version, actor=pmr, outcome="consent", meeting_date=today
    )
    ratification.ratification_director_sign(process=process, actor=director)


def demo_concerns(process) -> None:
    """Het Baken's meldpunt of last year: a report without a name on a measure of the ratified
    plan, answered by the PMR and shared with colleagues (idempotent)."""
    from .models import Concern
    from .selectors.concerns import ratified_measures
    from .services.concerns import concern_answer, concern_report

    if Concern.objects.filter(process=process).exists():
        return
    measures = ratified_measures(process)
    if not measures:
        return
    measure = next((m for m in measures if "conciërge" in m["title"]), measures[0])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        concern = concern_report(
            process=process,
            actor=_user("oop.baken", "Linda Kramer"),
            about=Concern.About.MEASURE,
            measure_key=measure["key"],
            text="De extra conciërge-uren in de pauzes zijn na de herfstvakantie gestopt.",
            give_name=False,
            shared=True,
        )
        concern_answer(
            concern=concern,
            actor=_user("pmr.baken", "Sevda Aydın"),
            answer=(
                "De conciërge was ziek en er was geen vervanging. Vanaf januari is er een "
                "invalkracht uit de poule; de directie rapporteert in de PMR-vergadering."
            ),
        )


# --- the evaluation kept (issue 18) ------------------------------------------------------------

# The outcome per measure of last year's evaluation, by the start of the measure's title: one
# continues, one is adjusted, one stops; every other measure continues.
EVALUATION_OUTCOMES = {
    "Correctie-uren": (
        "continue",
        "De correctie-uren verlaagden de werkdruk in de toetsweken merkbaar.",
        "Enquête juni: 'vaak of altijd te druk' in de toetsweken van 58% naar 31%.",
    ),
    "Onderwijsassistent-uren": (
        "adjust",
        "Werkt, maar de uren kwamen pas in november beschikbaar; volgend jaar vanaf de start en "
        "ook voor de onderbouw.",
        "Nakijktijd schrijfopdrachten per week van 6 naar 4,5 uur (eigen registratie).",
    ),
    "Teamdag": (
        "stop",
        "De teamdag werd gewaardeerd maar veranderde niets aan de werkdruk; het geld gaat "
        "volgend jaar naar rustmomenten in de pauzes.",
        "Geen verschil in de enquête voor het onderwijsondersteunend personeel.",
    ),
}
OTHER_OUTCOME = ("continue", "Doet wat het moest doen; de eenheid wil ermee doorgaan.", "")


def demo_evaluation(process):
    """Het Baken's ratified process of last year gets an evaluation moment in June with an
    outcome for every measure (one continue, one adjust, one stop, the rest continue),
    recorded by the director and the PMR and shared with the staff (idempotent)."""
    from .models import EvaluationMoment
    from .selectors.evaluation import measures_to_evaluate
    from .services import evaluation

    if EvaluationMoment.objects.filter(agreement__process=process).exists():
        return EvaluationMoment.objects.filter(agreement__process=process).first()
    users = {role.role: role.user for role in process.school.roles.select_related("user")}
    director, pmr = users["director"], users["pmr"]
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        moment = evaluation.moment_add(
            process=process,
            actor=director,
            date=timezone.datetime(process.school_year.start_year + 1, 6, 24).date(),
            title="Evaluatie in de PMR-vergadering van juni",
            responsible="both",
        )
        outcomes = {}
        for row in measures_to_evaluate(process):
            verdict, reasons, results = next(
                (v for start, v in EVALUATION_OUTCOMES.items() if row.title.startswith(start)),
                OTHER_OUTCOME,
            )
            outcomes[row.key] = {"verdict": verdict, "reasons": reasons, "results": results}
        moment = evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=outcomes)
        return evaluation.moment_share(moment=moment, actor=director)
