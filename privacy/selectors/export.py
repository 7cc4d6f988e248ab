"""Everything the product holds about one staff member, for the director's export (AVG art. 15).

The rows are found through the processing register (``privacy.register``): for every personal
field, the rows of its model that point to the person. A row is shown with all its fields, except
codes, hashes and secrets (a code would let the reader act as the person): of those the export
says only that one was issued. Ballots and survey answers are unlinked from who gave them, so
they are never part of it; that someone voted or answered is.

Records made through the person's account (decisions, sign-offs, comments ...) are included when
the account belongs to this school alone; an account that also works elsewhere (another school's
staff list or a role) is exported by each school for its own staff record, and the account's
records are then left out, as they may be another school's.
"""

import datetime
import decimal
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from processes.models import BoardAdministrator, GmrMember, SchoolRole
from units.models import StaffMember

from ..register import FIELDS, SECRET_FIELDS

FORMAT = "werkdruk-personal-data/1"


@dataclass
class Section:
    model_label: str
    title: str
    fields: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)


def privacy_staff_list(*, school) -> QuerySet[StaffMember]:
    """Everyone on the school's staff list, the people who left first, for the privacy page."""
    return StaffMember.objects.filter(school=school).order_by("active", "pseudonymised_at", "name")


def account_is_only_here(member) -> bool:
    """True when the member's account (if any) has no other school's staff record and no role
    outside this school (its data may then be exported and removed with the member)."""
    user = member.user
    if user is None:
        return False
    other_staff = (
        StaffMember.objects.filter(user=user, pseudonymised_at__isnull=True)
        .exclude(school=member.school)
        .exists()
    )
    other_roles = SchoolRole.objects.filter(user=user).exclude(school=member.school).exists()
    board_roles = (
        BoardAdministrator.objects.filter(user=user).exists()
        or GmrMember.objects.filter(user=user).exists()
    )
    return not (other_staff or other_roles or board_roles)


def person_emails(member) -> set[str]:
    emails = {member.email.lower()} if member.email else set()
    if member.user is not None:
        emails.add(member.user.email.lower())
        EmailAddress = apps.get_model("account", "EmailAddress")
        emails.update(
            email.lower()
            for email in EmailAddress.objects.filter(user=member.user).values_list(
                "email", flat=True
            )
        )
    return emails


def user_sessions(user) -> list[Session]:
    """The unexpired sessions signed in as ``user`` or holding one of its addresses (a pending
    sign-in by code)."""
    if user is None:
        return []
    found = []
    needle = user.email.lower()
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk) or needle in str(data).lower():
            found.append(session)
    return found


def _person_filter(field_via: str, member, with_account: bool, emails: set[str]) -> Q | None:
    kind, _sep, lookup = field_via.partition(":")
    if kind == "staff":
        return Q(**{lookup: member.pk}) if lookup in ("pk", "id") else Q(**{lookup: member})
    if kind == "user":
        if not with_account:
            return None
        return Q(**{lookup: member.user_id})
    if kind == "email":
        query = Q(pk__in=[])
        for email in emails:
            query |= Q(**{f"{lookup}__iexact": email})
        return query
    return None


def _value(obj, model_field):
    if model_field.name in SECRET_FIELDS:
        value = model_field.value_from_object(obj)
        return _("a personal code or secret was issued (never shown)") if value else ""
    if isinstance(model_field, models.BinaryField):
        return None
    if model_field.is_relation:
        related = getattr(obj, model_field.name, None)
        return str(related) if related is not None else None
    value = model_field.value_from_object(obj)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _model_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]


def person_export(*, member) -> dict:
    """The export of ``member``: a dict ready for JSON, with one section per model."""
    member = StaffMember.objects.select_related("school", "user").get(pk=member.pk)
    with_account = account_is_only_here(member)
    emails = person_emails(member)
    by_model: dict[str, list] = {}
    for personal in FIELDS:
        by_model.setdefault(personal.model_label, []).append(personal)

    sections: list[Section] = []
    for model_label, personal_fields in by_model.items():
        model = apps.get_model(model_label)
        columns = _model_fields(model)
        section = Section(
            model_label=model_label,
            title=str(model._meta.verbose_name_plural),
            fields=[f.name for f in columns],
            labels={f.name: str(f.verbose_name) for f in columns},
        )
        if personal_fields[0].via == "session":
            sessions = user_sessions(member.user) if with_account else []
            section.fields = ["expire_date"]
            section.labels = {
                "expire_date": str(Session._meta.get_field("expire_date").verbose_name)
            }
            section.rows = [{"expire_date": s.expire_date.isoformat()} for s in sessions]
            sections.append(section)
            continue
        query = None
        for personal in personal_fields:
            condition = _person_filter(personal.via, member, with_account, emails)
            if condition is not None:
                query = condition if query is None else query | condition
        if query is not None:
            for obj in model._default_manager.filter(query).distinct().order_by("pk"):
                section.rows.append({f.name: _value(obj, f) for f in columns})
        sections.append(section)

    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "school": member.school.name,
        "person": {"name": member.name, "email": member.email},
        "account_included": with_account,
        "records": {
            section.model_label: {
                "title": section.title,
                "fields": section.fields,
                "labels": section.labels,
                "rows": section.rows,
            }
            for section in sections
        },
    }
