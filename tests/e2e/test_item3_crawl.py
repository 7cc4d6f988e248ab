"""Issue 15, item 3: no dead ends. Every demo role signs in, opens the dashboard and follows
every link of this site breadth-first in Chromium; no link may lead to a 403, 404 or 500.

Bounds, so the crawl stays minutes, not hours, yet meets every kind of page: each URL once per
role, and one URL per *page kind*: the view with its process (``pk``) and step (``number``)
kept and every other number (a unit, a measure, a vote, a year in the query) counted as one.
Files (PDF, DOCX, CSV, iCalendar) cannot be shown by the browser: their status is checked with
a GET through the browser's session. The admin site is Django's own: its index must open for
the administrator (signed in with a second factor, as ``tests.signin`` does), its own links
are not followed. The sign-out and language forms are forms, not links.

And one look at the error pages: Dutch, in the site's layout, with a way back.
"""

import contextlib
import re
import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

from plans.demo import DEMO_PASSWORD, DOMAIN, demo_load
from plans.demo_ideas import demo_ideas
from plans.demo_plans import demo_plans
from processes import registry
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from tests.e2e.conftest import ARTIFACTS
from tests.signin import sign_in_admin
from units.demo import demo_meeting
from voting.demo import demo_vote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The accounts of README.md ("Signing in to the demo").
ROLES = (
    "directeur",
    "pmr",
    "pmr2",
    "stuurgroep",
    "docent",
    "bestuur",
    "admin",
    "directeur.baken",
    "pmr.baken",
    "docent.baken",
    "oop.baken",
)
DEAD = (403, 404, 500)
MAX_PAGES_PER_ROLE = 400  # far above what a role reaches (about 150): a guard, not a budget
NOT_FOLLOWED = re.compile(r"^/(admin/.|static/|media/)")  # opened, their links not followed
NOT_VISITED = re.compile(r"^/(accounts/logout/|i18n/)")
LINKS = """() => [
    ...Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
    ...Array.from(document.querySelectorAll("[hx-get]"),
        (el) => new URL(el.getAttribute("hx-get"), document.baseURI).href),
]"""


@pytest.fixture
def demo(settings, tmp_path):
    """The whole demo as ``manage.py demo`` builds it; files of report jobs in a temporary
    MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    result = demo_load()
    demo_vote(result["process"], result["users"])
    demo_ideas(result["process"], result["users"])
    demo_meeting(result["process"], result["users"])
    demo_plans(result)
    ratified = demo_ratified(result)
    demo_spending(ratified)
    demo_survey(ratified)
    return result


def sign_in(context, role, base_url):
    """A signed-in browser context for ``role``: the sign-in form, or for the administrator a
    session that passed the second factor (the admin asks for one)."""
    email = f"{role}@{DOMAIN}"
    if role == "admin":
        client = sign_in_admin(Client(), get_user_model().objects.get(email=email))
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base_url}])
        return
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url(f"{base_url}/")
    page.close()


def page_kind(path: str, query: str):
    """What makes two URLs the same kind of page for the crawl (see the module)."""
    try:
        match = resolve(path)
    except Resolver404:
        return path  # a 404 anyway: visit it, so it is reported
    kwargs = tuple(
        sorted((k, v if k in ("pk", "number") else "#") for k, v in match.kwargs.items())
    )
    return match.view_name, kwargs, re.sub(r"\d+", "#", query)


def crawl(context, base_url):
    """Breadth-first from the dashboard: (visited view names, dead ends, pages visited)."""
    page = context.new_page()
    queue = deque([("/", "(start)")])
    kinds = {page_kind("/", "")}
    views, dead, visited = set(), [], 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        url, source = queue.popleft()
        visited += 1
        path = urlsplit(url).path
        with contextlib.suppress(Resolver404):
            views.add(resolve(path).view_name)
        try:
            response = page.goto(url)
            status = response.status
            html = "html" in (response.headers.get("content-type") or "")
        except Exception as error:  # a file: the browser downloads it instead of showing it
            if "Download is starting" not in str(error):
                raise
            status, html = context.request.get(url, max_redirects=0).status, False
        if status in DEAD:
            dead.append((status, url, source))
            continue
        if not html or NOT_FOLLOWED.match(urlsplit(page.url).path):
            continue
        here = urlsplit(page.url)
        for link in page.evaluate(LINKS):
            parts = urlsplit(link)
            if f"{parts.scheme}://{parts.netloc}" != base_url or NOT_VISITED.match(parts.path):
                continue
            kind = page_kind(parts.path, parts.query)
            if kind in kinds:
                continue
            kinds.add(kind)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            queue.append((target, here.path + (f"?{here.query}" if here.query else "")))
    page.close()
    return views, dead, visited, len(queue)


@pytest.mark.timeout(1500)  # building the demo and about 1,000 pages
def test_item3_no_link_leads_any_demo_role_to_a_403_404_or_500(browser, live_server, demo):
    base_url = live_server.url
    all_views, dead_ends, report = set(), [], []
    for role in ROLES:
        started = time.monotonic()
        context = browser.new_context(base_url=base_url, locale="en-US")
        context.set_default_timeout(30_000)
        try:
            sign_in(context, role, base_url)
            views, dead, visited, left = crawl(context, base_url)
        finally:
            context.close()
        assert left == 0, f"{role}: more than {MAX_PAGES_PER_ROLE} kinds of page"
        all_views |= views
        dead_ends += [(role, *d) for d in dead]
        report.append(f"{role}: {visited} pages in {time.monotonic() - started:.0f} s")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "crawl.txt").write_text("\n".join(report) + "\n")

    assert dead_ends == [], "\n".join(f"{r}: {s} {u} (linked from {f})" for r, s, u, f in dead_ends)
    # It met every kind of page a step links to, every step page, the board and the admin.
    step_pages = {p.url_name for n in range(1, 12) for p in registry.step_pages(n)}
    expected = step_pages | {
        "processes:dashboard",
        "processes:process-detail",
        "processes:step-detail",
        "processes:board-detail",
        "reporting:board-dashboard",
        "voting:ballot",
        "plans:unit-plan",
        "admin:index",
    }
    assert expected - all_views == set()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_item3_the_error_pages_are_dutch_in_the_layout_with_a_way_back(
    browser, live_server, demo, width, height
):
    process = demo["process"]
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": width, "height": height}
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        sign_in(context, "docent", live_server.url)
        page = context.new_page()
        step = f"/process/{process.pk}/step/4/"
        page.goto(step)
        for url, heading, status in (
            ("/no-such-page/", "Deze pagina bestaat niet", 404),
            (f"/process/{process.pk}/vote/", "Je kunt deze pagina niet openen", 403),
        ):
            # Arrive from the step page, as by a link: the way back leads there.
            response = page.goto(url, referer=f"{live_server.url}{step}")
            assert response.status == status
            assert page.locator("h1").inner_text() == heading
            assert page.locator("nav.wd-navbar").is_visible()
            assert page.evaluate("document.documentElement.lang") == "nl"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= page.evaluate("window.visualViewport.width")
            page.screenshot(path=str(ARTIFACTS / f"item3-{status}-{width}.png"), full_page=True)
            way_back = page.locator('[data-testid="way-back"]')
            way_back.get_by_role("link", name="Terug naar de vorige pagina").click()
            page.wait_for_url(f"**{step}")
            page.goto(url, referer=f"{live_server.url}{step}")
            page.locator('[data-testid="way-back"]').get_by_role(
                "link", name="Naar het overzicht"
            ).click()
            page.wait_for_url(f"{live_server.url}/")
    finally:
        context.close()
