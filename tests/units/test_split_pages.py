"""Step 2's page: the split form, its htmx preview, saving, permissions and query counts."""
# ruff: noqa: F811 - the procedure's fixtures are imported from tests.processes.conftest

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import Decision, ProcessStep
from tests.processes.conftest import sign_both, step
from tests.units.test_split import FTE_10, _member, _stored, units  # noqa: F401 - fixture
from units.models import BudgetLine, BudgetSplit, OrganisationalUnit
from units.services.split import split_preview, split_save

D = Decimal


def _url(name, process):
    return reverse(f"units:{name}", args=[process.pk])


def _data(units, *, method="fte", reserve_kind="percentage", reserve_value="10", **extra):
    """The form as the page posts it; ``weights`` / ``fixed`` map unit names to text."""
    weights = extra.pop("weights", {})
    fixed = extra.pop("fixed", {})
    data = {
        "method": method,
        "reserve_kind": reserve_kind,
        "reserve_value": reserve_value,
        "shown_method": extra.pop("shown_method", method),
    }
    for name, unit in units.items():
        data[f"weight_{unit.pk}"] = weights.get(name, "1")
        data[f"fixed_{unit.pk}"] = fixed.get(name, "")
    data.update(extra)
    return data


def _fingerprint(process, **inputs):
    return split_preview(process=process, **{**FTE_10, **inputs}).fingerprint


# --- permissions ----------------------------------------------------------------------------------

ROLES = ["anonymous", "staff_user", "director", "pmr", "board_admin", "other_director"]
GET_EXPECTED = [302, 200, 200, 200, 200, 404]
PREVIEW_EXPECTED = [302, 403, 200, 200, 403, 404]
SAVE_EXPECTED = [302, 403, 302, 302, 403, 404]


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_get_permission_matrix(client, request, process, units, index, role):
    _login(client, request, role)
    response = client.get(_url("split", process))
    assert response.status_code == GET_EXPECTED[index], role
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_preview_permission_matrix(client, request, process, units, index, role):
    _login(client, request, role)
    response = client.post(_url("split-preview", process), _data(units))
    assert response.status_code == PREVIEW_EXPECTED[index], role


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_save_permission_matrix(client, request, process, units, index, role):
    _login(client, request, role)
    before = _stored(process)
    data = _data(units, fingerprint=_fingerprint(process))
    response = client.post(_url("split-save", process), data)
    assert response.status_code == SAVE_EXPECTED[index], role
    if SAVE_EXPECTED[index] == 302 and role != "anonymous":
        assert BudgetSplit.objects.filter(process=process).exists()
    else:
        assert _stored(process) == before


@pytest.mark.parametrize("name", ["split-preview", "split-save"])
def test_preview_and_save_take_only_posts(client, director, process, name):
    client.force_login(director)
    assert client.get(_url(name, process)).status_code == 405


def test_another_schools_director_gets_404_on_a_post_too(client, other_director, process, units):
    client.force_login(other_director)
    response = client.post(_url("split-preview", process), _data(units), HTTP_HX_REQUEST="true")
    assert response.status_code == 404


# --- the page ------------------------------------------------------------------------------------


def test_step_2_page_links_to_the_split_page(client, director, process):
    client.force_login(director)
    response = client.get(reverse("processes:step-detail", args=[process.pk, 2]))
    assert _url("split", process) in response.content.decode()


def test_director_sees_the_form_with_a_live_preview(client, director, process, units):
    client.force_login(director)
    html = client.get(_url("split", process)).content.decode()
    assert 'id="split-form"' in html
    assert f'hx-post="{_url("split-preview", process)}"' in html
    assert 'hx-trigger="input changed delay:300ms, change"' in html
    assert f'formaction="{_url("split-save", process)}"' in html
    # The page starts from an fte split without a reserve: 100,000 over 5.0 fte.
    for amount in ("22,000.00", "30,000.00", "48,000.00", "100,000.00"):
        assert f"€\xa0{amount}" in html
    assert 'name="fingerprint" value="' in html
    assert "No split of the budget over the units has been saved yet." in html


