"""axe-core in the page under test (tests/e2e/vendor/axe-core/README.md says which version).

The script is evaluated through Playwright rather than added as a <script> element: the
Content-Security-Policy allows only our own scripts, and the page is checked with its real
policy in force (bypass_csp would also let blocked inline styles change what is measured).
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_findings(page, impacts=SERIOUS) -> list[str]:
    """The page's serious and critical violations, one line per rule and element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])}"
        f" – {node.get('failureSummary', '').splitlines()[-1].strip()}"
        for violation in result["violations"]
        if violation["impact"] in impacts
        for node in violation["nodes"]
    ]
