"""Preparing, opening and closing the vote on the frozen agreement (step 4)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from processes import agreement, services
from processes.models import Decision
from tests.fixtures.ballots import opened_ballots
from tests.processes.conftest import sign_both
from units.models import StaffMember
from voting.models import Ballot, Participation, Vote, Voter
from voting.services.casting import ballot_cast, receipt_check
from voting.services.closing import vote_cancel, vote_close, vote_close_if_due
from voting.services.vote import vote_open, vote_update_rule
from werkdruk.exceptions import DomainError

from .conftest import cast_many, create_vote, past_closing, user, window

pytestmark = pytest.mark.django_db


def states(process):
    return dict(process.steps.values_list("number", "state"))


def test_vote_create_makes_round_1_on_the_latest_frozen_agreement(draft, agreed):
    assert draft.state == Vote.State.DRAFT
    assert draft.round == 1
    assert draft.agreement == agreed.agreements.order_by("-number").first()
    decision = Decision.objects.get(action="voting.vote.created")
    assert decision.content["base"] == "votes_cast"
    assert decision.content["majority"] == [1, 2]


def test_vote_create_is_for_the_pmr_only(agreed, director):
    with pytest.raises(PermissionDenied):
        create_vote(agreed, director)
    with pytest.raises(PermissionDenied):
        create_vote(agreed, user("docent"))


def test_vote_create_needs_a_frozen_agreement(db):
    from plans.demo import demo_load

    process = demo_load()["process"]
    services.step_sign_off(step=process.steps.get(number=3), actor=user("pmr"))
    with pytest.raises(DomainError, match="Freeze the agreement"):
        create_vote(process, user("pmr"))


def test_vote_create_needs_step_4_open(db):
    from plans.demo import demo_load

    process = demo_load()["process"]  # step 3 still waits for the PMR
    with pytest.raises(DomainError, match="step 4 is open"):
        create_vote(process, user("pmr"))


def test_only_one_vote_in_preparation_at_a_time(draft, agreed, pmr):
    with pytest.raises(DomainError, match="already being prepared"):
        create_vote(agreed, pmr)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"numerator": 2, "denominator": 2}, "fraction between 0 and 1"),
        ({"numerator": 0, "denominator": 2}, "fraction between 0 and 1"),
        ({"numerator": 1, "denominator": 3}, "at least half"),
        ({"quorum_percentage": 101}, "percentage from 0 to 100"),
        ({"base": "everyone"}, "100%"),
    ],
)
def test_impossible_rules_are_refused(agreed, pmr, rule, message):
    with pytest.raises(DomainError, match=message):
        create_vote(agreed, pmr, **rule)
    assert not Vote.objects.exists()


def test_the_vote_must_close_after_it_opens(agreed, pmr):
    now = timezone.now()
    with pytest.raises(DomainError, match="close after it opens"):
        create_vote(agreed, pmr, opens_at=now, closes_at=now)


def test_the_rule_can_change_while_draft(draft, pmr):
    vote = vote_update_rule(
        vote=draft,
        actor=pmr,
        **window(),
        base=Vote.Base.YES_NO,
        numerator=2,
        denominator=3,
        quorum_percentage=50,
    )
    vote.refresh_from_db()
    assert vote.rule == {"base": "yes_no", "majority": [2, 3], "quorum_percentage": 50}
    assert Decision.objects.filter(action="voting.vote.rule_changed").count() == 1


def test_the_rule_cannot_change_after_opening(open_vote, pmr):
    before = open_vote.rule
    with pytest.raises(DomainError, match="cannot change once the vote has opened"):
        vote_update_rule(
            vote=open_vote,
            actor=pmr,
            **window(),
            base=Vote.Base.ELIGIBLE,
            numerator=2,
            denominator=3,
        )
    open_vote.refresh_from_db()
    assert open_vote.rule == before
    assert not Decision.objects.filter(action="voting.vote.rule_changed").exists()


def test_opening_freezes_the_roll_of_active_staff(draft, agreed, pmr):
    school = agreed.school
    gone = StaffMember.objects.create(
        school=school, name="Oud", email="oud@x.nl", category="OP", fte=1, active=False
    )

    vote = vote_open(vote=draft, actor=pmr)

    active = set(school.staff_members.filter(active=True).values_list("pk", flat=True))
    assert set(vote.voters.values_list("staff_member_id", flat=True)) == active
    assert gone.pk not in active and len(active) > 100
    teacher = vote.voters.get(staff_member__user=user("docent"))
    assert teacher.category == "OP"
    assert teacher.unit_name  # the demo places every teacher in a unit
    assert vote.state == Vote.State.OPEN
    assert Decision.objects.get(action="voting.vote.opened").content["eligible"] == len(active)
    # Joining the school afterwards does not change the roll.
    StaffMember.objects.create(
        school=school, name="Nieuw", email="nieuw@x.nl", category="OP", fte=1
    )
    assert vote.voters.count() == len(active)


def test_opening_twice_is_refused(open_vote, pmr):
    with pytest.raises(DomainError, match="already been opened"):
        vote_open(vote=open_vote, actor=pmr)


def test_the_director_may_not_open_the_vote(draft, director):
    with pytest.raises(PermissionDenied):
        vote_open(vote=draft, actor=director)


def test_close_refused_before_closing_time_unless_everyone_voted(open_vote, pmr):
    with pytest.raises(DomainError, match="still open"):
        vote_close(vote=open_vote, actor=pmr)


def test_an_adopted_vote_completes_step_4(open_vote, agreed, pmr):
    cast_many(open_vote, ["yes"] * 10 + ["no"] * 5 + ["abstain"] * 2)
    vote = vote_close(vote=past_closing(open_vote), actor=pmr)

    assert vote.state == Vote.State.CLOSED
    assert vote.outcome == Vote.Outcome.ADOPTED
    assert (vote.yes_count, vote.no_count, vote.abstain_count, vote.cast_count) == (10, 5, 2, 17)
    assert vote.eligible_count == open_vote.voters.count()
    assert vote.closed_at is not None
    assert states(agreed)[4] == "done"
    assert states(agreed)[5] == "open"
    closed = Decision.objects.get(action="voting.vote.closed")
    assert closed.content["outcome"] == "adopted"
    assert closed.content["yes"] == 10
    completed = Decision.objects.filter(action="processes.step.completed", step_number=4).get()
    assert "round 1" in completed.summary


def test_closing_a_closed_vote_changes_nothing(open_vote, pmr):
    cast_many(open_vote, ["yes"] * 3)
    vote = vote_close(vote=past_closing(open_vote), actor=pmr)
    ids = set(Ballot.objects.values_list("id", flat=True))

    again = vote_close(vote=vote)

    assert again.closed_at == vote.closed_at
    assert set(Ballot.objects.values_list("id", flat=True)) == ids
    assert Decision.objects.filter(action="voting.vote.closed").count() == 1


def test_a_scheduled_close_without_actor_records_the_system(open_vote, agreed):
    cast_many(open_vote, ["yes"] * 100)
    vote_close(vote=past_closing(open_vote))
    closed = Decision.objects.get(action="voting.vote.closed")
    assert closed.actor is None
    assert states(agreed)[4] == "done"


def test_a_rejected_vote_reopens_step_1_and_the_next_vote_is_round_2(open_vote, agreed, pmr):
    cast_many(open_vote, ["yes"] * 5 + ["no"] * 5)  # a tie is not a majority
    first = vote_close(vote=past_closing(open_vote))  # scheduled: no actor

    assert first.outcome == Vote.Outcome.REJECTED
    assert states(agreed)[1] == "open"
    assert [states(agreed)[n] for n in (2, 3, 4)] == ["locked"] * 3
    reopened = Decision.objects.get(action="processes.step.reopened", step_number=1)
    assert reopened.actor is None  # recorded as the system: the vote's outcome reopened it
    assert "round 1" in reopened.grounds

    director = user("directeur")
    for number in (1, 2, 3):
        sign_both(agreed, number, director, pmr)
    agreement.agreement_freeze(process=agreed, actor=pmr)
    second = create_vote(agreed, pmr)

    assert second.round == 2
    first.refresh_from_db()
    assert (first.outcome, first.yes_count, first.no_count) == ("rejected", 5, 5)


def test_quorum_not_met_is_invalid_and_reopens_step_1(agreed, pmr):
    vote = vote_open(vote=create_vote(agreed, pmr, quorum_percentage=50), actor=pmr)
    cast_many(vote, ["yes"] * 10)
    vote = vote_close(vote=past_closing(vote), actor=pmr)
    assert vote.outcome == Vote.Outcome.INVALID
    assert states(agreed)[1] == "open"


def test_the_vote_may_close_early_when_everyone_voted(agreed, pmr):
    vote = vote_open(vote=create_vote(agreed, pmr), actor=pmr)
    cast_many(vote, ["yes"] * vote.voters.count())
    vote = vote_close(vote=vote, actor=pmr)
    assert vote.outcome == Vote.Outcome.ADOPTED


def test_closing_rewrites_the_ballots_with_new_ids_and_the_same_content(open_vote, pmr):
    cast_many(open_vote, ["yes"] * 4 + ["no"] * 3 + ["abstain"])
    before_ids = set(Ballot.objects.values_list("id", flat=True))
    before = sorted((ballot["c"], ballot["r"]) for ballot in opened_ballots(open_vote))

    vote_close(vote=past_closing(open_vote), actor=pmr)

    after = list(Ballot.objects.values_list("id", "choice", "receipt_hash"))
    assert len(after) == len(before) == 8
    assert not before_ids & {row[0] for row in after}
    assert sorted(row[1:] for row in after) == before
    assert Participation.objects.count() == 8


def test_receipts_verify_after_closing_and_not_before(open_vote, pmr):
    codes = cast_many(open_vote, ["yes", "no"])
    with pytest.raises(DomainError, match="once the vote has closed"):
        receipt_check(vote=open_vote, code=codes[0])

    vote = vote_close(vote=past_closing(open_vote), actor=pmr)

    assert all(receipt_check(vote=vote, code=code) for code in codes)
    assert receipt_check(vote=vote, code=codes[0].lower().replace("-", " "))
    assert not receipt_check(vote=vote, code="AAAA-AAAA-AAAA-AAAA")


def test_a_vote_cannot_be_opened_when_the_closing_time_passed(draft, pmr):
    Vote.objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(DomainError, match="closing time has passed"):
        vote_open(vote=draft, actor=pmr)
    assert not Voter.objects.exists()


def test_a_failed_vote_reopens_steps_1_to_3_even_when_its_creator_left_the_pmr(
    open_vote, agreed, pmr
):
    from processes.models import SchoolRole

    SchoolRole.objects.filter(user=pmr, role=SchoolRole.Role.PMR).delete()
    cast_many(open_vote, ["no"] * 10)
    closed = vote_close(vote=past_closing(open_vote))  # the scheduled task: no actor
    assert closed.outcome == Vote.Outcome.REJECTED
    assert states(agreed)[1] == "open"
    assert [states(agreed)[n] for n in (2, 3, 4)] == ["locked"] * 3


def test_appreciation_averages_and_distributions_are_stored_at_closing(agreed, pmr):
    vote = create_vote(agreed, pmr, questions=["Units", "Split", "Frameworks"])
    vote = vote_open(vote=vote, actor=pmr)
    voters = list(vote.voters.order_by("pk")[:4])
    answers = [{"1": 5, "2": 1}, {"1": 4}, {"1": 4, "2": 2}, {}]
    for voter, given in zip(voters, answers, strict=True):
        ballot_cast(vote=vote, voter=voter, choice="yes", appreciation=given)

    vote = vote_close(vote=past_closing(vote), actor=pmr)

    assert vote.appreciation_result == {
        "1": {"n": 3, "average": "4.33", "distribution": [0, 0, 0, 2, 1]},
        "2": {"n": 2, "average": "1.50", "distribution": [1, 1, 0, 0, 0]},
        "3": {"n": 0, "average": None, "distribution": [0, 0, 0, 0, 0]},
    }
    assert sorted(map(str, Ballot.objects.values_list("appreciation", flat=True))) == sorted(
        map(str, answers)
    )
    closed = Decision.objects.get(action="voting.vote.closed")
    assert closed.content["appreciation"]["1"]["average"] == "4.33"


def test_questions_and_reminders_are_part_of_the_recorded_rule(agreed, pmr):
    create_vote(agreed, pmr, questions=[" Units ", ""], reminder_days=[1, 3, 3])
    decision = Decision.objects.get(action="voting.vote.created")
    assert decision.content["questions"] == ["Units"]
    assert decision.content["reminder_days"] == [3, 1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"questions": [f"q{i}" for i in range(11)]}, "at most 10"),
        ({"questions": ["x" * 301]}, "300 characters"),
        ({"reminder_days": [61]}, "1 to 60 days"),
        ({"reminder_days": [0]}, "1 to 60 days"),
    ],
)
def test_too_many_questions_or_odd_reminders_are_refused(agreed, pmr, extra, message):
    with pytest.raises(DomainError, match=message):
        create_vote(agreed, pmr, **extra)
    assert not Vote.objects.exists()


def test_questions_change_only_before_opening(draft, pmr):
    rule = {**window(), "base": "votes_cast", "numerator": 1, "denominator": 2}
    vote_update_rule(vote=draft, actor=pmr, questions=["New"], **rule)
    assert list(draft.questions.values_list("text", flat=True)) == ["New"]
    vote_open(vote=draft, actor=pmr)
    with pytest.raises(DomainError, match="cannot change"):
        vote_update_rule(vote=draft, actor=pmr, questions=["Other"], **rule)
    assert list(draft.questions.values_list("text", flat=True)) == ["New"]


def test_the_first_view_after_closing_closes_the_vote(open_vote):
    assert vote_close_if_due(open_vote).state == Vote.State.OPEN
    vote = vote_close_if_due(past_closing(open_vote))
    assert vote.state == Vote.State.CLOSED
    assert Decision.objects.filter(action="voting.vote.closed").count() == 1


def test_while_staff_vote_the_agreement_cannot_be_reopened(open_vote, agreed, director):
    step1 = agreed.steps.get(number=1)
    with pytest.raises(DomainError, match="Staff are voting on this agreement"):
        services.step_reopen(step=step1, actor=director, grounds="A unit is missing")
    assert states(agreed)[1] == "done" and states(agreed)[4] == "open"


def test_a_staff_import_during_the_vote_reopens_nothing(open_vote, agreed):
    from units.services.staff import _reopen_steps_the_import_changed

    before = {"a@x.nl": ("OP", 1)}
    after = {"a@x.nl": ("OP", 1), "b@x.nl": ("OP", 1)}
    _reopen_steps_the_import_changed(agreed.school, user("directeur"), before, after)
    assert states(agreed)[1] == "done"


def test_the_pmr_cancels_a_vote_uncounted_and_then_steps_can_reopen(
    open_vote, agreed, pmr, director
):
    cast_many(open_vote, ["yes", "no"])
    with pytest.raises(DomainError, match="grounds"):
        vote_cancel(vote=open_vote, actor=pmr, grounds=" ")
    with pytest.raises(PermissionDenied):
        vote_cancel(vote=open_vote, actor=director, grounds="x")

    vote = vote_cancel(vote=open_vote, actor=pmr, grounds="The split had an error")

    assert (vote.state, vote.outcome, vote.cast_count) == ("closed", "cancelled", 2)
    assert vote.yes_count is None
    assert states(agreed)[4] == "open"
    decision = Decision.objects.get(action="voting.vote.cancelled")
    assert decision.grounds == "The split had an error"
    with pytest.raises(DomainError, match="cancelled"):
        receipt_check(vote=vote, code="ABCD-ABCD-ABCD-ABCD")
    services.step_reopen(step=agreed.steps.get(number=2), actor=director, grounds="Fix split")
    assert states(agreed)[2] == "open"


def test_round_2_needs_the_agreement_frozen_again_after_a_change(open_vote, agreed, pmr, director):
    vote_cancel(vote=open_vote, actor=pmr, grounds="A framework is wrong")
    step3 = agreed.steps.get(number=3)
    services.step_reopen(step=step3, actor=director, grounds="Remove a framework")
    agreed.framework_rules.order_by("-pk").first().delete()
    sign_both(agreed, 3, director, pmr)

    with pytest.raises(DomainError, match="freeze it again"):
        create_vote(agreed, pmr)

    version = agreement.agreement_freeze(process=agreed, actor=pmr)
    vote = create_vote(agreed, pmr)
    assert (vote.round, vote.agreement) == (2, version)
    assert version.number == 2


def test_opening_is_refused_when_the_agreement_changed_after_freezing(draft, agreed, pmr):
    left = StaffMember.objects.filter(school=agreed.school, category="OP").order_by("pk").first()
    left.active = False  # the unit counts in the frozen agreement no longer hold
    left.save()
    with pytest.raises(DomainError, match="freeze it again"):
        vote_open(vote=draft, actor=pmr)
    assert not Voter.objects.exists()
