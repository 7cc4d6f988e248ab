"""The results page: a fixed number of queries whatever the responses and measures; the
per-measure tables folded away in <details>."""

import pytest
from django.urls import reverse

from surveys.models import SurveyRound
from surveys.services.rounds import round_close

from .conftest import answer

# 13 before issue 20: the reader's roles in one query, not three (11); the school's rounds and
# their responses read once for the year's rounds and the history (8)
RESULTS_QUERIES = 8


def closed_with(survey_round, pmr, responses, measures):
    """Ask about ``measures`` measures, take ``responses`` answers, close the round."""
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        measures=[{"key": str(i), "title": f"Measure {i}"} for i in range(measures)]
    )
    survey_round.refresh_from_db()
    for invitee in survey_round.invitees.order_by("pk")[:responses]:
        answer(survey_round, invitee, background={"category": "OP"})
    round_close(survey_round=survey_round, actor=pmr)


@pytest.mark.parametrize(("responses", "measures"), [(5, 1), (10, 12)])
def test_the_results_page_makes_a_fixed_number_of_queries(
    client, process, sent, pmr, staff, responses, measures, django_assert_num_queries
):
    """Session, user, roles (one query), process, the school's rounds and their responses (the
    year's and the history), the year's turnout: none per response or per measure."""
    closed_with(sent, pmr, responses, measures)
    client.force_login(staff[0].user)
    url = reverse("surveys:results", args=[process.pk])
    with django_assert_num_queries(RESULTS_QUERIES):
        page = client.get(url).content.decode()
    assert 'data-testid="dimensions"' in page
    assert page.count('data-testid="measure"') == measures


def test_the_per_measure_tables_are_folded_away(client, process, sent, pmr, staff):
    closed_with(sent, pmr, 5, 3)
    client.force_login(staff[0].user)
    page = client.get(reverse("surveys:results", args=[process.pk])).content.decode()
    main = page.split("</header>")[-1]
    assert page.count('data-testid="measure-details"') == 3
    assert main.count("<details") == 3
    for block in main.split("<details")[1:]:
        opening = block.split(">", 1)[0]
        assert " open" not in opening  # closed by default
        inside = block.split("</details>")[0]
        assert "<summary>Measure" in inside and 'data-testid="measure"' in inside
    assert page.count('data-testid="measure"') == 3
    assert "<script" not in main


def test_no_measures_no_details(client, process, sent, pmr, staff):
    closed_with(sent, pmr, 5, 0)
    client.force_login(staff[0].user)
    main = client.get(reverse("surveys:results", args=[process.pk])).content.decode()
    main = main.split("</header>")[-1]
    assert "<details" not in main and "Per measure" not in main