def test_staff_see_the_saved_split_read_only(client, staff_user, director, process, units):
    split_save(process=process, actor=director, **FTE_10)
    client.force_login(staff_user)
    html = client.get(_url("split", process)).content.decode()
    assert 'id="split-form"' not in html
    assert "Save this split" not in html
    assert "€\xa043,200.00" in html and "€\xa010,000.00" in html


def test_staff_see_that_no_split_is_saved_yet(client, staff_user, process, units):
    client.force_login(staff_user)
    html = client.get(_url("split", process)).content.decode()
    assert "No split has been saved yet." in html


def test_page_shows_amounts_in_dutch_by_default(client, director, process, units, settings):
    settings.LANGUAGE_CODE = "nl"
    split_save(process=process, actor=director, **FTE_10)
    client.force_login(director)
    html = client.get(_url("split", process)).content.decode()
    assert "€\xa043.200,00" in html
    assert "48,00 %" in html


def test_page_warns_when_the_saved_split_is_out_of_date(client, director, process, units):
    split_save(process=process, actor=director, **FTE_10)
    BudgetLine.objects.filter(process=process, kind="carry_over").update(amount=D("20000"))
    client.force_login(director)
    html = client.get(_url("split", process)).content.decode()
    assert "The split is out of date: recalculate and save it again." in html


def test_page_shows_the_problem_when_the_start_cannot_be_split(client, director, process, units):
    OrganisationalUnit.objects.create(process=process, name="Support")
    client.force_login(director)
    html = client.get(_url("split", process)).content.decode()
    assert "Support has no fte" in html
    assert "Save this split" not in html


# --- the htmx preview ----------------------------------------------------------------------------


