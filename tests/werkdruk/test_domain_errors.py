import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from werkdruk.domain_errors import error_lines, shows_domain_error
from werkdruk.exceptions import DomainError


class _Form(forms.Form):
    name = forms.CharField(required=False)


def _refuse():
    raise DomainError("Not now.", details=["First reason.", "Second reason."])


def test_a_refusal_becomes_the_forms_errors():
    form = _Form(data={})
    assert form.is_valid()
    with shows_domain_error(form=form) as attempt:
        _refuse()
    assert attempt.failed and not attempt.succeeded
    assert form.non_field_errors() == ["Not now.", "First reason.", "Second reason."]


def test_a_refusal_becomes_a_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with shows_domain_error(request=request) as attempt:
        _refuse()
    assert attempt.failed
    assert [str(m) for m in get_messages(request)] == ["Not now. First reason. Second reason."]


def test_without_a_target_the_lines_are_kept():
    with shows_domain_error() as attempt:
        _refuse()
    assert attempt.lines == ["Not now.", "First reason.", "Second reason."]
    assert error_lines(attempt.error) == attempt.lines


def test_success_leaves_the_form_alone():
    form = _Form(data={})
    form.is_valid()
    with shows_domain_error(form=form) as attempt:
        pass
    assert attempt.succeeded and attempt.lines == []
    assert form.errors == {}


def test_other_exceptions_pass_through():
    with pytest.raises(ValueError), shows_domain_error() as attempt:
        raise ValueError("a bug, not a refusal")
    assert attempt.succeeded
