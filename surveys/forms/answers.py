"""The answer form, built from a round's questionnaire content."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import StaffCategory

from .. import content as content_module
from ..models import FteBand, SurveyRound


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
