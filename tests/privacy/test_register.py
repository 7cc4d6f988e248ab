"""The processing register in docs/privacy.md is complete and is the one the code uses."""

from django.apps import apps
from django.conf import settings

from privacy.register import FIELDS, NOT_PERSONAL
from tests.privacy.register_table import not_personal_fields, personal_fields

PERSONAL_WORDS = {"name", "email", "ip", "username"}


def _looks_personal(field) -> bool:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    staff_model = apps.get_model("units.StaffMember")
    if field.is_relation and field.related_model in (user_model, staff_model):
        return True
    words = set(field.name.lower().split("_"))
    return bool(words & PERSONAL_WORDS) or field.name in ("user_agent", "ip_address")


def _candidates() -> set[str]:
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and _looks_personal(field):
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return found


def test_the_table_lists_each_field_once_and_every_field_exists():
    listed = personal_fields()
    assert len(listed) == len(set(listed)), "a field is listed twice"
    assert len(listed) > 80
    for key in listed + not_personal_fields():
        label, name = key.rsplit(".", 1)
        apps.get_model(label)._meta.get_field(name)  # raises on a field that is gone


def test_every_field_that_looks_personal_is_documented():
    """A key to the user or a staff member, a name, an e-mail or IP address: documented as
    personal or as not personal, so a new one fails here until docs/privacy.md says why."""
    documented = set(personal_fields()) | set(not_personal_fields())
    missing = sorted(_candidates() - documented)
    assert not missing, f"add these to docs/privacy.md and privacy/register.py: {missing}"


def test_the_documented_register_is_the_one_the_export_uses():
    assert personal_fields() == [field.key for field in FIELDS]
    assert not_personal_fields() == list(NOT_PERSONAL)


def test_a_new_personal_field_would_fail(monkeypatch):
    """The completeness check sees a field added to a model (simulated on the candidates)."""
    from django.db import models

    field = models.EmailField(name="private_email")
    field.model = apps.get_model("processes.School")
    assert _looks_personal(field)
