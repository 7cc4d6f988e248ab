"""The key of a vote, from opening to counting: who keeps it, handing shares over and back.

By default the server keeps the private key in the key folder (``voting.keys``), outside the
database, and destroys it once the vote is counted. With ``Vote.KeyCustody.HOLDERS`` the key is
split at opening into one share per key holder (PMR members and directors chosen with the
rule); each holder takes their share over and types it back, after which the server holds no
copy and the vote starts taking ballots. To count, any two holders type their shares in again.

A lost key cannot be replaced: the ballots cannot be opened. The vote is then declared void
(``closing.vote_void``) and held again; both are recorded decisions.
"""

import secrets
import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record, process_lock
from werkdruk.exceptions import DomainError

from .. import keys, sealing
from ..codes import normalise_code
from ..models import KeyHolder, Vote
from ..selectors import entered_positions, is_due_for_counting
from .common import lock_vote


class KeyLost(DomainError):
    """The server's copy of the private key is gone: the vote cannot be counted."""


class SharesNeeded(DomainError):
    """Key holders must type in their shares before the vote can be counted."""


def keys_create(vote) -> None:
    """At opening: the vote's key pair, the private half kept or split over its key holders.

    Called in the opening transaction with the vote locked; saves the vote's key fields.
    """
    public, private = sealing.keypair()
    vote.key_id = sealing_key_id = uuid.uuid4()
    vote.public_key = public
    keys.secret_write(sealing_key_id, keys.MAC, secrets.token_bytes(32))
    if vote.key_custody == Vote.KeyCustody.HOLDERS:
        holders = list(vote.key_holders.order_by("position"))
        codes = sealing.shares_split(private, len(holders))
        for holder, code in zip(holders, codes, strict=True):
            holder.share_hash = sealing.share_hash(code)
            holder.collected = False
            keys.secret_write(sealing_key_id, keys.handover(holder.position), code.encode())
        KeyHolder.objects.bulk_update(holders, ["share_hash", "collected"])
        vote.keys_ready = False
    else:
        keys.secret_write(sealing_key_id, keys.PRIVATE, private)
        vote.keys_ready = True
    vote.save(update_fields=["key_id", "public_key", "keys_ready"])


def keys_destroy_after_commit(vote) -> None:
    """Delete the vote's secrets once the transaction that counted or stopped it commits.

    Not before: if that transaction fails, the vote stays open and still needs its key.
    """
    if vote.key_id:
        key_id = vote.key_id
        transaction.on_commit(lambda: keys.secrets_destroy(key_id), robust=True)


def keys_sweep() -> int:
    """Delete key files that no open vote needs (left by a crash); for the periodic task."""
    open_ids = Vote.objects.filter(state=Vote.State.OPEN).values_list("key_id", flat=True)
    return keys.sweep(open_key_ids=[k for k in open_ids if k])


def private_key(vote, *, extra_share: str | None = None) -> bytes:
    """The private key, to count: the server's copy, or restored from two typed-in shares.

    Shares count only if their entry was recorded (``KeyHolder.share_entered``);
    ``extra_share`` is the share being typed in right now, used in memory and never stored.
    """
    if vote.key_custody == Vote.KeyCustody.HOLDERS:
        codes = [
            code.decode()
            for h in vote.key_holders.filter(share_entered=True)
            if (code := keys.secret_read(vote.key_id, keys.entered(h.position))) is not None
        ]
        if extra_share:
            codes.append(extra_share)
        if len({sealing.share_parse(code)[0] for code in codes}) < sealing.SHARE_THRESHOLD:
            raise SharesNeeded(
                _("Two key holders must type in their key shares before the vote is counted.")
            )
        private = sealing.shares_combine(codes)
    else:
        private = keys.secret_read(vote.key_id, keys.PRIVATE) if vote.key_id else None
        if private is None:
            raise KeyLost(
                _(
                    "The key of this vote is missing, so its ballots cannot be counted. The vote "
                    "can only be declared void and held again."
                )
            )
    if sealing.public_key_of(private) != vote.public_key:
        raise KeyLost(_("The key does not belong to this vote, so its ballots cannot be opened."))
    return private


def _mac_key(vote) -> bytes:
    key = keys.secret_read(vote.key_id, keys.MAC) if vote.key_id else None
    if key is None:
        raise KeyLost(_("The key of this vote is missing, so paper ballots cannot be entered."))
    return key


def counts_mac(vote, counts) -> str:
    """The keyed hash of a paper batch's counts; its key is in the key folder."""
    return sealing.counts_mac(_mac_key(vote), vote.pk, counts)


def counts_match(vote, counts, stored: str) -> bool:
    return sealing.counts_match(_mac_key(vote), vote.pk, counts, stored)


# --- key holders -----------------------------------------------------------------------------


def _holder(vote, user) -> KeyHolder:
    holder = KeyHolder.objects.filter(vote=vote, user=user).first()
    if holder is None or not user.has_perm("voting.view_vote", vote):
        raise DomainError(_("Only the key holders of this vote can do this."))
    return holder


