"""Issue 15 ("Must show"): axe-core finds nothing serious or critical on the main pages of each
demo role, on a desktop (1366x900) and on a phone (390x844).

It found the fingerprint codes (Bootstrap's pink <code>, 3.9:1 on a light blue alert) and the
red outline buttons (Bootstrap's #dc3545, 4.4:1 on the page background) too faint.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from plans.demo import demo_load
from plans.demo_ideas import demo_ideas
from plans.demo_plans import demo_plans
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from surveys.services import rounds as surveys
from tests.e2e.axe import axe_findings
from tests.e2e.test_vote import sign_in
from units.demo import demo_meeting
from units.models import MeetingMinutes
from voting.demo import demo_vote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SURVEY_LINK = re.compile(r"https?://\S+/survey/code/[^/\s]+/")
SCREENS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})


@pytest.fixture
def demo(settings, tmp_path):
    """The demo as `manage.py demo` builds it, and a survey round sent at the first school."""
    settings.MEDIA_ROOT = str(tmp_path)
    result = demo_load()
    vote = demo_vote(result["process"], result["users"])
    demo_ideas(result["process"], result["users"])
    demo_meeting(result["process"], result["users"])
    plans = demo_plans(result)
    ratified = demo_ratified(result)
    demo_spending(ratified)
    demo_survey(ratified)
    process = result["process"]
    mail.outbox.clear()
    surveys.round_send(
        questionnaire=surveys.questionnaire_ensure(process=process),
        actor=result["users"]["pmr"],
        kind="baseline",
    )
    survey = urlsplit(SURVEY_LINK.search(mail.outbox[0].body).group(0)).path
    return result, vote, plans, ratified, survey


def role_pages(demo):
    result, vote, plans, ratified, survey = demo
    process, board = result["process"], result["board"]
    unit = plans.units.get(name="Docenten talen en kunst").pk
    meeting = MeetingMinutes.objects.get(meeting__working_method__process=process).meeting
    return [
        (None, [survey]),  # the survey, from the e-mailed personal link
        (
            "docent@demo.werkdruk.nl",
            [
                "/",
                reverse("voting:ballot", args=[vote.pk]),
                reverse("plans:ideas", args=[process.pk]),
            ],
        ),
        (
            "pmr@demo.werkdruk.nl",
            [
                "/",
                reverse("processes:process-detail", args=[process.pk]),
                reverse("processes:step-detail", args=[process.pk, 4]),
                reverse("voting:vote-manage", args=[process.pk]),
                reverse("voting:vote-roll", args=[vote.pk]),
                reverse("units:staff-list", args=[process.school_id]),
                reverse("units:pmr-record", args=[process.pk]),
                reverse(
                    "units:unit-meeting",
                    args=[process.pk, meeting.working_method.unit_id, meeting.pk],
                ),
            ],
        ),
        (
            "directeur@demo.werkdruk.nl",
            [
                reverse("units:unit-detail", args=[process.pk, process.units.order_by("pk")[0].pk]),
                reverse("units:budget", args=[process.pk]),
                reverse("plans:framework-list", args=[process.pk]),
            ],
        ),
        # The unit plan editor of the plan this coordinator is still writing.
        ("docent.baken@demo.werkdruk.nl", ["/", reverse("plans:unit-plan", args=[plans.pk, unit])]),
        (
            "directeur.baken@demo.werkdruk.nl",
            [
                reverse("processes:process-detail", args=[plans.pk]),
                reverse("schoolplans:publication", args=[ratified.pk]),
                reverse("reporting:school-report", args=[ratified.pk]),
                reverse("surveys:survey-manage", args=[ratified.pk]),
                reverse("surveys:results", args=[ratified.pk]),
            ],
        ),
        (
            "bestuur@demo.werkdruk.nl",
            [
                "/",
                reverse("reporting:board-dashboard", args=[board.pk]),
                reverse("reporting:board-report", args=[board.pk, ratified.school_year.start_year]),
            ],
        ),
    ]


def test_item4_axe_finds_nothing_serious_on_the_main_pages_of_every_role(
    browser, live_server, demo
):
    findings = []
    for email, pages in role_pages(demo):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL")
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if email:
                sign_in(page, email)
            for path in pages:
                for screen in SCREENS:
                    page.set_viewport_size(screen)
                    response = page.goto(path)
                    assert response.status == 200, (email, path)
                    findings += [
                        f"{email} {path} {screen['width']}px: {finding}"
                        for finding in axe_findings(page)
                    ]
        finally:
            context.close()
    assert findings == []
