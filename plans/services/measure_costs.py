"""A measure's cost from what a unit enters, and measures and rules as facts for the checks.

``measure_costs`` validates the input of one cost type, looks up the function's yearly or
hourly cost per school year (``FunctionCost``: the school's own row, else the default; a
school year without a row uses the latest earlier one) and computes the cost per school year
with ``plans.costs``. It only reads, so the plan editor also uses it for its live preview.
Exported by ``plans.services.unit_plans``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

from ..checks import MeasureFacts, RuleFacts
from ..costs import CostSpec, cost_per_school_year, rate_for, total_cost
from ..models import FunctionCost, Measure

CostType = Measure.CostType
YEARS_MAX = 10  # school years one measure may span
YEAR_RANGE = (2000, 2100)
AMOUNT_LIMIT = Decimal("10000000000")  # 12 digits, 2 decimals
# field: (decimal places, limit), as the Measure columns store them
NUMBERS = {
    "amount": (2, AMOUNT_LIMIT),
    "fte": (4, Decimal("100")),
    "hours": (2, Decimal("1000000")),
    "hourly_rate": (2, AMOUNT_LIMIT),
}


@dataclass(frozen=True)
class MeasureCost:
    """A measure's cost in each school year it runs (whole cents), the total over all of
    them, and the rates used (JSON-ready, stored with the measure)."""

    per_year: dict[int, Decimal]
    total: Decimal
    rates: dict

    @property
    def per_year_json(self) -> dict[str, str]:
        return {str(year): str(amount) for year, amount in self.per_year.items()}


def school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def _number(value, field) -> Decimal | None:
    if value is None or value == "":
        return None
    places, limit = NUMBERS[field]
    label = Measure._meta.get_field(field).verbose_name
    error = _("Give the %(field)s as a number with at most %(places)s decimals.") % {
        "field": label,
        "places": places,
    }
    if isinstance(value, float | bool):
        raise DomainError(error)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(error) from None
    if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
        raise DomainError(error)
    if number < 0:
        raise DomainError(_("The %(field)s cannot be negative.") % {"field": label})
    if number >= limit:
        raise DomainError(_("The %(field)s is too large.") % {"field": label})
    return number


def _years(first_year, last_year) -> list[int]:
    for year in (first_year, last_year):
        if isinstance(year, bool) or not isinstance(year, int):
            raise DomainError(_("Choose the first and the last school year."))
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise DomainError(_("Choose a school year between 2000 and 2100."))
    if first_year > last_year:
        raise DomainError(_("The last school year cannot come before the first."))
    if last_year - first_year >= YEARS_MAX:
        raise DomainError(
            _("A measure runs for at most %(max)s school years.") % {"max": YEARS_MAX}
        )
    return list(range(first_year, last_year + 1))


def cost_inputs(
    *, cost_type, amount=None, fte=None, hours=None, function="", hourly_rate=None
) -> dict:
    """The cost fields as stored: validated, and cleared where the cost type does not use
    them (an hourly cost given with a function is ignored: the function's cost applies)."""
    if cost_type not in CostType.values:
        raise DomainError(_("Choose what kind of cost the measure has."))
    fields = {"cost_type": cost_type, "amount": None, "fte": None, "hours": None}
    fields.update(function="", hourly_rate=None)
    function = (function or "").strip()
    if len(function) > 100:
        raise DomainError(_("Choose a function from the function costs."))
    if cost_type == CostType.FIXED:
        fields["amount"] = _number(amount, "amount")
        if fields["amount"] is None:
            raise DomainError(_("Give the amount per school year."))
    elif cost_type == CostType.FTE:
        fields["fte"] = _number(fte, "fte")
        if fields["fte"] is None:
            raise DomainError(_("Give the fte."))
        if not function:
            raise DomainError(_("Choose the function whose yearly cost applies."))
        fields["function"] = function
    elif cost_type == CostType.HOURS:
        fields["hours"] = _number(hours, "hours")
        if fields["hours"] is None:
            raise DomainError(_("Give the number of hours per school year."))
        if function:
            fields["function"] = function
        else:
            fields["hourly_rate"] = _number(hourly_rate, "hourly_rate")
            if fields["hourly_rate"] is None:
                raise DomainError(_("Choose a function or give the cost of one hour."))
    return fields


def _function_rates(function, cost_type, years, school=None) -> tuple[dict[int, Decimal], bool]:
    """The function's rate in each of ``years`` and whether any of them is an example value.
    For ``school`` its own figures replace the defaults, school year by school year."""
    rows = list(FunctionCost.objects.table(function, school).values())
    if not rows:
        raise DomainError(
            _("There is no yearly cost for the function %(function)s.") % {"function": function}
        )
    hourly = cost_type == CostType.HOURS
    table = {
        row.school_year.start_year: row.effective_hourly_cost if hourly else row.yearly_cost
        for row in rows
    }
    examples = {row.school_year.start_year: row.is_example for row in rows}
    rates, example = {}, False
    for year in years:
        earlier = [y for y in table if y <= year]
        if not earlier:
            raise DomainError(
                _("There is no cost of %(function)s for the school year %(year)s or earlier.")
                % {"function": function, "year": school_year_label(year)}
            )
        rates[year] = rate_for(table, year)
        example = example or examples[max(earlier)]
    return rates, example


def measure_costs(
    *,
    cost_type,
    amount=None,
    fte=None,
    hours=None,
    function="",
    hourly_rate=None,
    first_year,
    last_year,
    structural,
    school=None,
) -> MeasureCost:
    """What a measure costs per school year and in total, and the rates used (no writes).

    Raises DomainError for missing or invalid input, an unknown function, or a function
    without a cost for the first school year the measure costs money (or earlier)."""
    fields = cost_inputs(
        cost_type=cost_type,
        amount=amount,
        fte=fte,
        hours=hours,
        function=function,
        hourly_rate=hourly_rate,
    )
    years = _years(first_year, last_year)
    charged = years if structural else years[:1]  # a one-off measure costs in its first year
    rates: dict = {}
    rate: Decimal | dict | None = None
    if fields["function"]:
        rate, example = _function_rates(fields["function"], cost_type, charged, school)
        key = "yearly_cost" if cost_type == CostType.FTE else "hourly_cost"
        rates = {
            "function": fields["function"],
            key: {str(year): str(value) for year, value in rate.items()},
            "example": example,
        }
    elif cost_type == CostType.HOURS:
        rate = fields["hourly_rate"]
        rates = {"hourly_cost": {str(year): str(rate) for year in charged}}
    spec = CostSpec(
        cost_type=cost_type,
        amount=fields["amount"],
        fte=fields["fte"],
        hours=fields["hours"],
        rate=rate,
    )
    per_year = cost_per_school_year(spec, years, structural=bool(structural))
    total = total_cost(per_year)
    if total >= AMOUNT_LIMIT:
        raise DomainError(_("The measure costs too much."))
    return MeasureCost(per_year=per_year, total=total, rates=rates)


def measure_facts(measure) -> MeasureFacts:
    """A measure as the framework checks see it; its money is spent by the end of its last
    school year (31 July)."""
    return MeasureFacts(
        key=str(measure.pk),
        title=measure.title,
        category=measure.category.code,
        cost=measure.total_cost,
        structural=measure.structural,
        benefit_share=measure.benefit_share,
        last_spending_date=datetime.date(measure.last_year + 1, 7, 31),
    )


def rule_facts(rule) -> RuleFacts:
    """A framework rule (or its facts already) as the checks see it."""
    if isinstance(rule, RuleFacts):
        return rule
    return RuleFacts(
        key=str(rule.pk),
        severity=rule.severity,
        check=rule.machine_check,
        max_amount=rule.max_amount,
        max_percentage=rule.max_percentage,
        deadline=rule.deadline,
        categories=frozenset(category.code for category in rule.categories.all()),
    )
