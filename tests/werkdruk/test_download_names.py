"""Issue 15, item 7: downloads are named in the school's language, whoever downloads them."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext_lazy

from werkdruk.files import download_name


def test_a_download_name_is_in_the_schools_language_whatever_the_request(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("en"):
        name = download_name(
            pgettext_lazy("file name", "decision list"), "12AB", "2026-2027", ext="pdf"
        )
    assert name == "besluitenlijst-12ab-2026-2027.pdf"


@pytest.mark.django_db
def test_the_staff_template_downloads_with_a_dutch_name(client, settings):
    from tests.factories import SchoolFactory, SchoolRoleFactory

    settings.LANGUAGE_CODE = "nl"
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role="director").user
    client.force_login(director)
    response = client.get(reverse("units:staff-import-template", kwargs={"school_id": school.pk}))
    assert response.status_code == 200
    assert 'filename="personeel-importsjabloon.csv"' in response["Content-Disposition"]
