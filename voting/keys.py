"""The key folder: secrets of open votes, kept outside the database (``settings.VOTE_KEY_DIR``).

One file per secret, named ``<vote key id>.<name>``: the private key (``private``), the key of
the paper batches' hashes (``mac``), a key holder's share until they have taken it over
(``handover-<n>``) and a share typed in to count (``entered-<n>``). Files are created with
mode 0600 in a folder of mode 0700 and overwritten before they are deleted. They live only
while their vote is open: counting, cancelling or voiding the vote deletes them, and
``sweep`` deletes what a crash left behind.

With several machines the folder must be one that every web and worker machine shares (the
votes close on whichever machine counts them), and it must be kept out of backups: a backup
of it would undo the destruction. See docs/security.md.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings

PRIVATE = "private"
MAC = "mac"


def handover(position: int) -> str:
    return f"handover-{position}"


def entered(position: int) -> str:
    return f"entered-{position}"


def key_dir() -> Path:
    path = Path(settings.VOTE_KEY_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(key_id, name: str) -> Path:
    return key_dir() / f"{uuid.UUID(str(key_id))}.{name}"


def secret_write(key_id, name: str, data: bytes) -> None:
    """Store a new secret; refuses to overwrite one (each is written once)."""
    path = _path(key_id, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def secret_read(key_id, name: str) -> bytes | None:
    try:
        return _path(key_id, name).read_bytes()
    except FileNotFoundError:
        return None


def secret_exists(key_id, name: str) -> bool:
    return _path(key_id, name).exists()


def _destroy(path: Path) -> None:
    """Overwrite, then delete. (On journalling file systems and SSDs the overwrite is best
    effort; the folder belongs on storage that is not backed up: docs/security.md.)"""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as file:
            file.write(b"\0" * size)
            file.flush()
            os.fsync(file.fileno())
        path.unlink()
    except FileNotFoundError:
        pass


def secret_delete(key_id, name: str) -> None:
    _destroy(_path(key_id, name))


def secrets_destroy(key_id) -> None:
    """Delete every secret of a vote (after it was counted, cancelled or voided)."""
    for path in key_dir().glob(f"{uuid.UUID(str(key_id))}.*"):
        _destroy(path)


def sweep(*, open_key_ids, older_than: float = 3600) -> int:
    """Delete the files of votes that are no longer open (a crash after the commit that
    closed them, or an opening that was rolled back); returns how many were deleted.

    Only files older than ``older_than`` seconds: a vote being opened right now has written
    its key but not yet committed.
    """
    keep = {str(k) for k in open_key_ids}
    deadline = time.time() - older_than
    deleted = 0
    for path in key_dir().iterdir():
        key_id = path.name.split(".", 1)[0]
        if key_id in keep or path.stat().st_mtime > deadline:
            continue
        _destroy(path)
        deleted += 1
    return deleted
