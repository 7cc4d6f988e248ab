"""Issue 15, item 5: dates and times as a Dutch reader expects, whatever the browser's language.

A browser's own date input shows "02/07/2027" for 7 February in an English browser, and its
time input "02:30 PM". Every date and time field is now a text field read day first on the
24-hour clock (``werkdruk.forms.DutchDateField`` and friends), with the form as a hint.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from werkdruk.forms import DutchDateField, DutchDateTimeField, DutchTimeField

ROOT = Path(__file__).resolve().parents[2]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "typed",
    [
        "31-01-2027",
        "31-1-2027",
        "31/01/2027",
        "31.01.2027",
        "31-01-27",
        " 31 januari 2027 ",
        "31 jan. 2027",
        "31 January 2027",
        "2027-01-31",  # ISO, as links and older pages send it
    ],
)
def test_item5_a_date_is_read_day_first_in_every_language(typed):
    for language in ("nl", "en"):
        with translation.override(language):
            assert DutchDateField().clean(typed) == datetime.date(2027, 1, 31)


def test_item5_an_english_browser_date_is_not_read_month_first():
    with translation.override("en"):
        assert DutchDateField().clean("02/07/2027") == datetime.date(2027, 7, 2)


@pytest.mark.parametrize("typed", ["31-13-2027", "2027/31/01", "morgen", "31 brumaire 2027"])
def test_item5_a_date_in_another_form_is_refused_with_the_form_to_use(typed):
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        DutchDateField().clean(typed)
    assert error.value.messages == ["Typ de datum als dd-mm-jjjj, bijvoorbeeld 31-01-2027."]


def test_item5_a_date_field_is_a_text_input_showing_the_dutch_form_and_hint():
    class Form(forms.Form):
        day = DutchDateField(label="Dag", help_text="Uiterlijk in juni.")

    with translation.override("en"):
        html = str(Form(initial={"day": datetime.date(2027, 2, 7)})["day"])
        field = Form().fields["day"]
        assert str(field.help_text) == "dd-mm-yyyy. Uiterlijk in juni."
    assert 'type="text"' in html
    assert 'value="07-02-2027"' in html
    assert 'placeholder="dd-mm-yyyy"' in html
    assert 'aria-describedby="id_day_helptext"' in html
    with translation.override("nl"):
        assert str(Form().fields["day"].widget.attrs["placeholder"]) == "dd-mm-jjjj"


@pytest.mark.parametrize("typed", ["14:30", "14.30", "14:30:00"])
def test_item5_a_time_is_read_on_the_24_hour_clock(typed):
    assert DutchTimeField().clean(typed) == datetime.time(14, 30)


def test_item5_a_twelve_hour_time_is_refused_and_times_show_24_hours():
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        DutchTimeField().clean("02:30 PM")
    assert error.value.messages == ["Typ de tijd als uu:mm, bijvoorbeeld 14:30."]

    class Form(forms.Form):
        at = DutchTimeField()

    assert 'value="14:30"' in str(Form(initial={"at": datetime.time(14, 30)})["at"])


@pytest.mark.parametrize(
    "typed", ["31-01-2027 14:30", "31/1/2027 14.30", "31 januari 2027 14:30", "2027-01-31T14:30"]
)
def test_item5_a_moment_is_read_day_first_in_the_schools_time_zone(typed):
    moment = DutchDateTimeField().clean(typed)
    assert moment == datetime.datetime(2027, 1, 31, 14, 30, tzinfo=AMSTERDAM)


def test_item5_a_moment_is_shown_day_first_and_refused_in_another_form():
    class Form(forms.Form):
        at = DutchDateTimeField()

    moment = datetime.datetime(2027, 2, 7, 13, 30, tzinfo=datetime.UTC)
    assert 'value="07-02-2027 14:30"' in str(Form(initial={"at": moment})["at"])
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        DutchDateTimeField().clean("02/07/2027 2:30 PM")
    assert error.value.messages == [
        "Typ de datum en tijd als dd-mm-jjjj uu:mm, bijvoorbeeld 31-01-2027 14:30."
    ]


def test_item5_no_page_uses_the_browsers_own_date_or_time_input():
    """They follow the browser's language; every date and time field is a Dutch field."""
    browser_inputs = re.compile(
        r"""type["']?\s*[:=]\s*["'](date|time|datetime-local|month|week)["']"""
    )
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("templates", "accounts", "processes", "units", "voting", "plans")
        + ("schoolplans", "spending", "surveys", "reporting", "werkdruk")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".html", ".py") and "migrations" not in path.parts
        for match in browser_inputs.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
