"""Hypothesis profiles: `ci` when CI is set, `dev` otherwise; --hypothesis-profile overrides.

On a busy machine (CI, or two test processes on two cores under pytest-xdist) a single example
is slow now and then: no failure, so neither the deadline nor the too_slow health check applies
there. CI also draws the same examples on every run (derandomize), so a red run stays red when
it is run again; the random exploring is left to developers' runs. A failure prints the blob
to replay it with @reproduce_failure.

A test's own @settings(suppress_health_check=...) replaces the profile's list: keep
HealthCheck.too_slow in it.
"""

import os

from hypothesis import HealthCheck, settings

from tests.conftest import in_ci

UNDER_LOAD = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("ci", **UNDER_LOAD, derandomize=True, print_blob=True)
settings.register_profile("dev", **(UNDER_LOAD if os.environ.get("PYTEST_XDIST_WORKER") else {}))
settings.load_profile("ci" if in_ci() else "dev")
