"""Removal of a person who left (AVG art. 17): pseudonymised in one transaction.

What the procedure must keep (decisions, counted votes, plans, sign-offs, participation counts)
stays and points to the same staff record and account, now carrying a stable placeholder
("Former staff member 7K2F", stable for that row). Everything that names the person is
replaced:

- the staff record and its history rows: name -> placeholder, e-mail -> a unique
  ``...@verwijderd.invalid`` address, function and department cleared, inactive, the removal
  time in ``pseudonymised_at``;
- the account, when it belongs to this school alone (``account_is_only_here``): e-mail and name
  replaced, password unusable, inactive, its sessions (and a pending sign-in code, which lives
  in the session), verified addresses, second factors and lockout records deleted, so it loses
  access at once. An account that also works elsewhere keeps its identity and is only unlinked
  from this staff record;
- copied names and addresses anywhere else (``Decision.actor_name``, comments' author names,
  decision summaries and contents, ...): every text and JSON field of every model is searched
  for the person's names and addresses and rewritten with ``QuerySet.update`` (a decision
  refuses ``save`` on purpose).
- the board's annual report files (stored files, not rows): deleted through the storage, as
  they were written from the records above; the jobs stay listed without a file.

Removal is refused while the person is on the staff list (the staff import marks a leaver
inactive), holds a role at the school (the director ends it first), or is on the roll of an
open vote or survey round (they may still take part).
"""

import base64
import json
import re

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Decision, SchoolRole
from processes.services import in_school_language, require_perm
from reporting.services import report_files_delete
from schoolplans.services.concerns import concern_reporter_forget
from surveys.models import Invitee, SurveyRound
from units.models import EmailUnusable, StaffMember
from voting.models import Vote, Voter
from werkdruk.exceptions import DomainError

from ..selectors.export import account_is_only_here, person_emails, user_sessions

PERM = "privacy.remove_staff_data"
PLACEHOLDER_DOMAIN = "verwijderd.invalid"
# Names shorter than this are not searched for in free text (they would match inside words);
# the fields that hold the name itself are replaced whatever its length.
MIN_NAME_LENGTH = 4
# Tables handled on their own (deleted, or rewritten by the person's own key), never by the
# text search: a namesake's staff record, account or invitation must keep its name.
SKIPPED_MODELS = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "units.staffmember",
    "units.historicalstaffmember",
    "accounts.user",
    "account.emailaddress",
    "organisation.invitation",
}
# Names copied next to the account that acted: replaced through that key, so a namesake's
# records keep their name (model label, key to the account, copied name).
COPIED_NAMES = [
    ("processes.Decision", "actor", "actor_name"),
    ("plans.MeasureComment", "author", "author_name"),
    ("schoolplans.PublicationComment", "author", "author_name"),
    ("schoolplans.Concern", "reporter", "reporter_name"),
    ("schoolplans.Concern", "answered_by", "answered_by_name"),
    ("plans.UnitAnnouncement", "announced_by", "announced_by_name"),
    ("plans.WarningAcknowledgement", "acknowledged_by", "acknowledged_by_name"),
    ("plans.HistoricalWarningAcknowledgement", "acknowledged_by", "acknowledged_by_name"),
]


def placeholder_code(member) -> str:
    """Four letters and digits, stable for this staff record (a keyed hash of its id)."""
    digest = salted_hmac("privacy.placeholder", str(member.pk)).digest()
    return base64.b32encode(digest).decode()[:4]


def placeholder_name(member) -> str:
    return in_school_language(
        gettext_noop("Former staff member %(code)s"), {"code": placeholder_code(member)}
    )


def placeholder_email(member) -> str:
    return f"oud-medewerker-{placeholder_code(member).lower()}-{member.pk}@{PLACEHOLDER_DOMAIN}"


