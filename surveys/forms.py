"""Forms built from a questionnaire's content: the answer form and the text editor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import StaffCategory
from werkdruk.forms import DutchDateField

from . import content as content_module
from .models import FteBand, Invitee, SurveyRound

TEXT_PATHS = (
    ("effect:school", lambda c: c["effect"]["school"]),
    ("effect:self", lambda c: c["effect"]["self"]),
    ("effect:why", lambda c: c["effect"]["why"]),
    ("measure:question", lambda c: c["measure"]["question"]),
    ("attendance:question", lambda c: c["attendance"]["question"]),
)


def _options(block):
    return [(option["key"], content_module.text(option)) for option in block["options"]]


class AnswerForm(forms.Form):
    """Every closed question required; free texts optional; the background optional."""

    def __init__(self, survey_round: SurveyRound, *args, **kwargs):
        super().__init__(*args, **kwargs)
        content = survey_round.content
        self.survey_round = survey_round
        self.dimension_fields = []
        for dimension in content["dimensions"]:
            scale = [
                (str(o["value"]), content_module.text(o))
                for o in content["scales"][dimension["scale"]]
            ]
            names = []
            for entry in dimension["items"]:
                name = f"item_{entry['key']}"
                self.fields[name] = forms.ChoiceField(
                    label=content_module.text(entry["text"]),
                    choices=scale,
                    widget=forms.RadioSelect,
                )
                names.append(name)
            self.dimension_fields.append((content_module.text(dimension["label"]), names))
        effect = content["effect"]
        for question in content_module.EFFECT_QUESTIONS:
            self.fields[f"effect_{question}"] = forms.ChoiceField(
                label=content_module.text(effect[question]),
                choices=_options(effect),
                widget=forms.RadioSelect,
            )
            self.fields[f"effect_{question}_why"] = forms.CharField(
                label=content_module.text(effect["why"]),
                required=False,
                max_length=content_module.MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.measure_fields = []
        for measure in survey_round.measures:
            name = f"measure_{measure['key']}"
            self.fields[name] = forms.ChoiceField(
                label=measure["title"],
                choices=_options(content["measure"]),
                widget=forms.RadioSelect,
            )
            self.fields[f"{name}_comment"] = forms.CharField(
                label=content_module.text(content["measure"]["comment"]),
                required=False,
                max_length=content_module.MAX_TEXT,
            )
            self.measure_fields.append((name, f"{name}_comment"))
        self.measure_question = content_module.text(content["measure"]["question"])
        self.fields["attendance"] = forms.ChoiceField(
            label=content_module.text(content["attendance"]["question"]),
            choices=_options(content["attendance"]),
            widget=forms.RadioSelect,
        )
        not_stated = [("", _("I would rather not say"))]
        self.fields["category"] = forms.ChoiceField(
            label=_("Staff category"), choices=not_stated + StaffCategory.choices, required=False
        )
        self.fields["unit_name"] = forms.ChoiceField(
            label=_("Unit"),
            choices=not_stated + [(u, u) for u in survey_round.units],
            required=False,
        )
        self.fields["fte_band"] = forms.ChoiceField(
            label=_("Part-time factor"), choices=not_stated + FteBand.choices, required=False
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"
            else:
                is_select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def dimension_groups(self):
        """(dimension label, [bound fields]) for the template."""
        return [(label, [self[name] for name in names]) for label, names in self.dimension_fields]

    def measure_rows(self):
        return [(self[answer], self[comment]) for answer, comment in self.measure_fields]

    def answers(self) -> dict:
        data = self.cleaned_data
        content = self.survey_round.content
        answers = {
            "items": {
                entry["key"]: data[f"item_{entry['key']}"]
                for _d, entry in content_module.items(content)
            },
            "measures": {
                m["key"]: {
                    "answer": data[f"measure_{m['key']}"],
                    "comment": data[f"measure_{m['key']}_comment"],
                }
                for m in self.survey_round.measures
            },
            "attendance": data["attendance"],
        }
        for question in content_module.EFFECT_QUESTIONS:
            answers[f"effect_{question}"] = data[f"effect_{question}"]
            answers[f"effect_{question}_why"] = data[f"effect_{question}_why"]
        return answers

    def background(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("category", "unit_name", "fte_band")}


class TextsForm(forms.Form):
    """The questionnaire's texts, Dutch and English side by side (keys and scales stay)."""

    def __init__(self, content, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        paths = [(f"item:{e['key']}", e["text"]) for _d, e in content_module.items(content)]
        paths += [(path, get(content)) for path, get in TEXT_PATHS]
        for path, current in paths:
            names = []
            for lang in ("nl", "en"):
                name = f"{path}:{lang}"
                self.fields[name] = forms.CharField(
                    label=lang.upper(), initial=current[lang], max_length=500
                )
                names.append(name)
            self.rows.append((path, names))

    def texts(self) -> dict:
        return {
            path: {"nl": self.cleaned_data[nl], "en": self.cleaned_data[en]}
            for path, (nl, en) in self.rows
        }


class SendForm(forms.Form):
    kind = forms.ChoiceField(label=_("Round"), choices=SurveyRound.Kind.choices)
    closes_on = DutchDateField(label=_("Closes on"), required=False)


NOT_ON_ROLL = _("Choose people on the roll of this round.")


class SheetForm(forms.Form):
    """The people on the roll who get a printed sheet with a personal code."""

    invitees = forms.ModelMultipleChoiceField(
        label=_("Staff members"),
        queryset=Invitee.objects.none(),
        error_messages={
            "required": _("Tick the people who need a personal survey sheet."),
            "invalid_choice": NOT_ON_ROLL,
            "invalid_pk_value": NOT_ON_ROLL,
        },
    )

    mark_unusable = forms.BooleanField(
        label=_(
            "Also record that the e-mail address of the ticked people does not work: they "
            "are listed first next time."
        ),
        required=False,
    )

    def __init__(self, *args, survey_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = (
            Invitee.objects.filter(round=survey_round)
            .select_related("staff_member")
            .order_by("staff_member__name", "pk")
        )

    def selected(self) -> set[str]:
        if not self.is_bound:
            return set()
        return {str(value) for value in self.data.getlist("invitees")}
