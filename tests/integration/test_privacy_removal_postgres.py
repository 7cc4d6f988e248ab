"""The removal on PostgreSQL: JSON fields are searched as jsonb cast to text there (SQLite
stores JSON as text), and nothing of the person is left while the totals stay."""

from privacy.selectors.export import person_export
from privacy.services.removal import staff_member_remove
from tests.privacy.builders import EMAIL, NAME, person_with_everything, totals, traces


def test_removal_on_postgresql_leaves_no_trace(process, director):
    person = person_with_everything(process=process, director=director)
    assert person_export(member=person.member)["records"]["units.StaffMember"]["rows"]
    before = totals(person)
    assert any("Decision.content" in trace for trace in traces([EMAIL]))

    staff_member_remove(member=person.member, actor=director, reason=f"{NAME} left")

    assert traces([NAME, EMAIL]) == []
    assert totals(person) == before
