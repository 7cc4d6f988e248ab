"""Issue 18 item 4, transparency for all staff: every active staff member of a school reads the
ratified school plan, the spending against it, the evaluation and the staff version of the
annual report, in which only role holders (director, PMR, board, GMR) are named.

Permission matrix over those pages: the school's staff yes, another school's staff no, former
(inactive) staff no, anonymous users to the sign-in page."""

import pytest
from django.urls import reverse

from plans.models import Measure, MeasureComment
from processes.models import SchoolRole
from tests.factories import SchoolFactory, StaffMemberFactory, UserFactory

PAGES = [
    "reporting:school-report-staff",
    "spending:overview",
    "schoolplans:merge",
    "schoolplans:evaluation",
]
COORDINATORS = ["Joris Meulenbelt", "Linda Kramer"]  # the demo's unit coordinators (no role)


def _staff(school, *, active=True, name="Teun Leraar"):
    user = UserFactory(name=name)
    StaffMemberFactory(school=school, user=user, email=user.email, name=name, active=active)
    return user


@pytest.fixture
def teacher(ratified_demo):
    return _staff(ratified_demo.school)


@pytest.fixture
def commenter(ratified_demo):
    """A teacher of the school who commented on a measure of a unit plan."""
    user = _staff(ratified_demo.school, name="Pieternel Commentaar")
    measure = Measure.objects.filter(plan__process=ratified_demo).first()
    MeasureComment.objects.create(
        measure=measure, author=user, author_name=user.name, text="Goed idee."
    )
    return user


def _get(client, user, name, process):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=[process.pk]))


@pytest.mark.parametrize("name", PAGES)
def test_staff_of_the_school_read_every_transparency_page(client, ratified_demo, teacher, name):
    assert _get(client, teacher, name, ratified_demo).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_staff_of_another_school_get_404(client, ratified_demo, name):
    stranger = _staff(SchoolFactory(board=ratified_demo.school.board))
    assert _get(client, stranger, name, ratified_demo).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_former_staff_get_404(client, ratified_demo, name):
    former = _staff(ratified_demo.school, active=False)
    assert _get(client, former, name, ratified_demo).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, ratified_demo, name):
    response = _get(client, None, name, ratified_demo)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_full_report_stays_closed_to_staff(client, ratified_demo, teacher):
    client.force_login(teacher)
    for name in ("school-report", "school-report-pdf", "school-report-docx"):
        url = reverse(f"reporting:{name}", args=[ratified_demo.pk])
        assert client.get(url).status_code == 403


def test_staff_may_not_record_or_import_spending(client, ratified_demo, teacher):
    client.force_login(teacher)
    assert _get(client, teacher, "spending:import", ratified_demo).status_code == 403
    assert _get(client, teacher, "spending:import-example", ratified_demo).status_code == 403
    page = _get(client, teacher, "spending:overview", ratified_demo).content.decode()
    assert reverse("spending:import", args=[ratified_demo.pk]) not in page


def _role_holders(process):
    return {
        role.role: role.user.name
        for role in SchoolRole.objects.filter(school=process.school).select_related("user")
    }


def test_staff_version_names_role_holders_only(client, ratified_demo, teacher, commenter):
    page = _get(client, teacher, "reporting:school-report-staff", ratified_demo).content.decode()
    for name in [*COORDINATORS, commenter.name]:  # (the reader is named in the menu)
        assert name not in page
    holders = _role_holders(ratified_demo)
    assert holders["director"] in page
    assert holders["pmr"] in page
    assert "a staff member" in page
    assert 'data-testid="section-d"' in page  # the evaluation's outcome is there too


def test_the_full_report_still_names_everyone(client, ratified_demo):
    director = SchoolRole.objects.get(school=ratified_demo.school, role="director").user
    page = _get(client, director, "reporting:school-report", ratified_demo).content.decode()
    assert all(name in page for name in COORDINATORS)


def test_the_spending_page_holds_no_personal_names(client, ratified_demo, teacher):
    page = _get(client, teacher, "spending:overview", ratified_demo).content.decode()
    names = [*COORDINATORS, *_role_holders(ratified_demo).values()]
    names += list(ratified_demo.school.staff_members.values_list("name", flat=True))
    assert not [name for name in names if name in page and name != teacher.name]
    assert "<table" in page


def test_the_dashboard_links_staff_to_the_transparency_pages(client, ratified_demo, teacher):
    client.force_login(teacher)
    page = client.get(reverse("processes:dashboard")).content.decode()
    assert 'data-testid="transparency"' in page
    for name in PAGES:
        assert reverse(name, args=[ratified_demo.pk]) in page


def test_no_transparency_section_before_a_ratification(client, process, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("processes:dashboard")).content.decode()
    assert 'data-testid="transparency"' not in page
