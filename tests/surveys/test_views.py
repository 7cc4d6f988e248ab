"""The pages: manage (director, PMR), answer (personal link, signed in), results (the school)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from processes import services as process_services
from processes.models import SchoolRole
from surveys.models import Questionnaire, SurveyParticipation, SurveyResponse
from surveys.services.answers import response_submit
from surveys.services.rounds import questionnaire_ensure, round_close, round_send
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory, UserFactory
from tests.fixtures.ballots import opened_responses

from .conftest import answer, answers_for


def post_data(survey_round, value="2", **extra):
    data = {}
    for dimension in survey_round.content["dimensions"]:
        for item in dimension["items"]:
            data[f"item_{item['key']}"] = value
    data |= {"effect_school": "same", "effect_self": "somewhat_decreased", "attendance": "always"}
    for measure in survey_round.measures:
        data[f"measure_{measure['key']}"] = "no"
    return data | extra


@pytest.fixture
def outsider(db):
    """The director of another school."""
    return SchoolRoleFactory(school=SchoolFactory(), role=SchoolRole.Role.DIRECTOR).user


def token_of(email):
    body = next(m.body for m in mail.outbox if m.to == [email])
    return body.split("/survey/code/")[1].split("/")[0]


@pytest.mark.parametrize("who", ["director", "pmr"])
def test_the_director_and_pmr_see_the_manage_page(client, process, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("surveys:survey-manage", args=[process.pk]))
    assert response.status_code == 200
    assert "Do you have to rush to get your work done?" in response.content.decode()


def test_staff_and_other_schools_do_not_see_the_manage_page(client, process, staff, outsider):
    url = reverse("surveys:survey-manage", args=[process.pk])
    for user in (staff[0].user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_editing_then_sending_from_the_pages(
    client, process, pmr, staff, django_capture_on_commit_callbacks
):
    client.force_login(pmr)
    url = reverse("surveys:questionnaire-edit", args=[process.pk])
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["effect:why:en"] = "Why is that?"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Questionnaire.objects.get().content["effect"]["why"]["en"] == "Why is that?"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:round-send", args=[process.pk]), {"kind": "baseline"}, follow=True
        )
    assert "The survey has been sent to every active staff member." in response.content.decode()
    assert len(mail.outbox) == 10
    response = client.post(url, data, follow=True)
    assert "this year&#x27;s version is fixed" in response.content.decode()


def test_sending_twice_shows_the_reason(client, process, pmr, sent):
    client.force_login(pmr)
    response = client.post(
        reverse("surveys:round-send", args=[process.pk]), {"kind": "baseline"}, follow=True
    )
    assert "This round has already been sent." in response.content.decode()


def test_answering_with_the_personal_link_without_signing_in(client, sent, staff):
    url = reverse("surveys:answer-token", args=[token_of(staff[0].email)])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="answer-form"' in page.content.decode()
    response = client.post(url, post_data(sent, category="OP", fte_band="05_08"))
    assert response.status_code == 302
    [stored] = opened_responses(sent)
    assert (stored["b"]["category"], stored["b"]["fte_band"]) == ("OP", "05_08")
    assert stored["a"]["effect_self"] == "somewhat_decreased"
    page = client.get(url).content.decode()
    assert 'data-testid="answered"' in page and "answer-form" not in page
    again = client.post(url, post_data(sent))
    assert again.status_code == 400
    assert "You have already filled in this survey." in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_an_incomplete_form_is_shown_again(client, sent, staff):
    url = reverse("surveys:answer-token", args=[token_of(staff[0].email)])
    data = post_data(sent)
    del data["item_control_6"]
    assert client.post(url, data).status_code == 400
    assert not SurveyParticipation.objects.exists()


def test_a_personal_survey_code_never_reaches_the_log(client, sent, staff, caplog):
    token = token_of(staff[0].email)
    url = reverse("surveys:answer-token", args=[token])
    with caplog.at_level("INFO"):
        assert client.post(url, {}).status_code == 400  # logged as Bad Request
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/survey/code/…" in logged
    assert token not in logged


def test_an_unknown_link_is_a_404(client, sent):
    assert client.get(reverse("surveys:answer-token", args=["NOPE-NOPE"])).status_code == 404


def test_signed_in_staff_answer_directly(client, sent, staff, outsider, director):
    url = reverse("surveys:answer", args=[sent.pk])
    client.force_login(staff[1].user)
    assert client.get(url).status_code == 200
    assert client.post(url, post_data(sent)).status_code == 302
    assert SurveyParticipation.objects.get().invitee.staff_member == staff[1]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(director)  # in the school but not on the staff list: not invited
    assert client.get(url).status_code == 404


def test_only_the_director_or_pmr_close_a_round(client, sent, staff, pmr):
    url = reverse("surveys:round-close", args=[sent.pk])
    client.force_login(staff[0].user)
    assert client.post(url).status_code == 404
    client.force_login(pmr)
    assert client.post(url).status_code == 302
    sent.refresh_from_db()
    assert sent.state == "closed"


def test_results_are_hidden_while_the_round_is_open(client, process, sent, staff):
    for invitee in sent.invitees.all()[:6]:
        answer(sent, invitee)
    client.force_login(staff[0].user)
    page = client.get(reverse("surveys:results", args=[process.pk])).content.decode()
    assert 'data-testid="not-shown"' in page
    assert 'data-testid="dimensions"' not in page


def test_results_of_a_closed_round_for_everyone_in_the_school(
    client, process, sent, staff, pmr, outsider
):
    invitees = list(sent.invitees.all())
    for invitee in invitees[:6]:
        answer(sent, invitee, value=3, background={"category": "OP"})
    answer(sent, invitees[6], value=1, background={"category": "MT"}, attendance="no_time")
    round_close(survey_round=sent, actor=pmr)
    url = reverse("surveys:results", args=[process.pk])
    client.force_login(staff[0].user)
    page = client.get(url).content.decode()
    assert 'data-testid="dimensions"' in page
    assert "<svg" in page and "<script" not in page.split("</header>")[-1]
    # Seven respondents: 6 x 3 and 1 x 1 -> mean 19/7 = 2.71; 6 of 7 high -> 85.7%.
    assert "2.71" in page and "85.7%" in page
    # The MT respondent alone (1) is never shown, and OP alone would reveal MT as 7 - 6.
    assert ">MT<" not in page
    assert ">OP<" not in page
    assert "Smaller groups together" in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_free_texts_only_for_the_director_and_pmr(client, process, sent, staff, pmr):
    for invitee in sent.invitees.all()[:5]:
        response_submit(
            invitee=invitee,
            answers={
                **answers_for(sent.content),
                "effect_school_why": "Minder vergaderingen <b>",
            },
            background={},
        )
    round_close(survey_round=sent, actor=pmr)
    url = reverse("surveys:results", args=[process.pk])
    client.force_login(pmr)
    assert escape("Minder vergaderingen <b>") in client.get(url).content.decode()
    client.force_login(staff[0].user)
    assert "Minder vergaderingen" not in client.get(url).content.decode()


def test_the_comparison_over_the_years(client, process, director, pmr, staff, sent):
    for invitee in sent.invitees.all()[:5]:
        answer(sent, invitee, value=2)
    round_close(survey_round=sent, actor=pmr)
    later = process_services.process_create(
        school=process.school,
        school_year=SchoolYearFactory(start_year=2027),
        actor=director,
        copy_from=process,
    )
    questionnaire = questionnaire_ensure(process=later)
    next_round = round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")
    for invitee in next_round.invitees.all()[:5]:
        answer(next_round, invitee, value=3)
    round_close(survey_round=next_round, actor=pmr)
    client.force_login(UserFactory())
    assert client.get(reverse("surveys:results", args=[later.pk])).status_code == 404
    client.force_login(staff[0].user)
    page = client.get(reverse("surveys:results", args=[later.pk])).content.decode()
    history = page.split('data-testid="history"')[1]
    assert "2.00 (0.0%)" in history and "3.00 (100.0%)" in history
    assert history.index("2.00 (0.0%)") < history.index("3.00 (100.0%)")
    assert page.count('data-testid="survey-chart"') == 2
