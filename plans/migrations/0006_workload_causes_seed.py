"""Seed the workload causes (reference data the administrator can edit), adapted to secondary
education from the list in the evaluation guide."""

from django.db import migrations

CAUSES = [
    # code, theme, Dutch, English
    ("support_learning", "pupils", "Ondersteuningsbehoefte bij het leren", "Pupils' support needs in learning"),
    ("support_behaviour", "pupils", "Ondersteuningsbehoefte bij gedrag", "Pupils' support needs in behaviour"),
    ("differentiation", "pupils", "Differentiëren binnen de les", "Differentiation within the lesson"),
    ("class_size", "pupils", "Grootte van de klassen", "Class size"),
    ("learning_delays", "pupils", "Leerachterstanden", "Learning delays"),
    ("lesson_preparation", "teaching", "Lessen voorbereiden", "Lesson preparation"),
    ("marking", "teaching", "Toetsen, nakijken en feedback", "Tests, marking and feedback"),
    ("support_plans", "teaching", "Verslagen en handelingsplannen (OPP) schrijven", "Writing reports and support plans"),
    ("teaching_load", "teaching", "De lestaak zelf", "The teaching load itself"),
    ("mentoring", "teaching", "Mentoraat", "Mentoring"),
    ("supervision", "teaching", "Surveillance en pauzediensten", "Invigilation and break duties"),
    ("meetings", "organisation", "Vergaderingen", "Meetings"),
    ("team_agreements", "organisation", "Onduidelijke of wisselende teamafspraken", "Unclear or inconsistent team agreements"),
    ("timetabling", "organisation", "Roostering", "Timetabling"),
    ("extracurricular", "organisation", "Activiteiten buiten het lesprogramma", "Activities outside the curriculum"),
    ("curricular_activities", "organisation", "Activiteiten binnen het lesprogramma", "Curriculum-related activities"),
    ("innovation", "organisation", "Onderwijsvernieuwing", "Educational innovation"),
    ("study_days", "organisation", "Studiedagen", "Professional development days"),
    ("administration", "organisation", "Verantwoording en administratie", "Accountability and administration"),
    ("vacancies", "people", "Openstaande vacatures", "Unfilled vacancies"),
    ("sickness_absence", "people", "Ziekteverzuim van collega's", "Sickness absence of colleagues"),
    ("coaching_newcomers", "people", "Begeleiden van nieuwe collega's, invallers en stagiairs", "Coaching new colleagues, substitutes and interns"),
    ("handover", "people", "Overdracht bij gedeelde klassen", "Handover between colleagues sharing a class"),
    ("parents", "contacts", "Contact met ouders", "Communication with parents"),
    ("external_parties", "contacts", "Contact met externe partijen (jeugdzorg e.d.)", "Contact with external parties (youth care etc.)"),
    ("ict", "facilities", "ICT-voorzieningen", "ICT facilities"),
    ("building", "facilities", "Het gebouw", "The building"),
]


def seed(apps, schema_editor):
    WorkloadCause = apps.get_model("plans", "WorkloadCause")
    for order, (code, theme, name_nl, name_en) in enumerate(CAUSES):
        WorkloadCause.objects.get_or_create(
            code=code,
            defaults={"theme": theme, "name_nl": name_nl, "name_en": name_en, "order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("plans", "WorkloadCause").objects.filter(
        code__in=[c[0] for c in CAUSES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_unit_plans")]

    operations = [migrations.RunPython(seed, unseed)]
