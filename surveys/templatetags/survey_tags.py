from django import template

from surveys import content as content_module

register = template.Library()


@register.filter
def survey_text(value) -> str:
    """A questionnaire text ({"nl", "en"}) in the active language."""
    return content_module.text(value)
