"""Reference data that data migrations seed (measure categories, example function costs,
workload causes, the default survey).

A transactional test (browser and integration tests) empties every table when it ends, so the
tests that run after one would find no reference data: their fixtures seed it again. The
seeds are idempotent.
"""

from importlib import import_module

SEEDS = (
    "plans.migrations.0002_measure_categories",
    "plans.migrations.0004_function_costs_seed",
    "plans.migrations.0006_workload_causes_seed",
    "surveys.migrations.0002_default_template",
)


def reference_data_seed() -> None:
    from django.apps import apps

    for module in SEEDS:
        import_module(module).seed(apps, None)
