"""The floors hold for foreign keys and templates too, not only for imports (lint-imports).

Each app may point only at apps on a lower floor: a model's foreign keys, one-to-one and
many-to-many fields (their through models included), and a template's {% include %} and
{% extends %}. Shared templates (templates/includes/, base.html, account/, allauth/, print/)
belong to no app and may be used by every app.
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import engines

# Lowest first; apps in one tuple share a floor. werkdruk and accounts are both the ground
# floor: werkdruk's own records point at the user. Side by side (spending, surveys) means
# independent: neither may point at the other. The same floors as the import-linter contract
# in pyproject.toml (test_floors_match_the_import_contract).
FLOORS = (
    ("werkdruk", "accounts"),
    ("processes",),
    ("units",),
    ("voting", "organisation"),
    ("plans",),
    ("schoolplans",),
    ("spending", "surveys"),
    ("reporting",),
    ("privacy",),
)
FLOOR = {app: number for number, floor in enumerate(FLOORS) for app in floor}
GROUND = set(FLOORS[0])

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TEMPLATE_REFERENCE = re.compile(r"""{%-?\s*(?:include|extends)\s+["']([^"']+)["']""")


def points_upwards(source_app: str, target_app: str) -> bool:
    """Whether a reference from one app to another breaks the floors (other apps: no floor)."""
    if source_app not in FLOOR or target_app not in FLOOR or source_app == target_app:
        return False
    if source_app in GROUND and target_app in GROUND:
        return False
    return FLOOR[target_app] >= FLOOR[source_app]


def model_keys():
    """(field, target model, source app, target app) for every relation our models declare."""
    for model in apps.get_models(include_auto_created=True):
        source = model._meta.app_label
        if source not in FLOOR:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta
            yield (
                f"{model._meta.label}.{field.name}",
                target.label,
                source,
                target.app_label,
            )


def template_references():
    """(template, referenced template, its app, the referenced app) for literal references."""
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        relative = path.relative_to(TEMPLATES)
        source_app = relative.parts[0]
        for target in TEMPLATE_REFERENCE.findall(path.read_text(encoding="utf-8")):
            yield str(relative), target, source_app, target.split("/")[0]


def test_the_checker_refuses_an_upward_or_sideways_edge():
    assert points_upwards("processes", "units")
    assert points_upwards("units", "reporting")
    assert points_upwards("spending", "surveys")
    assert not points_upwards("units", "processes")
    assert not points_upwards("reporting", "spending")
    assert not points_upwards("plans", "plans")
    assert not points_upwards("werkdruk", "accounts")
    assert not points_upwards("plans", "includes")  # shared templates belong to no app
    assert not points_upwards("units", "auth")  # contrib and third-party apps are below all


def test_foreign_keys_point_only_downwards():
    upward = {
        (field, target)
        for field, target, source_app, target_app in model_keys()
        if points_upwards(source_app, target_app)
    }
    assert upward == set()


def test_templates_include_and_extend_only_downwards():
    upward = [
        f"{template} -> {target}"
        for template, target, source_app, target_app in template_references()
        if points_upwards(source_app, target_app)
    ]
    assert upward == []


def test_the_template_check_sees_the_references():
    references = {(template, target) for template, target, _, _ in template_references()}
    assert ("plans/framework_form.html", "includes/_field.html") in references
    assert ("plans/framework_form.html", "base.html") in references


def test_every_referenced_template_exists():
    # Moving a shared template must not leave an include behind that still names the old path.
    engine = engines["django"].engine
    missing = [
        f"{template} -> {target}"
        for template, target, _, _ in template_references()
        if not any(
            Path(origin.name).exists()
            for loader in engine.template_loaders
            for origin in loader.get_template_sources(target)
        )
    ]
    assert missing == []


# The import contract itself: pyproject.toml's contracts, run by lint-imports on stand-in apps
# of the same names, refuse an import of a higher app by a lower one (and between the two apps
# that share a floor), and accept a downward one.
def lint_stand_in_apps(tmp_path, imports: dict[str, str]):
    linter = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())["tool"][
        "importlinter"
    ]
    lines = ["[importlinter]", "root_packages ="]
    lines += [f"    {app}" for app in linter["root_packages"]]
    for number, contract in enumerate(linter["contracts"]):
        lines += ["", f"[importlinter:contract:{number}]", f"name = {contract['name']}"]
        lines += [f"type = {contract['type']}", "layers ="]
        lines += [f"    {layer}" for layer in contract["layers"]]
        if contract.get("ignore_imports"):
            lines += ["ignore_imports ="] + [f"    {i}" for i in contract["ignore_imports"]]
    (tmp_path / ".importlinter").write_text("\n".join(lines) + "\n")
    for app in linter["root_packages"]:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "module.py").write_text(imports.get(app, ""))
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )


@pytest.mark.parametrize(
    "imports",
    [
        {"processes": "import units.module\n"},  # the engine reaching up to a step app
        {"units": "from reporting import module\n"},
        {"spending": "import surveys.module\n"},  # side by side: neither imports the other
    ],
    ids=["processes->units", "units->reporting", "spending->surveys"],
)
def test_the_import_contract_refuses_an_upward_or_sideways_import(tmp_path, imports):
    result = lint_stand_in_apps(tmp_path, imports)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout


def test_the_import_contract_accepts_downward_imports(tmp_path):
    result = lint_stand_in_apps(
        tmp_path, {"reporting": "import surveys.module\n", "units": "import processes.module\n"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_floors_match_the_import_contract():
    """The floors here and the layers of the import-linter contract are the same."""
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
        contracts = tomllib.load(file)["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    contract_floors = [tuple(sorted(app.strip() for app in layer.split("|"))) for layer in layers]
    ours = [tuple(sorted(floor)) for floor in reversed(FLOORS)]
    # werkdruk and accounts are one floor here (keys), two layers in the contract (imports).
    assert contract_floors[:-2] == ours[:-1]
    assert set(contract_floors[-2] + contract_floors[-1]) == set(ours[-1])
