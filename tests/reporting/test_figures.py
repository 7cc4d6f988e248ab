"""The annual report's figures (reporting.selectors.figures): every figure of sections a-d
equals what the process recorded, computed here independently from the records; a school
without a process, a process not yet ratified, a survey round too small to show, the board's
totals and the number of queries."""

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from plans.demo_plans import demo_plans
from plans.models import Measure, MeasureComment, UnitPlan
from processes.models import Decision, SchoolYear
from reporting.selectors.figures import ZERO, board_report, school_report
from schoolplans.models import EvaluationAgreement, RatificationRecord, SchoolPlanVersion
from spending.models import MeasureSpending
from surveys.models import Invitee, SurveyParticipation, SurveyResponse, SurveyRound
from tests.factories import SchoolFactory, UserFactory
from units.models import (
    BudgetLine,
    KickoffSession,
    SchoolAllocation,
    StaffMember,
    UnitMeeting,
    UnitMembership,
)
from voting.models import Vote


def percent(part, whole) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def report_of(process):
    return school_report(school=process.school, school_year=process.school_year)


def record_of(process) -> RatificationRecord:
    return RatificationRecord.objects.get(version__school_plan__process=process)


# --- a. the amount ---------------------------------------------------------------------------


def test_section_a_equals_the_allocation_and_the_budget_lines(ratified_demo):
    process = ratified_demo
    amounts = report_of(process).amounts
    share = SchoolAllocation.objects.select_related("allocation").get(
        school=process.school, allocation__school_year=process.school_year
    )
    assert amounts.board_total == share.allocation.total
    assert amounts.board_office == share.allocation.board_office_amount
    assert amounts.school_share == share.amount
    assert amounts.pupil_count == share.pupil_count
    lines = BudgetLine.objects.filter(process=process)
    assert sorted((r.kind, r.description, r.amount) for r in amounts.budget_lines) == sorted(
        lines.values_list("kind", "description", "amount")
    )
    assert amounts.budget_lines
    assert amounts.school_budget == lines.aggregate(total=Sum("amount"))["total"]


# --- b. how and with whom --------------------------------------------------------------------


def test_section_b_timeline_is_the_frozen_decision_list(ratified_demo):
    process = ratified_demo
    report = report_of(process)
    frozen = record_of(process).decision_list
    timeline = report.process.timeline
    assert len(timeline) == len(frozen) > 10
    assert [(e.step, e.summary, e.actor, e.role) for e in timeline] == [
        (d["step"], d["summary"], d["actor"], d["role"]) for d in frozen
    ]
    assert [e.date for e in timeline] == [
        datetime.datetime.fromisoformat(d["date"]) for d in frozen
    ]
    board_entries = [e for e in timeline if e.step == 0]
    assert (
        board_entries
        and board_entries[0].step_label == "Distribute the board's funds over its schools"
    )
    assert {e.step_label for e in timeline if e.step == 11} == {
        "Ratify the plan with an evaluation agreement"
    }
    # Every decision recorded up to the last one in the frozen list is in it, none twice.
    ids = [d["id"] for d in frozen]
    recorded = Decision.objects.filter(process=process, pk__lte=max(ids)).values_list(
        "pk", flat=True
    )
    board_ids = [e["id"] for e in frozen if e["step"] == 0]
    assert sorted(ids) == sorted([*recorded, *board_ids])
    # Decisions after the ratification (spending, surveys) leave the frozen list alone.
    Decision.objects.create(
        board=process.school.board, school=process.school, process=process, step_number=11,
        action="later", summary="A later decision.",
    )  # fmt: skip
    assert len(report_of(process).process.timeline) == len(frozen)


