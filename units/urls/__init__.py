"""URLs of the units app, one module per sub-domain."""

from . import budget, split, staff, units, working_method

app_name = "units"

urlpatterns = [
    *staff.urlpatterns,
    *budget.urlpatterns,
    *units.urlpatterns,
    *split.urlpatterns,
    *working_method.urlpatterns,
]
