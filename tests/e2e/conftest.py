"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live_server. Never run `playwright install`: the browser is /usr/bin/chromium.

All tests in this folder are marked `e2e` (tests/conftest.py); with CI=true a skip here
(no Chromium, no Playwright) is a failure.
"""

import os
from pathlib import Path

import pytest

from tests.seeds import reference_data_seed

# Playwright's sync API keeps an event loop in the main thread, which trips Django's
# async-safety check on every ORM call made by the test itself.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("WERKDRUK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    # The machines have no network but the package registries: no background traffic.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) on the live server, with an English browser
    locale: the product must still answer in Dutch, its default.

    On failure a screenshot is kept in var/e2e/.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Reference data again after an earlier test's flush (``tests.seeds``)."""
    reference_data_seed()
