"""Writes of the survey rounds: the year's questionnaire, its personal codes, sending and
closing a round.

Anonymity: ``round_close`` opens the responses and rewrites them and the participations in
shuffled batches with new random ids, then destroys the round's key (see ``surveys.models``).
"""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.mail import board_message
from processes.services import decision_record, process_lock, require_perm
from schoolplans.models import RatificationRecord
from units.models import StaffMember
from voting import keys, sealing
from voting.services.common import TOKEN_GROUPS, new_code, sha256
from werkdruk import outbox
from werkdruk.anonymity import rows_rewrite_shuffled, table_rewrite_after_commit
from werkdruk.exceptions import DomainError

from .. import content as content_module
from ..models import (
    Invitee,
    Questionnaire,
    SurveyParticipation,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
    SurveyToken,
)

logger = logging.getLogger(__name__)

# cause_id: the round (its page shows what could not be delivered)
INVITATION_CAUSE = "surveys.invitation"

MANAGE = "surveys.manage_survey"
DEFAULT_TEMPLATE = "default"


def _starting_content(process) -> tuple[dict, str]:
    """Last year's questionnaire of the same school if there is one, else the default."""
    previous = (
        Questionnaire.objects.filter(
            process__school=process.school,
            process__school_year__start_year=process.school_year.start_year - 1,
        )
        .select_related("process__school_year")
        .first()
    )
    if previous is not None:
        return previous.content, str(previous.process.school_year)
    template = SurveyTemplate.objects.get(key=DEFAULT_TEMPLATE)
    return template.content, template.key


@transaction.atomic
def questionnaire_ensure(*, process) -> Questionnaire:
    """The questionnaire of ``process``, created from last year's or the default when missing."""
    process = process_lock(process)
    existing = Questionnaire.objects.filter(process=process).first()
    if existing is not None:
        return existing
    content, based_on = _starting_content(process)
    return Questionnaire.objects.create(process=process, content=content, based_on=based_on)


@transaction.atomic
def questionnaire_edit(*, questionnaire, actor, texts: dict) -> Questionnaire:
    """Change question texts of this year's questionnaire; only before its first round is sent.

    Keys, scales and options stay (``content.with_texts``), so years remain comparable.
    """
    require_perm(actor, MANAGE, questionnaire)
    process_lock(questionnaire.process_id)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.rounds.exists():
        raise DomainError(_("The questionnaire has been sent; this year's version is fixed."))
    questionnaire.content = content_module.with_texts(questionnaire.content, texts)
    questionnaire.changed_by = actor
    questionnaire.save()
    return questionnaire


def ratified_measures(process) -> list[dict]:
    """The measures of the plan ratified for ``process``: [{"key", "title"}], else []."""
    record = (
        RatificationRecord.objects.filter(version__school_plan__process=process)
        .select_related("version")
        .first()
    )
    if record is None:
        return []
    return [{"key": m["key"], "title": m["title"]} for m in record.version.content["measures"]]


def kind_label(kind) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(SurveyRound.Kind(kind).label)


def token_issue(invitee, channel=SurveyToken.Channel.EMAIL) -> str:
    """A new personal code for ``invitee``; returns it once and stores only its SHA-256.

    A printed sheet first deletes the invitee's earlier sheet codes (a lost sheet stops
    working); e-mailed codes keep working. The caller holds the transaction.
    """
    if channel == SurveyToken.Channel.SHEET:
        SurveyToken.objects.filter(invitee=invitee, channel=channel).delete()
    token = new_code(TOKEN_GROUPS)
    SurveyToken.objects.create(invitee=invitee, token_hash=sha256(token), channel=channel)
    return token


def answer_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer-token", args=[token])


def _send_invitations(survey_round, codes) -> int:
    """Put each invitee's link into the outbox, in the caller's transaction. A refused address
    gets the "address unusable" mark (``units``' receiver), so the sheets page offers that
    person first; the round page shows what could not be delivered."""
    school = survey_round.process.school.name
    board = survey_round.process.school.board
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for _member_id, name, email, token in codes:
            if not email:
                continue
            context = {"name": name, "school": school, "url": answer_url(token)}
            context["closes_on"] = survey_round.closes_on
            subject = render_to_string("surveys/email/invitation_subject.txt", context).strip()
            body = render_to_string("surveys/email/invitation_body.txt", context)
            messages.append(
                board_message(
                    board,
                    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                    body,
                    email,
                    cause=INVITATION_CAUSE,
                    cause_id=survey_round.pk,
                )
            )
    return len(outbox.enqueue_many(messages))


