"""Issue 14, item 9: a survey round sent twice (a double click) is sent once; the second goes
to the same page with "This was already saved." (tests/submissions.py)."""

from django.core import mail
from django.urls import reverse

from surveys.models import SurveyRound
from tests.submissions import send_twice


def test_item9_a_round_sent_twice_is_sent_once(
    client, process, pmr, staff, django_capture_on_commit_callbacks
):
    client.force_login(pmr)
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(
            client,
            page=reverse("surveys:survey-manage", args=[process.pk]),
            action=reverse("surveys:round-send", args=[process.pk]),
            data={"kind": "baseline"},
        )
    assert SurveyRound.objects.count() == 1
    assert len(mail.outbox) == len(staff)
