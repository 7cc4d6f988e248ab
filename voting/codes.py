"""Personal codes, receipt codes and key shares: how they look and how they are hashed.

Pure functions, shared by the voting services, the survey and the sealing of ballots.
"""

import hashlib
import secrets

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
CODE_GROUP_LENGTH = 4
RECEIPT_GROUPS = 4  # 80 bits
TOKEN_GROUPS = 5  # 100 bits


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_code(groups: int) -> str:
    """A random code such as ``K7QM-2XPA-...`` of ``groups`` groups of four characters."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(groups)
    )


def normalise_code(code: str) -> str:
    """The canonical form of a typed code: upper case, grouped by four, spaces ignored."""
    letters = "".join(c for c in (code or "").upper() if c.isalnum())
    n = CODE_GROUP_LENGTH
    return "-".join(letters[i : i + n] for i in range(0, len(letters), n))
