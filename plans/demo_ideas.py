"""Demo data of the ideas round: Erasmus College's current process has an open round with a
few ideas and some support (``manage.py demo``)."""

import datetime

from django.utils import timezone

from units.models import StaffMember

from .models import IdeasRound, MeasureCategory
from .services.ideas import idea_put_forward, idea_support, ideas_round_open

DEMO_IDEAS = [
    ("docent", "Een stilteruimte om na te kijken, met vaste uren zonder overleg.", "other"),
    ("pmr", "Een onderwijsassistent voor de brugklassen in de toetsweken.", "extra_staff"),
    (
        "stuurgroep",
        "Minder vergaderingen: één overlegmiddag per maand in plaats van vier.",
        "organisational",
    ),
    ("pmr2", "Een extra conciërge tijdens de pauzes.", "extra_staff"),
]


def demo_ideas(process, users) -> IdeasRound:
    """Open the ideas round (from a week ago, for two more weeks) with four ideas put forward
    by demo staff and some support. Idempotent: once per process."""
    existing = IdeasRound.objects.filter(process=process).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    ideas_round = ideas_round_open(
        process=process,
        actor=users["directeur"],
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=14),
    )
    categories = {category.code: category for category in MeasureCategory.objects.all()}
    ideas = []
    for local, text, code in DEMO_IDEAS:
        user = users.get(local)
        if (
            user is None
            or not StaffMember.objects.filter(
                user=user, school_id=process.school_id, active=True
            ).exists()
        ):
            continue
        ideas.append(
            idea_put_forward(process=process, actor=user, text=text, category=categories.get(code))
        )
    supporters = [users[local] for local in ("docent", "pmr", "stuurgroep") if local in users]
    for index, idea in enumerate(ideas):
        for supporter in supporters[: len(supporters) - index]:
            if idea.author.user_id != supporter.pk:
                idea_support(idea=idea, actor=supporter)
    return ideas_round
