"""The ideas round before the unit plans (issue 18 item 5): opened by the director or the PMR;
every staff member puts ideas forward (shown without the author's name), supports another's
idea once and withdraws their own, only while the round is open; a unit writing its plan sees
the ideas (its members' first) and marks one as taken up in a measure."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from plans.models import Idea, IdeasRound, IdeaSupport, IdeaTakeUp, MeasureCategory
from plans.services.ideas import (
    idea_put_forward,
    idea_support,
    idea_take_up,
    idea_withdraw,
    ideas_round_open,
)
from processes.models import Decision, ProcessStep
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from werkdruk.exceptions import DomainError


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def teacher(school):
    """Another staff member of the school with an account."""
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


@pytest.fixture
def ideas_round(process, director):
    return ideas_round_open(process=process, actor=director, opens_on=days(-1), closes_on=days(6))


def close(ideas_round):
    IdeasRound.objects.filter(pk=ideas_round.pk).update(opens_on=days(-10), closes_on=days(-1))


# --- the round -------------------------------------------------------------------------


def test_the_director_or_the_pmr_opens_and_changes_the_round(process, director, pmr):
    ideas_round = ideas_round_open(
        process=process, actor=director, opens_on=days(0), closes_on=days(7)
    )
    assert ideas_round.is_open(days(0)) and not ideas_round.is_open(days(8))
    assert Decision.objects.filter(action="plans.ideas_round.opened").count() == 1
    ideas_round_open(process=process, actor=pmr, opens_on=days(0), closes_on=days(14))
    assert IdeasRound.objects.get().closes_on == days(14)
    assert Decision.objects.filter(action="plans.ideas_round.changed").count() == 1


@pytest.mark.parametrize("who", ["staff_user", "steering", "board_admin", "other_director"])
def test_others_may_not_open_the_round(process, request, who):
    with pytest.raises(PermissionDenied):
        ideas_round_open(
            process=process,
            actor=request.getfixturevalue(who),
            opens_on=days(0),
            closes_on=days(7),
        )


def test_the_round_needs_sensible_dates(process, director):
    with pytest.raises(DomainError, match="before the opening"):
        ideas_round_open(process=process, actor=director, opens_on=days(3), closes_on=days(2))
    with pytest.raises(DomainError, match="in the past"):
        ideas_round_open(process=process, actor=director, opens_on=days(-9), closes_on=days(-2))


def test_no_round_once_the_unit_plans_are_finished(process, director):
    process.steps.filter(number=8).update(state=ProcessStep.State.DONE)
    with pytest.raises(DomainError, match="finished"):
        ideas_round_open(process=process, actor=director, opens_on=days(0), closes_on=days(7))


# --- ideas -----------------------------------------------------------------------------


def test_a_staff_member_puts_an_idea_forward(process, ideas_round, staff_user):
    category = MeasureCategory.objects.first()
    idea = idea_put_forward(
        process=process, actor=staff_user, text="  A quiet room.  ", category=category
    )
    assert idea.text == "A quiet room." and idea.category == category
    assert idea.author.user == staff_user


@pytest.mark.parametrize("who", ["director", "pmr", "board_admin", "other_director"])
def test_only_staff_of_the_school_put_ideas_forward(process, ideas_round, request, who):
    """The director and PMR of the fixtures have no staff record at the school."""
    with pytest.raises(PermissionDenied):
        idea_put_forward(process=process, actor=request.getfixturevalue(who), text="Idea.")


def test_ideas_are_refused_before_and_after_the_round(process, ideas_round, staff_user):
    IdeasRound.objects.filter(pk=ideas_round.pk).update(opens_on=days(1), closes_on=days(5))
    with pytest.raises(DomainError, match="opens on"):
        idea_put_forward(process=process, actor=staff_user, text="Too early.")
    close(ideas_round)
    with pytest.raises(DomainError, match="closed on"):
        idea_put_forward(process=process, actor=staff_user, text="Too late.")
    assert not Idea.objects.exists()


def test_no_idea_without_a_round(process, staff_user):
    with pytest.raises(DomainError, match="no ideas round"):
        idea_put_forward(process=process, actor=staff_user, text="Idea.")


def test_an_idea_needs_a_text(process, ideas_round, staff_user):
    with pytest.raises(DomainError, match="Write your idea"):
        idea_put_forward(process=process, actor=staff_user, text="  ")


def test_support_once_and_not_for_the_own_idea(process, ideas_round, staff_user, school):
    idea = idea_put_forward(process=process, actor=staff_user, text="A quiet room.")
    colleague = teacher(school)
    idea_support(idea=idea, actor=colleague)
    with pytest.raises(DomainError, match="already support"):
        idea_support(idea=idea, actor=colleague)
    with pytest.raises(DomainError, match="own idea"):
        idea_support(idea=idea, actor=staff_user)
    assert IdeaSupport.objects.count() == 1


def test_support_is_refused_after_closing(process, ideas_round, staff_user, school):
    idea = idea_put_forward(process=process, actor=staff_user, text="A quiet room.")
    close(ideas_round)
    with pytest.raises(DomainError, match="closed on"):
        idea_support(idea=idea, actor=teacher(school))


def test_only_the_author_withdraws_and_only_while_open(process, ideas_round, staff_user, school):
    idea = idea_put_forward(process=process, actor=staff_user, text="A quiet room.")
    with pytest.raises(PermissionDenied):
        idea_withdraw(idea=idea, actor=teacher(school))
    close(ideas_round)
    with pytest.raises(DomainError, match="closed on"):
        idea_withdraw(idea=idea, actor=staff_user)
    IdeasRound.objects.filter(pk=ideas_round.pk).update(closes_on=days(3))
    idea_withdraw(idea=idea, actor=staff_user)
    assert not Idea.objects.exists()


# --- the page --------------------------------------------------------------------------


def ideas_url(process):
    return reverse("plans:ideas", args=[process.pk])


def login(client, request, who):
    if who == "operator":
        client.force_login(UserFactory(is_staff=True))
    elif who == "other_board_admin_":
        client.force_login(BoardAdministratorFactory(board=SchoolFactory().board).user)
    elif who:
        client.force_login(request.getfixturevalue(who))


# who: status of the page, may put forward, may manage the round
PAGE = [
    ("director", 200, False, True),
    ("pmr", 200, False, True),
    ("steering", 200, False, False),
    ("staff_user", 200, True, False),
    ("board_admin", 403, False, False),
    ("other_director", 404, False, False),
    ("other_board_admin_", 404, False, False),
    ("operator", 404, False, False),
    (None, 302, False, False),
]


@pytest.mark.parametrize(("who", "status", "puts_forward", "manages"), PAGE)
def test_who_sees_the_ideas_page(
    process, ideas_round, school, client, request, who, status, puts_forward, manages
):
    author = teacher(school)
    idea_put_forward(process=process, actor=author, text="A quiet room for marking.")
    login(client, request, who)
    response = client.get(ideas_url(process))
    assert response.status_code == status
    page = response.content.decode()
    assert ("A quiet room for marking." in page) == (status == 200)
    # Never the author's name.
    assert escape(author.staff_memberships.get().name) not in page
    assert (reverse("plans:idea-add", args=[process.pk]) in page) == puts_forward
    assert (reverse("plans:ideas-round", args=[process.pk]) in page) == manages


@pytest.mark.parametrize(
    ("who", "add", "round_"),
    [
        ("director", 403, 302),
        ("pmr", 403, 302),
        ("steering", 403, 403),
        ("staff_user", 302, 403),
        ("board_admin", 403, 403),
        ("other_director", 404, 404),
        ("other_board_admin_", 404, 404),
        (None, 302, 302),
    ],
)
def test_who_posts_on_the_ideas_pages(process, ideas_round, client, request, who, add, round_):
    login(client, request, who)
    response = client.post(
        reverse("plans:idea-add", args=[process.pk]), {"text": "An idea.", "category": ""}
    )
    assert response.status_code == add
    assert Idea.objects.exists() == (who == "staff_user")
    response = client.post(
        reverse("plans:ideas-round", args=[process.pk]),
        {"opens_on": days(0).strftime("%d-%m-%Y"), "closes_on": days(20).strftime("%d-%m-%Y")},
    )
    assert response.status_code == round_
    assert (IdeasRound.objects.get().closes_on == days(20)) == (who in ("director", "pmr"))


def test_the_author_sees_their_own_idea_and_withdraws_it_on_the_page(
    process, ideas_round, staff_user, school, client
):
    idea = idea_put_forward(process=process, actor=staff_user, text="Mine.")
    other = idea_put_forward(process=process, actor=teacher(school), text="Theirs.")
    client.force_login(staff_user)
    page = client.get(ideas_url(process)).content.decode()
    assert page.count('data-testid="own"') == 1
    assert reverse("plans:idea-withdraw", args=[process.pk, idea.pk]) in page
    assert reverse("plans:idea-withdraw", args=[process.pk, other.pk]) not in page
    # Withdrawing another's idea by URL is refused.
    response = client.post(reverse("plans:idea-withdraw", args=[process.pk, other.pk]))
    assert response.status_code == 403
    assert Idea.objects.filter(pk=other.pk).exists()
    response = client.post(reverse("plans:idea-withdraw", args=[process.pk, idea.pk]))
    assert response.status_code == 302
    assert not Idea.objects.filter(pk=idea.pk).exists()


def test_support_on_the_page_shows_the_count_not_who(
    process, ideas_round, staff_user, school, client
):
    idea = idea_put_forward(process=process, actor=teacher(school), text="Theirs.")
    client.force_login(staff_user)
    support = reverse("plans:idea-support", args=[process.pk, idea.pk])
    assert client.post(support).status_code == 302
    assert client.post(support).status_code == 302  # refused with a message, counted once
    assert IdeaSupport.objects.count() == 1
    page = client.get(ideas_url(process)).content.decode()
    assert "1 supporter" in page
    client.force_login(SchoolRoleFactory(school=school, role="director").user)
    page = client.get(ideas_url(process)).content.decode()
    assert escape(staff_user.staff_memberships.get().name) not in page


def test_after_closing_the_page_offers_no_forms_and_refuses_ideas(
    process, ideas_round, staff_user, client
):
    close(ideas_round)
    client.force_login(staff_user)
    page = client.get(ideas_url(process)).content.decode()
    assert reverse("plans:idea-add", args=[process.pk]) not in page
    response = client.post(reverse("plans:idea-add", args=[process.pk]), {"text": "Late."})
    assert response.status_code == 400
    assert not Idea.objects.exists()


# --- on a unit's plan (step 8) ---------------------------------------------------------


@pytest.fixture
def step8(db):
    from tests.fixtures.step8 import step8_process

    return step8_process()


def test_a_unit_sees_the_ideas_and_marks_one_taken_up(step8, client):
    from plans.services.unit_plans import plan_for_unit
    from tests.fixtures.step8 import account_for, add, unit_of, units_of, user

    process = step8
    director, docent = user("directeur"), user("docent")
    ideas_round_open(process=process, actor=director, opens_on=days(0), closes_on=days(5))
    unit = unit_of(process, "docent")
    other_unit = next(u for u in units_of(process) if u.pk != unit.pk)
    outsider = account_for(other_unit).user
    theirs = idea_put_forward(process=process, actor=outsider, text="Theirs, supported.")
    mine = idea_put_forward(process=process, actor=docent, text="Mine, of this unit.")
    idea_support(idea=theirs, actor=docent)

    plan = plan_for_unit(unit=unit)
    measure = add(plan, docent, process.school_year.start_year, title="Stilteruimte")
    plan_url = reverse("plans:unit-plan", args=[process.pk, unit.pk])
    client.force_login(docent)
    page = client.get(plan_url).content.decode()
    # The unit's members' ideas first, marked; never a name.
    assert page.index("Mine, of this unit.") < page.index("Theirs, supported.")
    assert page.count('data-testid="from-member"') == 1
    take_up = reverse("plans:idea-take-up", args=[process.pk, unit.pk, theirs.pk])
    assert take_up in page

    # Someone of another unit may not mark it in this unit's measure.
    client.force_login(outsider)
    assert client.post(take_up, {"measure": measure.pk}).status_code == 403
    assert not IdeaTakeUp.objects.exists()

    client.force_login(docent)
    response = client.post(take_up, {"measure": measure.pk})
    assert response.status_code == 302
    assert IdeaTakeUp.objects.get().measure == measure
    page = client.get(reverse("plans:ideas", args=[process.pk])).content.decode()
    assert "Stilteruimte" in page and 'data-testid="taken-up"' in page
    # A taken-up idea can no longer be withdrawn by its author.
    take_up_mine = reverse("plans:idea-take-up", args=[process.pk, unit.pk, mine.pk])
    client.post(take_up_mine, {"measure": measure.pk})
    with pytest.raises(DomainError, match="taken this idea up"):
        idea_withdraw(idea=mine, actor=user("docent"))
    # A measure of another unit is refused by the service.
    other_plan = plan_for_unit(unit=other_unit)
    other_measure = add(other_plan, outsider, process.school_year.start_year)
    with pytest.raises(PermissionDenied):
        idea_take_up(idea=theirs, measure=other_measure, actor=user("docent"))


def test_an_idea_sent_twice_is_one_idea(process, ideas_round, staff_user, client):
    from tests.submissions import send_twice

    client.force_login(staff_user)
    send_twice(
        client,
        page=ideas_url(process),
        action=reverse("plans:idea-add", args=[process.pk]),
        data={"text": "Once.", "category": ""},
    )
    assert Idea.objects.count() == 1


def test_ideas_and_support_are_in_the_persons_privacy_export(
    process, ideas_round, staff_user, school
):
    from privacy.selectors.export import person_export

    colleague = teacher(school)
    idea = idea_put_forward(process=process, actor=staff_user, text="A quiet room.")
    idea_support(idea=idea, actor=colleague)
    records = person_export(member=staff_user.staff_memberships.get())["records"]
    assert [row["text"] for row in records["plans.Idea"]["rows"]] == ["A quiet room."]
    records = person_export(member=colleague.staff_memberships.get())["records"]
    assert [row["idea"] for row in records["plans.IdeaSupport"]["rows"]] == [str(idea)]


def test_staff_get_a_to_do_while_the_round_is_open(process, ideas_round, staff_user, client):
    client.force_login(staff_user)
    dashboard = reverse("processes:dashboard")
    assert ideas_url(process) in client.get(dashboard).content.decode()
    idea_put_forward(process=process, actor=staff_user, text="Mine.")
    assert ideas_url(process) not in client.get(dashboard).content.decode()


def test_no_to_do_after_closing(process, ideas_round, staff_user, client):
    close(ideas_round)
    client.force_login(staff_user)
    assert ideas_url(process) not in client.get(reverse("processes:dashboard")).content.decode()
