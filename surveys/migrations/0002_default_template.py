"""The default workload questionnaire (shared/docs/evaluation.md section 3), shipped as data.

Four dimensions after the TNO job-demands / job-control model, the perceived effect (for the
school and for oneself, with why), the question per measure of the ratified plan and the
attendance question. Texts in Dutch (the default) and English; every school year copies this
into its own questionnaire, which the director and PMR may edit before sending it.
"""

from django.db import migrations


def t(nl, en):
    return {"nl": nl, "en": en}


FREQUENCY = [
    {"value": 1, **t("nooit", "never")},
    {"value": 2, **t("soms", "sometimes")},
    {"value": 3, **t("vaak", "often")},
    {"value": 4, **t("altijd", "always")},
]
CONTROL = [
    {"value": 1, **t("ja, regelmatig", "yes, regularly")},
    {"value": 2, **t("ja, soms", "yes, sometimes")},
    {"value": 3, **t("nee", "no")},
]


def item(key, nl, en):
    return {"key": key, "text": t(nl, en)}


DIMENSIONS = [
    {
        "key": "quantitative",
        "label": t("Hoeveelheid en tempo van het werk", "Amount and pace of work"),
        "scale": "frequency",
        "high": t("vaak of altijd", "often or always"),
        "items": [
            item("quantitative_1", "Moet je je haasten om je werk af te krijgen?",
                 "Do you have to rush to get your work done?"),
            item("quantitative_2", "Heb je meer werk dan je in de beschikbare tijd kunt doen?",
                 "Do you have more work than you can do in the time available?"),
            item("quantitative_3", "Moet je extra hard werken om je taken rond te krijgen?",
                 "Do you have to work extra hard to finish your tasks?"),
        ],
    },
    {
        "key": "emotional",
        "label": t("Emotionele belasting", "Emotional load"),
        "scale": "frequency",
        "high": t("vaak of altijd", "often or always"),
        "items": [
            item("emotional_1", "Kom je in je werk in situaties die je emotioneel raken?",
                 "Does your work put you in situations that affect you emotionally?"),
            item("emotional_2", "Vraagt je werk veel van je gevoel?",
                 "Is your work emotionally demanding?"),
            item("emotional_3",
                 "Raak je persoonlijk betrokken bij wat leerlingen, ouders of collega's meemaken?",
                 "Do you become personally involved in what pupils, parents or colleagues "
                 "go through?"),
        ],
    },
    {
        "key": "cognitive",
        "label": t("Moeilijkheid van het werk", "Mental demands"),
        "scale": "frequency",
        "high": t("vaak of altijd", "often or always"),
        "items": [
            item("cognitive_1", "Moet je bij je werk flink nadenken?",
                 "Does your work require you to think hard?"),
            item("cognitive_2", "Vraagt je werk lange tijd achter elkaar concentratie?",
                 "Does your work require concentration for long stretches?"),
            item("cognitive_3", "Moet je in je werk op veel dingen tegelijk letten?",
                 "Do you have to keep an eye on many things at once?"),
        ],
    },
    {
        "key": "control",
        "label": t("Regelruimte", "Job control"),
        "scale": "control",
        # High scores mean LESS control: the share reported is "mostly no".
        "high": t("weinig regelruimte (vooral 'nee')", "little control (mostly 'no')"),
        "items": [
            item("control_1", "Kun je zelf bepalen hoe je je werk aanpakt?",
                 "Can you decide yourself how you go about your work?"),
            item("control_2", "Kun je zelf de volgorde van je werkzaamheden kiezen?",
                 "Can you choose the order of your tasks yourself?"),
            item("control_3", "Kun je zelf het tempo van je werk bepalen?",
                 "Can you set the pace of your work yourself?"),
            item("control_4", "Kun je voor problemen in je werk zelf een oplossing bedenken?",
                 "Can you come up with your own solutions to problems in your work?"),
            item("control_5", "Kun je vrij nemen op het moment dat jij dat wilt?",
                 "Can you take time off at the moment you want to?"),
            item("control_6", "Kun je zelf kiezen wanneer je werkt?",
                 "Can you choose when you work?"),
        ],
    },
]

EFFECT = {
    "school": t(
        "Hoe is de werkdruk op school als geheel veranderd door de werkdrukmaatregelen?",
        "How has the workload in the school as a whole changed because of the workload measures?",
    ),
    "self": t(
        "Hoe is jouw eigen werkdruk veranderd door de werkdrukmaatregelen?",
        "How has your own workload changed because of the workload measures?",
    ),
    "why": t("Waarom denk je dat? (niet verplicht)", "Why do you think so? (optional)"),
    "options": [
        {"key": "strongly_decreased", **t("sterk afgenomen", "decreased a lot")},
        {"key": "somewhat_decreased", **t("wat afgenomen", "decreased somewhat")},
        {"key": "same", **t("gelijk gebleven", "stayed the same")},
        {"key": "somewhat_increased", **t("wat toegenomen", "increased somewhat")},
        {"key": "strongly_increased", **t("sterk toegenomen", "increased a lot")},
        {"key": "dont_know", **t("weet ik niet", "don't know")},
    ],
}

MEASURE = {
    "question": t("Heeft deze maatregel jouw werkdruk verlaagd?",
                  "Did this measure lower your workload?"),
    "comment": t("Opmerking (niet verplicht)", "Comment (optional)"),
    "options": [
        {"key": "clearly", **t("ja, duidelijk", "yes, clearly")},
        {"key": "a_little", **t("ja, een beetje", "yes, a little")},
        {"key": "no", **t("nee", "no")},
        {"key": "not_applicable", **t("geldt niet voor mij", "does not apply to me")},
        {"key": "dont_know", **t("weet ik niet", "don't know")},
    ],
}

ATTENDANCE = {
    "question": t(
        "Heb je meegedaan aan de gesprekken over de werkdrukmaatregelen?",
        "Did you take part in the conversations about the workload measures?",
    ),
    "options": [
        {"key": "always", **t("ja, steeds", "yes, every time")},
        {"key": "sometimes", **t("ja, af en toe", "yes, now and then")},
        {"key": "not_interested", **t("nee, geen belangstelling", "no, not interested")},
        {"key": "no_time", **t("nee, geen tijd", "no, no time")},
        {"key": "other_way", **t("nee, ik gaf mijn inbreng op een andere manier",
                                 "no, I gave my input another way")},
        {"key": "not_target", **t("nee, ik hoorde niet bij de doelgroep",
                                  "no, I was not in the target group")},
        {"key": "not_yet_employed", **t("nee, ik werkte hier toen nog niet",
                                        "no, I did not work here yet")},
        {"key": "none_held", **t("nee, er zijn geen gesprekken gevoerd",
                                 "no, no conversations were held")},
    ],
}

CONTENT = {
    "version": 1,
    "scales": {"frequency": FREQUENCY, "control": CONTROL},
    "dimensions": DIMENSIONS,
    "effect": EFFECT,
    "measure": MEASURE,
    "attendance": ATTENDANCE,
}


def seed(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    SurveyTemplate.objects.update_or_create(
        key="default",
        defaults={"name": "Werkdrukvragenlijst (standaard)", "content": CONTENT},
    )


def unseed(apps, schema_editor):
    apps.get_model("surveys", "SurveyTemplate").objects.filter(key="default").delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