def test_htmx_preview_returns_the_partial(client, director, process, units):
    client.force_login(director)
    response = client.post(
        _url("split-preview", process), _data(units, reserve_value="20"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "€\xa020,000.00" in html  # the reserve
    assert "€\xa038,400.00" in html  # OP: 2.4 / 5.0 of 80,000
    fingerprint = _fingerprint(process, reserve_value=D("20"))
    assert f'name="fingerprint" value="{fingerprint}"' in html
    assert 'id="split-unit-inputs"' not in html  # the method did not change


def test_htmx_preview_swaps_the_unit_inputs_when_the_method_changes(
    client, director, process, units
):
    client.force_login(director)
    data = _data(units, method="weights", shown_method="fte", weights={"OP": "2"})
    html = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert 'id="split-unit-inputs" hx-swap-oob="true"' in html
    assert f'name="weight_{units["OP"].pk}"' in html
    assert "€\xa045,000.00" in html  # OP: weight 2 of 4, after the 10% reserve


def test_htmx_preview_shows_errors_with_status_200(client, director, process, units):
    client.force_login(director)
    data = _data(units, reserve_kind="amount", reserve_value="100000.01")
    response = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "is larger than the school budget" in html
    assert 'name="fingerprint"' not in html


def test_htmx_preview_refreshes_the_errors_next_to_the_fields(client, director, process, units):
    client.force_login(director)
    mt, op = units["MT"].pk, units["OP"].pk
    data = _data(units, method="weights", weights={"MT": "-1"})
    html = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    # Out of band: the inputs stay (the user is typing there), their error texts are replaced.
    assert 'id="split-unit-inputs"' not in html
    assert (
        f'<div id="id_weight_{mt}_errors" class="invalid-feedback d-block" hx-swap-oob="true">'
        "The weight of MT cannot be negative.</div>"
    ) in html
    assert (
        f'<div id="id_weight_{op}_errors" class="invalid-feedback d-block" hx-swap-oob="true">'
        "</div>"
    ) in html
    assert 'id="id_reserve_value_errors"' in html
    assert f'id="id_fixed_{op}_errors"' not in html  # not on the page under this method


def test_htmx_preview_names_the_field_of_a_generic_error(client, director, process, units):
    client.force_login(director)
    data = _data(units, method="weights", weights={"OOP": "abc"})
    html = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    assert "Weight of OOP: Enter a number." in html.content.decode()


def test_a_typo_in_an_input_the_method_does_not_use_is_ignored(client, director, process, units):
    client.force_login(director)
    data = _data(units, method="fte", weights={"OOP": "abc"}, fixed={"OP": "-4"})
    html = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "€\xa043,200.00" in html
    assert "alert-danger" not in html


# --- without JavaScript ---------------------------------------------------------------------------


def test_calculate_without_javascript_renders_the_whole_page(client, director, process, units):
    client.force_login(director)
    response = client.post(_url("split-preview", process), _data(units, method="headcount"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    # 7 staff, 90,000 after the reserve: OP 3/7, OOP 2/7, MT 2/7.
    assert "€\xa038,571.43" in html and "€\xa025,714.29" in html and "€\xa025,714.28" in html


def test_calculate_without_javascript_marks_the_wrong_field(client, director, process, units):
    client.force_login(director)
    data = _data(units, method="weights", weights={"MT": "-1"})
    response = client.post(_url("split-preview", process), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The weight of MT cannot be negative." in html
    pk = units["MT"].pk
    assert (
        f'<div id="id_weight_{pk}_errors" class="invalid-feedback d-block">'
        "The weight of MT cannot be negative.</div>"
    ) in html
    assert f'aria-describedby="id_weight_{pk}_errors"' in html
    assert BudgetSplit.objects.count() == 0


def test_dutch_numbers_are_read_with_a_decimal_comma(client, director, process, units, settings):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    data = _data(units, reserve_value="12,5")
    html = client.post(_url("split-preview", process), data, HTTP_HX_REQUEST="true")
    assert "€\xa012.500,00" in html.content.decode()


# --- saving --------------------------------------------------------------------------------------


def test_save_stores_the_split_shown_and_redirects(client, director, process, units):
    client.force_login(director)
    data = _data(units, fingerprint=_fingerprint(process))
    response = client.post(_url("split-save", process), data, follow=True)
    assert response.redirect_chain == [(_url("split", process), 302)]
    assert "The split has been saved." in response.content.decode()
    amounts = dict(process.units.values_list("name", "amount"))
    assert amounts == {"MT": D("19800.00"), "OOP": D("27000.00"), "OP": D("43200.00")}
    assert Decision.objects.filter(action="units.split.saved").count() == 1


class _FormValues(HTMLParser):
    """The values a browser would post for the split form of a page."""

    def __init__(self):
        super().__init__()
        self.values, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs["value"]


def _form_values(html):
    parser = _FormValues()
    parser.feed(html)
    return parser.values


def test_the_page_round_trip_saves_what_it_showed_in_dutch(
    client, director, process, units, settings
):
    settings.LANGUAGE_CODE = "nl"
    pks = {name: unit.pk for name, unit in units.items()}
    weights = {pks["OP"]: D("1.5"), pks["OOP"]: D("1"), pks["MT"]: D("0.5")}
    split_save(
        process=process,
        actor=director,
        **{**FTE_10, "method": "weights", "reserve_value": D("12.5"), "weights": weights},
    )
    BudgetLine.objects.filter(process=process, kind="carry_over").update(amount=D("20000"))
    client.force_login(director)
    values = _form_values(client.get(_url("split", process)).content.decode())
    assert values["reserve_value"] == "12,50"
    assert values[f"weight_{pks['OP']}"] == "1,5"
    response = client.post(_url("split-save", process), values)
    assert response.status_code == 302
    # 110,000 less 12.5% = 96,250 over weights 1.5 : 1 : 0.5.
    amounts = dict(process.units.values_list("name", "amount"))
    assert amounts == {"OP": D("48125.00"), "OOP": D("32083.33"), "MT": D("16041.67")}


def test_save_is_refused_when_the_data_changed_since_the_preview(client, director, process, units):
    client.force_login(director)
    old = _fingerprint(process)
    BudgetLine.objects.create(
        process=process, kind="extra_tranche", description="Tranche", amount=D("5000")
    )
    before = _stored(process)
    response = client.post(_url("split-save", process), _data(units, fingerprint=old))
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "The split was not saved: the inputs, the budget, the units or their staff changed" in html
    )
    new = _fingerprint(process)
    assert f'name="fingerprint" value="{new}"' in html  # the split as it is now, to save
    assert "€\xa094,500.00" in html  # 90% of 105,000
    assert _stored(process) == before


def test_save_is_refused_when_a_unit_was_added_since_the_preview(client, director, process, units):
    client.force_login(director)
    old = _fingerprint(process)
    support = OrganisationalUnit.objects.create(process=process, name="Support")
    _member(process, support, "1")
    response = client.post(_url("split-save", process), _data(units, fingerprint=old))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'name="weight_{support.pk}"' in html or "Support" in html
    assert not BudgetSplit.objects.exists()


def test_save_needs_a_calculated_preview(client, director, process, units):
    client.force_login(director)
    response = client.post(_url("split-save", process), _data(units))
    assert response.status_code == 400
    assert "Calculate the split first, then save it." in response.content.decode()
    assert not BudgetSplit.objects.exists()


def test_save_with_an_error_stores_nothing(client, director, process, units):
    split_save(process=process, actor=director, **FTE_10)
    before = _stored(process)
    client.force_login(director)
    data = _data(units, method="fixed", fixed={"OP": "50000", "OOP": "30000", "MT": "10000,01"})
    data["fingerprint"] = "0" * 64
    response = client.post(_url("split-save", process), data)
    assert response.status_code == 400
    assert _stored(process) == before


def test_save_with_fixed_amounts_that_do_not_add_up_says_by_how_much(
    client, director, process, units
):
    client.force_login(director)
    data = _data(units, method="fixed", fixed={"OP": "50000", "OOP": "30000", "MT": "9000"})
    data["fingerprint"] = "0" * 64
    response = client.post(_url("split-save", process), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "€\xa01,000.00 less than the €\xa090,000.00 to divide over the units" in html
    assert not BudgetSplit.objects.exists()


def test_saving_a_changed_split_after_sign_off_reopens_step_2(
    client, director, pmr, process, units
):
    sign_both(process, 1, director, pmr)
    split_save(process=process, actor=director, **FTE_10)
    sign_both(process, 2, director, pmr)
    client.force_login(pmr)
    html = client.get(_url("split", process)).content.decode()
    assert "Step 2 has been signed off (by one side or both). Saving a different split" in html
    data = _data(units, reserve_value="5", fingerprint=_fingerprint(process, reserve_value=D(5)))
    response = client.post(_url("split-save", process), data, follow=True)
    assert "Step 2 was reopened: the director and the PMR sign it off again." in (
        response.content.decode()
    )
    assert step(process, 2).state == ProcessStep.State.OPEN
    assert Decision.objects.filter(action="processes.step.reopened", step_number=2).exists()


def test_signed_split_appears_on_the_agreement_in_dutch(
    client, director, pmr, process, units, settings
):
    settings.LANGUAGE_CODE = "nl"
    sign_both(process, 1, director, pmr)
    split_save(process=process, actor=director, **FTE_10)
    sign_both(process, 2, director, pmr)
    client.force_login(pmr)
    html = client.get(reverse("processes:agreement", args=[process.pk])).content.decode()
    assert 'data-testid="agreement-budget"' in html
    for amount in ("100.000,00", "10.000,00", "43.200,00", "27.000,00", "19.800,00"):
        assert f"€\xa0{amount}" in html


# --- query counts ---------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("role", ["director", "staff_user"])
def test_query_count_does_not_grow_with_units_or_staff(client, request, process, units, role):
    director = request.getfixturevalue("director")
    client.force_login(request.getfixturevalue(role))
    url = _url("split", process)
    client.get(url)  # warm up session and caches
    small = _count(client, url)
    for number in range(8):
        unit = OrganisationalUnit.objects.create(process=process, name=f"Section {number}")
        for _ in range(12):
            _member(process, unit, "0.7")
        BudgetLine.objects.create(
            process=process, kind="extra_tranche", description=f"Tranche {number}", amount=D(1)
        )
    split_save(process=process, actor=director, **FTE_10)
    large = _count(client, url)
    # 2 fewer since issue 20: the reader's roles in one query, not three
    assert small == {"director": 9, "staff_user": 9}[role]
    assert large == small
