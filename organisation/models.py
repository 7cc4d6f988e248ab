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


class SignInProvider(models.Model):
    """A board's own OpenID Connect sign-in (the school's Microsoft, Google or SURFconext
    account), set up by its board administrators in the product.

    allauth gets these as its apps (``organisation.signin_adapter``): nothing is in the
    settings. Only people the board knows (staff of its schools, an open invitation, a role on
    the board) with a verified address in ``allowed_domains`` get in through it.
    """

    class Kind(models.TextChoices):
        ENTRA = "entra", _("Microsoft Entra ID (Microsoft 365)")
        GOOGLE = "google", _("Google Workspace")
        SURFCONEXT = "surfconext", _("SURFconext")
        OIDC = "oidc", _("Other OpenID Connect provider")

    GOOGLE_ISSUER = "https://accounts.google.com"
    SURFCONEXT_ISSUER = "https://connect.surfconext.nl"

    board = models.ForeignKey(
        "processes.Board",
        on_delete=models.CASCADE,
        related_name="signin_providers",
        verbose_name=_("board"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(
        _("label"),
        max_length=100,
        help_text=_('Shown on the sign-in button: "Sign in with <label>".'),
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    client_secret = models.CharField(_("client secret"), max_length=1000)
    tenant_id = models.CharField(
        _("tenant ID"),
        max_length=100,
        blank=True,
        help_text=_("Microsoft Entra ID only: the directory (tenant) ID of the school's account."),
    )
    server_url = models.URLField(
        _("issuer (server URL)"),
        blank=True,
        help_text=_(
            "Other OpenID Connect providers (and a SURFconext test environment): the issuer "
            "URL, where /.well-known/openid-configuration is found."
        ),
    )
    allowed_domains = models.TextField(
        _("allowed e-mail domains"),
        help_text=_("One or more domains, separated by spaces, commas or new lines."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("sign-in provider")
        verbose_name_plural = _("sign-in providers")
        ordering = ["board", "label", "id"]

    def __str__(self):
        return f"{self.board}: {self.label}"

    @property
    def provider_id(self) -> str:
        """allauth's name of this provider: in the callback URL registered at the provider."""
        return f"signin-{self.pk}"

    @property
    def issuer(self) -> str:
        """The issuer the ID token must name (allauth checks it against the discovery
        document fetched from it)."""
        if self.kind == self.Kind.ENTRA:
            return f"https://login.microsoftonline.com/{self.tenant_id}/v2.0"
        if self.kind == self.Kind.GOOGLE:
            return self.GOOGLE_ISSUER
        if self.kind == self.Kind.SURFCONEXT:
            return (self.server_url or self.SURFCONEXT_ISSUER).rstrip("/")
        return self.server_url.rstrip("/")

    @property
    def domains(self) -> list[str]:
        return domains_parse(self.allowed_domains)

    @property
    def secret_hint(self) -> str:
        """What is shown of the secret: its last four characters at most."""
        if len(self.client_secret) <= 8:
            return "••••"
        return f"••••{self.client_secret[-4:]}"


def domains_parse(text: str) -> list[str]:
    """The e-mail domains in ``text`` (spaces, commas, semicolons or new lines between them),
    lower case, without a leading "@", each once, in order."""
    seen: list[str] = []
    for part in text.replace(",", " ").replace(";", " ").split():
        domain = part.strip().lstrip("@").lower().rstrip(".")
        if domain and domain not in seen:
            seen.append(domain)
    return seen
