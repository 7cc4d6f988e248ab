import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_digest(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256. The token itself is only in the
    e-mail, so a copy of the database holds no link that works."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed invitation to take up a role at a board or a school.

    Accepting it signs the person in (an account is made for the address if there is none) and
    gives the role. It expires, can be sent again (a new token) and withdrawn.
    """

    class Role(models.TextChoices):
        BOARD_ADMIN = "board_admin", _("board administrator")
        GMR = "gmr", _("GMR member")
        DIRECTOR = "director", _("director")
        PMR = "pmr", _("PMR member")
        STEERING = "steering", _("steering group member")

    BOARD_ROLES = (Role.BOARD_ADMIN, Role.GMR)

    board = models.ForeignKey(
        "processes.Board",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("board"),
    )
    school = models.ForeignKey(
        "processes.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("school"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["board_admin", "gmr"], school__isnull=True)
                | models.Q(role__in=["director", "pmr", "steering"], school__isnull=False),
                name="invitation_school_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.withdrawn_at is None
            and self.expires_at > timezone.now()
        )
