"""Forms of the survey rounds: the questionnaire's text editor and sending a round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import DutchDateField

from .. import content as content_module
from ..models import SurveyRound

TEXT_PATHS = (
    ("effect:school", lambda c: c["effect"]["school"]),
    ("effect:self", lambda c: c["effect"]["self"]),
    ("effect:why", lambda c: c["effect"]["why"]),
    ("measure:question", lambda c: c["measure"]["question"]),
    ("attendance:question", lambda c: c["attendance"]["question"]),
)


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
