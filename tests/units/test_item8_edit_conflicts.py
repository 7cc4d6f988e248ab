"""Issue 14, item 8: no silent lost updates on a unit's working method (its members, the
director and the PMR may all record it)."""

import pytest

from tests.fixtures.edit_conflicts import browser, conflict_rows, page_version
from units.models import WorkingMethod
from units.services.working_method import MeetingData, working_method_record
from werkdruk.edit_conflicts import EditConflict

from .test_working_method import (
    form_data,
    member_of,
    process,  # noqa: F401 (fixture)
    record,
    soon,
    staff_of,
    unit_of,
    unit_url,
    user,
)

pytestmark = pytest.mark.django_db


def test_item8_second_save_of_a_working_method_gets_the_conflict_page(process):  # noqa: F811
    unit = unit_of(process, "docent")
    record(unit, user("directeur"), leader=staff_of(process, "docent"))
    member, pmr = browser(user("docent")), browser(user("pmr"))
    page = unit_url(process, unit)
    loaded_member = page_version(member.get(page))
    loaded_pmr = page_version(pmr.get(page))
    meeting = [(soon(30).isoformat(), "", "Aula", "")]

    saved = member.post(
        page,
        form_data(
            staff_of(process, "docent"), meeting, facilitation="A meal.", version=loaded_member
        ),
    )
    response = pmr.post(
        page, form_data(staff_of(process, "docent"), decision_mode="vote", version=loaded_pmr)
    )

    assert saved.status_code == 302
    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Facilitation changed by both"] == (
        "In working time, instead of a team meeting.",
        "A meal.",
        "Replaces a team meeting",
    )
    assert rows["How the unit decides changed by you"][1:] == (
        "by consensus",
        "by a vote in this application",
    )
    assert rows["Meetings"][0] == "(not kept)"  # the history does not keep the meetings
    assert "Aula" in rows["Meetings"][1]
    method = WorkingMethod.objects.get(unit=unit)
    assert (method.facilitation, method.decision_mode, method.version) == (
        "A meal.",
        "consensus",
        2,
    )

    again = pmr.post(
        page,
        form_data(
            staff_of(process, "docent"), decision_mode="vote", version=page_version(response)
        ),
    )
    assert again.status_code == 302
    method.refresh_from_db()
    assert (method.decision_mode, method.version) == ("vote", 3)


def test_item8_the_first_recording_by_two_people_at_once(process):  # noqa: F811
    unit = unit_of(process, "docent")
    kwargs = {
        "decision_mode": "consensus",
        "participation": "voluntary",
        "meetings": [MeetingData(date=soon())],
        "version": 0,
    }
    working_method_record(unit=unit, actor=user("directeur"), leader=member_of(unit), **kwargs)
    with pytest.raises(EditConflict):
        working_method_record(
            unit=unit,
            actor=user("pmr"),
            leader=member_of(unit),
            facilitation="Other",
            **kwargs,
        )
    assert WorkingMethod.objects.get(unit=unit).facilitation == ""
