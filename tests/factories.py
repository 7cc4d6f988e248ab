"""factory_boy factories shared by all tests."""

from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.services import user_email_vouch
from processes.models import Board, BoardAdministrator, PupilCount, School, SchoolRole, SchoolYear
from units.models import StaffCategory, StaffMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """As the staff import and the admin make accounts: the address is verified (issue 14,
        item 3)."""
        if create:
            user_email_vouch(user=user)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Stichting Voortgezet Onderwijs {n}")


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("start_year",)

    start_year = 2026


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Het College {n}")
    brin = factory.Sequence(lambda n: f"{n % 100:02d}{chr(65 + (n // 100) % 26)}{chr(65 + n % 26)}")
    city = "Utrecht"
    # The language the test runs in (tests/fixtures/language.py sets English): decisions are
    # written in the school's language.
    language = factory.LazyFunction(lambda: settings.LANGUAGE_CODE)


class PupilCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilCount

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    pupil_count = 1000


class SchoolRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolRole

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = SchoolRole.Role.DIRECTOR


class BoardAdministratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardAdministrator

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    school = factory.SubFactory(SchoolFactory)
    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"staff{n}@school.example.org")
    category = StaffCategory.OP
    function = "docent"
    fte = Decimal("0.8000")
    active = True
