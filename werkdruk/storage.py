"""Where generated files live: Django's storage API, the filesystem by default, an
S3-compatible bucket in production (``STORAGE_BACKEND=s3``).

Every generated file (today: the board's annual report files, ``reporting.ReportJob.file``)
is saved, read and deleted through ``default_storage``, never through a path on the local
disk, so web and worker may run on different machines that share nothing but the storage.
The files are private: a bucket object gets no public ACL and is never linked by its media
URL. The permission-checking view hands it out (``stored_file_response``): streamed from the
storage, or, with ``STORAGE_DOWNLOAD=redirect`` and a storage that signs URLs (S3), a redirect
to a presigned URL valid for ``STORAGE_URL_EXPIRE_SECONDS``. The stored names are random
(``uuid4``), so neither URL can be guessed.

The votes' private keys are deliberately not here (``voting/keys.py``): they stay out of the
database and the storage, in ``VOTE_KEY_DIR``.
"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect

logger = logging.getLogger(__name__)

FILESYSTEM = "filesystem"
S3 = "s3"
BACKENDS = (FILESYSTEM, S3)
STREAM = "stream"
REDIRECT = "redirect"
S3_BACKEND = "storages.backends.s3.S3Storage"


def default_storage_setting(env, *, url_expire_seconds: int) -> dict:
    """``STORAGES["default"]`` from the environment (docs/deployment.md lists the variables).

    Credentials are not settings: boto3 reads ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY`` (or an instance role) itself."""
    backend = env.str("STORAGE_BACKEND", default="").strip().lower()
    if not backend:
        backend = S3 if env.str("AWS_STORAGE_BUCKET_NAME", default="") else FILESYSTEM
    if backend == FILESYSTEM:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != S3:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"STORAGE_BACKEND is {backend!r}: use {' or '.join(BACKENDS)} (docs/deployment.md)."
        )
    options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
        "location": env.str("AWS_LOCATION", default=""),
        # Private: no ACL is sent (the bucket's own, which must block public access), and a
        # URL, when one is made, is signed and short-lived.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": url_expire_seconds,
        "custom_domain": None,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    for option, variable in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("addressing_style", "AWS_S3_ADDRESSING_STYLE"),
    ):
        value = env.str(variable, default="")
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def signs_urls(storage) -> bool:
    """Whether ``storage.url`` gives a short-lived signed URL (S3 with query-string auth); a
    filesystem storage's URL is a public media URL that nothing serves."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def stored_file_response(name: str, *, filename: str, content_type: str, storage=None):
    """The download of the stored file ``name`` as ``filename``, after the caller checked the
    permission: a redirect to a presigned URL (``STORAGE_DOWNLOAD=redirect`` on S3) or the file
    streamed from the storage. Raises ``FileNotFoundError``/``OSError`` when it cannot be read."""
    storage = storage or default_storage
    if settings.STORAGE_DOWNLOAD == REDIRECT and signs_urls(storage):
        url = storage.url(
            name,
            parameters={
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.STORAGE_URL_EXPIRE_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open(name, "rb"),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    response["Cache-Control"] = "private, no-store"
    return response


def stored_files_delete(names, *, storage=None) -> None:
    """Delete the stored files ``names`` once the current transaction commits (at once outside
    one), through the storage. A file that cannot be deleted is logged, never raised: the rows
    that pointed to it are gone or emptied already."""
    storage = storage or default_storage
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("A stored file could not be deleted")

    transaction.on_commit(delete)
