"""Issue 15, item 7: the user guide is one click from every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_user_guide_is_a_page_of_the_product_in_dutch(client):
    response = client.get(reverse("user-guide"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "Gebruikershandleiding Werkdruk" in page
    assert 'id="stap-4-de-stemming-pmr"' in page  # headings have anchors to link to


def test_every_page_links_to_the_user_guide(client):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("user-guide")}"' in page
