"""Calendar files (iCalendar, RFC 5545) for the kick-off sessions of step 5.

One event per session, with its wall-clock times in Europe/Amsterdam (TZID and a VTIMEZONE),
a UID that stays the same for the session's whole life and a SEQUENCE that goes up with every
change, so a calendar replaces the earlier version instead of adding a second event.
"""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from icalendar import Calendar, Event

from werkdruk.files import download_name
from werkdruk.numbers import format_number

SCHOOL_TZ = ZoneInfo("Europe/Amsterdam")
CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def session_uid(session) -> str:
    """Stable per session: the same in the download and in every invitation."""
    host = urlsplit(settings.SITE_URL).hostname or "werkdruk"
    return f"kickoff-session-{session.pk}@{host}"


def session_start(session) -> datetime.datetime:
    return datetime.datetime.combine(session.date, session.starts_at, tzinfo=SCHOOL_TZ)


def session_end(session) -> datetime.datetime:
    return datetime.datetime.combine(session.date, session.ends_at, tzinfo=SCHOOL_TZ)


def _description(session) -> str:
    lines = []
    if session.agenda:
        lines += [_("Agenda:"), session.agenda.strip(), ""]
    lines.append(_("Format: %(format)s") % {"format": session.get_format_display()})
    lines.append(_("In working time") if session.in_working_time else _("Outside working time"))
    if session.meal_offered:
        lines.append(_("A meal is offered."))
    if session.hours_credited:
        lines.append(
            _("Hours credited: %(hours)s") % {"hours": format_number(session.hours_credited)}
        )
    lines += [
        "",
        settings.SITE_URL.rstrip("/") + reverse("units:kickoff", args=[session.process_id]),
    ]
    return "\n".join(lines)


def session_summary(session) -> str:
    summary = _("Kick-off workload funds – %(school)s") % {"school": session.process.school.name}
    if session.title:
        summary += f": {session.title}"
    return summary


def session_calendar(session, *, now=None, cancelled=False) -> bytes:
    """The session as an .ics file, in the school's language.

    ``cancelled`` makes the cancellation (METHOD:CANCEL, STATUS:CANCELLED, the same UID and
    the next SEQUENCE), with which calendars remove the event they were sent before.
    """
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Werkdruk//kick-off//NL")
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
        event = Event()
        event.add("uid", session_uid(session))
        event.add("sequence", session.sequence + 1 if cancelled else session.sequence)
        if cancelled:
            event.add("status", "CANCELLED")
        event.add("dtstamp", now or timezone.now())
        event.add("dtstart", session_start(session))
        event.add("dtend", session_end(session))
        event.add("summary", session_summary(session))
        event.add("location", session.place)
        event.add("description", _description(session))
        calendar.add_component(event)
        # A VTIMEZONE covering the year around the session keeps the file small.
        calendar.add_missing_timezones(
            first_date=session.date - datetime.timedelta(days=366),
            last_date=session.date + datetime.timedelta(days=366),
        )
    return calendar.to_ical()


def session_filename(session) -> str:
    label = pgettext_lazy("file name", "kick-off")
    return download_name(label, session.date.isoformat(), session.pk, ext="ics")
