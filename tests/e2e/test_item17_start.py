"""Issue 17, item 1 in the browser, in Dutch: from ``board_create`` to a director who imported
the staff, appointed a PMR member and started the procedure, without the Django admin."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from processes.models import Process, PupilCount, School, SchoolRole

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+?(/invitation/[A-Za-z0-9_-]+/)")
STAFF_CSV = (
    "naam;e-mail;categorie;functie;afdeling;wtf\n"
    "Jan de Vries;j.devries@plein.example.nl;OP;docent;Wiskunde;0,8\n"
    "Fatima El Amrani;f.elamrani@plein.example.nl;OOP;conciërge;Facilitair;1\n"
    "Pieter Bakker;p.bakker@plein.example.nl;OP;docent;Engels;1\n"
).encode("utf-8-sig")


def invitation_path(text: str) -> str:
    found = LINK.findall(text)
    assert found, text
    return found[-1]


def new_person(browser, live_server, visited):
    """A browser of its own (no cookies) for another person; every URL it asks is noted."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    person = context.new_page()
    person.on("request", lambda request: visited.append(urlsplit(request.url).path))
    return person


def accept(page, path, role):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "nl"
    page.locator('[data-testid="accept-invitation"]').click()
    page.wait_for_url(f"**/start/{role}/")


def appoint_pmr_member(director_page, school, email):
    """The director appoints an imported staff member as PMR member on the school's roles page."""
    director_page.goto("/start/director/")
    director_page.locator('[data-testid="start-roles"]').click()
    director_page.wait_for_url(f"**/school/{school.pk}/roles/")
    member = school.staff_members.get(email=email)
    director_page.locator('select[name="role"]').select_option("pmr")
    director_page.locator('select[name="user"]').select_option(str(member.user_id))
    director_page.locator('[data-testid="appoint-submit"]').click()
    director_page.wait_for_url(f"**/school/{school.pk}/roles/")


def test_a_board_starts_and_a_director_gets_the_procedure_going_in_the_browser(
    page, browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    visited = []
    page.on("request", lambda request: visited.append(urlsplit(request.url).path))

    # The operator starts the board.
    out = io.StringIO()
    call_command(
        "board_create",
        "--name",
        "Stichting Het Plein",
        "--admin-email",
        "bestuur@plein.example.nl",
        "--admin-name",
        "Bea Bestuur",
        stdout=out,
    )
    printed = invitation_path(out.getvalue())
    assert invitation_path(mail.outbox[-1].body) == printed

    # The board administrator accepts and adds a school with its pupil count.
    accept(page, printed, "board_admin")
    page.locator('[data-testid="start-board-manage"]').click()
    page.wait_for_url("**/manage/")
    page.locator('[data-testid="school-add"]').click()
    page.locator('input[name="name"]').fill("Plein College")
    page.locator('input[name="brin"]').fill("12xy")
    page.locator('input[name="city"]').fill("Zwolle")
    page.locator('input[name="pupil_count"]').fill("840")
    page.locator('[data-testid="school-submit"]').click()
    school = School.objects.get(brin="12XY")
    page.wait_for_url(f"**/school/{school.pk}/invitations/")
    assert PupilCount.objects.get(school=school).pupil_count == 840

    # ... and invites its director.
    page.locator('input[name="name"]').fill("Dirk Directeur")
    page.locator('input[name="email"]').fill("directeur@plein.example.nl")
    page.locator('[data-testid="invite-submit"]').click()
    page.wait_for_url(f"**/school/{school.pk}/invitations/")
    assert "directeur@plein.example.nl" in page.locator('[data-testid="invitations"]').inner_text()

    # The director accepts, imports the staff, appoints a PMR member and starts the procedure.
    assert mail.outbox[-1].to == ["directeur@plein.example.nl"]
    director = new_person(browser, live_server, visited)
    accept(director, invitation_path(mail.outbox[-1].body), "director")
    director.locator('[data-testid="start-staff"]').click()
    director.wait_for_url(f"**/staff/school/{school.pk}/")
    director.goto(f"/staff/school/{school.pk}/import/")
    director.locator('input[type="file"]').set_input_files(
        files=[{"name": "personeel.csv", "mimeType": "text/csv", "buffer": STAFF_CSV}]
    )
    director.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    director.wait_for_url(f"**/staff/school/{school.pk}/import/preview/")
    assert "3" in director.locator('[data-testid="merge-summary"]').inner_text()
    director.locator('main form button[type="submit"].btn-primary').click()
    director.wait_for_url(f"**/staff/school/{school.pk}/")
    assert school.staff_members.filter(active=True).count() == 3

    appoint_pmr_member(director, school, "p.bakker@plein.example.nl")
    assert SchoolRole.objects.filter(
        school=school, role="pmr", user__email="p.bakker@plein.example.nl"
    ).exists()

    director.goto("/start/director/")
    director.locator('[data-testid="start-process"]').click()
    director.locator('main form button[type="submit"].btn-primary').click()
    director.wait_for_url("**/process/*/")
    process = Process.objects.get(school=school)
    assert director.locator("html").get_attribute("lang") == "nl"
    assert school.name in director.locator("h1").inner_text()
    assert process.steps.get(number=1).state == "open"
    director.context.close()

    assert not [path for path in visited if path.startswith("/admin")]
