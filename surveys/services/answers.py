"""Writes of answering the workload survey: the invitee of a code, the answers saved once.

Anonymity: ``response_submit`` writes the participation (who) and the response (what) in one
transaction with nothing that links them, the response sealed to the round's key (kept outside
the database, ``voting.keys``). One response per person: the invitee's row is locked and the
participation is one-to-one, as for a ballot (``voting.services.casting.ballot_cast``).
"""

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.models import UnitMembership
from voting import sealing
from voting.services.common import normalise_code, sha256
from werkdruk.exceptions import DomainError

from .. import content as content_module
from ..models import (
    FteBand,
    Invitee,
    SurveyParticipation,
    SurveyResponse,
    SurveyRound,
    SurveyToken,
)

ALREADY_ANSWERED = gettext_noop("You have already filled in this survey.")
RESPONSE_BLOCK = 4096  # sealed responses are padded to a multiple of this many bytes


class AlreadyAnswered(DomainError):
    """The invitee has a participation already."""


class RoundClosed(DomainError):
    """A personal code of a round that is closed: it opens nothing any more."""

    def __init__(self, survey_round):
        super().__init__(_("This survey is closed."))
        self.survey_round = survey_round


def fte_band(fte) -> str:
    """The coarse band of a part-time factor: below 0.5, 0.5 to 0.8, above 0.8."""
    fte = Decimal(fte)
    if fte < Decimal("0.5"):
        return FteBand.SMALL
    if fte <= Decimal("0.8"):
        return FteBand.MEDIUM
    return FteBand.LARGE


def invitee_for_token(*, token) -> Invitee:
    """The invitee whose personal code this is; unknown codes and a closed round's are refused."""
    row = (
        SurveyToken.objects.select_related(
            "invitee__round__questionnaire__process__school",
            "invitee__round__questionnaire__process__school_year",
            "invitee__staff_member",
        )
        .filter(token_hash=sha256(normalise_code(token)))
        .first()
    )
    if row is None:
        raise DomainError(_("This link is not valid."))
    if row.invitee.round.state == SurveyRound.State.CLOSED:
        raise RoundClosed(row.invitee.round)
    return row.invitee


def invitee_for_user(*, survey_round, user) -> Invitee | None:
    """The signed-in user's line on the roll of ``survey_round``, if any."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Invitee.objects.filter(round=survey_round, staff_member__user=user)
        .select_related("staff_member")
        .first()
    )


def background_default(invitee) -> dict:
    """What the answer form proposes as background (the respondent may change or omit it)."""
    member = invitee.staff_member
    membership = (
        UnitMembership.objects.filter(
            process=invitee.round.questionnaire.process_id, staff_member=member
        )
        .select_related("unit")
        .first()
    )
    return {
        "category": member.category,
        "unit_name": membership.unit.name if membership else "",
        "fte_band": fte_band(member.fte),
    }


def _round_for_answering(survey_round) -> SurveyRound:
    """The round read under a shared lock on PostgreSQL: closing waits for answers being saved."""
    if connection.vendor == "postgresql":
        sql = f"SELECT * FROM {SurveyRound._meta.db_table} WHERE id = %s FOR SHARE"  # noqa: S608
        return list(SurveyRound.objects.raw(sql, [survey_round.pk]))[0]
    return SurveyRound.objects.get(pk=survey_round.pk)


def _clean_background(survey_round, background) -> dict:
    category = background.get("category") or ""
    unit_name = background.get("unit_name") or ""
    band = background.get("fte_band") or ""
    if category and category not in ("OP", "OOP", "MT"):
        raise DomainError(_("Choose a staff category from the list."))
    if unit_name and unit_name not in survey_round.units:
        raise DomainError(_("Choose a unit from the list."))
    if band and band not in FteBand.values:
        raise DomainError(_("Choose an fte band from the list."))
    return {"category": category, "unit_name": unit_name, "fte_band": band}


@transaction.atomic
def response_submit(*, invitee, answers: dict, background: dict) -> None:
    """Save ``invitee``'s answers, once; the participation and the response share nothing.

    The invitee's row is locked so a second request waits and then finds the participation;
    the one-to-one constraint is the last line if anything slips through.
    """
    survey_round = _round_for_answering(invitee.round)
    if survey_round.state != SurveyRound.State.OPEN:
        raise DomainError(_("This survey is closed."))
    cleaned = content_module.answers_clean(survey_round.content, survey_round.measures, answers)
    chosen = _clean_background(survey_round, background)
    invitee = Invitee.objects.select_for_update().filter(pk=invitee.pk, round=survey_round).first()
    if invitee is None:
        raise DomainError(_("You are not invited to this survey."))
    if SurveyParticipation.objects.filter(invitee=invitee).exists():
        raise AlreadyAnswered(_(ALREADY_ANSWERED))
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(invitee=invitee)
    except IntegrityError:
        raise AlreadyAnswered(_(ALREADY_ANSWERED)) from None
    # Sealed to the round's key: the database's own bookkeeping pairs this row with the
    # participation above, but it holds nothing readable until the round closes.
    SurveyResponse.objects.create(
        round=survey_round,
        sealed=sealing.seal(
            survey_round.public_key, {"b": chosen, "a": cleaned}, block=RESPONSE_BLOCK
        ),
    )
