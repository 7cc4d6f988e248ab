"""The processing register in code: every personal field the product holds, how to find a
person's rows by it, and (for docs/privacy.md) why it is kept, for how long and who sees it.

docs/privacy.md shows the same list as a table; tests/privacy/test_register.py keeps the two
equal and fails on a model field that looks personal (a key to the user or to a staff member,
a name, an e-mail or IP address) and is in neither this list nor ``NOT_PERSONAL``.

``via`` says how the export finds the rows of one person by this field:

- ``staff:<lookup>``: rows where ``<lookup>`` is the staff member (``pk`` for the row itself)
- ``user:<lookup>``: rows where ``<lookup>`` is the person's user account
- ``email:<lookup>``: rows where ``<lookup>`` equals one of the person's e-mail addresses
- ``name:<lookup>``: rows where ``<lookup>`` equals the person's name (copied names)
- ``session``: the signed-in sessions of the account (special, see services/export.py)
- ``anonymous``: never found for a person. The export is read by the director, and an
  anonymous report to the meldpunt must not become the person's there; the reporter reads it
  on the meldpunt's page
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalField:
    key: str  # app_label.ModelName.field
    via: str
    why: str
    kept: str
    seen_by: str

    @property
    def model_label(self) -> str:
        return self.key.rsplit(".", 1)[0]

    @property
    def field_name(self) -> str:
        return self.key.rsplit(".", 1)[1]


# How long, in words (docs/privacy.md defines "removal" and the retention rule).
UNTIL_REMOVED = "until the person is removed (by hand or by the retention setting)"
PLACEHOLDER = "the row stays; at removal it points to the placeholder"
ACCOUNT = "until the account is made unusable at removal"
SCHOOL = "director, PMR"
SCHOOL_BOARD = "director, PMR, board administrators"
PROCESS = "everyone who sees the process (school's staff, director, PMR, board)"
ADMIN = "operators (Django admin) only"
OUTBOX_KEPT = (
    "sent and failed rows OUTBOX_RETENTION_DAYS (30) days; unsent rows are deleted at removal"
)
SENDER = "whoever sees the page that sent it (failed ones only)"

_FIELDS = [
    # The staff list.
    (
        "units.StaffMember.name",
        "staff:pk",
        "to address and list the person (roll, units)",
        UNTIL_REMOVED,
        SCHOOL_BOARD,
    ),
    (
        "units.StaffMember.email",
        "staff:pk",
        "invitations, personal codes, linking the account",
        UNTIL_REMOVED,
        SCHOOL_BOARD,
    ),
    (
        "units.StaffMember.user",
        "staff:pk",
        "links the staff record to the account that signs in",
        UNTIL_REMOVED,
        SCHOOL,
    ),
    (
        "units.StaffMember.email_unusable_since",
        "staff:pk",
        "whether e-mail reaches the person (code sheets are printed for them)",
        UNTIL_REMOVED,
        SCHOOL,
    ),
    (
        "units.StaffMember.email_unusable_reason",
        "staff:pk",
        "why e-mail does not reach them",
        UNTIL_REMOVED,
        SCHOOL,
    ),
    (
        "units.HistoricalStaffMember.name",
        "staff:id",
        "history of the staff list (who changed what)",
        UNTIL_REMOVED,
        ADMIN,
    ),
    (
        "units.HistoricalStaffMember.email",
        "staff:id",
        "history of the staff list",
        UNTIL_REMOVED,
        ADMIN,
    ),
    (
        "units.HistoricalStaffMember.user",
        "staff:id",
        "history of the staff list",
        UNTIL_REMOVED,
        ADMIN,
    ),
    (
        "units.HistoricalStaffMember.email_unusable_since",
        "staff:id",
        "history of the staff list",
        UNTIL_REMOVED,
        ADMIN,
    ),
    (
        "units.HistoricalStaffMember.email_unusable_reason",
        "staff:id",
        "history of the staff list",
        UNTIL_REMOVED,
        ADMIN,
    ),
    (
        "units.HistoricalStaffMember.history_user",
        "user:history_user",
        "who changed the staff list",
        UNTIL_REMOVED,
        ADMIN,
    ),
    # The account.
    ("accounts.User.email", "user:pk", "signing in; the e-mail is the identifier", ACCOUNT, ADMIN),
    ("accounts.User.name", "user:pk", "shown as who did something", ACCOUNT, PROCESS),
    (
        "accounts.User_groups.user",
        "user:user",
        "admin permissions (operators only)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "accounts.User_user_permissions.user",
        "user:user",
        "admin permissions (operators only)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "account.EmailAddress.user",
        "user:user",
        "verified addresses of the account (sign-in)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "account.EmailAddress.email",
        "user:user",
        "verified addresses of the account (sign-in)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "socialaccount.SocialAccount.user",
        "user:user",
        "the link to the school's own sign-in (Microsoft, Google, SURFconext)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "socialaccount.SocialAccount.uid",
        "user:user",
        "the person's identifier at the school's sign-in provider",
        ACCOUNT,
        ADMIN,
    ),
    (
        "socialaccount.SocialAccount.extra_data",
        "user:user",
        "what the provider said at the last sign-in (name, verified address)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "account.EmailConfirmation.email_address",
        "user:email_address__user",
        "a pending confirmation of an address",
        "3 days, or until removal",
        ADMIN,
    ),
    (
        "mfa.Authenticator.user",
        "user:user",
        "second factor of administrators (secret never shown)",
        ACCOUNT,
        ADMIN,
    ),
    (
        "sessions.Session.session_data",
        "session",
        "keeps the person signed in (and a pending sign-in code)",
        "12 hours; deleted at removal",
        "nobody (server only)",
    ),
    (
        "axes.AccessAttempt.username",
        "email:username",
        "lockout after failed sign-ins",
        "until the lockout is reset; deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessAttempt.ip_address",
        "email:username",
        "lockout after failed sign-ins",
        "until the lockout is reset; deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessAttempt.user_agent",
        "email:username",
        "lockout after failed sign-ins",
        "until the lockout is reset; deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessLog.username",
        "email:username",
        "security log of sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessLog.ip_address",
        "email:username",
        "security log of sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessLog.user_agent",
        "email:username",
        "security log of sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessFailureLog.username",
        "email:username",
        "security log of failed sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessFailureLog.ip_address",
        "email:username",
        "security log of failed sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "axes.AccessFailureLog.user_agent",
        "email:username",
        "security log of failed sign-ins",
        "deleted at removal",
        ADMIN,
    ),
    (
        "admin.LogEntry.user",
        "user:user",
        "what an operator changed in the Django admin",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "werkdruk.FormSubmission.user",
        "user:user",
        "a form is handled once (double clicks)",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    # Roles.
    (
        "processes.SchoolRole.user",
        "user:user",
        "the person's role at a school (director, PMR, steering group)",
        "while the role lasts",
        SCHOOL_BOARD,
    ),
    (
        "processes.BoardAdministrator.user",
        "user:user",
        "board administrator of a board",
        "while the role lasts",
        "the board's administrators",
    ),
    (
        "processes.GmrMember.user",
        "user:user",
        "member of the board's GMR",
        "while the role lasts",
        "the board's administrators",
    ),
    # The e-mail outbox (werkdruk.outbox): one row per message and recipient.
    (
        "werkdruk.OutboxMessage.to",
        "email:to",
        "an e-mail to be sent to the person, and whether it was delivered",
        OUTBOX_KEPT,
        SENDER,
    ),
    (
        "werkdruk.OutboxMessage.body",
        "email:to",
        "the text of an e-mail not yet sent (it can hold a personal link or code)",
        "until sent (then emptied); unsent rows are deleted at removal",
        "nobody (server only)",
    ),
    (
        "organisation.Invitation.email",
        "email:email",
        "an invitation to take up a role",
        "until accepted, withdrawn or expired; then as a record",
        "who invited, the board",
    ),
    (
        "organisation.Invitation.name",
        "email:email",
        "the invitee's name in the invitation",
        "as the invitation",
        "who invited, the board",
    ),
    (
        "organisation.Invitation.invited_by",
        "user:invited_by",
        "who sent an invitation",
        PLACEHOLDER,
        "the board",
    ),
    (
        "organisation.Invitation.accepted_by",
        "user:accepted_by",
        "who accepted an invitation",
        PLACEHOLDER,
        "the board",
    ),
    # The procedure engine.
    (
        "processes.Decision.actor",
        "user:actor",
        "who took a recorded decision (accountability under the CAO)",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "processes.Decision.actor_name",
        "user:actor",
        "the decision-taker's name as it was",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    ("processes.SignOff.user", "user:user", "who signed off a joint step", PLACEHOLDER, PROCESS),
    (
        "schoolplans.Factsheet.changed_by",
        "user:changed_by",
        "who last changed the factsheet",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.HistoricalFactsheet.changed_by",
        "user:changed_by",
        "history of the factsheet",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "schoolplans.HistoricalFactsheet.history_user",
        "user:history_user",
        "history of the factsheet",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "processes.ProcessStep.proposed_by",
        "user:proposed_by",
        "who proposed who carries out a step (agreed by both sides)",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.TaskPolicyConsent.recorded_by",
        "user:recorded_by",
        "who recorded the PMR's consent on a change of the task policy",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.BoardAllocation.submitted_by",
        "user:submitted_by",
        "who put the board's distribution to the GMR",
        PLACEHOLDER,
        "board administrators, GMR members",
    ),
    (
        "units.BoardAllocation.gmr_recorded_by",
        "user:gmr_recorded_by",
        "who recorded the GMR's decision on the distribution",
        PLACEHOLDER,
        "board administrators, GMR members",
    ),
    (
        "processes.StepReminder.user",
        "user:user",
        "a reminder is sent once",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "processes.AgreementVersion.created_by",
        "user:created_by",
        "who drew up the agreement",
        PLACEHOLDER,
        SCHOOL,
    ),
    # Units, kick-off, working methods.
    (
        "units.UnitMembership.staff_member",
        "staff:staff_member",
        "which unit the person is in (the unit's share of the budget, its roll)",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.HistoricalUnitMembership.staff_member",
        "staff:staff_member",
        "history of unit memberships",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.HistoricalUnitMembership.history_user",
        "user:history_user",
        "who changed a unit membership",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.KickoffSignUp.staff_member",
        "staff:staff_member",
        "sign-up for a kick-off session",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "units.KickoffAttendance.staff_member",
        "staff:staff_member",
        "attendance of the kick-off",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "units.KickoffInvitation.staff_member",
        "staff:staff_member",
        "an invitation is sent once per version",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "units.KickoffSession.held_recorded_by",
        "user:held_recorded_by",
        "who recorded that the session was held",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "units.WorkingMethod.leader",
        "staff:leader",
        "the unit's conversation leader (coordinator)",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.WorkingMethod.recorded_by",
        "user:recorded_by",
        "who recorded the working method",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.WorkingMethod.changed_by",
        "user:changed_by",
        "who changed it last",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.HistoricalWorkingMethod.leader",
        "staff:leader",
        "history of working methods",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.HistoricalWorkingMethod.recorded_by",
        "user:recorded_by",
        "history of working methods",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.HistoricalWorkingMethod.changed_by",
        "user:changed_by",
        "history of working methods",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "units.HistoricalWorkingMethod.history_user",
        "user:history_user",
        "history of working methods",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.HistoricalUnitMeeting.history_user",
        "user:history_user",
        "history of unit meetings",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.MeetingMinutes.recorded_by",
        "user:recorded_by",
        "who first recorded the minutes of a unit meeting",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "units.MeetingMinutes.changed_by",
        "user:changed_by",
        "who last changed the minutes of a unit meeting",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "units.MeetingAttendance.staff_member",
        "staff:staff_member",
        "attendance at a unit meeting (the unit's members see only the number)",
        PLACEHOLDER,
        "whoever records the unit's minutes, director, PMR",
    ),
    (
        "units.PmrNote.author",
        "user:author",
        "who wrote a note in the PMR's own record",
        PLACEHOLDER,
        "the school's PMR members (not the director)",
    ),
    (
        "plans.IdeasRound.opened_by",
        "user:opened_by",
        "who opened the ideas round",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "plans.Idea.author",
        "staff:author",
        "who put an idea forward (so they can withdraw it; others see the idea without the name)",
        PLACEHOLDER,
        "the author; a unit sees that an idea came from one of its members",
    ),
    (
        "plans.IdeaSupport.staff_member",
        "staff:staff_member",
        "an idea is supported once per person (only the number is shown)",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "plans.IdeaTakeUp.marked_by",
        "user:marked_by",
        "who marked an idea as taken up in a measure",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "units.HistoricalBudgetLine.history_user",
        "user:history_user",
        "who changed a budget line",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.HistoricalOrganisationalUnit.history_user",
        "user:history_user",
        "who changed a unit",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.HistoricalBudgetSplit.history_user",
        "user:history_user",
        "who changed the budget split",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.BoardAllocation.fixed_by",
        "user:fixed_by",
        "who fixed the board's distribution",
        PLACEHOLDER,
        "the board",
    ),
    (
        "units.FunctionCategory.confirmed_by",
        "user:confirmed_by",
        "who confirmed a function's staff category",
        PLACEHOLDER,
        SCHOOL,
    ),
    # Votes: that someone voted, never how.
    (
        "voting.Voter.staff_member",
        "staff:staff_member",
        "the voters' roll frozen at opening (turnout)",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "voting.VoterToken.voter",
        "staff:voter__staff_member",
        "a personal code was issued (only its SHA-256; the code is never kept or shown)",
        "until the vote is deleted",
        "nobody",
    ),
    (
        "voting.VoterMessage.voter",
        "staff:voter__staff_member",
        "an invitation or reminder is sent once",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "voting.Participation.voter",
        "staff:voter__staff_member",
        "that the person voted (never how: ballots are unlinked)",
        PLACEHOLDER,
        SCHOOL,
    ),
    ("voting.Vote.created_by", "user:created_by", "who opened a vote", PLACEHOLDER, SCHOOL),
    (
        "voting.KeyHolder.user",
        "user:user",
        "who holds a share of a vote's key",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "voting.PaperBatch.entered_by",
        "user:entered_by",
        "the teller who entered paper ballots",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "voting.PaperBatch.confirmed_by",
        "user:confirmed_by",
        "the second teller",
        PLACEHOLDER,
        SCHOOL,
    ),
    # Surveys: that someone was invited and answered, never what.
    (
        "surveys.Invitee.staff_member",
        "staff:staff_member",
        "the survey's roll (response rate)",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "surveys.SurveyToken.invitee",
        "staff:invitee__staff_member",
        "a personal code was issued (only its SHA-256)",
        "until the survey is deleted",
        "nobody",
    ),
    (
        "surveys.SurveyReminder.invitee",
        "staff:invitee__staff_member",
        "a reminder is sent once",
        PLACEHOLDER,
        "nobody (server only)",
    ),
    (
        "surveys.SurveyParticipation.invitee",
        "staff:invitee__staff_member",
        "that the person answered (never what)",
        PLACEHOLDER,
        SCHOOL,
    ),
    (
        "surveys.Questionnaire.changed_by",
        "user:changed_by",
        "who changed the questionnaire",
        PLACEHOLDER,
        SCHOOL,
    ),
    ("surveys.SurveyRound.sent_by", "user:sent_by", "who sent a survey round", PLACEHOLDER, SCHOOL),
    # Plans.
    (
        "plans.UnitAnnouncement.announced_by",
        "user:announced_by",
        "who announced a unit's amount (step 6)",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.UnitAnnouncement.announced_by_name",
        "user:announced_by",
        "their name as it was",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    (
        "plans.UnitPlan.submitted_by",
        "user:submitted_by",
        "who submitted a unit's plan",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.HistoricalUnitPlan.submitted_by",
        "user:submitted_by",
        "history of unit plans",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.HistoricalUnitPlan.history_user",
        "user:history_user",
        "history of unit plans",
        PLACEHOLDER,
        ADMIN,
    ),
    ("plans.Measure.created_by", "user:created_by", "who proposed a measure", PLACEHOLDER, PROCESS),
    (
        "plans.HistoricalMeasure.created_by",
        "user:created_by",
        "history of measures",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.HistoricalMeasure.history_user",
        "user:history_user",
        "history of measures",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "plans.MeasureComment.author",
        "user:author",
        "who commented on a measure",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.MeasureComment.author_name",
        "user:author",
        "the author's name as it was",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    (
        "plans.WarningAcknowledgement.acknowledged_by",
        "user:acknowledged_by",
        "who acknowledged a framework warning",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.WarningAcknowledgement.acknowledged_by_name",
        "user:acknowledged_by",
        "their name as it was",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    (
        "plans.HistoricalWarningAcknowledgement.acknowledged_by",
        "user:acknowledged_by",
        "history of acknowledgements",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "plans.HistoricalWarningAcknowledgement.acknowledged_by_name",
        "user:acknowledged_by",
        "history of acknowledgements",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    (
        "plans.HistoricalWarningAcknowledgement.history_user",
        "user:history_user",
        "history of acknowledgements",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "plans.HistoricalFrameworkRule.history_user",
        "user:history_user",
        "who changed a framework rule",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "plans.HistoricalFunctionCost.history_user",
        "user:history_user",
        "who changed a function cost",
        PLACEHOLDER,
        ADMIN,
    ),
    # School plan.
    (
        "schoolplans.SchoolPlan.created_by",
        "user:created_by",
        "who started the school plan",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.HistoricalSchoolPlan.created_by",
        "user:created_by",
        "history of the school plan",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.HistoricalSchoolPlan.history_user",
        "user:history_user",
        "history of the school plan",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "schoolplans.HistoricalSchoolPlanMeasure.history_user",
        "user:history_user",
        "history of the school plan's measures",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "schoolplans.SchoolPlanVersion.created_by",
        "user:created_by",
        "who marked a version final",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.Publication.published_by",
        "user:published_by",
        "who published the plan",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.PublicationComment.author",
        "user:author",
        "who commented on the published plan",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.PublicationComment.author_name",
        "user:author",
        "the author's name as it was",
        "replaced by the placeholder at removal",
        PROCESS,
    ),
    (
        "schoolplans.EvaluationAgreement.recorded_by",
        "user:recorded_by",
        "who recorded the evaluation agreement",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.HistoricalEvaluationAgreement.recorded_by",
        "user:recorded_by",
        "history of the evaluation agreement",
        PLACEHOLDER,
        PROCESS,
    ),
    (
        "schoolplans.HistoricalEvaluationAgreement.history_user",
        "user:history_user",
        "history of the evaluation agreement",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "schoolplans.EvaluationMoment.shared_by",
        "user:shared_by",
        "who shared an evaluation moment's results with the staff",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "schoolplans.EvaluationOutcome.recorded_by",
        "user:recorded_by",
        "who recorded a measure's outcome at an evaluation moment",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "schoolplans.HistoricalEvaluationOutcome.recorded_by",
        "user:recorded_by",
        "history of the evaluation outcomes",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "schoolplans.HistoricalEvaluationOutcome.history_user",
        "user:history_user",
        "history of the evaluation outcomes",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "schoolplans.MeasureCarryOver.carried_by",
        "user:carried_by",
        "who carried a measure of last year over into a unit plan",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "schoolplans.PmrDecision.recorded_by",
        "user:recorded_by",
        "who recorded the PMR's consent or refusal",
        PLACEHOLDER,
        PROCESS,
    ),
    # The meldpunt (schoolplans.Concern): the reporter's identity only when they gave it.
    (
        "schoolplans.Concern.reporter",
        "user:reporter",
        "who made a report to the meldpunt, only when they chose to give their name",
        PLACEHOLDER,
        "director, PMR, the reporter",
    ),
    (
        "schoolplans.Concern.reporter_name",
        "user:reporter",
        "the reporter's name as it was, only when they chose to give it",
        "replaced by the placeholder at removal",
        "director, PMR, the reporter",
    ),
    (
        "schoolplans.Concern.reporter_digest",
        "anonymous",
        "a keyed hash by which an anonymous reporter, signed in, finds their own report",
        "cleared at removal (the report is then nobody's)",
        "nobody (the reporter's own page recognises them)",
    ),
    (
        "schoolplans.Concern.answered_by",
        "user:answered_by",
        "who answered a report to the meldpunt (on record)",
        PLACEHOLDER,
        "director, PMR, the reporter; all staff when the reporter shared the report",
    ),
    (
        "schoolplans.Concern.answered_by_name",
        "user:answered_by",
        "the answerer's name as it was",
        "replaced by the placeholder at removal",
        "director, PMR, the reporter; all staff when the reporter shared the report",
    ),
    # Spending and reports.
    (
        "spending.MeasureSpending.changed_by",
        "user:changed_by",
        "who entered spending",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "spending.HistoricalMeasureSpending.changed_by",
        "user:changed_by",
        "history of spending",
        PLACEHOLDER,
        SCHOOL_BOARD,
    ),
    (
        "spending.HistoricalMeasureSpending.history_user",
        "user:history_user",
        "history of spending",
        PLACEHOLDER,
        ADMIN,
    ),
    (
        "units.StaffImportJob.requested_by",
        "user:requested_by",
        "who confirmed a staff import too large for one request",
        "the row stays until the job is deleted, 7 days after it finished (nightly cleanup)",
        SCHOOL,
    ),
    (
        "units.StaffImportJob.token",
        "anonymous",
        "the rows of a large staff import as read (names, e-mail addresses), for the worker",
        "cleared when the job finishes; a job that never finished is deleted 7 days after it "
        "was created (nightly cleanup)",
        "nobody (the background worker only)",
    ),
    (
        "units.StaffImportJob.row_errors",
        "anonymous",
        "the row errors of a refused large staff import, which may quote a name or address",
        "deleted with the job, 7 days after it finished (nightly cleanup)",
        SCHOOL,
    ),
    (
        "reporting.ReportJob.requested_by",
        "user:requested_by",
        "who asked for a board report",
        PLACEHOLDER,
        "the board",
    ),
]

FIELDS: list[PersonalField] = [PersonalField(*row) for row in _FIELDS]

# Fields that look personal (by name) but hold no personal data, with the reason.
NOT_PERSONAL = {
    "auth.Permission.name": "a permission's name",
    "auth.Permission.codename": "a permission's code",
    "auth.Group.name": "a group's name",
    "django_celery_beat.PeriodicTask.name": "a scheduled task's name",
    "werkdruk.OutboxMessage.from_email": "the site's sender address with the board's name",
    "processes.Board.name": "the board's name (an organisation)",
    "processes.Board.sender_name": "the board's sender name for e-mails (an organisation)",
    "processes.School.name": "the school's name (an organisation)",
    "socialaccount.SocialApp.name": "a sign-in provider's label (never stored: built per request)",
    "units.HistoricalOrganisationalUnit.name": "a unit's name",
    "units.OrganisationalUnit.name": "a unit's name",
    "units.ConversationGroup.name": "a conversation group's name",
    "plans.MeasureCategory.name_nl": "reference data",
    "plans.MeasureCategory.name_en": "reference data",
    "plans.WorkloadCause.name_nl": "reference data",
    "plans.WorkloadCause.name_en": "reference data",
    "voting.Voter.unit_name": "the voter's unit at opening (turnout per unit)",
    "schoolplans.MeasureSource.unit_name": "a unit's name",
    "surveys.SurveyTemplate.name": "a questionnaire template's name",
    "surveys.SurveyResponse.unit_name": "the unit an anonymous answer belongs to",
}

# Fields never shown in an export: a code, hash or secret would let the reader act as the
# person. The export says that one was issued instead.
SECRET_FIELDS = {
    "password",
    "token_hash",
    "token_digest",
    "data",
    "session_data",
    "secret",
    "body",  # an outbox message not yet sent: its personal link or code
    "attachments",
}


def by_key() -> dict[str, PersonalField]:
    return {field.key: field for field in FIELDS}
