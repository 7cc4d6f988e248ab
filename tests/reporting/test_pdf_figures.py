"""The school's annual report PDF, read back as text, states what the process recorded.

The expected figures are summed here from the records themselves (allocation, budget lines,
the closed vote, kick-off attendance, the ratified version, the spending rows, the survey), not
from ``reporting.selectors.figures``, so a figure that the report computes wrongly or leaves
out fails.
"""

import io
import re
from decimal import Decimal

from django.utils import translation
from pypdf import PdfReader

from reporting.documents import report_pdf
from reporting.selectors.figures import school_report
from schoolplans.models import EvaluationAgreement
from schoolplans.selectors.decision_list import ratification_record_for
from spending.models import MeasureSpending
from surveys.models import Invitee, SurveyParticipation
from units.models import BudgetLine, KickoffSession, SchoolAllocation
from voting.models import Vote
from werkdruk.money import format_euro

CENTS = Decimal("0.01")


def pdf_text(process) -> str:
    with translation.override("nl"):
        pdf = report_pdf(school_report(school=process.school, school_year=process.school_year))
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def euro(amount) -> str:
    with translation.override("nl"):
        return format_euro(Decimal(amount).quantize(CENTS))


def test_every_amount_and_count_of_sections_a_to_d_is_in_the_pdf(ratified_demo):
    process = ratified_demo
    text = pdf_text(process)
    missing = []

    def expect(value, what):
        if re.sub(r"\s+", " ", value) not in text:
            missing.append(f"{what}: {value!r}")

    # a. the board's allocation, the school's share and its budget
    share = SchoolAllocation.objects.select_related("allocation").get(
        school=process.school, allocation__school_year=process.school_year
    )
    expect(euro(share.allocation.total), "board total")
    expect(euro(share.allocation.board_office_amount), "board office")
    expect(euro(share.amount), "school share")
    lines = list(BudgetLine.objects.filter(process=process))
    assert lines
    for line in lines:
        expect(euro(line.amount), f"budget line {line.description}")
    expect(euro(sum(line.amount for line in lines)), "school budget")

    # b. the staff vote and the kick-off
    vote = Vote.objects.get(process=process, kind=Vote.Kind.AGREEMENT, state=Vote.State.CLOSED)
    cast = vote.yes_count + vote.no_count + vote.abstain_count
    expect(f"{vote.eligible_count} {cast} {vote.yes_count} {vote.no_count}", "vote counts")
    turnout = (Decimal(cast * 100) / vote.eligible_count).quantize(Decimal("0.1"))
    expect(f"{turnout:f}".replace(".", ",") + "%", "turnout")  # one decimal, as the result page
    for session in KickoffSession.objects.filter(process=process):
        expect(f"{session.title}", "kick-off session")
        expect(f" {session.attendance_count} ", "kick-off attendance")

    # c. every ratified measure: planned (the frozen version) and actual (the spending rows)
    year = process.school_year.start_year
    version = ratification_record_for(process).version
    spent = {
        row.measure_id: row.actual
        for row in MeasureSpending.objects.filter(process=process, start_year=year)
    }
    planned_total = actual_total = Decimal("0")
    for measure in version.content["measures"]:
        planned = Decimal(measure["cost_per_year"].get(str(year), "0"))
        actual = spent.get(int(measure["key"]), Decimal("0"))
        planned_total += planned
        actual_total += actual
        expect(f"{euro(planned)} {euro(actual)}", f"measure {measure['title']}")
    expect(euro(planned_total), "planned total")
    expect(euro(actual_total), "actual total")
    expect(euro(max(planned_total - actual_total, Decimal("0"))), "unspent")

    # d. the evaluation agreement and the survey's turnout per round
    agreement = EvaluationAgreement.objects.get(process=process)
    expect(agreement.what, "evaluation: what is measured")
    for survey_round in process.questionnaire.rounds.all():
        invited = Invitee.objects.filter(round=survey_round).count()
        answered = SurveyParticipation.objects.filter(invitee__round=survey_round).count()
        expect(f"{answered} van de {invited}", f"survey turnout {survey_round.kind}")

    assert not missing, missing
