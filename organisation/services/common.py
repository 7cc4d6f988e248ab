"""What the organisation's services share: a change of a role is a recorded decision."""

from processes.models import Decision
from processes.services import in_school_language


def role_decision_record(
    *, board, action, summary, params=None, actor=None, actor_role="", school=None, content=None
) -> Decision:
    """Write one immutable decision about a role at ``board`` (and ``school``), in the
    school's language: it shows in the board's decisions from then on. ``summary`` is a
    msgid marked with gettext_noop; ``actor_role`` one too."""
    return Decision.objects.create(
        board=board,
        school=school,
        action=action,
        summary=in_school_language(summary, params, school=school),
        content=content or {},
        actor=actor,
        actor_name=str(actor) if actor else "",
        actor_role=in_school_language(actor_role, school=school) if actor_role else "",
    )
