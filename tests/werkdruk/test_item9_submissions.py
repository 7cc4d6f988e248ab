"""Issue 14, item 9: the one-time submission token of creating forms (werkdruk.submissions),
on a stand-in view. The paper-ballot and other forms' tests show it on the real pages."""

import datetime

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import UserFactory
from tests.fixtures.language import english  # noqa: F401 - autouse: messages in English
from werkdruk.models import FormSubmission
from werkdruk.submissions import TOKEN_FIELD, idempotent_post

pytestmark = pytest.mark.django_db

TOKEN = "t" * 32


class Spy:
    """A creating view that counts its runs and answers as told."""

    def __init__(self, answer=None):
        self.runs = 0
        self.answer = answer or (lambda request: redirect(f"/made/{self.runs}/"))
        self.view = idempotent_post(self)

    def __call__(self, request):
        self.runs += 1
        return self.answer(request)


def post(user, data=None, files=None, path="/make/"):
    request = RequestFactory().post(path, {**(data or {}), **(files or {})})
    request.user = user
    request._messages = CookieStorage(request)
    return request


def shown(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


@pytest.fixture
def user():
    return UserFactory()


def test_item9_the_tag_renders_a_fresh_token_per_form():
    html = Template("{% load werkdruk %}{% submission_token %}{% submission_token %}").render(
        Context()
    )
    values = [part.split('"')[0] for part in html.split('value="')[1:]]
    assert html.count(f'name="{TOKEN_FIELD}"') == 2
    assert len(set(values)) == 2 and all(len(value) >= 32 for value in values)


def test_item9_a_repeat_does_not_run_the_view_and_goes_where_the_first_went(user):
    spy = Spy()
    first = spy.view(post(user, {TOKEN_FIELD: TOKEN, "name": "x"}))
    repeat = post(user, {TOKEN_FIELD: TOKEN, "name": "x"})
    second = spy.view(repeat)
    assert spy.runs == 1
    assert first.url == second.url == "/made/1/"
    assert shown(repeat) == ["This was already saved."]
    assert FormSubmission.objects.get().response_url == "/made/1/"


def _refused_with_a_message(request):
    messages.error(request, "refused")
    return redirect("/back/")


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: HttpResponse("form errors", status=400),
        lambda request: HttpResponse("a PDF", status=200),  # nothing to send a repeat to
        _refused_with_a_message,
        lambda request: redirect("/" + "x" * 2000),  # longer than the row keeps
    ],
    ids=["400", "200", "error message", "long URL"],
)
def test_item9_a_view_that_does_not_succeed_releases_the_token(user, answer):
    spy = Spy(answer)
    for _ in range(2):
        spy.view(post(user, {TOKEN_FIELD: TOKEN}))
    assert spy.runs == 2
    assert not FormSubmission.objects.exists()


def test_item9_a_view_that_fails_keeps_nothing(user):
    def fail(request):
        FormSubmission.objects.create(user=user, token="x" * 32, fingerprint="")
        raise RuntimeError("boom")

    spy = Spy(fail)
    with pytest.raises(RuntimeError):
        spy.view(post(user, {TOKEN_FIELD: TOKEN}))
    assert not FormSubmission.objects.exists()  # the view's own writes are undone with it


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "a b" * 10, "<script>" * 4])
def test_item9_without_a_well_formed_token_every_post_runs(user, token):
    spy = Spy()
    for _ in range(2):
        spy.view(post(user, {TOKEN_FIELD: token} if token else {}))
    assert spy.runs == 2
    assert not FormSubmission.objects.exists()


def test_item9_anonymous_posts_are_not_guarded():
    spy = Spy()
    for _ in range(2):
        spy.view(post(AnonymousUser(), {TOKEN_FIELD: TOKEN}))
    assert spy.runs == 2


def test_item9_the_token_is_per_user(user):
    spy = Spy()
    spy.view(post(user, {TOKEN_FIELD: TOKEN}))
    spy.view(post(UserFactory(), {TOKEN_FIELD: TOKEN}))
    assert spy.runs == 2


@pytest.mark.parametrize(
    "other",
    [{"data": {"name": "y"}}, {"path": "/elsewhere/"}],
    ids=["other input", "other page"],
)
def test_item9_a_used_token_with_other_input_runs_the_view(user, other):
    spy = Spy()
    spy.view(post(user, {TOKEN_FIELD: TOKEN, "name": "x"}))
    again = post(
        user,
        {TOKEN_FIELD: TOKEN, **other.get("data", {"name": "x"})},
        path=other.get("path", "/make/"),
    )
    spy.view(again)
    assert spy.runs == 2
    assert shown(again) == []


def test_item9_an_upload_counts_by_its_content_and_is_read_from_the_start(user):
    read = []

    def keep(request):
        read.append(request.FILES["file"].read())
        return redirect("/imported/")

    spy = Spy(keep)
    for content in (b"one;two", b"one;two", b"one;three"):
        upload = SimpleUploadedFile("staff.csv", content)
        spy.view(post(user, {TOKEN_FIELD: TOKEN}, files={"file": upload}))
    assert read == [b"one;two", b"one;three"]  # the repeat did not run; other content did


def test_item9_rows_older_than_a_day_are_removed_on_the_users_next_form(user):
    other = UserFactory()
    old = timezone.now() - datetime.timedelta(days=1, minutes=1)
    for owner, token in ((user, "o" * 32), (user, "r" * 32), (other, "o" * 32)):
        FormSubmission.objects.create(user=owner, token=token, fingerprint="", response_url="/")
    FormSubmission.objects.filter(token="o" * 32).update(created_at=old)

    Spy().view(post(user, {TOKEN_FIELD: TOKEN}))

    assert sorted(FormSubmission.objects.values_list("user", "token")) == sorted(
        [(user.pk, "r" * 32), (user.pk, TOKEN), (other.pk, "o" * 32)]
    )
