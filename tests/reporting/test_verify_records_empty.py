"""``manage.py verify_records`` on a database without records (a module of its own: the other
module loads the demo once for all its tests)."""

import io

from django.core.management import call_command


def test_an_empty_database_verifies(db):
    out = io.StringIO()
    call_command("verify_records", stdout=out)
    assert out.getvalue() == (
        "Checked 0 agreement versions, 0 school plan versions, 0 ratification records, "
        "0 task policy decisions, 0 board allocations, 0 budget splits.\nNo differences.\n"
    )
