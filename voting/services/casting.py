"""Personal codes, casting a ballot, and checking a receipt.

The fact that someone voted (Participation) and what they chose (Ballot) are written in one
transaction with nothing that links them; see ``voting.models``.
"""

import uuid
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from processes.services import decision_record, require_perm
from units.models import StaffMember
from units.services.addresses import sheet_printed_notify, staff_email_unusable_mark
from werkdruk.exceptions import DomainError

from ..models import Ballot, Participation, Vote, Voter, VoterToken
from ..sealing import seal
from ..selectors import ballot_frame_attach
from .common import (
    AGREEMENT_STEP,
    RECEIPT_GROUPS,
    TOKEN_GROUPS,
    AlreadyVoted,
    VoteClosed,
    ensure_accepting,
    new_code,
    normalise_code,
    sha256,
    vote_for_casting,
)
from .measures import clean_selection

ALREADY_VOTED = gettext_noop("You have already voted in this vote.")


@transaction.atomic
def voter_token_issue(*, voter, channel=VoterToken.Channel.EMAIL) -> str:
    """A new personal code for ``voter``; returns it once and stores only its SHA-256.

    E-mailed codes add up (the invitation and each reminder carry their own link); a printed
    sheet replaces the voter's earlier sheet, so a lost sheet stops working.
    """
    voter = Voter.objects.select_for_update(of=("self",)).select_related("vote").get(pk=voter.pk)
    if voter.vote.state == Vote.State.CLOSED:
        raise DomainError(_("This vote is closed."))
    if channel == VoterToken.Channel.SHEET:
        VoterToken.objects.filter(voter=voter, channel=channel).delete()
    token = new_code(TOKEN_GROUPS)
    VoterToken.objects.create(voter=voter, token_hash=sha256(token), channel=channel)
    return token


@transaction.atomic
def voter_sheets_issue(*, vote, actor, voters, mark_unusable=False) -> list[str]:
    """Personal codes to print for ``voters`` (one sheet each), recorded as a PMR decision.

    Every sheet or none: a printed sheet replaces the voter's earlier one. The decision names
    the people who got a sheet (never a code), and after the commit each of them with an
    e-mail address is told that a sheet was printed for them, when and by whom: whoever holds
    a sheet can vote in its owner's name, so the owner must know it exists. ``mark_unusable``
    also records that their e-mail address does not work (director and PMR only).
    """
    require_perm(actor, "voting.manage_vote", vote)
    voters = list(voters)
    if not voters:
        raise DomainError(_("Choose the voters who need a sheet."))
    if any(v.vote_id != vote.pk for v in voters):
        raise DomainError(_("Only voters on the roll of this vote can get a sheet."))
    codes = [voter_token_issue(voter=v, channel=VoterToken.Channel.SHEET) for v in voters]
    members = [v.staff_member for v in voters]
    if mark_unusable:
        staff_email_unusable_mark(members=members, actor=actor)
    # The count only in the summary, which the decision list and the annual report show to
    # the board; the people are in the content, by staff member id.
    decision = decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.sheets.printed",
        summary=gettext_noop("Personal voting sheets printed: %(count)s."),
        params={"count": len(voters)},
        actor=actor,
        content={"round": vote.round, "staff_members": [v.staff_member_id for v in voters]},
    )
    what = _sheet_subject(vote)
    sheet_printed_notify(  # into the outbox, in this transaction
        what=what,
        printer=actor,
        printed_at=decision.created_at,
        members=members,
        cause="voting.sheet_printed",
        cause_id=vote.pk,
    )
    return codes


def _sheet_subject(vote) -> str:
    """What the sheet is for, in the school's language (the notice to its owner)."""
    vote = Vote.objects.select_related("process__school", "unit").get(pk=vote.pk)
    with translation.override(settings.LANGUAGE_CODE):
        if vote.kind == Vote.Kind.UNIT_MEASURES and vote.unit_id:
            return _("the choice of measures of %(unit)s (%(school)s)") % {
                "unit": vote.unit.name,
                "school": vote.process.school.name,
            }
        if vote.kind == Vote.Kind.UNIT_PLAN and vote.unit_id:
            return _("the vote of %(unit)s on its workload plan (%(school)s)") % {
                "unit": vote.unit.name,
                "school": vote.process.school.name,
            }
        return _("the vote on the workload agreement of %(school)s (round %(round)s)") % {
            "school": vote.process.school.name,
            "round": vote.round,
        }


