"""Seed EXAMPLE yearly costs per function for the current and the next school year.

The values are made up, round figures of a plausible size (employer's cost of 1.0 fte): they are
marked ``is_example`` with the source "example values, replace with your own", so nobody mistakes
them for real costs. The administrator replaces them in the admin. Existing rows are never touched.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

SOURCE = "example values, replace with your own"

# function, example yearly cost of 1.0 fte in the current school year
FUNCTIONS = [
    ("docent LB", Decimal("85000.00")),
    ("docent LC", Decimal("95000.00")),
    ("onderwijsassistent", Decimal("60000.00")),
    ("conciërge", Decimal("55000.00")),
    ("administratief medewerker", Decimal("57000.00")),
    ("teamleider", Decimal("110000.00")),
]

# The next school year's example values are 3% higher (a made-up indexation), to the euro.
NEXT_YEAR_FACTOR = Decimal("1.03")


def current_start_year(today=None):
    today = today or timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def seed(apps, schema_editor, today=None):
    SchoolYear = apps.get_model("processes", "SchoolYear")
    FunctionCost = apps.get_model("plans", "FunctionCost")
    start = current_start_year(today)
    for offset, factor in ((0, Decimal(1)), (1, NEXT_YEAR_FACTOR)):
        school_year, _ = SchoolYear.objects.get_or_create(start_year=start + offset)
        for order, (function, yearly_cost) in enumerate(FUNCTIONS):
            FunctionCost.objects.get_or_create(
                school_year=school_year,
                function=function,
                defaults={
                    "yearly_cost": (yearly_cost * factor).quantize(Decimal(1)),
                    "is_example": True,
                    "source": SOURCE,
                    "order": order,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("plans", "FunctionCost").objects.filter(is_example=True, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_function_costs")]

    operations = [migrations.RunPython(seed, unseed)]