def key_share_for_holder(*, vote, user) -> str | None:
    """The share that ``user`` still has to take over, or None once taken over."""
    holder = _holder(vote, user)
    if holder.collected or vote.state != Vote.State.OPEN:
        return None
    code = keys.secret_read(vote.key_id, keys.handover(holder.position))
    return code.decode() if code else None


@transaction.atomic
def key_share_collect(*, vote, actor, typed) -> Vote:
    """A key holder confirms that they stored their share by typing it back.

    The server's copy is deleted at once (the holder has the share, so nothing is lost if this
    transaction fails afterwards). When the last holder has done so, the vote takes ballots
    (from its opening time); the invitations follow.
    """
    process_lock(vote.process_id)
    vote = lock_vote(vote)
    holder = _holder(vote, actor)
    if vote.state != Vote.State.OPEN or vote.key_custody != Vote.KeyCustody.HOLDERS:
        raise DomainError(_("There is no key share to take over for this vote."))
    if holder.collected:
        return vote
    sealing.share_parse(typed)  # a typing error gets its own message
    if sealing.share_hash(typed) != holder.share_hash:
        raise sealing.ShareError(
            _("This is not the key share shown above; copy it again, exactly.")
        )
    keys.secret_delete(vote.key_id, keys.handover(holder.position))
    holder.collected = True
    holder.save(update_fields=["collected"])
    decision_record(
        process=vote.process,
        step_number=vote.step_number,
        action="voting.key.share_taken_over",
        summary=gettext_noop(
            "Key share %(number)s of vote round %(round)s taken over by %(name)s."
        ),
        params={"number": holder.position, "round": vote.round, "name": str(actor)},
        actor=actor,
        content={"round": vote.round, "share": holder.position},
    )
    if not vote.key_holders.filter(collected=False).exists():
        # The vote takes ballots only if the server really holds no share any more.
        if any(
            keys.secret_exists(vote.key_id, keys.handover(h.position))
            for h in vote.key_holders.all()
        ):
            raise DomainError(_("A copy of a key share is still on the server; try again."))
        vote.keys_ready = True
        vote.save(update_fields=["keys_ready"])
        from ..tasks import vote_messages_send  # the tasks module imports the services

        transaction.on_commit(lambda: vote_messages_send.delay(vote.pk), robust=True)
        decision_record(
            process=vote.process,
            step_number=vote.step_number,
            action="voting.key.handed_over",
            summary=gettext_noop(
                "Every key holder has taken over their key share of vote round %(round)s: the "
                "server holds no copy of the key, and the vote takes ballots."
            ),
            params={"round": vote.round},
            actor=actor,
            content={"round": vote.round, "holders": vote.key_holders.count()},
        )
    return vote


@transaction.atomic
def key_share_enter(*, vote, actor, share) -> Vote:
    """A key holder types in a share to count the vote; the second share counts it.

    Any holder of this vote may type in any of its shares (a colleague's share handed to
    them, too); the decision names who typed in which share. The first share waits in the
    key folder (never in the database) until the second arrives; the second is used in
    memory to count at once and is never stored, so if counting is refused (paper ballots
    still waiting, say) the server still holds one share only.
    """
    from .closing import count_vote  # closing imports this module

    process_lock(vote.process_id)
    vote = lock_vote(vote)
    _holder(vote, actor)
    if vote.key_custody != Vote.KeyCustody.HOLDERS:
        raise DomainError(_("This vote's key is kept by the server; no shares are needed."))
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("This vote has already been counted."))
    if not is_due_for_counting(vote):
        raise DomainError(
            _("Key shares are typed in after the vote closes (or once everyone has voted).")
        )
    position, _share = sealing.share_parse(share)
    owner = vote.key_holders.filter(position=position).select_related("user").first()
    if owner is None or sealing.share_hash(share) != owner.share_hash:
        raise sealing.ShareError(_("This is not a key share of this vote."))
    entered = entered_positions(vote)
    counts_now = bool(entered - {position})
    if position in entered and not counts_now:
        return vote  # the same share again: still one share
    if not counts_now:
        # A file left by an entry whose transaction failed does not count; write it anew.
        keys.secret_delete(vote.key_id, keys.entered(position))
        keys.secret_write(vote.key_id, keys.entered(position), normalise_code(share).encode())
        owner.share_entered = True
        owner.save(update_fields=["share_entered"])
    decision_record(
        process=vote.process,
        step_number=vote.step_number,
        action="voting.key.share_entered",
        summary=gettext_noop(
            "Key share %(number)s (of %(holder)s) typed in by %(name)s to count vote "
            "round %(round)s."
        ),
        params={
            "number": position,
            "holder": str(owner.user),
            "name": str(actor),
            "round": vote.round,
        },
        actor=actor,
        content={"round": vote.round, "share": position},
    )
    if counts_now:
        vote = count_vote(vote=vote, actor=actor, private=private_key(vote, extra_share=share))
    return vote
