"""Forms of the units app, by sub-domain."""

from .staff import StaffImportForm, validate_staff_upload

__all__ = ["StaffImportForm", "validate_staff_upload"]
