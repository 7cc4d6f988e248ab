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

The first write leaves a marker file in the folder. A missing key in a folder without the
marker means "this is not the folder the keys were written to" (not mounted, another machine),
``FolderUnavailable``, never "the key is lost": only a lost key makes a vote void.
"""

import logging
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

logger = logging.getLogger(__name__)

PRIVATE = "private"
MAC = "mac"


def handover(position: int) -> str:
    return f"handover-{position}"


def entered(position: int) -> str:
    return f"entered-{position}"


MARKER = ".werkdruk-vote-keys"
# The files this module writes: <uuid>.<name>; nothing else in the folder is ever touched.
SECRET_FILE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"\.(private|mac|handover-\d+|entered-\d+)$"
)


# Functions returning the key ids still in use by another app (the survey's open rounds): the
# sweep keeps their files. Registered from that app's AppConfig.ready().
_live_key_sources = []


def register_live_keys(source) -> None:
    if source not in _live_key_sources:
        _live_key_sources.append(source)


def live_key_ids() -> set[str]:
    return {str(k) for source in _live_key_sources for k in source() if k}


class FolderUnavailable(DomainError):
    """The key folder is not there (not mounted on this machine, or the wrong path)."""


def key_dir() -> Path:
    return Path(settings.VOTE_KEY_DIR)


def folder_available() -> bool:
    """The folder exists and is the one keys were written to (it holds the marker)."""
    return (key_dir() / MARKER).is_file()


def _unavailable() -> FolderUnavailable:
    return FolderUnavailable(
        _(
            "The folder with the votes' keys is not available on this server (VOTE_KEY_DIR). "
            "Nothing is lost yet: ask the system administrator to make it available again."
        )
    )


def _path(key_id, name: str) -> Path:
    return key_dir() / f"{uuid.UUID(str(key_id))}.{name}"


def secret_write(key_id, name: str, data: bytes) -> None:
    """Store a new secret; refuses to overwrite one (each is written once).

    Creates the folder (mode 0700) and its marker on the first write, as on a first run.
    """
    folder = key_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / MARKER).touch(mode=0o600, exist_ok=True)
    path = _path(key_id, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def secret_read(key_id, name: str) -> bytes | None:
    """The secret, or None if it is not there; ``FolderUnavailable`` if the folder is not."""
    try:
        return _path(key_id, name).read_bytes()
    except FileNotFoundError:
        if not folder_available():
            raise _unavailable() from None
        return None


def secret_exists(key_id, name: str) -> bool:
    """Whether the secret is there; ``FolderUnavailable`` if the folder is not."""
    if _path(key_id, name).exists():
        return True
    if not folder_available():
        raise _unavailable()
    return False


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


def _secret_files():
    folder = key_dir()
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if SECRET_FILE.match(p.name) and p.is_file()]


def secrets_destroy(key_id) -> None:
    """Delete every secret of a vote (after it was counted, cancelled or voided)."""
    prefix = f"{uuid.UUID(str(key_id))}."
    for path in _secret_files():
        if path.name.startswith(prefix):
            _destroy(path)


def sweep(*, open_key_ids, older_than: float = 3600) -> int:
    """Delete the secrets of votes that are no longer open (a crash after the commit that
    closed them, or an opening that was rolled back); returns how many were deleted.

    Only our own files (``SECRET_FILE``), and only those older than ``older_than`` seconds: a
    vote being opened right now has written its key but not yet committed. One folder serves
    one database: another installation's keys in the same folder would look abandoned.
    """
    keep = {str(k) for k in open_key_ids} | live_key_ids()
    deadline = time.time() - older_than
    deleted = 0
    for path in _secret_files():
        key_id = path.name.split(".", 1)[0]
        if key_id in keep or path.stat().st_mtime > deadline:
            continue
        _destroy(path)
        logger.warning("Destroyed %s, left by a vote that is no longer open", path.name)
        deleted += 1
    return deleted
