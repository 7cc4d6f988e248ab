"""URLs of the units app, one module per sub-domain."""

from . import budget, split, staff, units

app_name = "units"

urlpatterns = [*staff.urlpatterns, *budget.urlpatterns, *units.urlpatterns, *split.urlpatterns]
