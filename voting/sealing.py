"""Sealed ballots: what was chosen is encrypted to the vote's own key at the moment of casting.

Each vote gets a Curve25519 key pair when it opens. The public half is on the vote, so every
ballot (online or paper) is sealed with it (libsodium's sealed box: anonymous, randomised, so
equal choices never give equal bytes). The private half is never in the database: the server
keeps it in a file outside it (``keys``) or it is split into shares that people hold
(Shamir's secret sharing, any two of them together can count). It is needed once, to count,
and destroyed then. A copy of the database taken while the vote is open, or any backup, shows
only sealed bytes; so does the link that the database's own bookkeeping (row ids, PostgreSQL's
``xmin``) keeps between a ballot and the participation written in the same transaction.

Pure functions: no database, no files.
"""

import base64
import hashlib
import hmac
import json
import secrets

from Crypto.Protocol.SecretSharing import Shamir
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from werkdruk.exceptions import DomainError

from .codes import CODE_ALPHABET, CODE_GROUP_LENGTH, normalise_code

# Every sealed ballot has the same length whatever it holds (a "yes" is not shorter than an
# "abstain" with ten appreciation answers): the content is padded to this many bytes.
SEALED_CONTENT_SIZE = 384
SHARE_THRESHOLD = 2  # any two key holders together can count
MAX_KEY_HOLDERS = 5
_HALF = 16  # pycryptodome's Shamir shares 16-byte secrets: a 32-byte key is two halves
_CHECK = 2  # bytes of checksum in a share code, to catch a typo before anything else


class SealError(DomainError):
    """A ballot could not be opened with the key given (another vote's key, or damage)."""


class ShareError(DomainError):
    """A typed key share is not valid."""


def keypair() -> tuple[str, bytes]:
    """A new key pair: the public key (base64 text, for the vote) and the private key (bytes)."""
    private = PrivateKey.generate()
    return base64.b64encode(bytes(private.public_key)).decode("ascii"), bytes(private)


def public_key_of(private: bytes) -> str:
    return base64.b64encode(bytes(PrivateKey(private).public_key)).decode("ascii")


def seal(public_key: str, content: dict, *, block: int | None = None) -> bytes:
    """``content`` (JSON-ready) padded and sealed to ``public_key``.

    A ballot is padded to ``SEALED_CONTENT_SIZE`` exactly; content of varying length (a survey
    response with free text) to the next multiple of ``block``, so only its rough size shows.
    """
    data = json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if block:
        size = block * max(1, -(-len(data) // block))
    elif len(data) > SEALED_CONTENT_SIZE:
        raise ValueError("Ballot content too large to seal")
    else:
        size = SEALED_CONTENT_SIZE
    data = data.ljust(size, b" ")  # JSON ignores trailing white space
    return SealedBox(PublicKey(base64.b64decode(public_key))).encrypt(data)


def unseal(private: bytes, sealed: bytes) -> dict:
    """The content of a sealed ballot; ``SealError`` if this key does not open it."""
    try:
        return json.loads(SealedBox(PrivateKey(private)).decrypt(bytes(sealed)))
    except (CryptoError, ValueError, TypeError) as error:
        raise SealError(_("A ballot could not be opened with this vote's key.")) from error


def counts_mac(key: bytes, vote_pk: int, counts, salt: str | None = None) -> str:
    """A keyed hash of paper-ballot counts (yes, no, abstain) as ``salt$hex``: comparable with
    the same counts typed again, and without ``key`` no way to try the few possible counts."""
    salt = salt or secrets.token_hex(8)
    message = f"{salt}|{vote_pk}|" + "|".join(str(int(n)) for n in counts)
    return salt + "$" + hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def counts_match(key: bytes, vote_pk: int, counts, stored: str) -> bool:
    salt = stored.split("$", 1)[0]
    return hmac.compare_digest(counts_mac(key, vote_pk, counts, salt), stored)


# --- key shares ------------------------------------------------------------------------------

_ENCODE = {i: c for i, c in enumerate(CODE_ALPHABET)}
_DECODE = {c: i for i, c in enumerate(CODE_ALPHABET)}


def _to_code(data: bytes) -> str:
    """Bytes (a multiple of 5) as a code of the voting alphabet, in groups of four."""
    bits = int.from_bytes(data, "big")
    count = len(data) * 8 // 5
    letters = "".join(_ENCODE[(bits >> (5 * (count - 1 - i))) & 31] for i in range(count))
    return "-".join(
        letters[i : i + CODE_GROUP_LENGTH] for i in range(0, len(letters), CODE_GROUP_LENGTH)
    )


def _from_code(code: str, size: int) -> bytes:
    letters = normalise_code(code).replace("-", "")
    if len(letters) * 5 != size * 8 or any(c not in _DECODE for c in letters):
        raise ShareError(_("A key share has 56 letters and digits; check what you typed."))
    bits = 0
    for c in letters:
        bits = (bits << 5) | _DECODE[c]
    return bits.to_bytes(size, "big")


def _checksum(body: bytes) -> bytes:
    return hashlib.sha256(b"werkdruk key share" + body).digest()[:_CHECK]


SHARE_SIZE = 1 + 2 * _HALF + _CHECK  # position, the two halves, the checksum: 35 bytes


def shares_split(private: bytes, holders: int) -> list[str]:
    """The private key as ``holders`` share codes, any ``SHARE_THRESHOLD`` of which restore it.

    Share ``i`` (from 1) is for holder ``i``; each code starts with its position.
    """
    if not SHARE_THRESHOLD <= holders <= MAX_KEY_HOLDERS:
        raise ValueError("2 to 5 key holders")
    low = Shamir.split(SHARE_THRESHOLD, holders, private[:_HALF])
    high = Shamir.split(SHARE_THRESHOLD, holders, private[_HALF:])
    codes = []
    for (position, a), (same, b) in zip(low, high, strict=True):
        assert position == same
        body = bytes([position]) + a + b
        codes.append(_to_code(body + _checksum(body)))
    return codes


def share_parse(code: str) -> tuple[int, bytes]:
    """(position, share) of a typed share code; ``ShareError`` for a typo."""
    data = _from_code(code, SHARE_SIZE)
    body, check = data[:-_CHECK], data[-_CHECK:]
    if _checksum(body) != check or not 1 <= body[0] <= MAX_KEY_HOLDERS:
        raise ShareError(_("This key share contains a typing error; check it and try again."))
    return body[0], body[1:]


def shares_combine(codes: list[str]) -> bytes:
    """The private key from at least ``SHARE_THRESHOLD`` share codes of different holders."""
    parsed = dict(share_parse(code) for code in codes)
    if len(parsed) < SHARE_THRESHOLD:
        raise ShareError(_("Two different key shares are needed to count the vote."))
    chosen = sorted(parsed.items())[:SHARE_THRESHOLD]
    low = Shamir.combine([(p, s[:_HALF]) for p, s in chosen])
    high = Shamir.combine([(p, s[_HALF:]) for p, s in chosen])
    return low + high


def share_hash(code: str) -> str:
    """The SHA-256 of a share's canonical code: kept to recognise a share, never to restore it."""
    return hashlib.sha256(normalise_code(code).encode("ascii")).hexdigest()
