"""Demo data: last year's workload survey at Het Baken Lyceum (baseline and follow-up, closed).

Call ``demo_survey(process)`` with the ratified process that ``schoolplans.demo.demo_ratified``
returns (idempotent). Answers are drawn with a fixed seed around the study's means (quantitative
demands 2.6, emotional load 2.1, mental demands 3.2, job control 1.8); the follow-up a little
lower on the demands.
"""

import random

from django.db import transaction
from django.test.utils import override_settings

from processes.models import SchoolRole

from .content import items
from .models import SurveyRound
from .services import answers, rounds

CENTRES = {"quantitative": 2.6, "emotional": 2.1, "cognitive": 3.2, "control": 1.8}
FOLLOW_UP_SHIFT = {"quantitative": -0.3, "emotional": -0.1, "cognitive": 0.0, "control": -0.1}
EFFECTS = ["somewhat_decreased"] * 5 + ["same"] * 3 + ["strongly_decreased", "somewhat_increased"]
ATTENDANCE = ["always", "always", "sometimes", "no_time", "other_way", "not_interested"]


def _answers(rng, survey_round, shift):
    content = survey_round.content
    values = {}
    for dimension, entry in items(content):
        top = max(o["value"] for o in content["scales"][dimension["scale"]])
        centre = CENTRES.get(dimension["key"], 2) + shift.get(dimension["key"], 0)
        values[entry["key"]] = min(top, max(1, round(rng.gauss(centre, 0.7))))
    measure_answers = ["clearly", "a_little", "a_little", "no", "not_applicable"]
    return {
        "items": values,
        "effect_school": rng.choice(EFFECTS),
        "effect_school_why": "",
        "effect_self": rng.choice(EFFECTS),
        "effect_self_why": "",
        "measures": {
            m["key"]: {"answer": rng.choice(measure_answers), "comment": ""}
            for m in survey_round.measures
        },
        "attendance": rng.choice(ATTENDANCE),
    }


def _fill(survey_round, rng, shift, share):
    for invitee in survey_round.invitees.select_related("staff_member"):
        if rng.random() > share:
            continue
        background = answers.background_default(invitee)
        answers.response_submit(
            invitee=invitee, answers=_answers(rng, survey_round, shift), background=background
        )


@transaction.atomic
def demo_survey(process):
    """Last year's baseline and follow-up, both answered by most staff and closed."""
    questionnaire = rounds.questionnaire_ensure(process=process)
    if questionnaire.rounds.exists():
        return questionnaire
    director = SchoolRole.objects.get(school=process.school, role=SchoolRole.Role.DIRECTOR).user
    rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for kind, shift, share in (
            (SurveyRound.Kind.BASELINE, {}, 0.7),
            (SurveyRound.Kind.FOLLOW_UP, FOLLOW_UP_SHIFT, 0.6),
        ):
            survey_round = rounds.round_send(questionnaire=questionnaire, actor=director, kind=kind)
            _fill(survey_round, rng, shift, share)
            rounds.round_close(survey_round=survey_round, actor=director)
    return questionnaire
