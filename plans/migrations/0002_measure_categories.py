"""Seed the measure categories (reference data the administrator can edit)."""

from django.db import migrations

CATEGORIES = [
    # code, Dutch, English, usually costs money
    ("extra_staff", "Extra personeel", "Extra staff", True),
    ("task_relief", "Taakverlichting", "Task relief", True),
    ("professionalisation", "Professionalisering", "Professional development", True),
    ("materials_ict", "Materiaal en ICT", "Materials and ICT", True),
    ("organisational", "Organisatorisch (kost geen geld)", "Organisational (no cost)", False),
    ("wellbeing", "Teambuilding en vitaliteit", "Team building and vitality", True),
    ("reserved", "Gereserveerd voor later", "Reserved for later", True),
    ("other", "Overig", "Other", True),
]


def seed(apps, schema_editor):
    MeasureCategory = apps.get_model("plans", "MeasureCategory")
    for order, (code, name_nl, name_en, costs_money) in enumerate(CATEGORIES):
        MeasureCategory.objects.get_or_create(
            code=code,
            defaults={"name_nl": name_nl, "name_en": name_en, "costs_money": costs_money,
                      "order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("plans", "MeasureCategory").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
