"""Issue 14 item 4, the parts without a database: sealed ballots and key shares."""

import itertools

import pytest

from voting import sealing


def test_a_sealed_ballot_opens_with_its_own_key_only():
    public, private = sealing.keypair()
    _other_public, other_private = sealing.keypair()
    content = {"c": "abstain", "a": {"1": 4}, "r": "ab" * 32}

    sealed = sealing.seal(public, content)

    assert sealing.unseal(private, sealed) == content
    with pytest.raises(sealing.SealError):
        sealing.unseal(other_private, sealed)


def test_equal_choices_never_give_equal_bytes_and_every_ballot_has_the_same_length():
    public, _private = sealing.keypair()
    short = sealing.seal(public, {"c": "no", "a": {}, "r": None})
    again = sealing.seal(public, {"c": "no", "a": {}, "r": None})
    long = sealing.seal(
        public, {"c": "abstain", "a": {str(i): 5 for i in range(1, 11)}, "r": "f" * 64}
    )

    assert short != again
    assert len(short) == len(again) == len(long)


def test_the_public_key_can_be_derived_from_the_private_key_to_check_a_restored_key():
    public, private = sealing.keypair()
    assert sealing.public_key_of(private) == public


@pytest.mark.parametrize("holders", [2, 3, 5])
def test_any_two_shares_restore_the_key_and_one_alone_does_not(holders):
    _public, private = sealing.keypair()
    codes = sealing.shares_split(private, holders)

    assert len(set(codes)) == holders
    for pair in itertools.combinations(codes, 2):
        assert sealing.shares_combine(list(pair)) == private
    with pytest.raises(sealing.ShareError):
        sealing.shares_combine([codes[0]])
    with pytest.raises(sealing.ShareError):
        sealing.shares_combine([codes[0], codes[0]])  # the same share twice is one share


def test_a_share_code_names_its_holder_and_reads_like_the_other_codes():
    _public, private = sealing.keypair()
    codes = sealing.shares_split(private, 3)

    assert [sealing.share_parse(code)[0] for code in codes] == [1, 2, 3]
    for code in codes:
        groups = code.split("-")
        assert len(groups) == 14 and all(len(group) == 4 for group in groups)
        # Typed in lower case, without dashes, with spaces: the same share.
        assert sealing.share_parse(code.lower().replace("-", " ")) == sealing.share_parse(code)


def test_a_typing_error_in_a_share_is_caught_before_anything_else():
    _public, private = sealing.keypair()
    code = sealing.shares_split(private, 2)[0]
    letters = list(code)
    letters[5] = "A" if letters[5] != "A" else "B"

    with pytest.raises(sealing.ShareError):
        sealing.share_parse("".join(letters))
    with pytest.raises(sealing.ShareError):
        sealing.share_parse(code[:-5])


def test_paper_counts_are_compared_by_keyed_hash_only():
    key = b"k" * 32
    stored = sealing.counts_mac(key, 7, (3, 0, 0))

    assert sealing.counts_match(key, 7, (3, 0, 0), stored)
    assert not sealing.counts_match(key, 7, (2, 1, 0), stored)
    assert not sealing.counts_match(key, 8, (3, 0, 0), stored)  # another vote's batch
    assert not sealing.counts_match(b"x" * 32, 7, (3, 0, 0), stored)
    assert sealing.counts_mac(key, 7, (3, 0, 0)) != stored  # salted: equal counts differ
