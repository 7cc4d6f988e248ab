"""The frozen agreement of steps 1-3 with real content: page, PDF and versions."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from plans.demo import demo_load
from processes import agreement, services
from processes.models import AgreementVersion, Decision
from tests.factories import SchoolRoleFactory
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

pytestmark = pytest.mark.django_db


def user(local):
    return get_user_model().objects.get(email=f"{local}@demo.werkdruk.nl")


@pytest.fixture
def agreed(settings):
    """The demo school with steps 1-3 signed off by the director and the PMR."""
    settings.LANGUAGE_CODE = "nl"
    process = demo_load()["process"]
    services.step_sign_off(step=process.steps.get(number=3), actor=user("pmr"))
    return process


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def dutch_euro(amount) -> str:
    with translation.override("nl"):
        return format_euro(amount).replace("\xa0", " ")


def test_agreement_pdf_contains_every_unit_amount_and_framework(client, agreed):
    version = agreement.agreement_freeze(process=agreed, actor=user("pmr"))
    client.force_login(user("docent"))  # every staff member can read what they vote on
    response = client.get(reverse("processes:agreement-pdf", args=[agreed.pk, version.number]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for unit in agreed.units.all():
        assert unit.name in text
        assert dutch_euro(unit.amount) in text, unit.name
    split = agreed.budget_split
    assert dutch_euro(split.reserve_amount) in text
    assert dutch_euro(split.school_total) in text
    for rule in agreed.framework_rules.all():
        assert rule.text[:40] in text
    assert version.content_hash in text.replace(" ", "")


def test_units_and_amounts_in_the_frozen_content_add_up_to_the_school_total(agreed):
    version = agreement.agreement_freeze(process=agreed, actor=user("directeur"))
    units = version.content["sections"]["units"]
    assert [u["name"] for u in units] == sorted(u.name for u in agreed.units.all())
    assert version.content_hash == agreement.content_hash(version.content)


def test_agreement_page_shows_the_frozen_version_not_later_changes(client, agreed):
    version = agreement.agreement_freeze(process=agreed, actor=user("pmr"))
    unit = agreed.units.get(name="MT")
    from units.services.units import unit_update

    unit_update(
        unit=unit,
        actor=user("directeur"),
        name="Leidinggevenden nieuw",
        description=unit.description,
        kind=unit.kind,
    )
    client.force_login(user("docent"))
    content = client.get(reverse("processes:agreement", args=[agreed.pk])).content.decode()
    assert version.content_hash in content
    assert ">MT<" in content or "MT</" in content
    assert "Leidinggevenden nieuw" not in content
    # The change reopened step 1, so the vote cannot be prepared on the old version.
    assert agreed.steps.get(number=1).state == "open"


def test_freeze_through_the_page_and_again_after_changes_makes_version_2(client, agreed):
    client.force_login(user("pmr"))
    url = reverse("processes:agreement-freeze", args=[agreed.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # unchanged: still version 1
    assert AgreementVersion.objects.filter(process=agreed).count() == 1

    from units.services import budget

    director, pmr = user("directeur"), user("pmr")
    budget.budget_line_add(
        process=agreed,
        actor=director,
        kind="extra_tranche",
        description="Extra tranche",
        amount="10000.00",
    )
    from units.services.split import split_save

    split = agreed.budget_split
    split_save(
        process=agreed,
        actor=director,
        method=split.method,
        reserve_kind=split.reserve_kind,
        reserve_value=split.reserve_value,
        weights={},
        fixed_amounts={},
    )
    for number in (2, 3):
        for actor in (director, pmr):
            services.step_sign_off(step=agreed.steps.get(number=number), actor=actor)
    assert client.post(url).status_code == 302
    versions = list(AgreementVersion.objects.filter(process=agreed).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content_hash != versions[1].content_hash


def test_the_page_offers_to_freeze_only_what_is_not_frozen_yet(client, agreed):
    """Issue 15, item 7: a frozen, unchanged agreement is not offered for freezing again."""
    client.force_login(user("pmr"))
    page_url = reverse("processes:agreement", args=[agreed.pk])
    freeze_url = reverse("processes:agreement-freeze", args=[agreed.pk])
    assert freeze_url in client.get(page_url).content.decode()
    client.post(freeze_url)
    assert freeze_url not in client.get(page_url).content.decode()


def test_freeze_is_refused_for_staff_and_other_schools(client, agreed):
    client.force_login(user("docent"))
    assert client.post(reverse("processes:agreement-freeze", args=[agreed.pk])).status_code == 403
    other = SchoolRoleFactory(role="director").user
    client.force_login(other)
    assert client.get(reverse("processes:agreement", args=[agreed.pk])).status_code == 404
    assert client.post(reverse("processes:agreement-freeze", args=[agreed.pk])).status_code == 404
    assert not AgreementVersion.objects.exists()


def test_pdf_of_a_missing_version_is_404(client, agreed):
    client.force_login(user("pmr"))
    assert client.get(reverse("processes:agreement-pdf", args=[agreed.pk, 7])).status_code == 404


def test_freeze_is_refused_when_the_split_went_out_of_date_after_sign_off(agreed):
    from units.models import StaffMember

    member = StaffMember.objects.filter(school=agreed.school, active=True).first()
    StaffMember.objects.filter(pk=member.pk).update(fte="0.1000")  # e.g. a correction in HR
    with pytest.raises(DomainError) as refused:
        agreement.agreement_freeze(process=agreed, actor=user("pmr"))
    assert refused.value.details  # the split blocker says why
    assert not AgreementVersion.objects.exists()


def test_freeze_is_refused_after_the_vote(agreed):
    agreement.agreement_freeze(process=agreed, actor=user("pmr"))
    services.step_complete_by_system(step=agreed.steps.get(number=4), summary="Vote adopted")
    with pytest.raises(DomainError):
        agreement.agreement_freeze(process=agreed, actor=user("pmr"))


def test_pdf_reads_the_same_whatever_language_the_reader_chose(client, agreed, settings):
    version = agreement.agreement_freeze(process=agreed, actor=user("pmr"))
    url = reverse("processes:agreement-pdf", args=[agreed.pk, version.number])
    client.force_login(user("docent"))
    dutch = pdf_text(client.get(url).content)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert pdf_text(client.get(url).content) == dutch


def _staff_csv(school, extra_rows=(), fte_of=None):
    from units.models import StaffMember

    rows = ["naam;e-mail;categorie;functie;afdeling;wtf"]
    for m in StaffMember.objects.filter(school=school, active=True).order_by("email"):
        fte = (fte_of or {}).get(m.email, m.fte)
        rows.append(f"{m.name};{m.email};{m.category};{m.function};{m.department};{fte}")
    rows.extend(extra_rows)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("personeel.csv", "\n".join(rows).encode())


def test_import_with_a_new_colleague_reopens_step_1_before_the_vote(agreed):
    from units.services.staff import staff_import

    staff_import(
        school=agreed.school,
        actor=user("directeur"),
        file=_staff_csv(agreed.school, ["Nieuwe Collega;nieuw@demo.werkdruk.nl;OP;docent;;0,6"]),
    )
    step1 = agreed.steps.get(number=1)
    assert step1.state == "open" and step1.revision == 2
    assert agreed.steps.get(number=2).state == "locked"
    assert Decision.objects.filter(action="processes.step.reopened").get().grounds


def test_import_changing_only_fte_reopens_step_2(agreed):
    from units.services.staff import staff_import

    member = agreed.units.get(name="MT").memberships.first().staff_member
    staff_import(
        school=agreed.school,
        actor=user("directeur"),
        file=_staff_csv(agreed.school, fte_of={member.email: "0.5"}),
    )
    assert agreed.steps.get(number=1).state == "done"
    assert agreed.steps.get(number=2).state == "open"


def test_import_of_the_same_list_reopens_nothing(agreed):
    from units.services.staff import staff_import

    staff_import(school=agreed.school, actor=user("directeur"), file=_staff_csv(agreed.school))
    assert [s.state for s in agreed.steps.filter(number__in=(1, 2, 3))] == ["done"] * 3
    assert not Decision.objects.filter(action="processes.step.reopened").exists()