def test_section_b_votes_are_the_closed_agreement_rounds(ratified_demo):
    process = ratified_demo
    votes = report_of(process).process.votes
    closed = Vote.objects.filter(
        process=process, kind=Vote.Kind.AGREEMENT, state=Vote.State.CLOSED
    ).order_by("round")
    assert len(votes) == closed.count() >= 1
    for figures, vote in zip(votes, closed, strict=True):
        assert figures.round == vote.round
        assert figures.closed_at == vote.closed_at
        assert figures.eligible == vote.eligible_count == vote.voters.count()
        assert figures.yes == vote.yes_count
        assert figures.no == vote.no_count
        assert figures.abstain == vote.abstain_count
        assert figures.cast == vote.yes_count + vote.no_count + vote.abstain_count
        assert figures.cast == vote.cast_count
        assert figures.turnout == percent(vote.cast_count, vote.eligible_count)
        assert figures.adopted is (vote.outcome == Vote.Outcome.ADOPTED)
        assert figures.outcome_label == vote.get_outcome_display()


def test_section_b_participation_per_unit_and_kickoff(ratified_demo):
    process = ratified_demo
    section = report_of(process).process
    assert (
        section.staff_count
        == UnitMembership.objects.filter(unit__process=process)
        .values("staff_member")
        .distinct()
        .count()
        > 0
    )
    units = {u.name: u for u in process.units.all()}
    assert [row.unit for row in section.units] == sorted(units)
    for row in section.units:
        unit = units[row.unit]
        plan = UnitPlan.objects.get(unit=unit)
        people = set(UnitPlan.history.filter(id=plan.pk).values_list("history_user_id", flat=True))
        people |= set(
            Measure.history.filter(plan_id=plan.pk).values_list("history_user_id", flat=True)
        )
        people |= set(
            MeasureComment.objects.filter(measure__plan=plan).values_list("author_id", flat=True)
        )
        people.add(plan.submitted_by_id)
        people.discard(None)
        assert row.contributors == len(people) >= 1
        assert row.members == UnitMembership.objects.filter(unit=unit).count() > 0
        assert row.meetings == UnitMeeting.objects.filter(working_method__unit=unit).count()
        assert row.plan_state_label == plan.get_state_display()
        assert row.submitted_at == plan.submitted_at
    sessions = KickoffSession.objects.filter(process=process).order_by("date", "starts_at")
    assert [(k.title, k.date) for k in section.kickoff] == [(s.title, s.date) for s in sessions]
    for figures, session in zip(section.kickoff, sessions, strict=True):
        expected = (
            session.attendance_count
            if session.attendance_mode == KickoffSession.AttendanceMode.COUNTED
            else session.attendances.filter(attended=True).count()
        )
        assert figures.attended == expected
        assert figures.signed_up == (session.sign_ups.count() if session.uses_sign_up else None)


def test_staff_who_left_since_do_not_change_a_past_years_figures(ratified_demo):
    process = ratified_demo
    before = report_of(process).process
    StaffMember.objects.filter(school=process.school).update(active=False)
    after = report_of(process).process
    assert after.staff_count == before.staff_count > 0
    assert [row.members for row in after.units] == [row.members for row in before.units]


def test_a_comment_by_someone_else_makes_a_contributor(ratified_demo):
    process = ratified_demo
    before = {row.unit: row.contributors for row in report_of(process).process.units}
    measure = Measure.objects.filter(plan__process=process).select_related("plan__unit").first()
    author = UserFactory()
    for _ in range(2):  # two comments, one person
        MeasureComment.objects.create(
            measure=measure, author=author, author_name=str(author), text="Ja"
        )
    after = {row.unit: row.contributors for row in report_of(process).process.units}
    assert after[measure.plan.unit.name] == before[measure.plan.unit.name] + 1
    assert {k: v for k, v in after.items() if k != measure.plan.unit.name} == {
        k: v for k, v in before.items() if k != measure.plan.unit.name
    }


def test_plans_written_through_the_services_name_their_authors(demo):
    """Contributors come from the plans' history, so the services record who wrote each
    change also outside a request (the demo, a task), not only through the pages."""
    process = demo_plans(demo)
    plan_ids = list(UnitPlan.objects.filter(process=process).values_list("pk", flat=True))
    measures = Measure.history.filter(plan_id__in=plan_ids)
    assert measures.exists()
    assert not measures.filter(history_user__isnull=True).exists()
    report = report_of(process)
    assert all(row.contributors >= 1 for row in report.process.units if row.submitted_at)


