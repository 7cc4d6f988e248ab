"""Step 6: the announcement to each unit (amount, frameworks, deadline, what a plan must
contain), the e-mails to the units' members, the step 6 blocker and who may see what."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_noop

from plans.demo import demo_load
from plans.models import FrameworkRule, UnitAnnouncement
from plans.selectors import announcements as announcement_selectors
from plans.services import announcements
from processes import services
from processes.models import Decision, ProcessStep
from tests.factories import StaffMemberFactory
from tests.fixtures.steps import assign_actor
from tests.refusing_mail import refusing_mail
from units.models import OrganisationalUnit, UnitMembership
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro


def user(local):
    return get_user_model().objects.get(email=f"{local}@demo.werkdruk.nl")


def step(process, number):
    return process.steps.get(number=number)


@pytest.fixture
def adopted(db):
    """The demo school with steps 1-4 done: steps 5 and 6 are open; the director does 6."""
    process = demo_load()["process"]
    services.step_sign_off(step=step(process, 3), actor=user("pmr"))
    services.step_complete_by_system(step=step(process, 4), summary=gettext_noop("Vote adopted."))
    assert step(process, 6).state == ProcessStep.State.OPEN
    return process


@pytest.fixture
def director(adopted):
    return user("directeur")


@pytest.fixture
def teacher(adopted):
    return user("docent")


def units_of(process):
    return list(OrganisationalUnit.objects.filter(process=process).order_by("name"))


def teacher_unit(process, teacher):
    return UnitMembership.objects.get(process=process, staff_member__user=teacher).unit


def deadline():
    return timezone.localdate() + datetime.timedelta(days=40)


def announce(process, actor, units=None, **kwargs):
    return announcements.announcement_send(
        process=process,
        actor=actor,
        units=units,
        deadline=kwargs.pop("deadline", deadline()),
        **kwargs,
    )


def active_member_emails(unit):
    return sorted(
        UnitMembership.objects.filter(unit=unit, staff_member__active=True).values_list(
            "staff_member__email", flat=True
        )
    )


# --- content --------------------------------------------------------------------------


def test_announcing_to_all_units_stores_amount_frameworks_deadline_and_text(adopted, director):
    made = announcements.announcement_send(process=adopted, actor=director)

    units = units_of(adopted)
    assert len(made) == len(units) == 5
    planned = step(adopted, 8).planned_date
    rules = list(FrameworkRule.objects.filter(process=adopted))
    for unit in units:
        current = UnitAnnouncement.objects.get(unit=unit, current=True)
        assert unit.amount is not None and unit.amount > 0
        assert current.amount == unit.amount  # to the cent
        assert current.amount.as_tuple().exponent == -2
        assert current.deadline == planned  # default: step 8's planned date
        assert current.requirements == announcement_selectors.default_requirements()
        assert current.announced_by == director
        assert {rule["text"] for rule in current.frameworks} == {rule.text for rule in rules}
        assert {rule["severity"]["code"] for rule in current.frameworks} == {
            "must",
            "warning",
            "information",
        }
    decision = Decision.objects.get(process=adopted, action="plans.announcement.sent")
    assert decision.step_number == 6
    assert decision.actor == director
    assert {entry["name"] for entry in decision.content["units"]} == {u.name for u in units}
    assert {Decimal(entry["amount"]) for entry in decision.content["units"]} == {
        u.amount for u in units
    }


def test_the_default_text_names_what_a_plan_must_contain():
    text = announcement_selectors.default_requirements()
    for part in ("causes", "measures", "costs", "effects", "know it worked"):
        assert part in text


def test_announcing_again_keeps_the_earlier_announcement_as_history(adopted, director):
    unit = units_of(adopted)[0]
    announce(adopted, director, units=[unit], text="First text")
    announce(adopted, director, units=[unit], text="Second text")

    rows = list(UnitAnnouncement.objects.filter(unit=unit).order_by("pk"))
    assert [(row.requirements, row.current) for row in rows] == [
        ("First text", False),
        ("Second text", True),
    ]


def test_the_snapshot_does_not_follow_later_changes_to_the_frameworks(adopted, director):
    unit = units_of(adopted)[0]
    announce(adopted, director, units=[unit])
    FrameworkRule.objects.filter(process=adopted).update(text="Changed later")
    current = UnitAnnouncement.objects.get(unit=unit, current=True)
    assert "Changed later" not in {rule["text"] for rule in current.frameworks}


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("local", ["pmr", "stuurgroep", "docent", "bestuur", "directeur.baken"])
def test_only_the_agreed_actor_announces(adopted, local):
    # The demo agreed that the director carries out step 6.
    with pytest.raises(PermissionDenied):
        announce(adopted, user(local))
    assert not UnitAnnouncement.objects.exists()


def test_the_steering_group_announces_when_agreed(adopted, director):
    assign_actor(
        step=step(adopted, 6), actor=director, agreed_actor=ProcessStep.AgreedActor.STEERING
    )
    assert len(announce(adopted, user("stuurgroep"))) == 5


def test_nothing_is_announced_before_the_vote(db):
    process = demo_load()["process"]  # step 3 still waits for the PMR
    with pytest.raises(DomainError, match="Step 6 is not open"):
        announce(process, user("directeur"))


def test_refuses_a_deadline_in_the_past(adopted, director):
    with pytest.raises(DomainError, match="past"):
        announce(adopted, director, deadline=timezone.localdate() - datetime.timedelta(days=1))


def test_refuses_an_empty_text(adopted, director):
    with pytest.raises(DomainError, match="must contain"):
        announce(adopted, director, text="   ")


def other_process_unit(adopted):
    from processes.models import School

    second = School.objects.get(brin="34CD")
    other = services.process_create(
        school=second, school_year=adopted.school_year, actor=user("directeur.baken")
    )
    return OrganisationalUnit.objects.create(process=other, name="Elders")


def test_refuses_a_unit_of_another_process(adopted, director):
    other = other_process_unit(adopted)
    with pytest.raises(DomainError, match="units of this process"):
        announce(adopted, director, units=[other.pk, units_of(adopted)[0].pk])


def test_refuses_an_empty_choice_of_units(adopted, director):
    with pytest.raises(DomainError, match="at least one unit"):
        announce(adopted, director, units=[])


# --- e-mails --------------------------------------------------------------------------


def test_every_active_member_is_told_once(adopted, director, django_capture_on_commit_callbacks):
    unit = units_of(adopted)[0]
    gone = UnitMembership.objects.filter(unit=unit).select_related("staff_member").first()
    gone.staff_member.active = False
    gone.staff_member.save()

    with django_capture_on_commit_callbacks(execute=True):
        made = announce(adopted, director)

    expected = sorted(email for u in units_of(adopted) for email in active_member_emails(u))
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert len(expected) == len(set(expected))
    assert gone.staff_member.email not in expected

    # A second run (a retry) sends nothing.
    assert announcements.announcement_notices_send(announcement_ids=[a.pk for a in made]) == 0
    assert len(mail.outbox) == len(expected)


def test_the_notice_gives_amount_deadline_and_link(
    adopted, director, teacher, django_capture_on_commit_callbacks
):
    unit = teacher_unit(adopted, teacher)
    day = deadline()
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = announce(adopted, director, units=[unit], deadline=day)

    (message,) = [m for m in mail.outbox if m.to == [teacher.email]]
    url = settings.SITE_URL.rstrip("/") + reverse(
        "plans:announcement-unit", args=[adopted.pk, unit.pk]
    )
    with translation.override("en"):
        assert format_euro(unit.amount) in message.body
    assert url in message.body
    assert unit.name in message.subject
    assert str(day.year) in message.body
    assert len(mail.outbox) == len(active_member_emails(unit))


def test_the_notice_is_in_the_schools_language(
    adopted, director, teacher, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "nl"
    unit = teacher_unit(adopted, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        announce(adopted, director, units=[unit])
    (message,) = [m for m in mail.outbox if m.to == [teacher.email]]
    with translation.override("nl"):
        assert format_euro(unit.amount) in message.body  # € 12.345,67


def test_a_new_announcement_tells_the_members_again_once(
    adopted, director, django_capture_on_commit_callbacks
):
    unit = units_of(adopted)[-1]
    members = len(active_member_emails(unit))
    with django_capture_on_commit_callbacks(execute=True):
        first = announce(adopted, director, units=[unit])
    with django_capture_on_commit_callbacks(execute=True):
        second = announce(adopted, director, units=[unit], text="New text")
    assert len(mail.outbox) == 2 * members
    # The superseded announcement sends nothing any more, the current one nothing twice.
    ids = [a.pk for a in first + second]
    assert announcements.announcement_notices_send(announcement_ids=ids) == 0


def test_a_failing_address_does_not_stop_the_others_and_is_shown(
    adopted, director, settings, client, django_capture_on_commit_callbacks
):
    unit = units_of(adopted)[-1]
    bad = sorted(active_member_emails(unit))[0]
    refusing_mail(settings, bad)
    with django_capture_on_commit_callbacks(execute=True):
        announce(adopted, director, units=[unit])
    assert len(mail.outbox) == len(active_member_emails(unit)) - 1
    client.force_login(director)
    html = client.get(reverse("plans:announcement-overview", args=[adopted.pk])).content.decode()
    assert "1 e-mail could not be delivered:" in html
    assert f"{bad} (SMTP 550 (SMTPRecipientsRefused))" in html


# --- the step 6 blocker ---------------------------------------------------------------


def test_step_6_completes_only_when_every_unit_was_announced(adopted, director):
    first, second, *rest = units_of(adopted)
    announce(adopted, director, units=[first, second])

    with pytest.raises(DomainError) as caught:
        services.step_complete(step=step(adopted, 6), actor=director)
    (reason,) = caught.value.details
    for unit in rest:
        assert unit.name in reason
    assert first.name not in reason and second.name not in reason

    announce(adopted, director, units=rest)
    services.step_complete(step=step(adopted, 6), actor=director)
    assert step(adopted, 6).state == ProcessStep.State.DONE


def test_the_blocker_names_a_unit_added_later(adopted, director):
    announce(adopted, director)
    late = OrganisationalUnit.objects.create(process=adopted, name="Nieuwe eenheid")
    assert announcement_selectors.step6_every_unit_announced(step(adopted, 6)) == [
        "Not yet announced to: Nieuwe eenheid."
    ]
    announce(adopted, director, units=[late])
    assert announcement_selectors.step6_every_unit_announced(step(adopted, 6)) == []


def test_an_announcement_before_a_reopened_step_no_longer_counts(adopted, director):
    announce(adopted, director)
    services.step_reopen(step=step(adopted, 4), actor=director, grounds="Recount")
    services.step_complete_by_system(step=step(adopted, 4), summary=gettext_noop("Recounted."))
    reasons = announcement_selectors.step6_every_unit_announced(step(adopted, 6))
    assert len(reasons) == 1
    assert all(unit.name in reasons[0] for unit in units_of(adopted))


# --- pages ----------------------------------------------------------------------------


def overview_url(process):
    return reverse("plans:announcement-overview", args=[process.pk])


def unit_url(process, unit):
    return reverse("plans:announcement-unit", args=[process.pk, unit.pk])


@pytest.mark.parametrize(
    ("local", "status"),
    [
        ("directeur", 200),
        ("pmr", 200),
        ("stuurgroep", 200),
        ("bestuur", 200),
        ("docent", 403),
        ("directeur.baken", 404),
        (None, 302),
    ],
)
def test_who_sees_the_overview(adopted, client, local, status):
    if local:
        client.force_login(user(local))
    response = client.get(overview_url(adopted))
    assert response.status_code == status
    if status == 200:
        # Only the agreed actor (the director) gets the form; the board only reads.
        assert (b'name="deadline"' in response.content) == (local == "directeur")


@pytest.mark.parametrize(
    ("local", "status"),
    [("pmr", 403), ("stuurgroep", 403), ("bestuur", 403), ("docent", 403), (None, 302)],
)
def test_only_the_agreed_actor_posts_the_form(adopted, client, local, status):
    if local:
        client.force_login(user(local))
    unit = units_of(adopted)[0]
    response = client.post(
        overview_url(adopted),
        {"units": [unit.pk], "deadline": deadline().isoformat(), "text": "Plan"},
    )
    assert response.status_code == status
    assert not UnitAnnouncement.objects.exists()


def test_the_director_announces_to_chosen_units_from_the_page(adopted, director, client):
    client.force_login(director)
    first, second, *_ = units_of(adopted)
    response = client.get(overview_url(adopted))
    assert response.context["form"]["deadline"].initial == step(adopted, 8).planned_date

    response = client.post(
        overview_url(adopted),
        {
            "units": [first.pk, second.pk],
            "deadline": deadline().isoformat(),
            "text": "Our own text",
        },
    )
    assert response.status_code == 302
    assert set(
        UnitAnnouncement.objects.filter(current=True).values_list("unit__name", flat=True)
    ) == {first.name, second.name}

    page = client.get(overview_url(adopted)).content.decode()
    assert "Announced to 2 of 5 units" in page


def test_the_form_reports_errors(adopted, director, client):
    client.force_login(director)
    response = client.post(
        overview_url(adopted),
        {"units": [], "deadline": "2000-01-01", "text": "Plan"},
    )
    assert response.status_code == 400
    assert b"Choose at least one unit." in response.content
    unit = units_of(adopted)[0]
    response = client.post(
        overview_url(adopted),
        {"units": [unit.pk], "deadline": "2000-01-01", "text": "Plan"},
    )
    assert response.status_code == 400
    assert b"cannot lie in the past" in response.content
    assert not UnitAnnouncement.objects.exists()


@pytest.mark.parametrize(
    ("local", "status"),
    [
        ("directeur", 200),
        ("pmr", 200),
        ("stuurgroep", 200),
        ("bestuur", 403),
        ("directeur.baken", 404),
        (None, 302),
    ],
)
def test_who_sees_a_units_announcement(adopted, director, client, local, status):
    announce(adopted, director)
    if local:
        client.force_login(user(local))
    unit = units_of(adopted)[0]
    assert client.get(unit_url(adopted, unit)).status_code == status


def test_a_member_of_unit_a_cannot_see_unit_bs_announcement(adopted, director, teacher, client):
    announce(adopted, director)
    own = teacher_unit(adopted, teacher)
    other = next(u for u in units_of(adopted) if u.pk != own.pk)
    client.force_login(teacher)
    assert client.get(unit_url(adopted, own)).status_code == 200
    assert client.get(unit_url(adopted, other)).status_code == 403


def test_a_unit_of_another_process_is_not_found(adopted, director, client):
    client.force_login(director)
    other = other_process_unit(adopted)
    assert client.get(unit_url(adopted, other)).status_code == 404


def test_an_inactive_member_cannot_see_the_announcement(adopted, director, teacher, client):
    announce(adopted, director)
    own = teacher_unit(adopted, teacher)
    teacher.staff_memberships.update(active=False)
    client.force_login(teacher)
    assert client.get(unit_url(adopted, own)).status_code in (403, 404)


def test_the_unit_page_shows_amount_frameworks_deadline_and_text(
    adopted, director, teacher, client
):
    own = teacher_unit(adopted, teacher)
    day = deadline()
    announce(adopted, director, units=[own], deadline=day, text="Name the causes & costs.")
    client.force_login(teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(unit_url(adopted, own)).content.decode()

    with translation.override("nl"):
        amount = format_euro(own.amount)
        from django.utils.formats import date_format

        day_text = date_format(day)
    assert amount.startswith("€\u00a0") and "," in amount
    assert amount in page  # € 12.345,67
    assert day_text in page
    assert escape("Name the causes & costs.") in page
    for rule in FrameworkRule.objects.filter(process=adopted):
        assert escape(rule.text) in page
    assert page.count('data-testid="framework"') == 6
    assert page.count('data-severity="must"') == 2


def test_the_unit_page_before_the_announcement(adopted, teacher, client):
    client.force_login(teacher)
    response = client.get(unit_url(adopted, teacher_unit(adopted, teacher)))
    assert response.status_code == 200
    assert b"has not had its announcement yet" in response.content


def test_the_step_page_links_the_overview(adopted, director, client):
    client.force_login(director)
    page = client.get(reverse("processes:step-detail", args=[adopted.pk, 6])).content.decode()
    assert overview_url(adopted) in page


# --- query counts ---------------------------------------------------------------------


def add_units(process, director, count):
    school = process.school
    for index in range(count):
        unit = OrganisationalUnit.objects.create(
            process=process, name=f"Extra {index}", amount=Decimal("1000.00")
        )
        for _ in range(3):
            UnitMembership.objects.create(
                process=process, unit=unit, staff_member=StaffMemberFactory(school=school)
            )


def measure(client, url, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


OVERVIEW_QUERIES = 9  # 10 before issue 20's roles query (-2), + undelivered e-mails (issue 19)
UNIT_QUERIES = 9  # 11 before issue 20 (the reader's roles in one query, not three)


def test_the_overview_query_count_does_not_grow_with_the_units(
    adopted, director, client, django_assert_num_queries
):
    announce(adopted, director)
    client.force_login(director)
    measure(client, overview_url(adopted), django_assert_num_queries, OVERVIEW_QUERIES)
    add_units(adopted, director, 6)
    announce(adopted, director)
    measure(client, overview_url(adopted), django_assert_num_queries, OVERVIEW_QUERIES)


def test_the_unit_page_query_count_is_constant(
    adopted, director, teacher, client, django_assert_num_queries
):
    own = teacher_unit(adopted, teacher)
    announce(adopted, director, units=[own])
    client.force_login(teacher)
    measure(client, unit_url(adopted, own), django_assert_num_queries, UNIT_QUERIES)
    for index in range(10):
        FrameworkRule.objects.create(process=adopted, text=f"Extra {index}", kind="procedural")
    announce(adopted, director, units=[own])
    measure(client, unit_url(adopted, own), django_assert_num_queries, UNIT_QUERIES)
