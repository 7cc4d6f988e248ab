"""Reads of the units app, by sub-domain."""

from .staff import StaffCategoryTotal, StaffSummary, staff_member_list, staff_member_summary

__all__ = ["StaffCategoryTotal", "StaffSummary", "staff_member_list", "staff_member_summary"]
