"""Staff e-mail addresses that do not work, and telling a person a code sheet was printed.

The "address unusable" mark (``StaffMember.email_unusable_since`` and reason) puts a person
first on the pages that print personal code sheets. It is set when the mail server refused a
message to the address (``staff_email_refused``, no actor: the sending task), or by the director
or PMR (``staff_email_unusable_mark``), and cleared by them (``staff_email_unusable_clear``) or
by a new address. A member without an address has it always (``StaffMember.save``).

Whoever prints a person's code sheet holds a working code for them. So the person is told by
e-mail that a sheet was printed, when and by whom (``sheet_printed_notify``), whatever the mark
says: a mark set by the one who prints must not silence the notice. The e-mail carries no code
and no link.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from processes.mail import board_message
from processes.services import require_perm
from werkdruk import outbox
from werkdruk.exceptions import DomainError

from ..models import EmailUnusable, StaffMember

logger = logging.getLogger(__name__)

MARK = "units.mark_email_unusable"


@transaction.atomic
def staff_email_unusable_mark(*, members, actor, reason=EmailUnusable.MARKED) -> int:
    """Record that e-mail to ``members`` does not arrive; returns how many got the mark
    (members marked before keep their date and reason)."""
    members = list(members)
    for member in members:
        require_perm(actor, MARK, member)
    now = timezone.now()
    marked = StaffMember.objects.select_for_update().filter(
        pk__in=[member.pk for member in members], email_unusable_since__isnull=True
    )
    count = 0
    for member in marked:
        member.email_unusable_since = now
        member.email_unusable_reason = reason
        member.save(update_fields=["email_unusable_since", "email_unusable_reason"])
        count += 1
    return count


@transaction.atomic
def staff_email_unusable_clear(*, member, actor) -> StaffMember:
    """The address works again (the person said so, or it was corrected by hand)."""
    require_perm(actor, MARK, member)
    member = StaffMember.objects.select_for_update().get(pk=member.pk)
    if not member.email:
        raise DomainError(_("This person has no e-mail address: it cannot work."))
    member.email_unusable_since = None
    member.email_unusable_reason = ""
    member.save(update_fields=["email_unusable_since", "email_unusable_reason"])
    return member


@transaction.atomic
def staff_email_refused(*, member_ids) -> None:
    """The mail server refused a message to these staff members' addresses."""
    members = StaffMember.objects.select_for_update().filter(
        pk__in=member_ids, email_unusable_since__isnull=True
    )
    for member in members:
        member.email_unusable_since = timezone.now()
        member.email_unusable_reason = EmailUnusable.REFUSED
        member.save(update_fields=["email_unusable_since", "email_unusable_reason"])


def sheet_printed_notify(*, what, printer, printed_at, members, cause, cause_id) -> int:
    """E-mail each of ``members`` (staff members) with an address that ``printer`` printed a
    sheet with a personal code for them for ``what`` (a phrase in the school's language) at
    ``printed_at``; returns how many e-mails were queued. Call it in the printing's transaction:
    the e-mails go into the outbox (``cause``/``cause_id``: the page that shows failures). An
    address the mail server refuses gets the mark (``outbox_refused_mark``).
    """
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "what": what,
            "printer": str(printer),
            "date": formats.date_format(timezone.localtime(printed_at), "DATETIME_FORMAT"),
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(
            "A personal code on paper was printed for you"
        )
        messages = [
            board_message(
                member.school.board,
                subject,
                render_to_string("units/email/sheet_printed.txt", {**context, "name": member.name}),
                member.email,
                cause=cause,
                cause_id=cause_id,
            )
            for member in members
            if member.email
        ]
    return len(outbox.enqueue_many(messages))


def outbox_refused_mark(sender, message, **kwargs) -> None:
    """The mail server refused an outbox message for good: staff members with that address
    (who have no mark yet) get the "address unusable" mark (connected in UnitsConfig.ready)."""
    ids = list(
        StaffMember.objects.filter(
            email__iexact=message.to, email_unusable_since__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids:
        logger.info("Outbox message %s refused: %s staff member(s) marked", message.pk, len(ids))
        staff_email_refused(member_ids=ids)
