import re

import pytest

from processes.models import GmrMember
from tests.factories import UserFactory
from tests.fixtures.language import english  # noqa: F401 - autouse, every test here

LINK = re.compile(r"https?://\S+/invitation/([A-Za-z0-9_-]+)/")


def token_in(text: str) -> str:
    """The invitation token of the (last) acceptance link in ``text``."""
    found = LINK.findall(text)
    assert found, text
    return found[-1]


@pytest.fixture
def gmr(school):
    user = UserFactory()
    GmrMember.objects.create(user=user, board=school.board)
    return user
