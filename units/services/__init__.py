"""Writes of the units app, by sub-domain: staff (import), budget (steps 0 and the school
budget), units (step 1), split (step 2), addresses (the "address unusable" mark, the notice
that a code sheet was printed)."""

from .addresses import (
    sheet_printed_notify,
    staff_email_refused,
    staff_email_unusable_clear,
    staff_email_unusable_mark,
)
from .staff import (
    StaffImportError,
    StaffImportResult,
    StaffImportRowError,
    staff_accounts_link,
    staff_import,
    staff_import_errors,
)

__all__ = [
    "sheet_printed_notify",
    "staff_email_refused",
    "staff_email_unusable_clear",
    "staff_email_unusable_mark",
    "StaffImportError",
    "StaffImportResult",
    "StaffImportRowError",
    "staff_accounts_link",
    "staff_import",
    "staff_import_errors",
]
