"""Issue 19, item 1 (Must show): no e-mail leaves the product except through the outbox.

Every app's source (not the tests, not the virtualenv) is scanned: sending calls appear only
in werkdruk/outbox.py. allauth's hook ``def send_mail`` (accounts/adapters.py) is the
override that puts allauth's e-mails into the outbox, not a call.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {Path("werkdruk/outbox.py")}
SKIPPED_DIRS = {".venv", "tests", "node_modules", "var", ".git", "locale", "static"}
PATTERNS = {
    "send_mail(": re.compile(r"(?<!def )\bsend_mail\("),
    "send_mass_mail(": re.compile(r"\bsend_mass_mail\("),
    "mail_admins(": re.compile(r"\bmail_(?:admins|managers)\("),
    "EmailMessage(": re.compile(r"\bEmail(?:Multi(?:Alternatives)?)?Message\b"),
    ".send_messages(": re.compile(r"\bsend_messages\("),
    "get_connection": re.compile(r"\bget_connection\b"),
    "smtplib": re.compile(r"\bsmtplib\b"),
}


def app_sources(root):
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED_DIRS or relative.parts[0].startswith("."):
            continue
        yield relative


def offenders(root=ROOT):
    found = []
    for relative in app_sources(root):
        if relative in ALLOWED:
            continue
        for number, line in enumerate((root / relative).read_text().splitlines(), 1):
            for name, pattern in PATTERNS.items():
                if pattern.search(line):
                    found.append(f"{relative}:{number}: {name}: {line.strip()}")
    return found


def test_e_mail_is_sent_only_by_the_outbox():
    assert offenders() == []


def test_the_scan_finds_a_sending_call(tmp_path):
    """The scan is not blind: a module that sends directly is reported."""
    fake_root = tmp_path / "repo"
    (fake_root / "someapp").mkdir(parents=True)
    (fake_root / "someapp" / "services.py").write_text(
        "from django.core.mail import send_mail\nsend_mail('s', 'b', None, ['a@b.c'])\n"
    )
    (fake_root / "tests").mkdir()
    (fake_root / "tests" / "test_x.py").write_text("send_mail('s')\n")
    found = offenders(fake_root)
    assert found == ["someapp/services.py:2: send_mail(: send_mail('s', 'b', None, ['a@b.c'])"]
