"""Printed code sheets: a personal code on paper for staff without a usable e-mail address.

A sheet replaces the person's earlier sheet (a lost sheet stops working); the link in their
e-mail keeps working, as with the vote's sheets, so a sheet printed for someone never cuts them
off. The codes go only onto the printed page; what is kept is that a sheet was printed (the
token row's channel, and a decision with the count, the people only as staff member ids in its
content, as the board reads the summaries), never the code.

The choice of people is the whole roll, answered or not: listing only those who have not
answered would show the director and PMR who did. Whoever prints a sheet holds a code, as with
the vote's sheets; the decision puts every printing on record, and the person is told by
e-mail (when they have an address) that a sheet was printed for them and by whom.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record, process_lock, require_perm
from units.services.addresses import sheet_printed_notify, staff_email_unusable_mark
from werkdruk.exceptions import DomainError

from ..models import SurveyRound, SurveyToken
from .rounds import MANAGE, kind_label, token_issue


@transaction.atomic
def invitee_sheets_issue(*, survey_round, actor, invitees, mark_unusable=False) -> list[str]:
    """New personal codes to print for ``invitees`` (one sheet each), in their order.

    Every sheet or none. Recorded as a decision (never a code; the people by staff member id
    in its content only, as the board reads the summaries), so every printing is on record,
    and after the commit each of them with an e-mail address is told that a sheet was printed
    for them, when and by whom. ``mark_unusable`` also records that their e-mail address does
    not work.
    """
    require_perm(actor, MANAGE, survey_round)
    process = process_lock(survey_round.questionnaire.process_id)
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.state == SurveyRound.State.CLOSED:
        raise DomainError(_("This survey is closed: no more sheets can be printed."))
    invitees = list(invitees)
    if not invitees:
        raise DomainError(_("Choose the people who need a sheet."))
    if any(invitee.round_id != survey_round.pk for invitee in invitees):
        raise DomainError(_("Only people on the roll of this round can get a sheet."))
    codes = [token_issue(invitee, SurveyToken.Channel.SHEET) for invitee in invitees]
    members = [invitee.staff_member for invitee in invitees]
    if mark_unusable:
        staff_email_unusable_mark(members=members, actor=actor)
    decision = decision_record(
        process=process,
        action="surveys.sheets.printed",
        summary=gettext_noop("Personal survey sheets printed (%(round)s): %(count)s."),
        params={"round": kind_label(survey_round.kind), "count": len(invitees)},
        actor=actor,
        content={"kind": survey_round.kind, "staff_members": [i.staff_member_id for i in invitees]},
    )
    with translation.override(settings.LANGUAGE_CODE):
        what = _("the workload survey of %(school)s (%(round)s)") % {
            "school": process.school.name,
            "round": kind_label(survey_round.kind),
        }
    sheet_printed_notify(  # into the outbox, in this transaction
        what=what,
        printer=actor,
        printed_at=decision.created_at,
        members=members,
        cause="surveys.sheet_printed",
        cause_id=survey_round.pk,
    )
    return codes
