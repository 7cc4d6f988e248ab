"""URLs of the units app, one module per sub-domain."""

from . import budget, kickoff, meetings, split, staff, units, working_method

app_name = "units"

urlpatterns = [
    *staff.urlpatterns,
    *budget.urlpatterns,
    *units.urlpatterns,
    *split.urlpatterns,
    *kickoff.urlpatterns,
    *working_method.urlpatterns,
    *meetings.urlpatterns,
]
