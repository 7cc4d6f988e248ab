from celery import shared_task

from .models import Vote
from .services import messages


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def vote_messages_send(vote_id: int) -> int:
    """Send the due invitations and reminders of one vote (right after it opens)."""
    vote = Vote.objects.filter(pk=vote_id).first()
    return messages.vote_messages_send(vote=vote) if vote else 0


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def votes_tick() -> dict:
    """Every few minutes: close votes whose time has come, send due invitations and reminders."""
    return messages.votes_tick()
