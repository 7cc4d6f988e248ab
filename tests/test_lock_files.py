"""The lock files install exactly what pyproject.toml pins (`make lock` regenerates them).

A pin changed in pyproject.toml without `make lock` would otherwise go unnoticed: the Makefile
installs from the lock files only.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"not pinned with ==: {requirement}"
        found[normalised(match.group(1))] = match.group(2)
    return found


def locked(path: Path) -> dict[str, str]:
    return {
        normalised(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+) \\$", path.read_text(), re.M)
    }


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUN = pins(PROJECT["dependencies"])
TEST = pins(PROJECT["optional-dependencies"]["test"])


@pytest.mark.parametrize(
    ("lock_file", "expected"),
    [("requirements.lock", RUN), ("requirements-test.lock", RUN | TEST)],
)
def test_the_lock_file_holds_every_pin_of_pyproject(lock_file, expected):
    lock = locked(ROOT / lock_file)
    wrong = {name: (version, lock.get(name)) for name, version in expected.items()}
    assert {name: pair for name, pair in wrong.items() if pair[0] != pair[1]} == {}


def test_every_locked_package_has_a_hash():
    for lock_file in ("requirements.lock", "requirements-test.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock_file).read_text())
        unhashed = [e.split()[0] for e in entries if "==" in e.split()[0] and "--hash" not in e]
        assert unhashed == [], lock_file


def test_the_run_lock_leaves_out_the_test_tools():
    assert not set(TEST) & set(locked(ROOT / "requirements.lock"))
