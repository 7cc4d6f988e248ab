"""Writes of the units app. Each service checks permission, runs in one transaction and raises
a domain error with user-facing messages."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from import_export.results import RowResult

from accounts.services import users_get_or_create_by_address
from processes import registry
from processes.models import Process, ProcessStep, School
from processes.services import step_content_changed
from werkdruk.tabular import read_upload

from ..importing import (
    ImportRejected,
    ImportRowError,
    StaffFileError,
    read_staff_file,
)
from ..models import StaffMember
from ..resources import ERROR_CODE, StaffMemberResource

logger = logging.getLogger(__name__)


StaffImportRowError = ImportRowError


class StaffImportError(ImportRejected):
    """The staff list was not imported; ``errors`` says what is wrong, row by row."""


@dataclass(frozen=True)
class StaffImportResult:
    """Counts of one import. With ``dry_run`` they say what an import would do."""

    added: int
    changed: int
    unchanged: int
    deactivated: int
    dry_run: bool = False
    accounts_created: int = 0


@transaction.atomic
def staff_import(*, school: School, file, actor, dry_run: bool = False) -> StaffImportResult:
    """Replace the staff list of ``school`` by the uploaded file (CSV or XLSX).

    ``file`` is an uploaded file (anything with ``read()`` and ``name``). Every row is validated
    before anything is kept: when any row (or the file) is wrong, nothing is written and
    StaffImportError lists each problem with its Excel row number. Otherwise staff are matched
    by e-mail address (case-insensitive) and added or updated, and staff of the school missing
    from the file are deactivated (never deleted). ``dry_run`` validates and counts only.

    Raises PermissionDenied unless ``actor`` has ``units.import_staff`` on the school.
    """
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    # One import per school at a time: the second waits and then sees the first one's rows.
    School.objects.select_for_update().filter(pk=school.pk).first()

    content, filename = read_upload(file)
    try:
        dataset = read_staff_file(content, filename)
    except StaffFileError as error:
        raise StaffImportError([StaffImportRowError(None, tuple(error.messages))]) from error

    before = _agreement_facts(school)
    resource = StaffMemberResource(school=school)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=actor,
    )
    errors = staff_import_errors(result)
    if errors:
        raise StaffImportError(errors)
    if not dry_run:
        _reopen_steps_the_import_changed(school, actor, before, _agreement_facts(school))
    return StaffImportResult(
        added=result.totals[RowResult.IMPORT_TYPE_NEW],
        changed=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=result.unchanged,
        deactivated=result.deactivated,
        dry_run=dry_run,
        accounts_created=0 if dry_run else staff_accounts_link(school=school),
    )


def _agreement_facts(school) -> dict[str, tuple]:
    """What the agreement of steps 1-2 depends on: who is active, their category and fte."""
    return {
        email: (category, fte)
        for email, category, fte in StaffMember.objects.filter(
            school=school, active=True
        ).values_list("email", "category", "fte")
    }


def _reopen_steps_the_import_changed(school, actor, before, after) -> None:
    """A new list can change what steps 1 and 2 agreed (who is in a unit, the fte behind the
    split). Before the vote, such a step is reopened as a recorded decision; during and after the
    vote the agreement stands and the list changes only the running year's figures."""
    people_changed = before.keys() != after.keys() or any(
        before[email][0] != after[email][0] for email in after
    )
    fte_changed = any(before[email][1] != after[email][1] for email in after.keys() & before.keys())
    if not (people_changed or fte_changed):
        return
    number = 1 if people_changed else 2
    voted = ProcessStep.objects.filter(number=4, state=ProcessStep.State.DONE).values("process")
    with translation.override(settings.LANGUAGE_CODE):
        what = gettext("a new staff list was imported")
    for process in Process.objects.filter(school=school).exclude(pk__in=voted):
        if registry.agreement_lock_reason(process):
            continue  # staff are voting on the frozen agreement; the roll is frozen too
        step_content_changed(process=process, number=number, actor=actor, what=what)


def staff_accounts_link(*, school: School) -> int:
    """Give every active staff member of ``school`` a user account, so they can sign in.

    Someone who already has an account with this address verified (e.g. at another school of
    the board, or an address they confirmed themselves) is linked to it; an unverified address
    links nobody. Others get a new account without a password, with the address as its
    verified primary address: the school's staff list vouches for its staff's work addresses,
    and they sign in with a code sent to it. Other accounts' unverified claims on such an
    address are removed. Returns the number of accounts created.
    """
    staff = list(StaffMember.objects.filter(school=school, active=True, user__isnull=True))
    if not staff:
        return 0
    accounts, created = users_get_or_create_by_address(
        people=[(member.email, member.name) for member in staff]
    )
    for member in staff:
        member.user = accounts[member.email.lower()]
    StaffMember.objects.bulk_update(staff, ["user"])
    return created


def staff_import_errors(result) -> list[StaffImportRowError]:
    """The problems of an import-export Result of StaffMemberResource, in row order."""
    errors = []
    for base_error in result.base_errors:
        error = base_error.error
        if isinstance(error, PermissionDenied):
            raise error
        if isinstance(error, StaffFileError):
            errors.append(StaffImportRowError(None, tuple(error.messages)))
        else:
            logger.error("Staff import failed", exc_info=error)
            errors.append(StaffImportRowError(None, (_("The file could not be imported."),)))

    by_row: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        by_row.setdefault(invalid.number, []).extend(_validation_messages(invalid.error))
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.error("Staff import row %s failed", error_row.number, exc_info=error.error)
        by_row.setdefault(error_row.number, []).append(_("This row could not be imported."))
    errors.extend(StaffImportRowError(number, tuple(by_row[number])) for number in sorted(by_row))
    return errors


def _validation_messages(validation_error) -> list[str]:
    """Our own messages as they are; Django's generic ones prefixed with the field's name."""
    messages = []
    for field, field_errors in validation_error.error_dict.items():
        for error in field_errors:
            for message in error.messages:
                if error.code == ERROR_CODE or field == NON_FIELD_ERRORS:
                    messages.append(message)
                else:
                    messages.append(f"{_field_label(field)}: {message}")
    return messages


def _field_label(field: str) -> str:
    try:
        return str(StaffMember._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field
