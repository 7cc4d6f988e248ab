"""A school's own function costs (the yearly cost of 1.0 fte per function and school year),
kept by its director or its board. A school's row replaces the default (the shipped examples,
``school`` empty) of that function and school year for that school only; ``measure_costs``
costs the school's unit plans with them.

Each service locks the school's row, so two changes at the same moment are made one after the
other; the table's history (django-simple-history) keeps who changed what.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from processes.models import School, SchoolYear
from processes.services import require_perm
from werkdruk.exceptions import DomainError

from ..models import FunctionCost

CHANGE = "plans.change_function_costs"
CHANGE_FOR_BOARD = "plans.change_board_function_costs"


def _function_name(function) -> str:
    function = " ".join((function or "").split())
    if not function:
        raise DomainError(_("Give the function."))
    if len(function) > 100:
        raise DomainError(_("A function's name has at most 100 characters."))
    return function


def _figures(yearly_cost, hourly_cost):
    if yearly_cost is None or yearly_cost < 0:
        raise DomainError(_("Give the yearly cost of 1.0 fte (0 or more)."))
    if hourly_cost is not None and hourly_cost < 0:
        raise DomainError(_("An hourly cost is 0 or more."))


def _lock(school) -> School:
    return School.objects.select_for_update().get(pk=school.pk)


@transaction.atomic
def function_cost_add(
    *, school, actor, start_year, function, yearly_cost, hourly_cost=None, source=""
) -> FunctionCost:
    """Give ``school`` its own cost of ``function`` in the school year starting ``start_year``."""
    require_perm(actor, CHANGE, school)
    school = _lock(school)
    function = _function_name(function)
    _figures(yearly_cost, hourly_cost)
    school_year, _created = SchoolYear.objects.get_or_create(start_year=start_year)
    if FunctionCost.objects.filter(
        school=school, school_year=school_year, function__iexact=function
    ).exists():
        raise DomainError(
            _("%(school)s already has its own cost of %(function)s for %(year)s: change that one.")
            % {"school": school, "function": function, "year": school_year}
        )
    default = FunctionCost.objects.filter(school__isnull=True, function__iexact=function).first()
    try:
        with transaction.atomic():
            return FunctionCost.objects.create(
                school=school,
                school_year=school_year,
                function=default.function if default else function,
                yearly_cost=yearly_cost,
                hourly_cost=hourly_cost,
                source=source,
                order=default.order if default else 100,
            )
    except IntegrityError as error:  # pragma: no cover - the lock makes this a race of none
        raise DomainError(_("This cost was just added by someone else.")) from error


def _own_row(school, cost) -> FunctionCost:
    pk = getattr(cost, "pk", cost)
    row = FunctionCost.objects.select_for_update().filter(pk=pk, school=school).first()
    if row is None:
        raise DomainError(_("Only a school's own costs can be changed here."))
    return row


@transaction.atomic
def function_cost_change(
    *, school, actor, cost, yearly_cost, hourly_cost=None, source=""
) -> FunctionCost:
    """Change the figures of one of ``school``'s own rows (its function and year stay)."""
    require_perm(actor, CHANGE, school)
    school = _lock(school)
    row = _own_row(school, cost)
    _figures(yearly_cost, hourly_cost)
    row.yearly_cost = yearly_cost
    row.hourly_cost = hourly_cost
    row.source = source
    row.is_example = False
    row.save()
    return row


@transaction.atomic
def function_cost_delete(*, school, actor, cost) -> None:
    """Remove one of ``school``'s own rows: the default counts again for that year."""
    require_perm(actor, CHANGE, school)
    school = _lock(school)
    _own_row(school, cost).delete()


@transaction.atomic
def function_cost_set_for_board(
    *, board, actor, start_year, function, yearly_cost, hourly_cost=None, source=""
) -> int:
    """Give every school of ``board`` this cost of ``function`` for that school year (a school's
    own row of it is replaced). Returns the number of schools."""
    require_perm(actor, CHANGE_FOR_BOARD, board)
    schools = list(School.objects.select_for_update().filter(board=board).order_by("pk"))
    function = _function_name(function)
    _figures(yearly_cost, hourly_cost)
    if not schools:
        raise DomainError(_("The board has no schools yet."))
    school_year, _created = SchoolYear.objects.get_or_create(start_year=start_year)
    default = FunctionCost.objects.filter(school__isnull=True, function__iexact=function).first()
    name = default.function if default else function
    for school in schools:
        row = FunctionCost.objects.filter(
            school=school, school_year=school_year, function__iexact=function
        ).first() or FunctionCost(
            school=school,
            school_year=school_year,
            function=name,
            order=default.order if default else 100,
        )
        row.yearly_cost = yearly_cost
        row.hourly_cost = hourly_cost
        row.source = source
        row.is_example = False
        row.save()
    return len(schools)
