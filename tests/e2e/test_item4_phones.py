"""Issue 15, item 4: on a phone (390x844) no page is wider than the screen, and the ballot
starts with the choice.

The ballot was 770 px wide on a 390 px screen (the agreement's tables without their own
scroll) and the choice was 5.6 screens down; the annual report and the survey results scrolled
sideways too. Sideways scroll is measured against the visual viewport (what the phone shows),
not innerWidth, which a too-wide page widens along with it.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from plans.demo import demo_load
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from surveys.services import rounds as surveys
from tests.e2e.test_vote import BALLOT_LINK, TEACHER, open_the_vote, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
SIDEWAYS = "document.documentElement.scrollWidth - visualViewport.width"
# Bottom of an element, in page coordinates.
BOTTOM = "el => el.getBoundingClientRect().bottom + window.scrollY"
SURVEY_LINK = re.compile(r"https?://\S+/survey/code/[^/\s]+/")
MIN_TARGET = 44  # px: WCAG 2.5.5's target size, Apple's and Google's guidance


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(**options):
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", **{**PHONE, **options}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wider_than_the_screen(page) -> str:
    """What sticks out on the right, for the failure message ("" when nothing does)."""
    return page.evaluate(
        """() => {
          const width = visualViewport.width;
          const scrolls = el => {
            for (let p = el.parentElement; p; p = p.parentElement) {
              if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) {
                return true;
              }
            }
            return false;
          };
          return [...document.body.querySelectorAll("*")]
            .filter(el => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
            .slice(0, 5)
            .map(el => el.tagName + "." + el.className + " " + el.getBoundingClientRect().right)
            .join(", ");
        }"""
    )


def assert_no_sideways_scroll(page):
    assert page.evaluate(SIDEWAYS) <= 0, (page.url, wider_than_the_screen(page))


def ballot_path():
    _process, vote = open_the_vote()
    invitation = next(m for m in mail.outbox if m.to == [TEACHER])
    return urlsplit(BALLOT_LINK.search(invitation.body).group(0)).path, vote


def test_item4_the_ballot_on_a_phone_starts_with_the_choice_and_fits_the_screen(phone):
    path, vote = ballot_path()
    page = phone()
    page.goto(path)

    assert_no_sideways_scroll(page)
    choice = page.locator('[data-testid="choice"]')
    screen = page.evaluate("visualViewport.height")
    assert choice.evaluate(BOTTOM) <= 2 * screen, "the choice is not within two screens"

    # Every option is a target of at least 44 px, label included: tapping the label chooses.
    for option in page.locator('[data-testid="choice"] label').all():
        box = option.bounding_box()
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box
    for option in page.locator('[data-testid="question"] label').all():
        box = option.bounding_box()
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box

    # The agreement is folded, and one tap opens it; it still fits the screen.
    agreement = page.locator('[data-testid="agreement"]')
    assert not agreement.is_visible()
    page.locator('[data-testid="ballot-subject"] > summary').tap()
    assert agreement.is_visible()
    assert page.locator('[data-testid="agreement-hash"]').inner_text() == (
        vote.agreement.content_hash
    )
    assert_no_sideways_scroll(page)

    # A tap on the label chooses; the vote goes on to the review as before.
    yes = page.locator('input[name="choice"][value="yes"]')
    page.locator(f'label[for="{yes.get_attribute("id")}"]').tap()
    assert yes.is_checked()
    page.locator("form#ballot button[type=submit]").tap()
    page.locator('[data-testid="review-choice"]').wait_for()
    assert_no_sideways_scroll(page)


def test_item4_the_agreement_stays_open_on_a_desktop_and_without_javascript(phone):
    path, _vote = ballot_path()
    desktop = phone(viewport={"width": 1366, "height": 900}, is_mobile=False, has_touch=False)
    desktop.goto(path)
    assert desktop.locator('[data-testid="agreement"]').is_visible()

    no_script = phone(java_script_enabled=False)
    no_script.goto(path)
    assert no_script.locator('[data-testid="agreement"]').is_visible()
    assert_no_sideways_scroll(no_script)
    # Without the fold, the link at the top still leads straight to the choice.
    assert no_script.locator('a[href="#ballot"]').is_visible()


@pytest.fixture
def ratified(settings, tmp_path):
    """Het Baken Lyceum's ratified year in the demo, with spending and a survey."""
    settings.MEDIA_ROOT = str(tmp_path)
    process = demo_ratified(demo_load())
    demo_spending(process)
    demo_survey(process)
    return process


@pytest.mark.parametrize(
    ("email", "pages"),
    [
        (
            "pmr.baken@demo.werkdruk.nl",
            [
                ("reporting:school-report", "process"),
                ("surveys:results", "process"),
                ("schoolplans:publication", "process"),
                ("processes:process-detail", "process"),
            ],
        ),
        (
            "bestuur@demo.werkdruk.nl",
            [
                ("reporting:school-report", "process"),
                ("reporting:board-report", "board-year"),
                ("reporting:board-dashboard", "board"),
                ("processes:board-detail", "board"),
            ],
        ),
        (
            "directeur.baken@demo.werkdruk.nl",
            [
                ("surveys:results", "process"),
                ("units:staff-list", "school"),
            ],
        ),
    ],
)
def test_item4_the_annual_report_and_the_survey_results_fit_a_phone(phone, ratified, email, pages):
    page = phone()
    sign_in(page, email)
    school = ratified.school
    args = {
        "process": [ratified.pk],
        "board": [school.board_id],
        "board-year": [school.board_id, ratified.school_year.start_year],
        "school": [school.pk],
    }
    for name, kind in pages:
        response = page.goto(reverse(name, args=args[kind]))
        assert response.status == 200, name
        assert_no_sideways_scroll(page)


def test_item4_the_survey_on_a_phone_fits_the_screen_with_44_px_targets(phone):
    """Staff answer the workload survey from the e-mailed link, often on a phone."""
    result = demo_load()
    process, pmr = result["process"], result["users"]["pmr"]
    mail.outbox.clear()
    surveys.round_send(
        questionnaire=surveys.questionnaire_ensure(process=process), actor=pmr, kind="baseline"
    )
    link = SURVEY_LINK.search(next(m for m in mail.outbox if m.to == [TEACHER]).body).group(0)
    page = phone()
    page.goto(urlsplit(link).path)

    assert_no_sideways_scroll(page)
    options = page.locator('[role="radiogroup"] label').all()
    assert len(options) > 20
    for option in options:
        box = option.bounding_box()
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box
    first = page.locator('[role="radiogroup"] input[type="radio"]').first
    page.locator(f'label[for="{first.get_attribute("id")}"]').tap()
    assert first.is_checked()