# --- c. goals and effect ---------------------------------------------------------------------


def survey_round(process, kind) -> SurveyRound:
    return SurveyRound.objects.get(questionnaire__process=process, kind=kind)


def test_section_c_planned_and_actual_per_measure_and_category(ratified_demo):
    process = ratified_demo
    year = process.school_year.start_year
    goals = report_of(process).goals
    version = record_of(process).version
    entries = version.content["measures"]
    assert goals.year_label == str(process.school_year)
    assert [m.number for m in goals.measures] == list(range(1, len(entries) + 1))
    spent = {
        row.measure_id: row
        for row in MeasureSpending.objects.filter(process=process, start_year=year)
    }
    assert spent
    for row, entry in zip(goals.measures, entries, strict=True):
        assert row.title == entry["title"]
        assert row.planned == Decimal(str(entry["cost_per_year"].get(str(year), "0"))).quantize(
            Decimal("0.01")
        )
        recorded = spent.get(int(entry["key"]))
        assert row.actual == (recorded.actual if recorded else ZERO)
        assert row.fte_hired == (recorded.fte_hired if recorded else None)
        if recorded:
            assert row.status_label == recorded.get_status_display()
    total = MeasureSpending.objects.filter(process=process, start_year=year).aggregate(
        total=Sum("actual")
    )["total"]
    assert goals.actual == total
    assert goals.planned == sum(row.planned for row in goals.measures)
    assert goals.unspent == max(goals.planned - goals.actual, ZERO) > 0
    assert any(row.actual > row.planned for row in goals.measures)  # the overspent wellbeing day
    for category in goals.categories:
        rows = [r for r in goals.measures if r.category_label == category.label]
        assert category.count == len(rows)
        assert category.planned == sum(r.planned for r in rows)
        assert category.actual == sum(r.actual for r in rows)
    assert sum(c.count for c in goals.categories) == len(goals.measures)


def test_section_c_effect_is_the_follow_up_per_measure_distribution(ratified_demo):
    process = ratified_demo
    goals = report_of(process).goals
    follow_up = survey_round(process, SurveyRound.Kind.FOLLOW_UP)
    answers = [r.answers for r in SurveyResponse.objects.filter(round=follow_up)]
    keys = [m["key"] for m in record_of(process).version.content["measures"]]
    options = follow_up.content["measure"]["options"]
    for row, key in zip(goals.measures, keys, strict=True):
        counted = Counter(a["measures"].get(key, {}).get("answer") for a in answers)
        assert row.effect_n == len(answers)
        assert [e.count for e in row.effect] == [counted[o["key"]] for o in options]
        assert [e.share for e in row.effect] == [
            percent(counted[o["key"]], len(answers)) for o in options
        ]
    school = Counter(a["effect_school"] for a in answers)
    effect_options = follow_up.content["effect"]["options"]
    assert [e.count for e in goals.effect_school] == [school[o["key"]] for o in effect_options]
    assert sum(e.count for e in goals.effect_school) == len(answers)


# --- d. evaluation ---------------------------------------------------------------------------


