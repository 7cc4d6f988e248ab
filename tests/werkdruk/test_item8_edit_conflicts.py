"""Issue 14, item 8: the version rule of werkdruk.edit_conflicts."""

from types import SimpleNamespace

import pytest

from werkdruk.edit_conflicts import EditConflict, version_check, version_next


def record(version):
    return SimpleNamespace(pk=7, version=version)


def test_item8_a_record_that_moved_on_is_a_conflict():
    with pytest.raises(EditConflict) as conflict:
        version_check(record(3), 2)
    assert (conflict.value.pk, conflict.value.loaded_version) == (7, 2)


def test_item8_a_record_created_while_the_form_was_open_is_a_conflict():
    with pytest.raises(EditConflict):
        version_check(record(1), 0)  # the form was loaded before anything was recorded


@pytest.mark.parametrize(("stored", "loaded"), [(record(2), 2), (record(2), None), (None, 0)])
def test_item8_no_conflict_when_nothing_was_overwritten(stored, loaded):
    version_check(stored, loaded)


def test_item8_each_change_counts_the_version_up():
    stored = record(0)
    version_next(stored)
    version_next(stored)
    assert stored.version == 2
