"""Every URL of the procedure x every role, including users of another school or board."""

import pytest
from django.urls import reverse

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

# Expected status per role, in the order of ROLES.
GET_MATRIX = {
    "dashboard": [302, 200, 200, 200, 200, 200, 200, 200],
    "board-detail": [302, 404, 404, 404, 404, 200, 404, 404],
    "process-create": [302, 403, 200, 200, 403, 403, 404, 404],
    "process-detail": [302, 200, 200, 200, 200, 200, 404, 404],
    "decision-list": [302, 200, 200, 200, 200, 200, 404, 404],
    "step-detail": [302, 200, 200, 200, 200, 200, 404, 404],
    "agreement": [302, 200, 200, 200, 200, 200, 404, 404],
}

# POSTs; 302 = the action succeeded, 400 = allowed to act but the step refuses.
POST_MATRIX = {
    "step-sign-off": (1, {"side": "{side}"}, [302, 403, 302, 302, 403, 403, 404, 404]),
    "step-plan": (1, {"planned_date": "2027-01-15"}, [302, 403, 302, 302, 403, 403, 404, 404]),
    "step-reopen": (1, {"reopen-grounds": "x"}, [302, 403, 400, 400, 403, 403, 404, 404]),
    "step-assign-actor": (5, {"agreed_actor": "pmr"}, [302, 403, 302, 302, 403, 403, 404, 404]),
    "step-complete": (5, {"note": ""}, [302, 403, 400, 400, 400, 403, 404, 404]),
    "step-skip": (5, {"skip-grounds": "x"}, [302, 403, 400, 400, 403, 403, 404, 404]),
}


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _url(name, process, school):
    if name == "dashboard":
        return reverse("processes:dashboard")
    if name == "board-detail":
        return reverse("processes:board-detail", args=[school.board_id])
    if name == "process-create":
        return reverse("processes:process-create", args=[school.pk])
    if name == "step-detail":
        return reverse("processes:step-detail", args=[process.pk, 1])
    return reverse(f"processes:{name}", args=[process.pk])


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_agreement_freeze_permission_matrix(client, request, process, index, role):
    user = _login(client, request, role)
    response = client.post(reverse("processes:agreement-freeze", args=[process.pk]))
    # Director and PMR may try (steps 1-3 are not done, so nothing is frozen); others may not.
    assert response.status_code == [302, 403, 302, 302, 403, 403, 404, 404][index], role
    assert not process.agreements.exists()
    if user is None:
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", GET_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_get_permission_matrix(client, request, process, school, name, index, role):
    _login(client, request, role)
    response = client.get(_url(name, process, school))
    assert response.status_code == GET_MATRIX[name][index], (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", POST_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_post_permission_matrix(client, request, process, school, name, index, role):
    user = _login(client, request, role)
    number, data, expected = POST_MATRIX[name]
    side = "pmr" if role == "pmr" else "director"
    data = {k: v.format(side=side) for k, v in data.items()}
    url = reverse(f"processes:{name}", args=[process.pk, number])
    response = client.post(url, data)
    assert response.status_code == expected[index], (name, role)
    if expected[index] in (403, 404) and user is not None:
        # Nothing changed: no decision beyond the process's creation.
        assert process.decisions.count() == 1


def test_get_on_post_only_endpoint_is_refused(client, director, process):
    client.force_login(director)
    response = client.get(reverse("processes:step-sign-off", args=[process.pk, 1]))
    assert response.status_code == 405
