"""The board's administration pages (issue 17, item 1): schools and pupil counts, directors'
invitations, administrators (never the last one), GMR, settings; and the board's sender on
the e-mails to its people (item 3)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from organisation.models import Invitation
from organisation.services import board as services
from organisation.services import invitations as invitation_services
from processes.models import Board, BoardAdministrator, Decision, GmrMember, PupilCount, School
from processes.services import decision_record
from tests.factories import BoardAdministratorFactory, SchoolYearFactory, UserFactory
from units.services.addresses import sheet_printed_notify
from werkdruk.exceptions import DomainError

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "other_director",
    "other_board_admin",
    "gmr",
    "board_admin",
]


def login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.fixture
def setting(school, board_admin, gmr):
    """A second administrator, a GMR membership and an open director invitation to act on."""
    second = BoardAdministratorFactory(board=school.board)
    invitation, _token = invitation_services.invitation_create(
        actor=board_admin,
        board=school.board,
        school=school,
        role=Invitation.Role.DIRECTOR,
        email="dir@x.example.org",
    )
    return {
        "board": school.board,
        "school": school,
        "admin": second,
        "gmr": GmrMember.objects.get(user=gmr),
        "invitation": invitation,
    }


def url(name, setting):
    board, school = setting["board"], setting["school"]
    return {
        "board-manage": reverse("organisation:board-manage", args=[board.pk]),
        "school-create": reverse("organisation:school-create", args=[board.pk]),
        "board-settings": reverse("organisation:board-settings", args=[board.pk]),
        "board-invite-admin": reverse("organisation:board-invite", args=[board.pk, "board_admin"]),
        "board-invite-gmr": reverse("organisation:board-invite", args=[board.pk, "gmr"]),
        "board-admin-remove": reverse(
            "organisation:board-admin-remove", args=[board.pk, setting["admin"].pk]
        ),
        "gmr-member-remove": reverse(
            "organisation:gmr-member-remove", args=[board.pk, setting["gmr"].pk]
        ),
        "school-edit": reverse("organisation:school-edit", args=[school.pk]),
        "school-invitations": reverse("organisation:school-invitations", args=[school.pk]),
        "invitation-resend": reverse(
            "organisation:invitation-resend", args=[setting["invitation"].pk]
        ),
        "invitation-withdraw": reverse(
            "organisation:invitation-withdraw", args=[setting["invitation"].pk]
        ),
    }[name]


def snapshot():
    return (
        list(Board.objects.values_list("pk", "sender_name", "reply_to", "retention_years")),
        list(School.objects.values_list("pk", "name", "brin")),
        list(PupilCount.objects.values_list("pk", "pupil_count")),
        list(BoardAdministrator.objects.values_list("pk", flat=True)),
        list(GmrMember.objects.values_list("pk", flat=True)),
        list(Invitation.objects.values_list("pk", "token_digest", "withdrawn_at", "send_count")),
    )


# page: statuses of the GET for (others, board admin, director)
GETS = {
    "board-manage": (404, 200, 404),
    "school-create": (404, 200, 404),
    "board-settings": (404, 200, 404),
    "board-invite-admin": (404, 200, 404),
    "board-invite-gmr": (404, 200, 404),
    "school-edit": (404, 200, 404),
    "school-invitations": (403, 200, 200),
}


@pytest.mark.parametrize("name", GETS)
@pytest.mark.parametrize("role", ROLES)
def test_board_pages_are_shown_to_their_users_only_when_requested(
    client, request, setting, name, role
):
    login(client, request, role)
    response = client.get(url(name, setting))
    others, admin, director = GETS[name]
    expected = {"anonymous": 302, "board_admin": admin, "director": director}.get(role, others)
    assert response.status_code == expected, (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


POSTS = {
    "school-create": {"name": "X", "brin": "99ZZ", "language": "nl", "school_year": "2026"},
    "board-settings": {"sender_name": "S", "reply_to": "r@x.example.org"},
    "board-invite-admin": {"email": "a@x.example.org", "role": "board_admin"},
    "board-invite-gmr": {"email": "g@x.example.org", "role": "gmr"},
    "board-admin-remove": {},
    "gmr-member-remove": {},
    "school-edit": {"name": "Y", "brin": "98YY", "language": "en"},
    "school-invitations": {"email": "p@x.example.org", "role": "director"},
    "invitation-resend": {},
    "invitation-withdraw": {},
}
# The director's school-invitations post (role "director") is refused as a form error.
DIRECTOR_POSTS = {"school-invitations": 400}


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("role", [r for r in ROLES if r != "board_admin"])
def test_board_posts_change_nothing_when_posted_by_anyone_but_the_boards_administrators(
    client, request, setting, name, role
):
    login(client, request, role)
    before = snapshot()
    response = client.post(url(name, setting), POSTS[name])
    expected = 403 if name == "school-invitations" else 404
    if role == "anonymous":
        expected = 302
    elif role == "director":
        expected = DIRECTOR_POSTS.get(name, 404)
    assert response.status_code == expected, (name, role)
    assert snapshot() == before


@pytest.mark.parametrize("name", POSTS)
def test_board_posts_do_their_work_when_posted_by_the_boards_administrator(
    client, setting, board_admin, school_year, name
):
    client.force_login(board_admin)
    before = snapshot()
    response = client.post(url(name, setting), POSTS[name])
    assert response.status_code == 302, (name, response.content[:2000])
    assert snapshot() != before, name


@pytest.mark.parametrize("role", ROLES)
def test_start_page_needs_a_signed_in_user_when_requested(client, request, school, role):
    login(client, request, role)
    response = client.get(reverse("organisation:start", args=["director"]))
    assert response.status_code == (302 if role == "anonymous" else 200)


def test_start_page_is_not_found_for_an_unknown_role_when_requested(client, director):
    client.force_login(director)
    assert client.get(reverse("organisation:start", args=["king"])).status_code == 404


def test_board_page_links_to_the_board_administration_when_shown(client, school, board_admin):
    client.force_login(board_admin)
    response = client.get(reverse("processes:board-detail", args=[school.board.pk]))
    assert reverse("organisation:board-manage", args=[school.board.pk]).encode() in (
        response.content
    )


# --- schools and pupil counts -------------------------------------------------------------


@pytest.mark.parametrize("brin", ["12345", "1AB2", "12a", "12ABC", "12AB3", ""])
def test_school_with_an_invalid_brin_is_refused_when_added(client, school, board_admin, brin):
    client.force_login(board_admin)
    before = School.objects.count()
    response = client.post(
        reverse("organisation:school-create", args=[school.board.pk]),
        {"name": "Nieuw", "brin": brin, "language": "nl", "school_year": "2026"},
    )
    assert response.status_code == 400
    assert School.objects.count() == before


def test_school_with_a_brin_of_another_school_is_refused_when_added(
    client, school, other_school, board_admin
):
    client.force_login(board_admin)
    response = client.post(
        reverse("organisation:school-create", args=[school.board.pk]),
        {
            "name": "Nieuw",
            "brin": other_school.brin.lower(),
            "language": "nl",
            "school_year": "2026",
        },
    )
    assert response.status_code == 400
    assert b"Another school has BRIN code" in response.content


def test_school_is_added_with_its_pupil_count_and_language_when_posted(
    client, school, board_admin, school_year
):
    client.force_login(board_admin)
    response = client.post(
        reverse("organisation:school-create", args=[school.board.pk]),
        {
            "name": "Het Lyceum",
            "brin": "07xy",
            "city": "Zwolle",
            "language": "en",
            "school_year": "2026",
            "pupil_count": "812",
        },
    )
    added = School.objects.get(brin="07XY")
    assert response.url == reverse("organisation:school-invitations", args=[added.pk])
    assert (added.board, added.city, added.language) == (school.board, "Zwolle", "en")
    assert list(added.pupil_counts.values_list("school_year__start_year", "pupil_count")) == [
        (2026, 812)
    ]


def test_pupil_counts_are_added_corrected_and_removed_per_school_year_when_posted(
    client, school, board_admin
):
    client.force_login(board_admin)
    edit = reverse("organisation:school-edit", args=[school.pk])
    current = (
        timezone.localdate().year
        if timezone.localdate().month >= 8
        else (timezone.localdate().year - 1)
    )
    SchoolYearFactory(start_year=current)

    def post(year, count):
        data = {"pupil_count_submit": "1", "school_year": str(year), "pupil_count": count}
        return client.post(edit, data)

    assert post(current, "900").status_code == 302
    assert post(current - 1, "850").status_code == 302
    assert post(current, "910").status_code == 302
    counts = dict(school.pupil_counts.values_list("school_year__start_year", "pupil_count"))
    assert counts == {current: 910, current - 1: 850}
    assert post(current, "-1").status_code == 400
    assert post(current - 1, "").status_code == 302
    counts = dict(school.pupil_counts.values_list("school_year__start_year", "pupil_count"))
    assert counts == {current: 910}
    assert b"910" in client.get(edit).content


# --- administrators and GMR --------------------------------------------------------------


def test_last_board_administrator_cannot_be_removed_when_alone(client, school, board_admin):
    administrator = BoardAdministrator.objects.get(user=board_admin)
    with pytest.raises(DomainError, match="last board administrator"):
        services.board_admin_remove(actor=board_admin, administrator=administrator)
    client.force_login(board_admin)
    response = client.post(
        reverse("organisation:board-admin-remove", args=[school.board.pk, administrator.pk]),
        follow=True,
    )
    assert b"last board administrator cannot be removed" in response.content
    assert BoardAdministrator.objects.filter(pk=administrator.pk).exists()


def test_removed_administrator_loses_access_on_the_next_request_when_removed(
    client, school, board_admin
):
    second = BoardAdministratorFactory(board=school.board).user
    manage = reverse("organisation:board-manage", args=[school.board.pk])
    client.force_login(second)
    assert client.get(manage).status_code == 200
    services.board_admin_remove(
        actor=board_admin, administrator=BoardAdministrator.objects.get(user=second)
    )
    assert client.get(manage).status_code == 404
    assert client.get(reverse("processes:board-detail", args=[school.board.pk])).status_code == 404
    decision = Decision.objects.get(action="organisation.role.board_admin.removed")
    assert decision.board == school.board and str(second) in decision.summary
    assert decision.actor == board_admin
    client.force_login(board_admin)
    page = client.get(manage).content.decode()
    assert decision.summary.replace("'", "&#x27;") in page


def test_handing_over_means_invite_then_step_down_when_accepted(client, school, board_admin):
    _invitation, token = invitation_services.invitation_create(
        actor=board_admin,
        board=school.board,
        role=Invitation.Role.BOARD_ADMIN,
        email="opvolger@x.example.org",
    )
    client.post(reverse("organisation:invitation-accept", args=[token]))
    client.force_login(board_admin)
    mine = BoardAdministrator.objects.get(user=board_admin)
    response = client.post(
        reverse("organisation:board-admin-remove", args=[school.board.pk, mine.pk])
    )
    assert response.url == reverse("processes:dashboard")
    assert list(
        BoardAdministrator.objects.filter(board=school.board).values_list("user__email", flat=True)
    ) == ["opvolger@x.example.org"]


def test_gmr_member_removal_is_a_recorded_decision_when_removed(school, board_admin, gmr):
    services.gmr_member_remove(actor=board_admin, member=GmrMember.objects.get(user=gmr))
    assert not GmrMember.objects.filter(user=gmr).exists()
    assert Decision.objects.filter(board=school.board, action="organisation.role.gmr.removed")


def test_board_settings_are_saved_when_posted(client, school, board_admin):
    client.force_login(board_admin)
    response = client.post(
        reverse("organisation:board-settings", args=[school.board.pk]),
        {
            "sender_name": "Stichting Plein",
            "reply_to": "hr@plein.example.nl",
            "retention_years": "7",
        },
    )
    assert response.status_code == 302
    school.board.refresh_from_db()
    assert (school.board.sender_name, school.board.reply_to, school.board.retention_years) == (
        "Stichting Plein",
        "hr@plein.example.nl",
        7,
    )
    bad = client.post(
        reverse("organisation:board-settings", args=[school.board.pk]),
        {"sender_name": "", "reply_to": "not an address", "retention_years": "99"},
    )
    assert bad.status_code == 400


def test_school_invitations_page_lists_open_accepted_and_expired_invitations_when_shown(
    client, school, board_admin
):
    made = [
        invitation_services.invitation_create(
            actor=board_admin,
            board=school.board,
            school=school,
            role=Invitation.Role.DIRECTOR,
            email=f"d{n}@x.example.org",
        )[0]
        for n in range(3)
    ]
    Invitation.objects.filter(pk=made[0].pk).update(expires_at=timezone.now())
    Invitation.objects.filter(pk=made[1].pk).update(accepted_at=timezone.now())
    client.force_login(board_admin)
    content = client.get(reverse("organisation:school-invitations", args=[school.pk])).content
    assert b"expired" in content and b"accepted on" in content and b"open until" in content


# --- the board's sender on its e-mails ----------------------------------------------------


def test_school_email_carries_the_boards_sender_name_and_reply_to_when_set(
    settings, school, staff_user
):
    settings.DEFAULT_FROM_EMAIL = "Werkdruk <noreply@werkdruk.example.nl>"
    board = school.board
    board.sender_name = "Stichting Het Plein"
    board.reply_to = "personeelszaken@plein.example.nl"
    board.save()
    member = school.staff_members.exclude(email="").first()
    sent = sheet_printed_notify(
        what="de stemming",
        printer=UserFactory(),
        printed_at=timezone.now(),
        members=[member],
        cause="test",
        cause_id=1,
    )
    assert sent == 1
    message = mail.outbox[-1]
    assert message.from_email == "Stichting Het Plein <noreply@werkdruk.example.nl>"
    assert message.reply_to == ["personeelszaken@plein.example.nl"]


def test_school_email_comes_from_the_site_when_the_board_set_no_sender(settings, school):
    settings.DEFAULT_FROM_EMAIL = "Werkdruk <noreply@werkdruk.example.nl>"
    member = school.staff_members.exclude(email="").first()
    sheet_printed_notify(
        what="de stemming",
        printer=UserFactory(),
        printed_at=timezone.now(),
        members=[member],
        cause="test",
        cause_id=1,
    )
    assert mail.outbox[-1].from_email == "Werkdruk <noreply@werkdruk.example.nl>"
    assert mail.outbox[-1].reply_to == []


# --- the school's language in its decisions -----------------------------------------------


@pytest.mark.parametrize("language,expected", [("nl", "het systeem"), ("en", "the system")])
def test_decisions_are_written_in_the_schools_language_when_it_is_known(
    settings, process, language, expected
):
    settings.LANGUAGE_CODE = "en" if language == "nl" else "nl"  # the site's is the other one
    School.objects.filter(pk=process.school_id).update(language=language)
    process.school.refresh_from_db()
    decision = decision_record(
        process=process, action="test.language", summary=gettext_noop("the system")
    )
    assert decision.summary == expected
    assert decision.actor_name == expected


@pytest.mark.parametrize("role", ROLES)
def test_invitation_link_is_accepted_by_its_address_only_whoever_is_signed_in(
    client, request, school, board_admin, role
):
    """The acceptance page needs no sign-in; a signed-in person of another address is refused
    (nobody here has the invited address)."""
    _invitation, token = invitation_services.invitation_create(
        actor=board_admin, board=school.board, role=Invitation.Role.GMR, email="new@x.example.org"
    )
    user = login(client, request, role)
    link = reverse("organisation:invitation-accept", args=[token])
    assert client.get(link).status_code == (200 if user is None else 403)
    response = client.post(link)
    assert response.status_code == (302 if user is None else 403)
    accepted = GmrMember.objects.filter(user__email="new@x.example.org").exists()
    assert accepted == (user is None)
