"""Every change to a vote goes through these functions, by sub-domain: the vote itself
(prepare and open), a unit's own vote, closing (count or cancel), casting (personal codes,
ballots, receipts), the roll, paper ballots and the messages to voters."""

from .casting import (
    ALREADY_VOTED,
    ballot_cast,
    ballot_cast_by_token,
    ballot_cast_signed_in,
    receipt_check,
    voter_for_token,
    voter_for_user,
    voter_sheets_issue,
    voter_token_issue,
)
from .closing import register_on_close, vote_cancel, vote_close, vote_close_if_due, vote_void
from .common import AGREEMENT_STEP, AlreadyVoted, VoteClosed, normalise_code, sha256
from .custody import (
    KeyLost,
    SharesNeeded,
    key_share_collect,
    key_share_enter,
    key_share_for_holder,
    keys_sweep,
)
from .messages import ballot_url, vote_messages_send, votes_tick
from .paper import paper_batch_confirm, paper_batch_discard, paper_batch_enter
from .roll import voter_add, voter_remove
from .unit_vote import unit_vote_open
from .vote import vote_create, vote_open, vote_update_rule

__all__ = [
    "AGREEMENT_STEP",
    "ALREADY_VOTED",
    "AlreadyVoted",
    "KeyLost",
    "SharesNeeded",
    "VoteClosed",
    "ballot_cast",
    "ballot_cast_by_token",
    "ballot_cast_signed_in",
    "ballot_url",
    "key_share_collect",
    "key_share_enter",
    "key_share_for_holder",
    "keys_sweep",
    "normalise_code",
    "paper_batch_confirm",
    "paper_batch_discard",
    "paper_batch_enter",
    "receipt_check",
    "register_on_close",
    "sha256",
    "unit_vote_open",
    "vote_cancel",
    "vote_close",
    "vote_close_if_due",
    "vote_create",
    "vote_messages_send",
    "vote_open",
    "vote_update_rule",
    "vote_void",
    "voter_add",
    "voter_for_token",
    "voter_for_user",
    "voter_remove",
    "voter_sheets_issue",
    "voter_token_issue",
    "votes_tick",
]