@cache
def _vote_columns() -> tuple[str, list, list]:
    """The vote's columns as ``vo.<column>`` for a hand-written query, their attribute names,
    and per column that needs them the converters the ORM applies (dates on SQLite, JSON).

    Worked out once: a raw queryset resolves its columns against the model on every query,
    which cost about as much CPU as the query itself.
    """
    table = connection.ops.quote_name
    fields = Vote._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(Vote._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    select = ", ".join(f"vo.{table(field.column)}" for field in fields)
    return select, [field.attname for field in fields], converters


def _vote_from_row(row) -> tuple[Vote, tuple]:
    """The vote in the first columns of ``row`` (``_vote_columns``), and the columns after."""
    _select, attnames, converters = _vote_columns()
    values = list(row[: len(attnames)])
    for index, column, found in converters:
        for converter in found:
            values[index] = converter(values[index], column, connection)
    return Vote.from_db(connection.alias, attnames, values), tuple(row[len(attnames) :])


@cache
def _token_sql() -> str:
    """The vote of a code's hash, with its voter's line, name and whether they voted.

    Written out once rather than built by the ORM per request: compiling the equivalent
    queryset cost more CPU than the rest of the lookup.
    """
    table = connection.ops.quote_name
    return (
        f"SELECT {_vote_columns()[0]}, v.{table('id')}, "  # noqa: S608 - names from _meta only
        f"v.{table('staff_member_id')}, v.{table('category')}, v.{table('unit_name')}, "
        f"sm.{table('name')}, "
        f"EXISTS (SELECT 1 FROM {table(Participation._meta.db_table)} p "
        f"WHERE p.{table('voter_id')} = v.{table('id')}) "
        f"FROM {table(VoterToken._meta.db_table)} t "
        f"JOIN {table(Voter._meta.db_table)} v ON v.{table('id')} = t.{table('voter_id')} "
        f"JOIN {table(Vote._meta.db_table)} vo ON vo.{table('id')} = v.{table('vote_id')} "
        f"JOIN {table(StaffMember._meta.db_table)} sm "
        f"ON sm.{table('id')} = v.{table('staff_member_id')} "
        f"WHERE t.{table('token_hash')} = %s"
    )


def _voter_of(row) -> Voter:
    """The Voter of a row of ``_token_sql``, with its vote and its staff member (the name
    loaded, the rest on first use)."""
    vote, (voter_pk, staff_member_id, category, unit_name, name, voted) = _vote_from_row(row)
    db = connection.alias
    voter = Voter.from_db(
        db,
        ["id", "vote_id", "staff_member_id", "category", "unit_name"],
        [voter_pk, vote.pk, staff_member_id, category, unit_name],
    )
    voter.staff_member = StaffMember.from_db(db, ["id", "name"], [staff_member_id, name])
    voter.vote = vote
    voter.voted = bool(voted)
    return voter


def voter_for_token(*, token, vote=None) -> Voter:
    """The voter whose personal code this is, while their vote takes ballots.

    Unknown codes, codes of another vote and codes of a closed vote are refused. The voter
    comes with ``staff_member`` and ``vote`` loaded (the vote with its process, school, unit
    and frozen agreement, the agreement's content deferred), and with ``voted``: whether they
    have a participation.

    A ballot page and a cast each start here, so it is one narrow query on the code's hash
    (four tables: PostgreSQL plans a join of the eight it takes to load everything in one go
    in 4 to 14 ms, and runs it in 0.2 ms); what every voter of the vote shares comes from
    ``selectors.ballot_frame_attach``, cached per vote.
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [sha256(normalise_code(token))])
        row = cursor.fetchone()
    voter = _voter_of(row) if row is not None else None
    if voter is None or (vote is not None and voter.vote_id != vote.pk):
        raise DomainError(_("This code is not valid for this vote."))
    if voter.vote.state == Vote.State.CLOSED:
        raise VoteClosed(_("This vote has closed; the code no longer works."))
    ballot_frame_attach(voter.vote)
    return voter


def _clean_appreciation(vote, appreciation, questions=None) -> dict:
    """Answers by question position ("1": 4); unanswered questions are left out."""
    if questions is None:
        positions = {str(p) for p in vote.questions.values_list("position", flat=True)}
    else:
        positions = {str(q.position) for q in questions}
    cleaned = {}
    for key, score in (appreciation or {}).items():
        if score in (None, ""):
            continue
        if str(key) not in positions:
            raise DomainError(_("The ballot has no such question."))
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise DomainError(_("An appreciation is a number from 1 to 5."))
        cleaned[str(key)] = score
    return cleaned


@cache
def _lock_sql() -> str:
    """PostgreSQL: the vote under a shared lock and the voter's line under an exclusive one,
    with whether they have voted, in one statement (see ``ballot_cast``)."""
    table = connection.ops.quote_name
    return (
        f"SELECT {_vote_columns()[0]}, v.{table('id')}, "  # noqa: S608 - names from _meta only
        f"EXISTS (SELECT 1 FROM {table(Participation._meta.db_table)} p "
        f"WHERE p.{table('voter_id')} = v.{table('id')}) "
        f"FROM {table(Vote._meta.db_table)} vo "
        f"JOIN {table(Voter._meta.db_table)} v ON v.{table('vote_id')} = vo.{table('id')} "
        f"WHERE vo.{table('id')} = %s AND v.{table('id')} = %s "
        "FOR SHARE OF vo FOR UPDATE OF v"
    )


@cache
def _write_sql() -> str:
    """PostgreSQL: the participation in a savepoint, then the sealed ballot, sent at once.

    The same rows and statements as ``Participation.objects.create`` in ``atomic()`` and
    ``Ballot.objects.create`` (a Python ``uuid4`` for each id, the JSON fields' empty defaults),
    in one round trip: psycopg's client-side cursor sends several statements in one query.
    """
    table = connection.ops.quote_name
    participation, ballot = Participation._meta, Ballot._meta
    columns = ", ".join(
        table(ballot.get_field(name).column)
        for name in ("id", "vote", "choice", "appreciation", "selection", "receipt_hash", "sealed")
    )
    return (
        "SAVEPOINT werkdruk_cast; "  # noqa: S608 - names from _meta only
        f"INSERT INTO {table(participation.db_table)} "
        f"({table('id')}, {table(participation.get_field('voter').column)}) VALUES (%s, %s); "
        "RELEASE SAVEPOINT werkdruk_cast; "
        f"INSERT INTO {table(ballot.db_table)} ({columns}) "
        "VALUES (%s, %s, '', '{}', '[]', NULL, %s)"
    )


def _lock_postgresql(vote, voter):
    """The vote (``vote_for_casting``'s lock) and whether ``voter`` has voted, with their line
    locked, in one statement; None if they are not on its roll (the caller then reads the vote
    alone, for the right message)."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [vote.pk, voter.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    vote, (voter_pk, voted) = _vote_from_row(row)
    return vote, voter_pk, bool(voted)


@transaction.atomic
def ballot_cast(*, vote, voter, choice, appreciation=None, selection=None, questions=None) -> str:
    """Cast ``voter``'s ballot; returns the receipt code, shown once (only its hash is kept).

    The participation and the ballot are written in this one transaction, with nothing that
    links them; the ballot's content (choice, answers, the receipt's hash) is sealed to the
    vote's key, so even the database's own bookkeeping, which does pair the two rows, leads to
    nothing readable. In a choice of measures ``selection`` holds the positions of the options
    chosen (choice "yes"; "abstain" selects none), refused when they cost more together than
    the budget fixed at opening (``measures.clean_selection``). The voter's row is locked so a
    second request waits and then finds the participation; the one-to-one constraint is the
    last line if anything slips through. ``questions``: the vote's appreciation questions if
    the caller has read them already (the ballot form); they cannot change once the vote is
    open, which is checked here under the lock before they are used.

    On PostgreSQL the same locks and rows take two statements besides the transaction's own:
    the vote ``FOR SHARE`` with the voter ``FOR UPDATE`` and "voted?" in one, then the
    participation in a savepoint and the ballot sent together. A second request for the same
    voter that waited for the lock still sees "not voted" (the statement's snapshot predates
    the wait), so it is the one-to-one constraint that refuses it: ``AlreadyVoted`` as well.
    """
    postgresql = connection.vendor == "postgresql"
    locked = _lock_postgresql(vote, voter) if postgresql else None
    vote = locked[0] if locked else vote_for_casting(vote)
    ensure_accepting(vote)
    if choice not in Ballot.Choice.values:
        raise DomainError(_("Choose yes, no or abstain."))
    answers = _clean_appreciation(vote, appreciation, questions)
    positions = clean_selection(vote, choice, selection)
    if locked:
        voter_pk, voted = locked[1], locked[2]
    else:
        voter = (
            Voter.objects.select_for_update(of=("self",))
            .filter(pk=voter.pk, vote=vote)
            .order_by("pk")
        ).first()
        if voter is None:
            raise DomainError(_("You are not on the voters' roll of this vote."))
        voter_pk, voted = voter.pk, Participation.objects.filter(voter=voter).exists()
    if voted:
        raise AlreadyVoted(gettext(ALREADY_VOTED))
    code = new_code(RECEIPT_GROUPS)
    content = {"c": choice, "a": answers, "r": sha256(code)}
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        content["s"] = positions
    sealed = seal(vote.public_key, content)
    try:
        if postgresql:
            with connection.cursor() as cursor:
                params = [uuid.uuid4(), voter_pk, uuid.uuid4(), vote.pk, sealed]
                cursor.execute(_write_sql(), params)
            return code
        with transaction.atomic():
            Participation.objects.create(voter_id=voter_pk)
    except IntegrityError:
        raise AlreadyVoted(gettext(ALREADY_VOTED)) from None
    Ballot.objects.create(vote=vote, sealed=sealed)
    return code


def ballot_cast_by_token(*, token, choice, appreciation=None, vote=None, selection=None) -> str:
    """Cast a ballot with a personal code."""
    voter = voter_for_token(token=token, vote=vote)
    return ballot_cast(
        vote=voter.vote,
        voter=voter,
        choice=choice,
        appreciation=appreciation,
        selection=selection,
    )


def voter_for_user(*, vote, user) -> Voter | None:
    """The signed-in user's line on the roll of ``vote``, if any, with ``voted``: whether they
    have a participation."""
    if user is None or not user.is_authenticated:
        return None
    voted = Exists(Participation.objects.filter(voter=OuterRef("pk")))
    return (
        Voter.objects.filter(vote=vote, staff_member__user=user)
        .select_related("staff_member")
        .annotate(voted=voted)
        .first()
    )


def ballot_cast_signed_in(*, vote, user, choice, appreciation=None, selection=None) -> str:
    """Cast a ballot as a signed-in staff member on the roll."""
    voter = voter_for_user(vote=vote, user=user)
    if voter is None:
        raise DomainError(_("You are not on the voters' roll of this vote."))
    return ballot_cast(
        vote=vote, voter=voter, choice=choice, appreciation=appreciation, selection=selection
    )


def receipt_check(*, vote, code) -> bool:
    """Whether the ballot with this receipt code was counted; only after the vote closed."""
    state, outcome = Vote.objects.values_list("state", "outcome").get(pk=vote.pk)
    if state != Vote.State.CLOSED:
        raise DomainError(_("Receipts can be checked once the vote has closed."))
    if outcome == Vote.Outcome.CANCELLED:
        raise DomainError(_("This vote was cancelled: no ballot was counted."))
    if outcome == Vote.Outcome.VOID:
        raise DomainError(_("This vote was declared void: no ballot was counted."))
    code = normalise_code(code)
    return Ballot.objects.filter(vote=vote, receipt_hash=sha256(code)).exists()
