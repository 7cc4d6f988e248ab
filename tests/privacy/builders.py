"""A person who has one of everything the product records about staff, made through the ORM
(the privacy tests are about what is stored, not how each step stores it)."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.utils import timezone

from organisation.models import Invitation
from plans.models import Measure, MeasureCategory, MeasureComment, UnitPlan
from processes import services as engine
from processes.models import Decision, SignOff
from surveys.models import (
    Invitee,
    Questionnaire,
    SurveyParticipation,
    SurveyReminder,
    SurveyResponse,
    SurveyRound,
    SurveyToken,
)
from tests.factories import StaffMemberFactory, UserFactory
from units.models import (
    KickoffAttendance,
    KickoffInvitation,
    KickoffSession,
    KickoffSignUp,
    OrganisationalUnit,
    StaffMember,
    UnitMembership,
    WorkingMethod,
)
from voting.models import Ballot, Participation, Vote, Voter, VoterMessage, VoterToken

NAME = "Wilhelmina Zonnebloem"
EMAIL = "w.zonnebloem@school.example"


@dataclass
class Person:
    member: object
    user: object
    vote: Vote
    survey_round: SurveyRound
    session_key: str


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def person_with_everything(*, process, director) -> Person:
    school = process.school
    user = UserFactory(email=EMAIL, name=NAME)
    member = StaffMemberFactory(school=school, user=user, email=EMAIL, name=NAME, function="docent")
    now = timezone.now()

    unit = OrganisationalUnit.objects.create(process=process, name="Bovenbouw")
    UnitMembership.objects.create(process=process, unit=unit, staff_member=member)
    session = KickoffSession.objects.create(
        process=process,
        date=datetime.date(2026, 10, 1),
        starts_at=datetime.time(15),
        ends_at=datetime.time(17),
        place="Aula",
        held_recorded_by=user,
    )
    KickoffSignUp.objects.create(session=session, staff_member=member)
    KickoffAttendance.objects.create(session=session, staff_member=member, attended=True)
    KickoffInvitation.objects.create(session=session, staff_member=member, sequence=1)
    WorkingMethod.objects.create(
        process=process,
        unit=unit,
        leader=member,
        decision_mode=WorkingMethod.DecisionMode.values[0],
        participation=WorkingMethod.Participation.values[0],
        recorded_at=now,
        changed_at=now,
        recorded_by=user,
        changed_by=user,
    )

    vote = Vote.objects.create(
        process=process,
        round=1,
        state=Vote.State.CLOSED,
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(days=1),
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=director,
    )
    voter = Voter.objects.create(vote=vote, staff_member=member, category=member.category)
    VoterToken.objects.create(voter=voter, token_hash=_digest("vote-code"), channel="email")
    VoterMessage.objects.create(voter=voter, occasion="invitation")
    Participation.objects.create(voter=voter)
    Ballot.objects.create(vote=vote, choice=Ballot.Choice.YES)
    other = Voter.objects.create(
        vote=vote, staff_member=school.staff_members.exclude(pk=member.pk).first(), category="OP"
    )
    Participation.objects.create(voter=other)
    Ballot.objects.create(vote=vote, choice=Ballot.Choice.NO)

    questionnaire = Questionnaire.objects.create(process=process, content={}, changed_by=user)
    survey_round = SurveyRound.objects.create(
        questionnaire=questionnaire,
        kind=SurveyRound.Kind.BASELINE,
        content={},
        content_hash=_digest("content"),
        sent_at=now,
        sent_by=user,
        state=SurveyRound.State.CLOSED,
    )
    invitee = Invitee.objects.create(round=survey_round, staff_member=member)
    SurveyToken.objects.create(invitee=invitee, token_hash=_digest("survey-code"))
    SurveyReminder.objects.create(invitee=invitee, occasion="reminder-3")
    SurveyParticipation.objects.create(invitee=invitee)
    SurveyResponse.objects.create(round=survey_round, answers={"q1": 4})

    plan = UnitPlan.objects.create(process=process, unit=unit, submitted_by=user)
    measure = Measure.objects.create(
        plan=plan,
        title="Extra handen",
        category=MeasureCategory.objects.first(),
        first_year=2026,
        last_year=2026,
        created_by=user,
    )
    MeasureComment.objects.create(
        measure=measure, author=user, author_name=NAME, text=f"Goed idee, groet {NAME}"
    )
    step = process.steps.get(number=1)
    SignOff.objects.create(step=step, revision=step.revision, side="pmr", user=user)
    engine.decision_record(
        process=process,
        action="test.something",
        summary="%(who)s proposed something",
        params={"who": NAME},
        actor=user,
        content={"by": NAME, "email": EMAIL},
    )
    Invitation.objects.create(
        board=school.board,
        school=school,
        role="pmr",
        email=EMAIL,
        name=NAME,
        token_digest=_digest("invitation"),
        invited_by=director,
        accepted_by=user,
        accepted_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    EmailAddress.objects.get_or_create(user=user, email=EMAIL, defaults={"verified": True})
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        fields = {"username": EMAIL, "ip_address": "192.0.2.7", "user_agent": "Firefox"}
        if model is AccessAttempt:
            fields["failures_since_start"] = 1
        if model is AccessFailureLog:
            fields["locked_out"] = False
        model.objects.create(**fields)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    member.active = False
    member.save()
    return Person(member, user, vote, survey_round, store.session_key)


def _text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def traces(needles) -> list[str]:
    """Every text and JSON value of every row of every model that holds one of ``needles``."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model._default_manager.values("pk", *(f.name for f in fields)):
            for f in fields:
                value = json.dumps(row[f.name], ensure_ascii=False).lower()
                if any(needle.lower() in value for needle in needles):
                    found.append(f"{model._meta.label}.{f.name} (pk {row['pk']})")
    return found


def totals(person):
    vote = person.vote
    return {
        "turnout": Participation.objects.filter(voter__vote=vote).count(),
        "tally": sorted(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)),
        "survey participations": SurveyParticipation.objects.filter(
            invitee__round=person.survey_round
        ).count(),
        "survey responses": SurveyResponse.objects.filter(round=person.survey_round).count(),
        "unit members": UnitMembership.objects.count(),
        "fte and category": list(
            StaffMember.objects.order_by("pk").values_list("pk", "fte", "category")
        ),
        "decisions": Decision.objects.exclude(action="privacy.staff_removed").count(),
    }
