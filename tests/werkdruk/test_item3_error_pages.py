"""Issue 15, item 3: the error pages (403, 404, 500, a refused form) are Dutch, in the site's
layout, with a way back; the 500 page renders without a request, a user or the database."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation

from processes import services
from processes.models import SchoolRole
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LAYOUT = 'class="navbar navbar-expand wd-navbar"'
WAY_BACK = 'data-testid="way-back"'
DASHBOARD = 'href="/"'


def boom(request):
    raise RuntimeError("a bug")


# For the 500 test only (pytest.mark.urls): the site's URLs plus a view that fails.
urlpatterns = [path("boom/", boom), path("", include("werkdruk.urls"))]


@pytest.fixture
def teacher(db):
    """A teacher of a school with a process: may see the process, not run its vote."""
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    process = services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    user.process = process
    return user


def test_item3_a_missing_page_is_dutch_in_the_layout_with_a_way_back(client, teacher):
    client.force_login(teacher)

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in page
    assert "Not Found" not in page
    assert LAYOUT in page and teacher.email in page  # the site's layout, signed in
    assert WAY_BACK in page and DASHBOARD in page


def test_item3_a_refused_page_is_dutch_and_says_who_to_ask(client, teacher):
    client.force_login(teacher)

    response = client.get(reverse("voting:vote-manage", args=[teacher.process.pk]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "Je kunt deze pagina niet openen" in page
    assert "directeur of de PMR" in page
    assert LAYOUT in page and WAY_BACK in page


def test_item3_the_way_back_leads_to_the_previous_page_of_this_site_only(client, teacher):
    client.force_login(teacher)
    step = f"http://testserver/process/{teacher.process.pk}/step/4/"

    from_here = client.get("/no-such-page/", HTTP_REFERER=step).content.decode()
    from_elsewhere = client.get(
        "/no-such-page/", HTTP_REFERER="https://evil.example/phish"
    ).content.decode()

    assert f'href="{step}"' in from_here
    assert "Terug naar de vorige pagina" in from_here
    assert "evil.example" not in from_elsewhere
    assert "Terug naar de vorige pagina" not in from_elsewhere


def test_item3_the_500_page_renders_without_a_request_or_context():
    with translation.override("nl"):
        page = render_to_string("500.html")

    assert "Er ging bij ons iets mis" in page
    assert LAYOUT in page and WAY_BACK in page and DASHBOARD in page


@pytest.mark.urls(__name__)
def test_item3_a_failing_page_shows_the_dutch_500_page(teacher):
    client = Client(raise_request_exception=False)
    client.force_login(teacher)

    response = client.get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in page
    assert "Server Error" not in page
    assert "a bug" not in page


def test_item3_a_refused_form_gets_a_dutch_page_with_a_way_back(teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    form_page = f"http://testserver/process/{teacher.process.pk}/step/5/"

    response = client.post(
        reverse("processes:step-plan", args=[teacher.process.pk, 5]),
        {"csrfmiddlewaretoken": "b" * 32, "planned_date": "2027-01-01"},
        HTTP_REFERER=form_page,
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Je formulier kon niet worden verstuurd" in page
    assert "Er is niets opgeslagen" in page
    assert "incorrect" not in page  # the technical reason is not shown
    assert LAYOUT in page and teacher.email in page
    assert f'href="{form_page}"' in page


def test_item3_a_form_without_the_cookie_says_to_allow_cookies(client):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("set_language"), {"language": "en"})

    assert response.status_code == 403
    assert "Sta cookies voor deze site toe" in response.content.decode()
