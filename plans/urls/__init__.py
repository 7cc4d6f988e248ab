"""URLs of the plans app, one module per sub-domain."""

from . import (
    announcements,
    frameworks,
    function_costs,
    ideas,
    measure_votes,
    unit_plan_votes,
    unit_plans,
)

app_name = "plans"

urlpatterns = [
    *frameworks.urlpatterns,
    *announcements.urlpatterns,
    *unit_plans.urlpatterns,
    *ideas.urlpatterns,
    *unit_plan_votes.urlpatterns,
    *measure_votes.urlpatterns,
    *function_costs.urlpatterns,
]
