"""Every change to a vote goes through these functions, by sub-domain: the vote itself
(prepare and open), a unit's own vote, closing (count or cancel), casting (personal codes,
ballots, receipts), the roll, paper ballots and the messages to voters."""