def removal_refusals(member) -> list[str]:
    """Why ``member`` cannot be removed now (empty: it can)."""
    reasons = []
    if member.pseudonymised_at is not None:
        reasons.append(_("This person's data have already been removed."))
        return reasons
    if member.active:
        reasons.append(
            _(
                "This person is still on the staff list. Import a staff list without them "
                "first (they are then marked as no longer employed)."
            )
        )
    if member.user_id and SchoolRole.objects.filter(user_id=member.user_id, school=member.school):
        reasons.append(
            _("This person still holds a role at the school (director, PMR or steering group).")
        )
    if Voter.objects.filter(staff_member=member, vote__state=Vote.State.OPEN).exists():
        reasons.append(_("This person is on the roll of a vote that is still open."))
    if Invitee.objects.filter(staff_member=member, round__state=SurveyRound.State.OPEN).exists():
        reasons.append(_("This person is invited to a survey round that is still open."))
    return reasons


@transaction.atomic
def staff_member_remove(*, member, actor, reason) -> StaffMember:
    """The director removes the personal data of ``member``, who left. Records a decision
    that names the placeholder, not the person."""
    require_perm(actor, PERM, member.school)
    member = StaffMember.objects.select_for_update().select_related("school").get(pk=member.pk)
    refusals = removal_refusals(member)
    if refusals:
        raise DomainError(_("This person's data cannot be removed now."), details=refusals)
    if not reason.strip():
        raise DomainError(_("Give the reason for the removal."))
    needles = _needles(member)
    pseudonymise(member)
    removal_decision_record(member=member, actor=actor, grounds=_scrub_text(reason, needles))
    return member


def removal_decision_record(*, member, actor, grounds) -> Decision:
    """The decision that ``member`` (already the placeholder) was removed: a decision of the
    school, of no process, naming the placeholder only."""
    if actor is None:
        actor_name = in_school_language(gettext_noop("the system"))
        actor_role = ""
    else:
        actor_name = str(actor)
        actor_role = ", ".join(
            str(role.get_role_display())
            for role in SchoolRole.objects.filter(user=actor, school=member.school)
        )
    return Decision.objects.create(
        board_id=member.school.board_id,
        school=member.school,
        action="privacy.staff_removed",
        summary=in_school_language(
            gettext_noop("The personal data of %(placeholder)s were removed."),
            {"placeholder": member.name},
        ),
        content={"staff_member": member.pk, "placeholder": member.name},
        grounds=grounds,
        actor=actor,
        actor_name=actor_name,
        actor_role=actor_role,
    )


