"""The CI skip policy of tests/conftest.py, checked by running pytest on a small sample suite."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SAMPLE_FILES = {
    "pytest.ini": """
        [pytest]
        markers =
            integration: sample
            e2e: sample
    """,
    # Loads the policy from the project's tests/conftest.py and records every outcome.
    "conftest.py": """
        import json
        import os

        import pytest

        from tests.conftest import (  # noqa: F401
            pytest_collection_modifyitems,
            pytest_make_collect_report,
            pytest_runtest_makereport,
        )

        OUTCOMES = {"tests": {}, "collection": {}}

        def pytest_runtest_logreport(report):
            outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
            current = OUTCOMES["tests"].get(report.nodeid, "passed")
            order = ["passed", "xfailed", "skipped", "failed"]
            if order.index(outcome) > order.index(current):
                current = outcome
            OUTCOMES["tests"][report.nodeid] = current

        def pytest_collectreport(report):
            if report.nodeid.endswith(".py"):
                OUTCOMES["collection"][report.nodeid] = report.outcome

        def pytest_sessionfinish(session):
            if os.environ.get("PYTEST_XDIST_WORKER"):
                return  # under pytest-xdist the controller sees every report
            with open(os.environ["OUTCOMES_FILE"], "w") as f:
                json.dump(OUTCOMES, f)
    """,
    "tests/e2e/test_browser.py": """
        import pytest

        @pytest.fixture
        def browser():
            pytest.skip("no browser")

        def test_skipped_in_body():
            pytest.skip("no browser")

        @pytest.mark.skipif(True, reason="no browser")
        def test_skipif_marker():
            pass

        def test_skipped_in_fixture(browser):
            pass

        @pytest.mark.xfail(reason="a known bug")
        def test_expected_failure():
            assert False

        def test_runs():
            pass
    """,
    "tests/integration/test_import_skip.py": """
        import pytest

        pytest.importorskip("no_such_module_for_werkdruk")

        def test_never_collected():
            pass
    """,
    "tests/units/test_plain.py": """
        import pytest

        def test_plain_skip():
            pytest.skip("not relevant here")

        @pytest.mark.integration
        def test_marked_integration_skip():
            pytest.skip("no PostgreSQL")
    """,
}


def run_sample_suite(tmp_path: Path, ci: str | None, xdist: bool = False):
    for name, text in SAMPLE_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    # Not CI, nor the variables of the xdist worker this test may itself run in: the sample
    # suite would take itself for a worker and leave the outcomes to a controller it has not.
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_XDIST_")}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    env["OUTCOMES_FILE"] = str(tmp_path / "outcomes.json")
    plugins_off = ["-p", "no:django", "-p", "no:cacheprovider"]
    # Under pytest-xdist the hooks run in the workers, and their reports must still fail.
    workers = ["-n", "2"] if xdist else ["-p", "no:xdist"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *plugins_off, *workers, "--continue-on-collection-errors"]
        + ["-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), "tests"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outcomes = json.loads((tmp_path / "outcomes.json").read_text())
    tests = {nodeid.split("::")[-1]: outcome for nodeid, outcome in outcomes["tests"].items()}
    return result, tests, outcomes["collection"]


@pytest.mark.parametrize("xdist", [False, True], ids=["one-process", "xdist"])
def test_in_ci_a_skipped_integration_or_browser_test_fails(tmp_path, xdist):
    result, tests, collection = run_sample_suite(tmp_path, ci="true", xdist=xdist)

    assert tests == {
        "test_skipped_in_body": "failed",
        "test_skipif_marker": "failed",
        "test_skipped_in_fixture": "failed",
        "test_expected_failure": "xfailed",
        "test_runs": "passed",
        "test_plain_skip": "skipped",
        "test_marked_integration_skip": "failed",
    }
    assert collection["tests/integration/test_import_skip.py"] == "failed"
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "CI=true: a test marked e2e must run, but it was skipped: no browser" in result.stdout


@pytest.mark.parametrize("ci", [None, "false"])
def test_outside_ci_skips_stay_skips(tmp_path, ci):
    result, tests, collection = run_sample_suite(tmp_path, ci=ci)

    assert tests == {
        "test_skipped_in_body": "skipped",
        "test_skipif_marker": "skipped",
        "test_skipped_in_fixture": "skipped",
        "test_expected_failure": "xfailed",
        "test_runs": "passed",
        "test_plain_skip": "skipped",
        "test_marked_integration_skip": "skipped",
    }
    assert collection["tests/integration/test_import_skip.py"] == "skipped"
    assert result.returncode == pytest.ExitCode.OK, result.stdout
