"""Issue 18 item 3: the evaluation cycle kept (schoolplans/services/evaluation.py,
selectors/evaluation.py, views/evaluation.py): dated moments with a reminder exactly once per
moment, the outcome per measure of the ratified plan, sharing with the staff, and the
permissions of the new pages."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from processes.agreement import content_hash
from processes.models import Decision
from schoolplans.models import (
    EvaluationAgreement,
    EvaluationMoment,
    EvaluationOutcome,
    RatificationRecord,
    SchoolPlan,
    SchoolPlanVersion,
)
from schoolplans.selectors.evaluation import measures_to_evaluate, reminder_days
from schoolplans.services import evaluation
from tests.outbox import deliver_outbox
from werkdruk.edit_conflicts import EditConflict
from werkdruk.exceptions import DomainError
from werkdruk.models import OutboxMessage


def _measure(key, title, category="extra_staff", year=2026):
    return {
        "key": key,
        "unit": None,
        "unit_name": "Bèta",
        "title": title,
        "description": f"Beschrijving van {title}",
        "category": category,
        "first_year": year,
        "last_year": year,
        "structural": False,
        "changes_task_policy": False,
        "cost_per_year": {str(year): "4000.00"},
        "total_cost": "4000.00",
        "sources": [],
    }


MEASURES = [
    _measure("11", "Correctie-uren", "task_relief"),
    _measure("12", "Onderwijsassistent"),
    _measure("13", "Teamdag", "wellbeing"),
]


def ratify(process, measures=MEASURES):
    """``process`` with a ratified school plan (as its models record it) and an evaluation
    agreement."""
    content = {"measures": measures, "years": [process.school_year.start_year]}
    school_plan = SchoolPlan.objects.create(process=process)
    version = SchoolPlanVersion.objects.create(
        school_plan=school_plan, number=1, content=content, content_hash=content_hash(content)
    )
    RatificationRecord.objects.create(version=version, decision_list=[], decision_list_hash="0")
    EvaluationAgreement.objects.create(
        process=process,
        what="Werkdruk per eenheid",
        indicators="Enquête",
        when="Juni",
        responsible="PMR",
        sharing="Personeelsvergadering",
    )
    return process


def full(verdicts=("continue", "adjust", "stop")):
    return {
        m["key"]: {"verdict": v, "reasons": f"Omdat {m['title']}", "results": "58% -> 31%"}
        for m, v in zip(MEASURES, verdicts, strict=True)
    }


@pytest.fixture
def ratified(process):
    return ratify(process)


@pytest.fixture
def moment(ratified, director, pmr):
    return evaluation.moment_add(
        process=ratified,
        actor=director,
        date=timezone.localdate() + datetime.timedelta(days=30),
        title="Evaluatie juni",
        responsible="both",
    )


# --- moments ---------------------------------------------------------------------------------


def test_a_moment_needs_the_evaluation_agreement(process, director):
    with pytest.raises(DomainError, match="evaluation agreement first"):
        evaluation.moment_add(process=process, actor=director, date=timezone.localdate(), title="x")


def test_director_and_pmr_plan_moments_staff_and_others_may_not(
    ratified, director, pmr, staff_user, other_director, board_admin
):
    day = timezone.localdate()
    evaluation.moment_add(process=ratified, actor=pmr, date=day, title="PMR", responsible="pmr")
    for user in (staff_user, other_director, board_admin):
        with pytest.raises(PermissionDenied):
            evaluation.moment_add(process=ratified, actor=user, date=day, title="x")
    assert EvaluationMoment.objects.count() == 1
    assert Decision.objects.filter(action="schoolplans.evaluation.moment_added").count() == 1


def test_a_moment_needs_a_title(ratified, director):
    with pytest.raises(DomainError, match="title"):
        evaluation.moment_add(
            process=ratified, actor=director, date=timezone.localdate(), title=" "
        )


# --- reminders exactly once ------------------------------------------------------------------


def _due(moment, days=None):
    days = reminder_days() if days is None else days
    EvaluationMoment.objects.filter(pk=moment.pk).update(
        date=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_no_reminder_before_the_reminder_days(moment):
    assert evaluation.evaluation_reminders_send() == 0
    assert mail.outbox == []


def test_reminder_goes_once_to_whoever_is_responsible_even_when_the_task_runs_twice(
    moment, director, pmr, staff_user
):
    _due(moment)
    assert evaluation.evaluation_reminders_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([director.email, pmr.email])
    assert "Evaluatie juni" in mail.outbox[0].subject
    assert (
        reverse("schoolplans:evaluation-moment", args=[moment.agreement.process_id, moment.pk])
        in mail.outbox[0].body
    )
    assert evaluation.evaluation_reminders_send() == 0  # the second run
    assert len(mail.outbox) == 2
    moment.refresh_from_db()
    assert moment.reminded_at is not None


def test_the_reminder_goes_to_the_director_only_when_the_director_is_responsible(
    moment, director, pmr
):
    EvaluationMoment.objects.filter(pk=moment.pk).update(responsible="director")
    _due(moment, 0)
    evaluation.evaluation_reminders_send()
    assert [m.to for m in mail.outbox] == [[director.email]]


def test_the_task_runs_the_service(moment, director, pmr):
    from schoolplans.tasks import evaluation_reminders_send

    _due(moment)
    assert evaluation_reminders_send.apply().get() == 2
    assert evaluation_reminders_send.apply().get() == 0


def test_a_claimed_moment_is_not_reminded_by_another_run(moment):
    """Another worker claimed the moment (reminded_at set) between this run's read and its
    claim: the conditional update finds nothing and nothing is sent."""
    _due(moment)
    original = evaluation.EvaluationMoment.objects.filter

    def racing_filter(*args, **kwargs):
        if "reminded_at__isnull" in kwargs and "pk" in kwargs:
            EvaluationMoment.objects.exclude(pk=0).update(reminded_at=timezone.now())
        return original(*args, **kwargs)

    from unittest import mock

    with mock.patch.object(evaluation.EvaluationMoment.objects, "filter", racing_filter):
        assert evaluation.evaluation_reminders_send() == 0
    assert mail.outbox == []


def test_a_failing_mail_server_keeps_the_reminders_in_the_outbox(moment, settings):
    _due(moment)
    settings.EMAIL_BACKEND = "tests.outbox.UnreachableBackend"
    assert evaluation.evaluation_reminders_send() == 2  # the claim and the outbox rows
    moment.refresh_from_db()
    assert moment.reminded_at is not None
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver_outbox() == 2
    assert evaluation.evaluation_reminders_send() == 0
    assert deliver_outbox() == 0
    assert len(mail.outbox) == 2


def test_moving_the_date_of_an_unheld_moment_rearms_the_reminder(moment, director):
    _due(moment)
    evaluation.evaluation_reminders_send()
    assert len(mail.outbox) == 2
    moment.refresh_from_db()
    new_date = timezone.localdate() + datetime.timedelta(days=3)
    evaluation.moment_change(
        moment=moment, actor=director, date=new_date, title=moment.title, responsible="both"
    )
    moment.refresh_from_db()
    assert moment.reminded_at is None
    assert evaluation.evaluation_reminders_send() == 2
    assert evaluation.evaluation_reminders_send() == 0
    assert len(mail.outbox) == 4


def test_changing_only_the_title_does_not_rearm(moment, director):
    _due(moment)
    evaluation.evaluation_reminders_send()
    moment.refresh_from_db()
    evaluation.moment_change(
        moment=moment, actor=director, date=moment.date, title="Nieuw", responsible="both"
    )
    assert evaluation.evaluation_reminders_send() == 0


def test_a_recorded_moment_is_not_reminded(moment, pmr):
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full())
    _due(moment, 0)
    assert evaluation.evaluation_reminders_send() == 0


# --- outcomes --------------------------------------------------------------------------------


def test_the_moment_is_recorded_only_with_an_outcome_for_every_measure(moment, pmr, director):
    partial = full()
    del partial["13"]
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=partial)
    moment.refresh_from_db()
    assert moment.recorded_at is None
    assert EvaluationOutcome.objects.count() == 2
    with pytest.raises(DomainError, match="Record an outcome for every measure"):
        evaluation.moment_share(moment=moment, actor=director)
    evaluation.outcomes_record(moment=moment, actor=director, outcomes=full())
    moment.refresh_from_db()
    assert moment.recorded_at is not None
    assert EvaluationOutcome.objects.count() == 3


def test_an_outcome_needs_reasons_and_nothing_is_saved_when_one_lacks_them(moment, pmr):
    outcomes = full()
    outcomes["12"]["reasons"] = ""
    with pytest.raises(DomainError) as refused:
        evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=outcomes)
    assert any("Onderwijsassistent" in line for line in refused.value.details)
    assert not EvaluationOutcome.objects.exists()


def test_an_unknown_verdict_is_refused(moment, pmr):
    outcomes = full()
    outcomes["11"]["verdict"] = "maybe"
    with pytest.raises(DomainError):
        evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=outcomes)


def test_outcomes_need_a_ratified_plan(process, director):
    EvaluationAgreement.objects.create(
        process=process, what="a", indicators="b", when="c", responsible="d", sharing="e"
    )
    moment = evaluation.moment_add(
        process=process, actor=director, date=timezone.localdate(), title="Te vroeg"
    )
    with pytest.raises(DomainError, match="not ratified"):
        evaluation.outcomes_record(moment=moment, actor=director, outcomes=full())


def test_staff_may_not_record_outcomes(moment, staff_user):
    with pytest.raises(PermissionDenied):
        evaluation.outcomes_record(moment=moment, actor=staff_user, outcomes=full())


def test_an_edit_conflict_is_refused(moment, pmr, director):
    loaded = moment.version
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full(), version=loaded)
    changed = full(("stop", "stop", "stop"))
    with pytest.raises(EditConflict):
        evaluation.outcomes_record(moment=moment, actor=director, outcomes=changed, version=loaded)
    assert set(EvaluationOutcome.objects.values_list("verdict", flat=True)) == {
        "continue",
        "adjust",
        "stop",
    }


def test_a_held_moment_keeps_its_date_and_is_not_removed(moment, pmr, director):
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full())
    with pytest.raises(DomainError, match="date"):
        evaluation.moment_change(
            moment=moment,
            actor=director,
            date=moment.date + datetime.timedelta(days=1),
            title=moment.title,
            responsible="both",
        )
    with pytest.raises(DomainError):
        evaluation.moment_delete(moment=moment, actor=director)


def test_an_unheld_moment_is_removed(moment, director):
    evaluation.moment_delete(moment=moment, actor=director)
    assert not EvaluationMoment.objects.exists()


def test_the_measures_show_the_unit_plans_goal_and_indicators(ratified, director):
    from plans.models import Measure, MeasureCategory, UnitPlan
    from units.models import OrganisationalUnit

    unit = OrganisationalUnit.objects.create(process=ratified, name="Bèta")
    plan = UnitPlan.objects.create(
        process=ratified, unit=unit, success_indicators="Minder avondwerk in de toetsweken"
    )
    unit_measure = Measure.objects.create(
        plan=plan,
        title="Correctie-uren",
        category=MeasureCategory.objects.get(code="task_relief"),
        cost_type="none",
        first_year=2026,
        last_year=2026,
        expected_effect="Nakijken binnen werktijd",
    )
    measures = [dict(MEASURES[0], sources=[{"unit_measure": unit_measure.pk}])]
    version = SchoolPlanVersion.objects.get()
    SchoolPlanVersion.objects.filter(pk=version.pk).update(content={"measures": measures})
    row = measures_to_evaluate(ratified)[0]
    assert row.goals == ["Nakijken binnen werktijd"]
    assert row.indicators == ["Minder avondwerk in de toetsweken"]


# --- sharing ---------------------------------------------------------------------------------


def test_sharing_tells_every_staff_member_once(
    moment, pmr, director, school, django_capture_on_commit_callbacks
):
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full())
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.moment_share(moment=moment, actor=director)
    staff = school.staff_members.filter(active=True).exclude(email="").count()
    assert len(mail.outbox) == staff
    assert evaluation.moment_share_notices_send(moment_id=moment.pk) == 0
    with pytest.raises(DomainError, match="already been shared"):
        evaluation.moment_share(moment=moment, actor=pmr)
    with pytest.raises(DomainError, match="final"):
        evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full(("stop",) * 3))


# --- the pages -------------------------------------------------------------------------------


def _url(name, moment):
    return reverse(name, args=[moment.agreement.process_id, moment.pk])


@pytest.fixture
def people(director, pmr, staff_user, other_director, other_board_admin, board_admin):
    return {
        "director": director,
        "pmr": pmr,
        "staff": staff_user,
        "other_director": other_director,
        "other_board_admin": other_board_admin,
        "board_admin": board_admin,
        "anonymous": None,
    }


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


READ_BEFORE_SHARING = {
    "director": 200,
    "pmr": 200,
    "board_admin": 200,
    "staff": 404,
    "other_director": 404,
    "other_board_admin": 404,
}
READ_AFTER_SHARING = dict(READ_BEFORE_SHARING, staff=200)
EDIT_PAGE = {
    "director": 200,
    "pmr": 200,
    "board_admin": 403,
    "staff": 403,
    "other_director": 404,
    "other_board_admin": 404,
}


def test_moment_page_permissions_before_and_after_sharing(client, moment, people, pmr, director):
    url = _url("schoolplans:evaluation-moment", moment)
    for role, status in READ_BEFORE_SHARING.items():
        assert _get(client, people[role], url).status_code == status, role
    response = _get(client, None, url)
    assert response.status_code == 302 and "login" in response["Location"]
    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full())
    evaluation.moment_share(moment=moment, actor=director)
    for role, status in READ_AFTER_SHARING.items():
        assert _get(client, people[role], url).status_code == status, role
    page = _get(client, people["staff"], url)
    assert b"Omdat Teamdag" in page.content and b"outcomes-form" not in page.content


def test_moment_edit_page_permissions(client, moment, people):
    url = _url("schoolplans:evaluation-moment-edit", moment)
    for role, status in EDIT_PAGE.items():
        assert _get(client, people[role], url).status_code == status, role
    response = _get(client, None, url)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", ["evaluation-moment-share", "evaluation-moment-delete"])
def test_posts_are_refused_to_everyone_but_director_and_pmr(client, moment, people, name):
    url = _url(f"schoolplans:{name}", moment)
    for role in ("staff", "board_admin", "other_director", "other_board_admin"):
        client.logout()
        client.force_login(people[role])
        assert client.post(url).status_code in (403, 404), role
    assert EvaluationMoment.objects.filter(pk=moment.pk, shared_at__isnull=True).exists()


def test_add_post_permissions(client, ratified, people):
    url = reverse("schoolplans:evaluation-moment-add", args=[ratified.pk])
    data = {"date": "24-06-2027", "title": "Juni", "responsible": "both"}
    for role in ("staff", "board_admin"):
        client.force_login(people[role])
        assert client.post(url, data).status_code == 403
    client.force_login(people["other_director"])
    assert client.post(url, data).status_code == 404
    client.force_login(people["pmr"])
    assert client.post(url, data).status_code == 302
    assert EvaluationMoment.objects.get().title == "Juni"


def test_the_evaluation_page_lists_moments_and_staff_see_only_shared_ones(client, moment, people):
    url = reverse("schoolplans:evaluation", args=[moment.agreement.process_id])
    page = _get(client, people["director"], url)
    assert b"Evaluatie juni" in page.content and b"moment-add" in page.content
    page = _get(client, people["staff"], url)
    assert b"Evaluatie juni" not in page.content and b"moment-add" not in page.content


def test_recording_outcomes_on_the_page_in_one_go(client, moment, people):
    client.force_login(people["pmr"])
    url = _url("schoolplans:evaluation-moment", moment)
    data = {"version": moment.version}
    for key, values in full().items():
        for field, value in values.items():
            data[f"{field}-{key}"] = value
    response = client.post(url, data)
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.recorded_at is not None
    # the same form again, loaded at the old version, with a change: a conflict
    data["verdict-11"] = "stop"
    response = client.post(url, data)
    assert response.status_code == 409
    assert EvaluationOutcome.objects.get(measure_key="11").verdict == "continue"


def test_the_page_refuses_an_outcome_without_reasons(client, moment, people):
    client.force_login(people["director"])
    url = _url("schoolplans:evaluation-moment", moment)
    response = client.post(url, {"version": moment.version, "verdict-11": "stop"})
    assert response.status_code == 400
    assert b"give the reasons" in response.content
    assert not EvaluationOutcome.objects.exists()


def test_the_archive_holds_the_moments_and_outcomes(moment, pmr):
    from schoolplans.selectors.archive import evaluation_agreement

    evaluation.outcomes_record(moment=moment, actor=pmr, outcomes=full())
    archived = evaluation_agreement(moment.agreement.process)
    (entry,) = archived["moments"]
    assert entry["title"] == "Evaluatie juni" and entry["recorded_at"] is not None
    assert [o["verdict"] for o in entry["outcomes"]] == ["continue", "adjust", "stop"]


# --- the dashboard's to-dos ------------------------------------------------------------------


def _todo_texts(user, process):
    from processes.todos import todos_by_process

    return [todo.text for todo in todos_by_process(user, [process]).get(process.pk, [])]


def test_a_near_moment_is_a_todo_for_whoever_is_responsible_until_shared(
    moment, ratified, director, pmr, staff_user
):
    record = "Record the outcome per measure of the evaluation “Evaluatie juni”"
    share = "Share the outcomes of the evaluation “Evaluatie juni” with the staff"
    assert record not in _todo_texts(director, ratified)  # 30 days away: not yet
    EvaluationMoment.objects.filter(pk=moment.pk).update(date=timezone.localdate())
    for user in (director, pmr):
        assert record in _todo_texts(user, ratified)
    assert record not in _todo_texts(staff_user, ratified)

    moment = evaluation.outcomes_record(
        moment=EvaluationMoment.objects.get(pk=moment.pk), actor=pmr, outcomes=full()
    )
    assert share in _todo_texts(director, ratified)
    assert record not in _todo_texts(director, ratified)
    evaluation.moment_share(moment=moment, actor=director)
    assert not any("evaluation" in text for text in _todo_texts(pmr, ratified))


def test_a_moment_of_the_pmr_alone_is_not_the_directors_todo(ratified, director, pmr):
    evaluation.moment_add(
        process=ratified, actor=pmr, date=timezone.localdate(), title="PMR", responsible="pmr"
    )
    record = "Record the outcome per measure of the evaluation “PMR”"
    assert record in _todo_texts(pmr, ratified)
    assert record not in _todo_texts(director, ratified)