def test_section_d_agreement_rounds_and_comparison(ratified_demo):
    process = ratified_demo
    evaluation = report_of(process).evaluation
    agreement = EvaluationAgreement.objects.get(process=process)
    assert evaluation.agreement == {
        "what": agreement.what,
        "indicators": agreement.indicators,
        "when": agreement.when,
        "responsible": agreement.responsible,
        "sharing": agreement.sharing,
        "follow_up": agreement.follow_up,
    }
    rounds = [
        survey_round(process, SurveyRound.Kind.BASELINE),
        survey_round(process, SurveyRound.Kind.FOLLOW_UP),
    ]
    assert [r.label for r in evaluation.rounds] == [
        f"baseline {process.school_year}",
        f"follow-up {process.school_year}",
    ]
    for row, sent in zip(evaluation.rounds, rounds, strict=True):
        assert row.invited == Invitee.objects.filter(round=sent).count()
        assert row.answered == SurveyParticipation.objects.filter(invitee__round=sent).count()
        assert row.answered == SurveyResponse.objects.filter(round=sent).count() >= 5
        assert row.shown
        assert [d.label for d in row.dimensions] == [
            "Amount and pace of work",
            "Emotional load",
            "Mental demands",
            "Job control",
        ]
        responses = [r.answers for r in SurveyResponse.objects.filter(round=sent)]
        quantitative = sent.content["dimensions"][0]
        scores = [
            Decimal(sum(a["items"][i["key"]] for i in quantitative["items"]))
            / len(quantitative["items"])
            for a in responses
        ]
        assert row.dimensions[0].mean == (sum(scores) / len(scores)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert row.dimensions[0].high_share == percent(
            sum(1 for s in scores if s >= Decimal("2.5")), len(scores)
        )
    assert [label for label, _dims in evaluation.comparison_rows] == [
        r.label for r in evaluation.rounds
    ]
    assert [dims for _label, dims in evaluation.comparison_rows] == [
        r.dimensions for r in evaluation.rounds
    ]
    assert evaluation.comparison is not None
    assert len(evaluation.comparison.bars) == 8  # four dimensions, two rounds


def test_a_round_under_five_responses_shows_no_figures(ratified_demo):
    process = ratified_demo
    follow_up = survey_round(process, SurveyRound.Kind.FOLLOW_UP)
    keep = list(SurveyResponse.objects.filter(round=follow_up).values_list("pk", flat=True)[:4])
    SurveyResponse.objects.filter(round=follow_up).exclude(pk__in=keep).delete()
    report = report_of(process)
    row = report.evaluation.rounds[1]
    assert row.label == f"follow-up {process.school_year}"
    assert row.shown is False
    assert row.dimensions == []
    # Only the baseline is compared, and one round is no comparison chart.
    assert [label for label, _d in report.evaluation.comparison_rows] == [
        f"baseline {process.school_year}"
    ]
    assert report.evaluation.comparison is None
    # The effect figures fall back to the baseline, the latest round that is shown.
    baseline = survey_round(process, SurveyRound.Kind.BASELINE)
    n = SurveyResponse.objects.filter(round=baseline).count()
    assert {m.effect_n for m in report.goals.measures} == {n}
    assert sum(e.count for e in report.goals.effect_school) == n


def test_no_effect_without_a_round_shown(ratified_demo):
    process = ratified_demo
    SurveyRound.objects.filter(
        questionnaire__process=process, kind=SurveyRound.Kind.FOLLOW_UP
    ).update(state=SurveyRound.State.OPEN)
    baseline = survey_round(process, SurveyRound.Kind.BASELINE)
    keep = list(SurveyResponse.objects.filter(round=baseline).values_list("pk", flat=True)[:3])
    SurveyResponse.objects.filter(round=baseline).exclude(pk__in=keep).delete()
    report = report_of(process)
    assert all(m.effect == [] and m.effect_n == 0 for m in report.goals.measures)
    assert report.goals.effect_school == []
    assert [r.shown for r in report.evaluation.rounds] == [False, False]
    assert report.evaluation.comparison_rows == []


# --- schools without a (ratified) process ----------------------------------------------------


def test_a_school_without_a_process_has_the_allocation_only(ratified_demo, demo):
    erasmus = demo["schools"][0]
    year = ratified_demo.school_year
    report = school_report(school=erasmus, school_year=year)
    share = SchoolAllocation.objects.get(school=erasmus, allocation__school_year=year)
    assert report.school_name == erasmus.name
    assert report.school_year == str(year)
    assert (report.process_id, report.ratified_at, report.version_number) == (None, None, None)
    assert (report.process, report.goals) == (None, None)
    assert report.amounts.school_share == share.amount
    assert report.amounts.pupil_count == share.pupil_count
    assert report.amounts.budget_lines == []
    assert report.amounts.school_budget == ZERO
    assert report.evaluation.agreement is None
    assert report.evaluation.rounds == []
    assert report.evaluation.comparison is None


def test_a_school_without_a_fixed_allocation_has_no_board_amounts(db):
    school = SchoolFactory()
    report = school_report(school=school, school_year=SchoolYear.objects.current())
    assert report.amounts.board_total is None
    assert report.amounts.school_share is None
    assert report.amounts.pupil_count is None


def test_a_process_not_yet_ratified_has_no_goals(demo):
    process = demo["process"]
    report = report_of(process)
    assert report.process_id == process.pk
    assert (report.ratified_at, report.version_number, report.goals) == (None, None, None)
    assert report.process is not None
    live = Decision.objects.filter(process=process).count()
    board = Decision.objects.filter(
        process__isnull=True, board=process.school.board, step_number=0,
        content__school_year=str(process.school_year),
    ).count()  # fmt: skip
    assert len(report.process.timeline) == live + board >= 1
    lines = BudgetLine.objects.filter(process=process)
    assert report.amounts.school_budget == (lines.aggregate(total=Sum("amount"))["total"] or ZERO)


# --- the board -------------------------------------------------------------------------------


def test_board_totals_are_the_sums_of_the_rows(ratified_demo):
    process = ratified_demo
    board = process.school.board
    calls = []
    report = board_report(
        board=board, school_year=process.school_year, progress=lambda *a: calls.append(a)
    )
    names = list(board.schools.order_by("name").values_list("name", flat=True))
    assert [r.school_name for r in report.rows] == names == [s.school_name for s in report.schools]
    assert calls == [(i, len(names)) for i in range(1, len(names) + 1)]
    assert report.board_name == board.name
    assert report.share_total == sum(r.share or ZERO for r in report.rows)
    assert report.budget_total == sum(r.school_budget for r in report.rows)
    assert report.planned_total == sum(r.planned for r in report.rows)
    assert report.actual_total == sum(r.actual for r in report.rows)
    assert report.share_total + report.board_office == report.board_total
    baken = next(r for r in report.rows if r.school_name == process.school.name)
    goals = next(s for s in report.schools if s.school_name == process.school.name).goals
    assert (baken.planned, baken.actual, baken.ratified) == (goals.planned, goals.actual, True)
    erasmus = next(r for r in report.rows if r.school_name != process.school.name)
    assert (erasmus.planned, erasmus.actual, erasmus.ratified) == (ZERO, ZERO, False)
    summed = {c.code: (c.count, c.planned, c.actual) for c in report.categories}
    assert summed == {c.code: (c.count, c.planned, c.actual) for c in goals.categories}
    assert report.generated_at is not None


# --- queries ---------------------------------------------------------------------------------


def count_queries(process) -> int:
    with CaptureQueriesContext(connection) as queries:
        report_of(process)
    return len(queries)


def test_school_report_queries_do_not_grow_with_measures_or_decisions(ratified_demo):
    process = ratified_demo
    count_queries(process)  # caches warmed (content types, categories of other apps)
    before = count_queries(process)
    record = record_of(process)
    version = record.version
    content = dict(version.content)
    content["measures"] = content["measures"] * 3
    SchoolPlanVersion.objects.filter(pk=version.pk).update(content=content)
    RatificationRecord.objects.filter(pk=record.pk).update(decision_list=record.decision_list * 3)
    report = report_of(process)
    assert len(report.goals.measures) == 3 * len(version.content["measures"])
    assert len(report.process.timeline) == 3 * len(record.decision_list)
    assert count_queries(process) == before


def test_no_free_text_of_the_survey_reaches_the_report(ratified_demo):
    process = ratified_demo
    follow_up = survey_round(process, SurveyRound.Kind.FOLLOW_UP)
    response = SurveyResponse.objects.filter(round=follow_up).first()
    answers = response.answers
    answers["effect_school_why"] = "GEHEIM-waarom"
    key = next(iter(answers["measures"]))
    answers["measures"][key]["comment"] = "GEHEIM-opmerking"
    SurveyResponse.objects.filter(pk=response.pk).update(answers=answers)
    text = repr(report_of(process))
    assert "GEHEIM" not in text
    assert "receipt" not in text and str(response.pk) not in text
