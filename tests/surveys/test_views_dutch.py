"""The questionnaire's own texts follow the page's language (Dutch is the default)."""

from django.urls import reverse
from django.utils import translation

from surveys.services.rounds import round_close

from .conftest import answer


def test_pages_show_the_dutch_texts_in_dutch(client, settings, process, sent, staff, pmr):
    for invitee in sent.invitees.all()[:5]:
        answer(sent, invitee)
    round_close(survey_round=sent, actor=pmr)
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        client.force_login(pmr)
        manage = client.get(reverse("surveys:survey-manage", args=[process.pk]))
        results = client.get(reverse("surveys:results", args=[process.pk]))
    assert "Moet je je haasten om je werk af te krijgen?" in manage.content.decode()
    page = results.content.decode()
    assert "Hoeveelheid en tempo van het werk" in page
    assert "2,00" in page  # the means in the Dutch number format