@transaction.atomic
def round_send(*, questionnaire, actor, kind, closes_on=None) -> SurveyRound:
    """Send a round: freeze the questionnaire, put every active staff member on the roll, and
    e-mail each a personal link (through the outbox; only the codes' hashes are stored).

    The baseline comes first; the follow-up only after the baseline closed. Each kind once.
    """
    require_perm(actor, MANAGE, questionnaire)
    process = process_lock(questionnaire.process_id)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if kind not in SurveyRound.Kind.values:
        raise DomainError(_("Choose the baseline or the follow-up."))
    rounds = {r.kind: r for r in questionnaire.rounds.all()}
    if kind in rounds:
        raise DomainError(_("This round has already been sent."))
    if kind == SurveyRound.Kind.FOLLOW_UP:
        baseline = rounds.get(SurveyRound.Kind.BASELINE)
        if baseline is not None and baseline.state != SurveyRound.State.CLOSED:
            raise DomainError(_("Close the baseline before sending the follow-up."))
    if rounds.get(SurveyRound.Kind.FOLLOW_UP) is not None:
        raise DomainError(_("The follow-up has been sent; the baseline can no longer be sent."))
    staff = list(StaffMember.objects.filter(school=process.school, active=True).order_by("pk"))
    if not staff:
        raise DomainError(_("The school has no active staff members to ask."))
    survey_round = SurveyRound.objects.create(
        questionnaire=questionnaire,
        kind=kind,
        content=questionnaire.content,
        content_hash=content_module.content_hash(questionnaire.content),
        measures=ratified_measures(process),
        units=sorted(process.units.values_list("name", flat=True)),
        sent_at=timezone.now(),
        sent_by=actor,
        closes_on=closes_on,
    )
    _round_key_create(survey_round)
    codes = []
    for member in staff:
        invitee = Invitee.objects.create(round=survey_round, staff_member=member)
        codes.append((member.pk, member.name, member.email, token_issue(invitee)))
    decision_record(
        process=process,
        action="surveys.round.sent",
        summary=gettext_noop("Workload survey sent (%(round)s) to %(count)s staff members."),
        params={"round": kind_label(kind), "count": len(staff)},
        actor=actor,
        content={"kind": kind, "content_hash": survey_round.content_hash, "invited": len(staff)},
    )
    _send_invitations(survey_round, codes)  # into the outbox, in this transaction
    return survey_round


def _round_key_create(survey_round) -> None:
    """The round's key pair: the public half on the round, the private half in the key folder
    (``voting.keys``), outside the database, until the round closes."""
    public, private = sealing.keypair()
    survey_round.key_id, survey_round.public_key = uuid.uuid4(), public
    keys.secret_write(survey_round.key_id, keys.PRIVATE, private)
    survey_round.save(update_fields=["key_id", "public_key"])


def _opened_responses(survey_round) -> list[dict] | None:
    """Every response of the round, opened: ``{"b": background, "a": answers}``.

    None if the round's key is lost (the folder is there, the key is not): its sealed answers
    can never be read. ``keys.FolderUnavailable`` if the folder itself is not there.
    """
    private = keys.secret_read(survey_round.key_id, keys.PRIVATE) if survey_round.key_id else None
    rows = list(
        SurveyResponse.objects.filter(round=survey_round).values_list(
            "sealed", "category", "unit_name", "fte_band", "answers"
        )
    )
    if private is None and any(row[0] is not None for row in rows):
        return None
    return [
        sealing.unseal(private, sealed)
        if sealed is not None
        else {"b": {"category": c, "unit_name": u, "fte_band": f}, "a": a}
        for sealed, c, u, f, a in rows
    ]


def _responses_unlink(survey_round, contents):
    """Write the round's responses (opened) and participations again, each unlinked
    (``werkdruk.anonymity``)."""
    rows_rewrite_shuffled(
        SurveyResponse.objects.filter(round=survey_round),
        (
            SurveyResponse(round=survey_round, answers=content["a"], **content["b"])
            for content in contents
        ),
    )
    participations = SurveyParticipation.objects.filter(invitee__round=survey_round)
    rows_rewrite_shuffled(
        participations,
        (
            SurveyParticipation(invitee_id=i)
            for i in participations.values_list("invitee", flat=True)
        ),
    )


@transaction.atomic
def round_close(*, survey_round, actor=None) -> SurveyRound:
    """Close a round: no more answers, its codes stop working, its results are shown.

    By the director or PMR (``actor``) or by the scheduled task after the closing date (no
    actor: recorded as closed by the system). Closing a closed round returns it unchanged.
    """
    if actor is not None:
        require_perm(actor, MANAGE, survey_round)
    process = process_lock(survey_round.questionnaire.process_id)
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.state == SurveyRound.State.CLOSED:
        return survey_round
    contents = _opened_responses(survey_round)  # before anything changes: may refuse
    survey_round.state = SurveyRound.State.CLOSED
    survey_round.closed_at = timezone.now()
    survey_round.save(update_fields=["state", "closed_at"])
    if contents is None:
        # The key is lost: the sealed answers can never be read. Closed without results.
        lost = SurveyResponse.objects.filter(round=survey_round).count()
        SurveyResponse.objects.filter(round=survey_round).delete()
        decision_record(
            process=process,
            action="surveys.round.key_lost",
            summary=gettext_noop(
                "Workload survey (%(round)s) closed without results: the key that opens its "
                "%(count)s sealed responses was lost."
            ),
            params={"round": kind_label(survey_round.kind), "count": lost},
            actor=actor,
            content={"kind": survey_round.kind, "responses": lost},
        )
    else:
        _responses_unlink(survey_round, contents)
    if survey_round.key_id:
        key_id = survey_round.key_id
        transaction.on_commit(lambda: keys.secrets_destroy(key_id), robust=True)
    table_rewrite_after_commit(SurveyResponse)
    decision_record(
        process=process,
        action="surveys.round.closed",
        summary=gettext_noop("Workload survey closed (%(round)s): %(count)s responses."),
        params={"round": kind_label(survey_round.kind), "count": survey_round.responses.count()},
        actor=actor,
        content={"kind": survey_round.kind},
    )
    return survey_round
