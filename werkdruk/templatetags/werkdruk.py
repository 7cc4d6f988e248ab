from decimal import Decimal

from django import forms, template
from django.forms.boundfield import BoundWidget
from django.utils.html import format_html

from werkdruk.money import format_euro
from werkdruk.numbers import format_number
from werkdruk.submissions import TOKEN_FIELD, submission_token_new

register = template.Library()


@register.filter
def euro(amount):
    """``{{ amount|euro }}``: ``€ 12.345,67`` in Dutch; empty for None."""
    if amount is None or amount == "":
        return ""
    return format_euro(Decimal(str(amount)))


@register.filter
def number(value):
    """``{{ fte|number }}``: ``0,6`` for 0.6000 in Dutch, no trailing zeros; empty for None."""
    if value is None or value == "":
        return ""
    return format_number(value)


@register.simple_tag
def submission_token():
    """``{% submission_token %}`` in a form that creates something: a fresh one-time token,
    so that sending the form twice does its work once (``werkdruk.submissions``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, submission_token_new()
    )


@register.filter
def control_kind(field):
    """How ``includes/_field.html`` lays a field out: ``hidden``, ``check`` (one checkbox),
    ``choices`` (a list of radio buttons or checkboxes) or ``input`` (label above it)."""
    widget = field.field.widget
    if field.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    return "input"


@register.simple_tag
def form_control(control, of=None, quiet=False):
    """``{% form_control field %}``, or ``{% form_control option of=field %}`` for one radio
    button or checkbox of a list: the input with its Bootstrap class, the one the form gave
    the widget or else the one for its kind; ``is-invalid`` when the field has errors, except
    in the live preview (``quiet``), which shows no errors."""
    field = of or control
    widget = field.field.widget
    css = widget.attrs.get("class") or _bootstrap_class(widget)
    if field.errors and not quiet:
        css += " is-invalid"
    if of is None:
        return control.as_widget(attrs={"class": css})
    data = {**control.data, "attrs": {**control.data["attrs"], "class": css}}
    return BoundWidget(control.parent_widget, data, control.renderer).tag()


def _bootstrap_class(widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.inclusion_tag("includes/_outbox_failures.html")
def outbox_failures(causes, cause_id):
    """``{% outbox_failures "surveys.invitation,surveys.reminder" round.pk %}``: the e-mails of
    these actions for this object (or these objects: a list, in one query) that could not be
    delivered (``werkdruk.outbox``), shown to whoever sees the page that sent them. Nothing
    when all arrived."""
    from werkdruk.outbox import failures_for

    return {"failures": failures_for(cause=causes.split(","), cause_id=cause_id)}