def pseudonymise(member) -> StaffMember:
    """Replace the personal data of ``member`` (locked by the caller, refusals checked) by its
    placeholder. Used by the director's removal and by the retention task."""
    needles = _needles(member)
    name, email = placeholder_name(member), placeholder_email(member)
    user = member.user
    with_account = account_is_only_here(member)
    emails = needles["emails"]
    now = timezone.now()

    member.name, member.email = name, email
    member.function = member.department = ""
    member.active = False
    member.pseudonymised_at = now
    if not with_account:
        member.user = None
    member.save()
    # After save: a changed address clears the "unusable" mark, and the placeholder is one.
    StaffMember.objects.filter(pk=member.pk).update(
        email_unusable_since=now, email_unusable_reason=EmailUnusable.NO_ADDRESS
    )
    member.history.all().update(name=name, email=email, function="", department="")

    if user is not None and with_account:
        _account_close(user, name, emails)
        for label, key, copied in COPIED_NAMES:
            apps.get_model(label)._default_manager.filter(**{key: user}).update(**{copied: name})
    if user is not None:
        # Their anonymous reports to the meldpunt at this school become nobody's.
        concern_reporter_forget(user=user, school=member.school)
    Invitation = apps.get_model("organisation", "Invitation")
    invitations = Q(pk__in=[])
    for address in emails:
        invitations |= Q(email__iexact=address)
    Invitation.objects.filter(invitations).filter(accepted_at__isnull=True).filter(
        withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    Invitation.objects.filter(invitations).update(name=name, email=email)
    # E-mails to the person not yet delivered are not sent any more (their text can hold a
    # personal link); the sent ones keep their row (body already empty) and are scrubbed below.
    outbox_rows = Q(pk__in=[])
    for address in emails:
        outbox_rows |= Q(to__iexact=address)
    apps.get_model("werkdruk", "OutboxMessage").objects.filter(outbox_rows).exclude(
        state="sent"
    ).delete()
    replacements = [(needle, email) for needle in needles["emails"]] + [
        (needle, name) for needle in needles["names"]
    ]
    _scrub_everywhere(replacements)
    # The board's report files were written from the records just scrubbed and may name the
    # person: they are deleted from the storage (the board writes the report again).
    report_files_delete(board_ids=[member.school.board_id])
    return member


def _needles(member) -> dict[str, set[str]]:
    """The person's names and addresses as they may have been copied into other records.

    When the account stays (the person works elsewhere too), its own name and addresses are
    the person's identity there and are not searched for."""
    names = {member.name}
    names.update(member.history.values_list("name", flat=True))
    emails = {e.lower() for e in member.history.values_list("email", flat=True) if e}
    emails.add(member.email.lower())
    if member.user is not None:
        account_emails = person_emails(member) - {member.email.lower()}
        if account_is_only_here(member):
            names.add(member.user.name)
            emails |= account_emails
        else:
            kept = account_emails | {member.user.email.lower()}
            names -= {member.user.name}
            emails -= kept
    names = {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH}
    # A placeholder is never a needle (removal twice, or a name already replaced).
    names = {n for n in names if not n.startswith(placeholder_name(member))}
    emails = {e for e in emails if e and not e.endswith("@" + PLACEHOLDER_DOMAIN)}
    return {"names": names, "emails": emails}


def _account_close(user, name, emails):
    EmailAddress = apps.get_model("account", "EmailAddress")
    Authenticator = apps.get_model("mfa", "Authenticator")
    SocialAccount = apps.get_model("socialaccount", "SocialAccount")
    for session in user_sessions(user):
        session.delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    _axes_delete(emails)
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"account-{user.pk}@{PLACEHOLDER_DOMAIN}"
    user.name = name
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()


def _axes_delete(emails):
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(username__iexact=email)
    for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        apps.get_model(label).objects.filter(query).delete()


def _scrub_text(text: str, needles: dict[str, set[str]]) -> str:
    for needle in sorted(needles["emails"] | needles["names"], key=len, reverse=True):
        text = re.sub(re.escape(needle), "…", text, flags=re.IGNORECASE)
    return text


def _text_fields(model) -> list:
    copied = {name for label, _key, name in COPIED_NAMES if model._meta.label == label}
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.choices
        and f.name not in copied
    ]


def _replace(value, replacements):
    if isinstance(value, str):
        for needle, placeholder in replacements:
            value = re.sub(re.escape(needle), placeholder, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [_replace(item, replacements) for item in value]
    if isinstance(value, dict):
        return {
            _replace(key, replacements): _replace(item, replacements) for key, item in value.items()
        }
    return value


def _scrub_everywhere(replacements):
    """Search every text and JSON field of every model for the needles; rewrite each hit."""
    if not replacements:
        return
    variants = set()
    for needle, _placeholder in replacements:
        variants.add(needle)
        variants.add(json.dumps(needle)[1:-1])  # as a JSON text stores it (\u00eb)
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_MODELS or not model._meta.managed:
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        queryset = model._default_manager.all()
        condition = Q(pk__in=[])
        for f in fields:
            column = f.name
            if isinstance(f, models.JSONField):
                column = f"_privacy_{f.name}"
                queryset = queryset.annotate(**{column: Cast(f.name, models.TextField())})
            for variant in variants:
                condition |= Q(**{f"{column}__icontains": variant})
        for row in queryset.filter(condition).values("pk", *(f.name for f in fields)):
            changes = {}
            for f in fields:
                new = _replace(row[f.name], replacements)
                if new != row[f.name]:
                    changes[f.name] = new
            if changes:
                model._default_manager.filter(pk=row["pk"]).update(**changes)
