"""The meldpunt (issue 18 item 3): a staff member reports that an agreement of the ratified
plan, the evaluation agreement or the procedure is not carried out; the director and the PMR
read it and answer it on record. The reporter's name only when they give it; the answer to the
reporter, and to all staff when the reporter agreed to share; the pages' permissions; the
e-mail; the to-do; the privacy export and removal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from privacy.selectors.export import person_export
from privacy.services.removal import pseudonymise
from processes.models import Decision
from processes.todos import todos_by_process
from schoolplans.models import Concern
from schoolplans.selectors.concerns import is_own, own_concerns, shared_concerns
from schoolplans.services.concerns import concern_answer, concern_report
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.spending.conftest import ratify
from units.models import StaffMember
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

About = Concern.About
TEACHER = "Tineke Meldster"


@pytest.fixture
def ratified(process):
    ratify(process)
    return process


@pytest.fixture
def teacher(school):
    user = UserFactory(name=TEACHER)
    StaffMemberFactory(school=school, user=user, email=user.email, name=TEACHER)
    return user


def first_measure(process):
    version = process.school_plan.versions.get()
    return version.content["measures"][0]


def report(
    process,
    actor,
    *,
    give_name=False,
    shared=False,
    text="De correctie-uren zijn er niet.",
    **kwargs,
):
    kwargs.setdefault("about", About.MEASURE)
    if kwargs["about"] == About.MEASURE:
        kwargs.setdefault("measure_key", first_measure(process)["key"])
    return concern_report(
        process=process, actor=actor, text=text, give_name=give_name, shared=shared, **kwargs
    )


def url(name, process, *args):
    return reverse(f"schoolplans:{name}", args=[process.pk, *args])


# --- the service ---------------------------------------------------------------------------


def test_a_staff_member_reports_on_a_measure_of_the_ratified_plan_without_a_name(ratified, teacher):
    concern = report(ratified, teacher)
    assert concern.number == 1
    assert concern.measure_title == "Correctie-uren"
    assert concern.reporter is None and concern.reporter_name == ""
    assert len(concern.reporter_digest) == 64 and concern.salt
    assert TEACHER not in str(Concern.objects.filter(pk=concern.pk).values().get())
    assert is_own(concern, teacher)
    assert not is_own(concern, UserFactory())
    assert not Decision.objects.filter(action__startswith="schoolplans.concern").exists()


def test_a_named_report_keeps_the_reporters_account_and_name(ratified, teacher):
    concern = report(ratified, teacher, give_name=True, about=About.PROCEDURE)
    assert concern.reporter == teacher and concern.reporter_name == TEACHER
    assert concern.reporter_digest == "" and concern.measure_key == ""
    assert report(ratified, teacher, about=About.OTHER, text="Iets anders").number == 2


def test_an_empty_text_is_refused(ratified, teacher):
    with pytest.raises(DomainError, match="Describe which agreement"):
        report(ratified, teacher, text="   ")
    assert not Concern.objects.exists()


def test_a_measure_of_another_schools_plan_is_refused(ratified, teacher, other_school):
    from processes import services as process_services
    from tests.factories import SchoolYearFactory

    other = process_services.process_create(
        school=other_school,
        school_year=SchoolYearFactory(start_year=2030),
        actor=SchoolRoleFactory(school=other_school, role="director").user,
    )
    ratify(other)
    foreign_key = first_measure(other)["key"]
    with pytest.raises(DomainError, match="not in the ratified school plan"):
        report(ratified, teacher, measure_key=foreign_key)
    with pytest.raises(DomainError, match="not in the ratified school plan"):
        report(ratified, teacher, measure_key="")
    assert not Concern.objects.exists()


def test_a_measure_needs_a_ratified_plan_and_an_unknown_subject_is_refused(process, teacher):
    with pytest.raises(DomainError, match="not in the ratified school plan"):
        concern_report(
            process=process, actor=teacher, about=About.MEASURE, measure_key="1", text="x",
            give_name=False, shared=False,
        )  # fmt: skip
    with pytest.raises(DomainError, match="Choose what the report is about"):
        concern_report(
            process=process, actor=teacher, about="gossip", text="x", give_name=False, shared=False
        )
    # The procedure can be reported on before any plan is ratified.
    concern = concern_report(
        process=process, actor=teacher, about=About.PROCEDURE, text="x", give_name=False,
        shared=False,
    )  # fmt: skip
    assert concern.number == 1


def test_only_the_schools_staff_report(ratified, director, board_admin, other_director):
    for actor in (director, board_admin, other_director, UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            report(ratified, actor)
    assert not Concern.objects.exists()


def test_the_same_report_sent_twice_is_kept_once(ratified, teacher):
    first = report(ratified, teacher)
    assert report(ratified, teacher).pk == first.pk
    assert report(ratified, UserFactory_staff(ratified)).pk != first.pk
    assert Concern.objects.count() == 2


def UserFactory_staff(process):  # noqa: N802 - a factory-like helper
    user = UserFactory()
    StaffMemberFactory(school=process.school, user=user, email=user.email)
    return user


def test_the_answer_is_on_record_once(ratified, teacher, pmr, director):
    concern = report(ratified, teacher, give_name=True)
    with pytest.raises(DomainError, match="Write the answer"):
        concern_answer(concern=concern, actor=pmr, answer=" ")
    with pytest.raises(PermissionDenied):
        concern_answer(concern=concern, actor=teacher, answer="Zelf beantwoord")
    answered = concern_answer(concern=concern, actor=pmr, answer="We plannen ze in mei in.")
    assert answered.answered_by == pmr and answered.answered_at is not None
    assert answered.answered_by_name == str(pmr)
    decision = Decision.objects.get(action="schoolplans.concern.answered")
    assert decision.actor == pmr and decision.content == {"number": 1, "about": "measure"}
    assert TEACHER not in decision.summary
    with pytest.raises(DomainError, match="already been answered"):
        concern_answer(concern=concern, actor=director, answer="Nog een antwoord")
    concern.refresh_from_db()
    assert concern.answer == "We plannen ze in mei in."


def test_another_schools_director_cannot_answer(ratified, teacher, other_director):
    concern = report(ratified, teacher)
    with pytest.raises(PermissionDenied):
        concern_answer(concern=concern, actor=other_director, answer="Niet van ons")


def test_own_and_shared_reports(ratified, teacher, pmr):
    colleague = UserFactory_staff(ratified)
    mine = report(ratified, teacher, shared=True)
    private = report(ratified, teacher, about=About.OTHER, text="Alleen voor de directie")
    theirs = report(ratified, colleague, shared=True, about=About.EVALUATION, text="Evaluatie")
    assert own_concerns(ratified, teacher) == [private, mine]
    assert own_concerns(ratified, colleague) == [theirs]
    assert shared_concerns(ratified) == []  # not answered yet
    for concern in (mine, private):
        concern_answer(concern=concern, actor=pmr, answer=f"Antwoord op {concern.number}")
    assert shared_concerns(ratified) == [mine]


# --- e-mail and to-do ----------------------------------------------------------------------


def test_the_director_and_the_pmr_are_mailed_without_the_text_or_the_name(
    ratified, teacher, director, pmr, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(ratified, teacher, give_name=True, text="Geheime inhoud van de melding")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([director.email, pmr.email])
    for message in mail.outbox:
        assert "Geheime inhoud" not in message.subject + message.body
        assert TEACHER not in message.subject + message.body
        assert url("meldpunt-inbox", ratified) in message.body


def test_a_named_reporter_is_mailed_when_answered(
    ratified, teacher, pmr, django_capture_on_commit_callbacks
):
    anonymous = report(ratified, teacher, text="Anoniem")
    named = report(ratified, teacher, give_name=True, text="Met naam")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern_answer(concern=anonymous, actor=pmr, answer="Antwoord")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        concern_answer(concern=named, actor=pmr, answer="Antwoord")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert "Antwoord" not in mail.outbox[0].subject


def test_the_director_and_the_pmr_have_a_todo_for_open_reports(ratified, teacher, director, pmr):
    report(ratified, teacher)
    report(ratified, teacher, about=About.OTHER, text="Tweede")
    texts = [todo.text for todo in todos_by_process(director, [ratified])[ratified.pk]]
    assert "Answer 2 reports to the meldpunt" in texts
    assert "Answer 2 reports to the meldpunt" in [
        todo.text for todo in todos_by_process(pmr, [ratified])[ratified.pk]
    ]
    assert not any("meldpunt" in t.text for t in todos_by_process(teacher, [ratified])[ratified.pk])
    for concern in Concern.objects.all():
        concern_answer(concern=concern, actor=pmr, answer="Gedaan")
    assert not any("meldpunt" in t.text for t in todos_by_process(pmr, [ratified])[ratified.pk])


# --- pages ---------------------------------------------------------------------------------


def report_data(process, **overrides):
    data = {
        "subject": f"measure:{first_measure(process)['key']}",
        "text": "De onderwijsassistent is er nog niet.",
    }
    data.update(overrides)
    return data


def test_permission_matrix_of_the_meldpunt(client, ratified, teacher, director, pmr, steering):
    board_admin = BoardAdministratorFactory(board=ratified.school.board).user
    other_school = SchoolFactory(board=ratified.school.board)
    other_teacher = UserFactory()
    StaffMemberFactory(school=other_school, user=other_teacher, email=other_teacher.email)
    other_board_admin = BoardAdministratorFactory(board=SchoolFactory().board).user
    target = report(ratified, teacher)
    expected = {
        # who: (page, report, inbox, answer)
        "anonymous": (302, 302, 302, 302),
        "teacher": (200, 302, 403, 403),
        "director": (200, 403, 200, 302),
        "pmr": (200, 403, 200, 400),  # the director answered first: refused, shown
        "steering": (403, 403, 403, 403),
        "board admin": (403, 403, 403, 403),
        "django staff": (404, 404, 404, 404),
        "another school's teacher": (404, 404, 404, 404),
        "another school's director": (404, 404, 404, 404),
        "another board's admin": (404, 404, 404, 404),
    }
    people = {
        "teacher": teacher,
        "director": director,
        "pmr": pmr,
        "steering": steering,
        "board admin": board_admin,
        "django staff": UserFactory(is_staff=True),
        "another school's teacher": other_teacher,
        "another school's director": SchoolRoleFactory(school=other_school, role="director").user,
        "another board's admin": other_board_admin,
    }
    answer_url = url("meldpunt-answer", ratified, target.pk)
    for who, statuses in expected.items():
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        got = (
            client.get(url("meldpunt", ratified)).status_code,
            client.post(url("meldpunt-report", ratified), report_data(ratified)).status_code,
            client.get(url("meldpunt-inbox", ratified)).status_code,
            client.post(answer_url, {f"c{target.pk}-answer": f"Antwoord ({who})"}).status_code,
        )
        assert (who, *got) == (who, *statuses)
    assert Concern.objects.count() == 2  # the fixture's and the teacher's
    target.refresh_from_db()
    assert target.answer == "Antwoord (director)"


def test_a_concern_of_another_process_is_not_answered_through_this_one(
    client, ratified, teacher, director, other_school
):
    concern = report(ratified, teacher)
    from processes import services as process_services
    from tests.factories import SchoolYearFactory

    later = process_services.process_create(
        school=ratified.school, school_year=SchoolYearFactory(start_year=2031), actor=director
    )
    client.force_login(director)
    response = client.post(
        url("meldpunt-answer", later, concern.pk), {f"c{concern.pk}-answer": "Verkeerd"}
    )
    assert response.status_code == 404


def test_the_inbox_does_not_name_an_anonymous_reporter(client, ratified, teacher, director, pmr):
    report(ratified, teacher, text="Zonder naam gemeld")
    named_user = UserFactory_staff(ratified)
    named_name = StaffMember.objects.get(user=named_user).name
    report(ratified, named_user, give_name=True, text="Met naam gemeld")
    for manager in (director, pmr):
        client.force_login(manager)
        html = client.get(url("meldpunt-inbox", ratified)).content.decode()
        assert "Zonder naam gemeld" in html and "Met naam gemeld" in html
        assert TEACHER not in html and teacher.email not in html
        assert named_name in html
        assert html.count('data-testid="reporter-anonymous"') == 1
        # The staff page and the process page do not name the anonymous reporter either.
        assert TEACHER not in client.get(url("meldpunt", ratified)).content.decode()
    client.force_login(teacher)
    own = client.get(url("meldpunt", ratified)).content.decode()
    assert "Zonder naam gemeld" in own and "Met naam gemeld" not in own


def test_a_staff_member_reports_through_the_page_and_reads_the_answer(
    client, ratified, teacher, pmr
):
    client.force_login(teacher)
    page = client.get(url("meldpunt", ratified)).content.decode()
    assert "Correctie-uren" in page and 'data-testid="concern-form"' in page
    response = client.post(
        url("meldpunt-report", ratified), report_data(ratified, shared="on", text="")
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()
    response = client.post(url("meldpunt-report", ratified), report_data(ratified, shared="on"))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.shared and concern.reporter is None and concern.measure_title == "Correctie-uren"
    client.force_login(pmr)
    inbox = client.get(url("meldpunt-inbox", ratified)).content.decode()
    assert 'data-state="open"' in inbox and 'data-testid="answer-form"' in inbox
    empty = client.post(url("meldpunt-answer", ratified, concern.pk), {f"c{concern.pk}-answer": ""})
    assert empty.status_code == 400
    client.post(
        url("meldpunt-answer", ratified, concern.pk),
        {f"c{concern.pk}-answer": "De assistent begint op 1 maart."},
    )
    assert 'data-state="answered"' in client.get(url("meldpunt-inbox", ratified)).content.decode()
    client.force_login(teacher)
    page = client.get(url("meldpunt", ratified)).content.decode()
    assert page.count("De assistent begint op 1 maart.") == 2  # yours, and shared
    colleague = UserFactory_staff(ratified)
    client.force_login(colleague)
    page = client.get(url("meldpunt", ratified)).content.decode()
    assert page.count("De assistent begint op 1 maart.") == 1
    assert TEACHER not in page


def test_a_foreign_measure_through_the_page_is_a_form_error(client, ratified, teacher):
    client.force_login(teacher)
    response = client.post(
        url("meldpunt-report", ratified), report_data(ratified, subject="measure:999999")
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_the_meldpunt_is_linked_from_the_process_page_and_the_dashboard(
    client, ratified, teacher, steering
):
    from processes.models import Decision as D

    D.objects.create(
        board_id=ratified.school.board_id,
        school=ratified.school,
        process=ratified,
        action="schoolplans.plan.ratified",
        summary="ratified",
    )
    client.force_login(teacher)
    assert (
        url("meldpunt", ratified)
        in client.get(reverse("processes:process-detail", args=[ratified.pk])).content.decode()
    )
    dashboard = client.get(reverse("processes:dashboard")).content.decode()
    assert 'data-testid="transparency-meldpunt"' in dashboard
    client.force_login(steering)
    assert (
        url("meldpunt", ratified)
        not in client.get(reverse("processes:process-detail", args=[ratified.pk])).content.decode()
    )


# --- privacy -------------------------------------------------------------------------------


def test_the_export_holds_named_reports_only(ratified, teacher, pmr):
    report(ratified, teacher, text="Anonieme melding")
    report(ratified, teacher, give_name=True, text="Melding met naam")
    member = StaffMember.objects.get(user=teacher)
    rows = person_export(member=member)["records"]["schoolplans.Concern"]["rows"]
    assert [row["text"] for row in rows] == ["Melding met naam"]


@override_settings(SECRET_KEY="x" * 60)
def test_removal_makes_anonymous_reports_nobodys(ratified, teacher):
    anonymous = report(ratified, teacher, text="Anoniem")
    named = report(ratified, teacher, give_name=True, text="Met naam")
    member = StaffMember.objects.get(user=teacher)
    member.active = False
    member.save()
    pseudonymise(member)
    anonymous.refresh_from_db()
    named.refresh_from_db()
    assert anonymous.reporter_digest == "" and not is_own(anonymous, teacher)
    assert named.reporter_name != TEACHER and named.reporter_name.startswith(
        member.name.split(" ")[0]
    )
