"""Writes of the units app, by sub-domain: staff (import), budget (steps 0 and the school
budget), units (step 1), split (step 2)."""

from .staff import (
    StaffImportError,
    StaffImportResult,
    StaffImportRowError,
    staff_accounts_link,
    staff_import,
    staff_import_errors,
)

__all__ = [
    "StaffImportError",
    "StaffImportResult",
    "StaffImportRowError",
    "staff_accounts_link",
    "staff_import",
    "staff_import_errors",
]
