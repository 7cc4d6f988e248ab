"""The decision list (besluitenlijst): every decision of the process and the board's step 0
decisions of its year, as a page and a PDF; frozen with the ratification."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_noop

from processes import services
from processes.models import Decision
from schoolplans.models import RatificationRecord
from schoolplans.selectors.decision_list import decision_list_content
from schoolplans.services.ratification import ratification_director_sign
from tests.fixtures.step8 import user
from tests.schoolplans.test_publication import (  # noqa: F401 (fixtures)
    pdf_text,
    publish,
    ratify_steps,
    step,
    world_at_step10,
)
from tests.schoolplans.test_ratification import consent, evaluate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = world_at_step10()
    publish(world)
    evaluate(world.process)
    return world


def ratify(world):
    consent(world)
    ratification_director_sign(process=world.process, actor=user("directeur"))
    return RatificationRecord.objects.get(version=world.version)


def board_decision(process, school_year, text):
    return services.board_decision_record(
        board=process.school.board,
        school_year=school_year,
        action="units.allocation.fixed",
        summary=gettext_noop(text),
        actor=user("bestuur"),
    )


def test_the_list_has_every_decision_of_the_process_and_the_boards_step_0_of_its_year(world):
    process = world.process
    this_year = board_decision(process, process.school_year, "Verdeling van dit jaar.")
    next_year = board_decision(process, process.school_year.next(), "Verdeling van volgend jaar.")

    entries = decision_list_content(process)

    own = set(Decision.objects.filter(process=process).values_list("pk", flat=True))
    board = {
        d.pk
        for d in Decision.objects.filter(process__isnull=True, board=process.school.board)
        if d.content.get("school_year") == str(process.school_year)
    }
    ids = [entry["id"] for entry in entries]
    assert this_year.pk in board and next_year.pk not in board
    assert len(ids) == len(set(ids))
    assert set(ids) == own | board
    assert all(entry["step"] == 0 for entry in entries if entry["id"] in board)
    dates = [entry["date"] for entry in entries]
    assert dates == sorted(dates)
    first = entries[0]
    assert set(first) == {
        "id",
        "date",
        "step",
        "action",
        "actor",
        "role",
        "summary",
        "content",
        "grounds",
    }
    published = next(e for e in entries if e["action"] == "schoolplans.plan.published")
    assert published["actor"] == str(user("directeur")) and published["role"]


def test_the_frozen_list_does_not_change_after_later_decisions(client, world):
    record = ratify(world)
    frozen = list(record.decision_list)
    later = services.decision_record(
        process=world.process,
        step_number=9,
        action="test.later",
        summary=gettext_noop("A decision after the ratification."),
        actor=user("directeur"),
    )

    record.refresh_from_db()
    assert record.decision_list == frozen
    assert later.pk in [entry["id"] for entry in decision_list_content(world.process)]
    assert later.pk not in [entry["id"] for entry in record.decision_list]

    client.force_login(user("docent"))
    html = client.get(reverse("schoolplans:decision-list", args=[world.process.pk]))
    html = html.content.decode()
    assert 'data-testid="frozen"' in html and record.decision_list_hash in html
    assert "A decision after the ratification." not in html
    assert html.count('data-testid="decision"') == len(frozen)


def test_the_record_cannot_be_changed(world):
    from django.core.exceptions import ValidationError

    record = ratify(world)
    record.decision_list = []
    with pytest.raises(ValidationError):
        record.save()


def test_before_ratification_the_page_shows_the_list_as_it_stands(client, world):
    client.force_login(user("docent"))
    html = client.get(reverse("schoolplans:decision-list", args=[world.process.pk]))
    html = html.content.decode()
    assert 'data-testid="live"' in html
    for decision in Decision.objects.filter(process=world.process):
        assert escape(decision.summary) in html


def test_the_pdf_contains_every_decision(client, world):
    board_decision(world.process, world.process.school_year, "Verdeling van dit jaar.")
    record = ratify(world)
    client.force_login(user("docent"))
    response = client.get(reverse("schoolplans:decision-list-pdf", args=[world.process.pk]))
    assert response["Content-Type"] == "application/pdf"
    # A line may end after the hyphen of "PMR-vergadering": read it back as one word.
    text = pdf_text(response.content).replace("- ", "-")
    for entry in record.decision_list:
        assert " ".join(entry["summary"].split()) in text, entry["summary"]
        if entry["grounds"]:
            assert " ".join(entry["grounds"].split()) in text
    assert "Verdeling van dit jaar." in text
    assert record.decision_list_hash in text.replace(" ", "")
