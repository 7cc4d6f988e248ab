"""Forms render one way: templates/includes/_form_fields.html and _field.html in Bootstrap 5."""

from django import forms
from django.template.loader import render_to_string


class Everything(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the door")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(label="Agree")
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect
    )
    upload = forms.FileField(label="File", required=False)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    own = forms.CharField(
        label="Own", required=False, widget=forms.TextInput(attrs={"class": "form-control-sm"})
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Not on a Sunday")


def render(form, **context):
    return render_to_string("includes/_form_fields.html", {"form": form, **context})


def test_each_kind_of_field_gets_its_bootstrap_class():
    html = render(Everything())
    assert '<input type="text" name="name" class="form-control"' in html
    assert '<select name="kind" class="form-select"' in html
    assert 'name="agree" class="form-check-input"' in html
    assert 'name="upload" class="form-control"' in html
    assert '<textarea name="note" cols="40" rows="2" class="form-control"' in html
    assert 'class="form-control-sm"' in html  # a class the form gives is kept
    assert '<input type="hidden" name="secret"' in html
    assert '<label class="form-label" for="id_secret">' not in html


def test_a_checkbox_sits_beside_its_label_and_radios_in_a_fieldset():
    html = render(Everything())
    assert '<div class="form-check">' in html
    assert '<label class="form-check-label" for="id_agree">Agree</label>' in html
    assert '<legend class="form-label fs-6">Colour</legend>' in html
    assert 'value="r" id="id_colour_0" required class="form-check-input">' in html
    assert '<label class="form-check-label" for="id_colour_0">Red</label>' in html


def test_help_text_and_errors_are_tied_to_the_input():
    form = Everything(data={"name": ""})
    html = render(form)
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert '<div class="form-text" id="id_name_helptext">As on the door</div>' in html
    assert 'id="id_name_error"' in html
    assert 'class="form-control is-invalid"' in html
    assert 'class="form-select is-invalid"' in html
    assert 'class="form-check-input is-invalid"' in html


def test_errors_of_no_field_come_first():
    form = Everything(data={"name": "x", "kind": "a", "agree": "on", "colour": "r"})
    html = render(form)
    assert html.index("Not on a Sunday") < html.index('name="name"')
    assert 'class="alert alert-block alert-danger"' in html


def test_the_quiet_live_preview_shows_no_errors():
    html = render(Everything(data={"name": ""}), quiet=True)
    assert "is-invalid" not in html
    assert 'id="id_name_error"' not in html
