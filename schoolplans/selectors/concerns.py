"""Reads of the meldpunt: the reports of a process as the director and the PMR see them, a
staff member's own reports, and the answered reports the reporters agreed to share.

A report whose reporter did not give their name carries no key to the account, only
``Concern.reporter_digest``: a keyed hash (HMAC-SHA256 with the site's secret key) of the
account's id and the row's random salt. ``is_own`` recomputes it for the signed-in user, so the
reporter finds their report and its answer again while no page, export or table row shows who
it was. The hash with the secret key could be tried against every account by an operator who
holds both the database and the key: anonymous towards the school, pseudonymous towards the
operator (docs/privacy.md). A new secret key (without the old one in SECRET_KEY_FALLBACKS)
makes such a report nobody's.
"""

import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

from ..models import Concern
from .decision_list import ratification_record_for

KEY_SALT = "schoolplans.concern.reporter"


def reporter_digest(user, salt: str, *, secret=None) -> str:
    """The keyed hash that stands for ``user`` in an anonymous report with ``salt``."""
    return salted_hmac(KEY_SALT, f"{salt}:{user.pk}", secret=secret, algorithm="sha256").hexdigest()


def is_own(concern: Concern, user) -> bool:
    """Whether ``user`` made ``concern`` (named: the key; anonymous: the keyed hash)."""
    if not user.is_authenticated:
        return False
    if concern.reporter_id is not None:
        return concern.reporter_id == user.pk
    if not concern.reporter_digest:
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(concern.reporter_digest, reporter_digest(user, concern.salt, secret=s))
        for s in secrets
    )


def ratified_measures(process) -> list[dict]:
    """The measures of ``process``'s ratified school plan (key and title), or none."""
    record = ratification_record_for(process)
    if record is None:
        return []
    measures = (record.version.content or {}).get("measures") or []
    return [{"key": str(m["key"]), "title": m["title"]} for m in measures]


def concern_list(process) -> list[Concern]:
    """Every report of ``process``: the open ones first, newest first (one query)."""
    concerns = Concern.objects.filter(process=process).order_by("-number")
    return sorted(concerns, key=lambda c: c.is_answered)


def own_concerns(process, user) -> list[Concern]:
    """The reports ``user`` made on ``process``, newest first (one query)."""
    concerns = Concern.objects.filter(process=process).order_by("-number")
    return [concern for concern in concerns if is_own(concern, user)]


def shared_concerns(process) -> list[Concern]:
    """The answered reports whose reporters agreed to show them to colleagues (one query)."""
    return list(
        Concern.objects.filter(process=process, shared=True, answered_at__isnull=False).order_by(
            "-answered_at", "-pk"
        )
    )


def open_count(process) -> int:
    return Concern.objects.filter(process=process, answered_at__isnull=True).count()
