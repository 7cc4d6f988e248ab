"""Who carries out a step the CAO leaves to the school ("?") is agreed by both sides: one side
(director or PMR) proposes, the other agrees or rejects; only an agreed choice binds."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from processes import services
from processes.models import Decision, Process, ProcessStep, SchoolRole
from tests.factories import SchoolRoleFactory
from tests.fixtures.steps import assign_actor
from werkdruk.exceptions import DomainError

from .conftest import finish_steps_1_to_4, step


def propose(process, actor, who="pmr", detail="", number=5):
    return services.step_propose_actor(
        step=step(process, number), actor=actor, agreed_actor=who, detail=detail
    )


def actions(process):
    return list(
        process.decisions.filter(action__startswith="processes.step.actor_")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_proposal_binds_only_once_the_other_side_agrees(process, director, pmr):
    propose(process, director, "steering", "Werkgroep werkdruk")
    pending = step(process, 5)
    assert pending.agreed_actor == ""
    assert (pending.proposed_actor, pending.proposed_side) == ("steering", "director")
    assert pending.proposed_by == director
    assert services.actor_proposal_waiting_for(pending) == "pmr"
    assert services.may_answer_actor_proposal(pmr, pending)
    assert not services.may_answer_actor_proposal(director, pending)

    services.step_agree_actor(step=pending, actor=pmr, proposal=pending.proposal_number)
    agreed = step(process, 5)
    assert (agreed.agreed_actor, agreed.agreed_actor_detail) == ("steering", "Werkgroep werkdruk")
    assert agreed.proposed_side == "" and agreed.proposed_by is None
    assert actions(process) == ["processes.step.actor_proposed", "processes.step.actor_agreed"]
    decision = process.decisions.get(action="processes.step.actor_agreed")
    assert decision.actor == pmr
    assert decision.content["proposed_side"] == "director"
    assert decision.content["side"] == "pmr"


def test_the_pmr_may_propose_and_the_director_agrees(process, director, pmr):
    propose(process, pmr, "director")
    services.step_agree_actor(step=step(process, 5), actor=director)
    assert step(process, 5).agreed_actor == "director"


def test_a_step_cannot_be_completed_on_a_mere_proposal(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    propose(process, director, "director")
    with pytest.raises(DomainError, match="First record who carries out step 5"):
        services.step_complete(step=step(process, 5), actor=director)
    services.step_agree_actor(step=step(process, 5), actor=pmr)
    services.step_complete(step=step(process, 5), actor=director)
    assert step(process, 5).state == ProcessStep.State.DONE


def test_the_proposer_cannot_agree_with_themself(process, director, pmr):
    propose(process, director)
    with pytest.raises(DomainError, match="You made this proposal yourself"):
        services.step_agree_actor(step=step(process, 5), actor=director)
    assert step(process, 5).agreed_actor == ""


def test_a_person_who_is_director_and_pmr_member_needs_a_second_person(process, school, pmr):
    both = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    SchoolRoleFactory(school=school, user=both, role=SchoolRole.Role.PMR)
    propose(process, both, "both")
    with pytest.raises(DomainError, match="yourself"):
        services.step_agree_actor(step=step(process, 5), actor=both)
    with pytest.raises(DomainError, match="yourself"):
        services.step_reject_actor(step=step(process, 5), actor=both, grounds="no")
    assert not services.may_answer_actor_proposal(both, step(process, 5))
    services.step_agree_actor(step=step(process, 5), actor=pmr)
    assert step(process, 5).agreed_actor == "both"


def test_the_proposers_own_side_cannot_agree(process, director, pmr, pmr2):
    propose(process, pmr)
    with pytest.raises(DomainError, match="Only the director"):
        services.step_agree_actor(step=step(process, 5), actor=pmr2)
    propose(process, pmr2, "steering")  # the same side may replace its own proposal
    with pytest.raises(DomainError, match="Only the director"):
        services.step_agree_actor(step=step(process, 5), actor=pmr)
    services.step_agree_actor(step=step(process, 5), actor=director)
    assert step(process, 5).agreed_actor == "steering"


def test_others_may_not_propose_or_answer(process, director, steering, board_admin, other_director):
    for outsider in (steering, board_admin, other_director):
        with pytest.raises(PermissionDenied):
            propose(process, outsider)
    propose(process, director)
    for outsider in (steering, board_admin, other_director):
        with pytest.raises(PermissionDenied):
            services.step_agree_actor(step=step(process, 5), actor=outsider)
        with pytest.raises(PermissionDenied):
            services.step_reject_actor(step=step(process, 5), actor=outsider, grounds="x")
    assert step(process, 5).agreed_actor == ""


def test_rejection_needs_reasons_and_resets_to_no_choice(process, director, pmr):
    propose(process, director, "external", "Bureau Samen Werken")
    with pytest.raises(DomainError, match="reasons"):
        services.step_reject_actor(step=step(process, 5), actor=pmr, grounds="  ")
    services.step_reject_actor(step=step(process, 5), actor=pmr, grounds="Too expensive.")
    rejected = step(process, 5)
    assert rejected.agreed_actor == "" and rejected.proposed_actor == ""
    assert rejected.proposed_side == ""
    decision = process.decisions.get(action="processes.step.actor_rejected")
    assert decision.grounds == "Too expensive."
    assert decision.content["rejected_actor"] == "external"
    with pytest.raises(DomainError, match="Nobody has proposed"):
        services.step_agree_actor(step=step(process, 5), actor=pmr)
    # Either side may propose again.
    propose(process, pmr, "director")
    services.step_agree_actor(step=step(process, 5), actor=director)
    assert step(process, 5).agreed_actor == "director"


def test_changing_an_agreed_choice_needs_a_new_agreement(process, director, pmr):
    propose(process, director, "director")
    services.step_agree_actor(step=step(process, 5), actor=pmr)
    with pytest.raises(DomainError, match="already the agreed choice"):
        propose(process, director, "director")
    propose(process, director, "steering")
    # The earlier choice holds until the PMR agrees.
    assert step(process, 5).agreed_actor == "director"
    services.step_reject_actor(step=step(process, 5), actor=pmr, grounds="Keep it as it is.")
    assert step(process, 5).agreed_actor == "director"
    propose(process, pmr, "pmr")
    services.step_agree_actor(step=step(process, 5), actor=director)
    assert step(process, 5).agreed_actor == "pmr"


def test_an_answer_to_a_replaced_proposal_is_refused(process, director, pmr):
    first = propose(process, director, "director").proposal_number
    propose(process, director, "steering")
    with pytest.raises(DomainError, match="changed in the meantime"):
        services.step_agree_actor(step=step(process, 5), actor=pmr, proposal=first)
    assert step(process, 5).agreed_actor == ""


def test_proposals_of_both_sides_at_once_the_second_waits_for_an_answer(process, director, pmr):
    """Each proposal locks the step: the second side finds the first proposal and must answer
    it instead of overwriting it."""
    propose(process, director, "director")
    with pytest.raises(DomainError, match="other side has already proposed"):
        propose(process, pmr, "pmr")
    pending = step(process, 5)
    assert (pending.proposed_actor, pending.proposed_by) == ("director", director)
    assert actions(process) == ["processes.step.actor_proposed"]


def test_a_step_with_a_cao_actor_or_finished_takes_no_proposal(process, director, pmr):
    with pytest.raises(DomainError, match="The CAO fixes"):
        propose(process, director, number=1)
    with pytest.raises(DomainError, match="Choose who"):
        propose(process, director, "nobody")


def test_assign_actor_helper_records_proposal_and_agreement(process, director, pmr):
    assign_actor(step=step(process, 9), actor=director, agreed_actor="both")
    assert step(process, 9).agreed_actor == "both"
    agreement = process.decisions.get(action="processes.step.actor_agreed")
    assert agreement.actor == pmr
    with pytest.raises(DomainError, match="yourself"):
        assign_actor(step=step(process, 5), actor=director, agreed_actor="pmr", agreed_by=director)


# --- the step page -----------------------------------------------------------------------

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "steering",
    "board_admin",
    "other_director",
    "other_board_admin",
]


@pytest.fixture
def proposed(process, pmr2):
    """Step 5 with a proposal by a (second) PMR member, waiting for the director."""
    propose(process, pmr2, "steering")
    return process


@pytest.mark.parametrize(
    "name,data,expected",
    [
        # Only the director (the other side) may answer; the PMR side may not answer its own.
        ("step-agree-actor", {"agree-grounds": ""}, [302, 403, 302, 400, 403, 403, 404, 404]),
        ("step-reject-actor", {"reject-grounds": "No."}, [302, 403, 302, 400, 403, 403, 404, 404]),
    ],
)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_answer_permission_matrix(client, request, proposed, name, data, expected, index, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = Decision.objects.count()
    number = step(proposed, 5).proposal_number
    prefix = "agree" if "agree" in name else "reject"
    data = {**data, f"{prefix}-proposal": str(number)}
    response = client.post(reverse(f"processes:{name}", args=[proposed.pk, 5]), data)
    assert response.status_code == expected[index], role
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if response.status_code != 302 or role == "anonymous":
        assert Decision.objects.count() == before
        assert step(proposed, 5).proposed_side == "pmr"


def test_step_page_shows_the_waiting_proposal_and_the_answer_forms(client, proposed, director, pmr):
    client.force_login(director)
    page = client.get(reverse("processes:step-detail", args=[proposed.pk, 5])).content.decode()
    assert 'data-testid="actor-proposal"' in page
    assert "waiting for the director" in page
    assert 'data-testid="actor-agree-form"' in page and 'data-testid="actor-reject-form"' in page
    client.force_login(pmr)
    page = client.get(reverse("processes:step-detail", args=[proposed.pk, 5])).content.decode()
    assert "waiting for the director" in page
    assert 'data-testid="actor-agree-form"' not in page
    assert 'data-testid="actor-propose-form"' in page


def test_propose_then_agree_through_the_pages(client, process, director, pmr):
    client.force_login(director)
    response = client.post(
        reverse("processes:step-assign-actor", args=[process.pk, 5]), {"agreed_actor": "pmr"}
    )
    assert response.status_code == 302
    assert step(process, 5).agreed_actor == ""
    client.force_login(pmr)
    response = client.post(
        reverse("processes:step-agree-actor", args=[process.pk, 5]),
        {"agree-proposal": str(step(process, 5).proposal_number), "agree-grounds": ""},
    )
    assert response.status_code == 302
    assert step(process, 5).agreed_actor == "pmr"
    # A stale page answering the old proposal again is refused.
    response = client.post(
        reverse("processes:step-agree-actor", args=[process.pk, 5]),
        {"agree-proposal": "1", "agree-grounds": ""},
    )
    assert response.status_code == 400


def test_rejecting_without_reasons_is_refused_on_the_page(client, proposed, director):
    client.force_login(director)
    response = client.post(
        reverse("processes:step-reject-actor", args=[proposed.pk, 5]),
        {"reject-proposal": str(step(proposed, 5).proposal_number), "reject-grounds": ""},
    )
    assert response.status_code == 400
    assert step(proposed, 5).proposed_side == "pmr"


def test_a_waiting_proposal_is_a_to_do_of_the_other_side_only(process, director, pmr):
    from processes.todos import todos_for

    finish_steps_1_to_4(process, director, pmr)
    propose(process, director, "director")

    def texts(user):
        fresh = Process.objects.get(pk=process.pk)
        return [str(todo.text) for todo in todos_for(user, fresh)]

    assert any("Agree to or reject who carries out step 5" in t for t in texts(pmr))
    assert not any("Agree to or reject" in t for t in texts(director))
    services.step_agree_actor(step=step(process, 5), actor=pmr)
    assert not any("Agree to or reject" in t for t in texts(pmr))
