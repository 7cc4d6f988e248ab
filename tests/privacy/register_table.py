"""docs/privacy.md's tables, read as the privacy officer reads them."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
ROW = re.compile(r"^\|\s*`([a-z_]+\.[A-Za-z_]+\.[a-z_]+)`\s*\|")


def _section(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start : end if end != -1 else None]


def _keys(section: str) -> list[str]:
    return [m.group(1) for line in section.splitlines() if (m := ROW.match(line))]


def personal_fields() -> list[str]:
    """The first column of the table of personal fields: ``app_label.ModelName.field``."""
    return _keys(_section("### Personal fields"))


def not_personal_fields() -> list[str]:
    return _keys(_section("### Fields that look personal but are not"))
