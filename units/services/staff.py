"""Writes of the units app. Each service checks permission, runs in one transaction and raises
a domain error with user-facing messages."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.selectors import email_owner_subquery
from accounts.services import users_get_or_create_by_address
from processes import registry
from processes.models import Process, ProcessStep, School
from processes.services import step_content_changed
from werkdruk.exceptions import DomainError
from werkdruk.tabular import read_upload

from ..hr_layouts import function_key, propose_category
from ..importing import (
    COLUMN_LABELS,
    HEADER_ALIASES,
    ImportRejected,
    ImportRowError,
    PersonRead,
    StaffFileError,
    StaffReading,
    read_staff_list,
)
from ..models import FunctionCategory, StaffCategory, StaffImportJob, StaffMember
from ..resources import (
    FteWidget,
    StaffCategoryWidget,
    StaffMemberResource,
    _is_blank_row,
    normalise_email,
)

logger = logging.getLogger(__name__)


StaffImportRowError = ImportRowError


class StaffImportError(ImportRejected):
    """The staff list was not imported; ``errors`` says what is wrong, row by row."""


@dataclass(frozen=True)
class StaffImportResult:
    """Counts of one import. With ``dry_run`` they say what an import would do."""

    added: int
    changed: int
    unchanged: int
    deactivated: int
    dry_run: bool = False
    accounts_created: int = 0


@transaction.atomic
def staff_import(*, school: School, file, actor, dry_run: bool = False) -> StaffImportResult:
    """Replace the staff list of ``school`` by the uploaded file (CSV, XLSX or ODS), at once.

    ``file`` is an uploaded file (anything with ``read()`` and ``name``), in any layout
    ``units.importing.read_staff_list`` reads. Every row is validated before anything is kept:
    when any row (or the file) is wrong, nothing is written and StaffImportError lists each
    problem with its Excel row number. Otherwise staff are matched by e-mail address
    (case-insensitive) and added or updated, and staff of the school missing from the file are
    deactivated (never deleted). ``dry_run`` validates and counts only. A file without a category
    column is imported only when every function in it has a confirmed category
    (``units.FunctionCategory``); new functions are confirmed in the preview
    (``staff_import_preview`` and ``staff_import_confirm``, the import page's way).

    Raises PermissionDenied unless ``actor`` has ``units.import_staff`` on the school.
    """
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    # One import per school at a time: the second waits and then sees the first one's rows.
    School.objects.select_for_update().filter(pk=school.pk).first()
    reading = _read(file)
    known = _known_categories(school)
    unknown = _unknown_functions(reading, known)
    if unknown:
        raise StaffImportError(
            [
                StaffImportRowError(
                    None,
                    (
                        _("Column missing: %(column)s. Use one of these headers: %(headers)s.")
                        % {
                            "column": COLUMN_LABELS["category"],
                            "headers": ", ".join(HEADER_ALIASES["category"]),
                        },
                        _(
                            "Or confirm the category of these functions in the import's "
                            "preview: %(functions)s."
                        )
                        % {"functions": ", ".join(unknown.values())},
                    ),
                )
            ]
        )
    return _import_reading(
        school=school, reading=reading, categories=known, actor=actor, dry_run=dry_run
    )


def _read(file, *, today=None) -> StaffReading:
    content, filename = read_upload(file)
    try:
        return read_staff_list(content, filename, today=today or timezone.localdate())
    except StaffFileError as error:
        raise StaffImportError([StaffImportRowError(None, tuple(error.messages))]) from error


def _import_reading(*, school, reading, categories, actor, dry_run) -> StaffImportResult:
    before = _agreement_facts(school)
    outcome = _import_rows(
        school=school, reading=reading, categories=categories, actor=actor, dry_run=dry_run
    )
    if outcome.errors:
        raise StaffImportError(outcome.errors)
    if not dry_run:
        _reopen_steps_the_import_changed(school, actor, before, _agreement_facts(school))
    return StaffImportResult(
        added=outcome.added,
        changed=outcome.changed,
        unchanged=outcome.unchanged,
        deactivated=outcome.deactivated,
        dry_run=dry_run,
        accounts_created=0 if dry_run else staff_accounts_link(school=school),
    )


# What an import writes of a member (the admin's resource imports the same columns).
IMPORTED_FIELDS = ("name", "email", "category", "function", "department", "fte")


@dataclass
class _RowsOutcome:
    errors: list
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    deactivated: int = 0


def _import_rows(*, school, reading, categories, actor, dry_run) -> _RowsOutcome:
    """Validate every row of ``reading`` (categories of functions from ``categories``) and,
    unless ``dry_run`` or any row is wrong, write them all in bulk with their history.

    The rules and messages are those of ``units.resources.StaffMemberResource`` (the admin's
    import), checked for the whole file at once: the school's staff are read in one query, the
    addresses' uniqueness is checked against them in Python, and the model's constraints (fte
    range, one address per school) hold by the widgets' checks and the matching by address.
    A constant number of statements, whatever the number of rows (issue 20).
    """
    resource = StaffMemberResource(school=school)
    widgets = {field.attribute: field.widget for field in resource.get_import_fields()}
    existing = {
        member.email.lower(): member for member in StaffMember.objects.filter(school=school)
    }

    by_row: dict[int | None, list[str]] = {}
    for error in reading.errors:
        by_row.setdefault(error.row_number, []).extend(error.messages)

    first_row: dict[str, int] = {}  # address -> Excel row where it first appears
    emails_in_file: set[str] = set()
    for person in reading.people:
        key = normalise_email(person.email)
        if key:
            emails_in_file.add(key)
            first_row.setdefault(key, person.row)

    rows = []  # (person, cleaned values) of the valid rows
    for person in reading.people:
        raw = {
            "name": person.name,
            "email": person.email,
            "category": _category_of(person, reading, categories),
            "function": person.function,
            "department": person.department,
            "fte": person.fte,
        }
        if _is_blank_row(raw):
            continue
        cleaned, messages = {}, []
        for name in IMPORTED_FIELDS:
            try:
                cleaned[name] = widgets[name].clean(raw[name])
            except ValueError as error:
                messages.append(str(error))
        first = first_row.get(normalise_email(person.email))
        if "email" in cleaned and first is not None and first != person.row:
            messages.append(
                _("The e-mail address %(email)s also appears in row %(row)s.")
                % {"email": cleaned["email"], "row": first}
            )
        if messages:
            by_row.setdefault(person.row, []).extend(messages)
        else:
            rows.append(cleaned)

    if by_row:
        errors = [StaffImportRowError(None, tuple(by_row.pop(None)))] if None in by_row else []
        errors.extend(StaffImportRowError(row, tuple(by_row[row])) for row in sorted(by_row))
        return _RowsOutcome(errors=errors)

    outcome = _RowsOutcome(errors=[])
    added, changed = [], []
    for cleaned in rows:
        member = existing.get(cleaned["email"])
        if member is None:
            added.append(StaffMember(school=school, active=True, **cleaned))
            continue
        if member.active and all(getattr(member, name) == cleaned[name] for name in cleaned):
            outcome.unchanged += 1
            continue
        for name, value in cleaned.items():
            setattr(member, name, value)
        member.active = True  # someone on the list is active, also when deactivated before
        member._email_mark_follows_address()
        changed.append(member)
    leaving = [
        member for key, member in existing.items() if member.active and key not in emails_in_file
    ]
    outcome.added, outcome.changed, outcome.deactivated = len(added), len(changed), len(leaving)
    if dry_run:
        return outcome

    for member in [*added, *changed, *leaving]:
        member._history_user = actor
    bulk_create_with_history(added, StaffMember, default_user=actor)
    bulk_update_with_history(
        changed,
        StaffMember,
        [*IMPORTED_FIELDS, "active", "email_unusable_since", "email_unusable_reason"],
        default_user=actor,
    )
    for member in leaving:
        member.active = False
    bulk_update_with_history(leaving, StaffMember, ["active"], default_user=actor)
    return outcome


def _category_of(person: PersonRead, reading: StaffReading, categories: dict[str, str]) -> str:
    if reading.has_category:
        return person.category
    return categories.get(function_key(person.function), "")


def _known_categories(school) -> dict[str, str]:
    """Function (as ``function_key`` compares it) -> category, as confirmed for ``school``."""
    return {
        function_key(mapping.function): mapping.category
        for mapping in FunctionCategory.objects.filter(school=school)
    }


def _unknown_functions(reading: StaffReading, known: dict[str, str]) -> dict[str, str]:
    """Functions of the file without a category (the file has no category column, the school
    no confirmed one): key -> the function as first written in the file."""
    if reading.has_category:
        return {}
    unknown: dict[str, str] = {}
    for person in reading.people:
        key = function_key(person.function)
        if key and key not in known:
            unknown.setdefault(key, person.function)
    return unknown


# The preview: how the file was read, before anything is imported.

PREVIEW_SALT = "units.staff-import-preview"
PREVIEW_MAX_AGE = 2 * 60 * 60  # seconds a preview can be confirmed


@dataclass(frozen=True)
class FunctionChoice:
    """A function of a file without category column: its category, confirmed earlier
    (``known``) or proposed from its name (None when nothing is proposed)."""

    key: str
    function: str
    category: str | None
    known: bool
    people: int


@dataclass(frozen=True)
class PreviewPerson:
    person: PersonRead
    category: str | None  # None: the function's category is still to be chosen
    category_source: str  # "file", "confirmed" or "function"
    status: str  # "new", "changed" or "unchanged"
    fte: Decimal
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffImportPreview:
    reading: StaffReading
    people: list[PreviewPerson]
    leaving: list[StaffMember]
    functions: list[FunctionChoice]
    token: str
    appointments: int

    @property
    def choices_needed(self) -> list[FunctionChoice]:
        return [choice for choice in self.functions if not choice.known]

    def count(self, status: str) -> int:
        return sum(1 for person in self.people if person.status == status)


def staff_import_preview(*, school: School, file, actor, today=None) -> StaffImportPreview:
    """Read the uploaded staff list and say what importing it would do, writing nothing.

    Raises StaffImportError, as the import itself would, when the file or a row is wrong
    (functions without a category are no error here: the preview asks for them). The preview's
    ``token`` carries the rows as read, signed, to ``staff_import_confirm``.
    """
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    reading = _read(file, today=today)
    token = signing.dumps(
        {"school": school.pk, "actor": actor.pk, "reading": reading.as_json()},
        salt=PREVIEW_SALT,
        compress=True,
    )
    return _preview(school=school, reading=reading, actor=actor, token=token)


def staff_import_preview_restore(*, school: School, token: str, actor) -> StaffImportPreview:
    """The preview of ``token`` again (e.g. when a category was not chosen)."""
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    reading = _reading_from_token(school=school, token=token, actor=actor)
    return _preview(school=school, reading=reading, actor=actor, token=token)


def _reading_from_token(*, school, token, actor) -> StaffReading:
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(_("The preview has expired: upload the file again.")) from None
    except signing.BadSignature:
        raise DomainError(_("The preview cannot be used: upload the file again.")) from None
    if data.get("school") != school.pk or data.get("actor") != actor.pk:
        raise DomainError(_("The preview cannot be used: upload the file again."))
    return StaffReading.from_json(data["reading"])


def _preview(*, school, reading, actor, token) -> StaffImportPreview:
    known = _known_categories(school)
    functions: dict[str, FunctionChoice] = {}
    if not reading.has_category:
        counts: dict[str, int] = {}
        for person in reading.people:
            key = function_key(person.function)
            counts[key] = counts.get(key, 0) + 1
            if key not in functions:
                functions[key] = FunctionChoice(
                    key=key,
                    function=person.function,
                    category=known.get(key) or propose_category(person.function),
                    known=key in known,
                    people=0,
                )
        functions = {
            key: FunctionChoice(
                key=choice.key,
                function=choice.function,
                category=choice.category,
                known=choice.known,
                people=counts[key],
            )
            for key, choice in functions.items()
        }
    # Validate every row as the import will, a function still to choose counted as teaching
    # staff (the category is valid whatever the director chooses).
    trial = {key: choice.category or StaffCategory.OP.value for key, choice in functions.items()}
    outcome = _import_rows(
        school=school, reading=reading, categories=trial, actor=actor, dry_run=True
    )
    if outcome.errors:
        raise StaffImportError(outcome.errors)

    existing = {
        member.email.lower(): member for member in StaffMember.objects.filter(school=school)
    }
    people = []
    emails = set()
    for person in reading.people:
        email = person.email.lower()
        emails.add(email)
        if reading.has_category:
            category = StaffCategoryWidget().clean(person.category)
            source = "file"
        else:
            choice = functions[function_key(person.function)]
            category = choice.category if choice.known else None
            source = "confirmed" if choice.known else "function"
        fte = FteWidget().clean(person.fte)
        member = existing.get(email)
        if member is None:
            people.append(PreviewPerson(person, category, source, "new", fte))
            continue
        changed = _changed_fields(member, person, category, fte)
        people.append(
            PreviewPerson(
                person, category, source, "changed" if changed else "unchanged", fte, changed
            )
        )
    leaving = [
        member
        for email, member in sorted(existing.items(), key=lambda item: item[1].name)
        if member.active and email not in emails
    ]
    return StaffImportPreview(
        reading=reading,
        people=people,
        leaving=leaving,
        functions=sorted(functions.values(), key=lambda choice: choice.key),
        token=token,
        appointments=sum(person.appointments for person in reading.people),
    )


def _changed_fields(member: StaffMember, person: PersonRead, category, fte) -> tuple[str, ...]:
    read = {
        "name": " ".join(person.name.split()),
        "function": " ".join(str(person.function).split()),
        "department": " ".join(str(person.department).split()),
        "fte": fte,
    }
    changed = [name for name, value in read.items() if getattr(member, name) != value]
    if category is not None and member.category != category:
        changed.append("category")
    if not member.active:
        changed.append("active")
    return tuple(str(StaffMember._meta.get_field(name).verbose_name) for name in changed)


@transaction.atomic
def staff_import_confirm(
    *, school: School, token: str, choices: dict[str, str], actor
) -> StaffImportResult:
    """Import the staff list of a preview (``token``), all or nothing.

    ``choices`` maps functions (``function_key``) to the category the director chose; each
    function of a file without category column that has no confirmed category must be among
    them. The choices are kept for the school (``units.FunctionCategory``), in the same
    transaction as the import: a refused import keeps none of them.
    """
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    School.objects.select_for_update().filter(pk=school.pk).first()
    reading = _reading_from_token(school=school, token=token, actor=actor)
    known = _known_categories(school)
    unknown = _unknown_functions(reading, known)
    valid = set(StaffCategory.values)
    missing = [function for key, function in unknown.items() if choices.get(key) not in valid]
    if missing:
        raise DomainError(
            _("Choose the staff category of these functions: %(functions)s.")
            % {"functions": ", ".join(missing)}
        )
    now = timezone.now()
    for key, function in unknown.items():
        FunctionCategory.objects.create(
            school=school,
            function=function[: FunctionCategory._meta.get_field("function").max_length],
            category=choices[key],
            confirmed_by=actor,
            confirmed_at=now,
        )
        known[key] = choices[key]
    return _import_reading(
        school=school, reading=reading, categories=known, actor=actor, dry_run=False
    )


def _agreement_facts(school) -> dict[str, tuple]:
    """What the agreement of steps 1-2 depends on: who is active, their category and fte."""
    return {
        email: (category, fte)
        for email, category, fte in StaffMember.objects.filter(
            school=school, active=True
        ).values_list("email", "category", "fte")
    }


def _reopen_steps_the_import_changed(school, actor, before, after) -> None:
    """A new list can change what steps 1 and 2 agreed (who is in a unit, the fte behind the
    split). Before the vote, such a step is reopened as a recorded decision; during and after the
    vote the agreement stands and the list changes only the running year's figures."""
    people_changed = before.keys() != after.keys() or any(
        before[email][0] != after[email][0] for email in after
    )
    fte_changed = any(before[email][1] != after[email][1] for email in after.keys() & before.keys())
    if not (people_changed or fte_changed):
        return
    number = 1 if people_changed else 2
    voted = ProcessStep.objects.filter(number=4, state=ProcessStep.State.DONE).values("process")
    with translation.override(settings.LANGUAGE_CODE):
        what = gettext("a new staff list was imported")
    for process in Process.objects.filter(school=school).exclude(pk__in=voted):
        if registry.agreement_lock_reason(process):
            continue  # staff are voting on the frozen agreement; the roll is frozen too
        step_content_changed(process=process, number=number, actor=actor, what=what)


def staff_accounts_link(*, school: School) -> int:
    """Give every active staff member of ``school`` a user account, so they can sign in.

    Someone who already has an account with this address verified (e.g. at another school of
    the board, or an address they confirmed themselves) is linked to it; an unverified address
    links nobody. Others get a new account without a password, with the address as its
    verified primary address: the school's staff list vouches for its staff's work addresses,
    and they sign in with a code sent to it. Other accounts' unverified claims on such an
    address are removed. Returns the number of accounts created.
    """
    staff = list(
        StaffMember.objects.filter(school=school, active=True, user__isnull=True).values_list(
            "pk", "email", "name"
        )
    )
    if not staff:
        return 0
    accounts, created = users_get_or_create_by_address(
        people=[(email, name) for _pk, email, name in staff]
    )
    # Each address now has its account's verified row: link them all in one UPDATE (a CASE
    # over thousands of rows costs seconds to build).
    StaffMember.objects.filter(pk__in=[pk for pk, _email, _name in staff]).update(
        user=email_owner_subquery(Lower(OuterRef("email")))
    )
    return created


# A large import as a background job (issue 20): the same confirmation, run by the worker.

JOB_STAGES = 3  # the file read, every row checked, the staff list written
JOB_KEEP_DAYS = 7  # a finished job (its row errors) is deleted when a job starts after this
JOB_NOT_QUEUED = gettext_noop(
    "The import could not be started: the background worker cannot be reached. Try again later."
)
JOB_FAILED = gettext_noop("The import failed unexpectedly; nothing was changed. Try again later.")
JOB_NOT_ALLOWED = gettext_noop("You may no longer import the staff list of this school.")


def staff_import_runs_in_background(preview: StaffImportPreview) -> bool:
    """Whether confirming ``preview`` is too much for one request (``STAFF_IMPORT_SYNC_MAX_ROWS``
    people; docs/performance.md says how the limit was chosen)."""
    return len(preview.people) > settings.STAFF_IMPORT_SYNC_MAX_ROWS


@transaction.atomic
def staff_import_job_start(
    *, school: School, token: str, choices: dict[str, str], actor
) -> StaffImportJob:
    """Queue the confirmation of a preview (``staff_import_confirm``'s arguments) as a job.

    The choices are checked now, as the confirmation would, so a missing category is said on
    the preview page at once. Raises PermissionDenied unless ``actor`` may import.
    """
    if not actor.has_perm("units.import_staff", school):
        raise PermissionDenied
    reading = _reading_from_token(school=school, token=token, actor=actor)
    unknown = _unknown_functions(reading, _known_categories(school))
    valid = set(StaffCategory.values)
    missing = [function for key, function in unknown.items() if choices.get(key) not in valid]
    if missing:
        raise DomainError(
            _("Choose the staff category of these functions: %(functions)s.")
            % {"functions": ", ".join(missing)}
        )
    staff_import_jobs_clean()
    job = StaffImportJob.objects.create(
        school=school,
        requested_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        token=token,
        choices={key: choices[key] for key in unknown},
        rows=len(reading.people),
        progress_total=JOB_STAGES,
    )
    transaction.on_commit(partial(_queue_job, job.pk))
    return job


def staff_import_jobs_clean(*, now=None) -> int:
    """Delete the jobs that finished more than ``JOB_KEEP_DAYS`` ago (their row errors may quote
    names and addresses), and the jobs that never finished and were created that long ago
    (no worker ran them: their token still holds the rows as read). Beat runs it every night
    (``units.tasks.staff_import_jobs_clean``); a new job runs it too. Returns how many went."""
    limit = (now or timezone.now()) - datetime.timedelta(days=JOB_KEEP_DAYS)
    deleted, _by_model = StaffImportJob.objects.filter(
        Q(finished_at__lt=limit) | Q(finished_at__isnull=True, created_at__lt=limit)
    ).delete()
    return deleted


def _queue_job(job_id: int) -> None:
    from ..tasks import staff_import_job_run  # the tasks module imports the services

    try:
        staff_import_job_run.delay(job_id)
    except Exception:
        logger.exception("Staff import job %s could not be queued", job_id)
        StaffImportJob.objects.filter(pk=job_id, state=StaffImportJob.State.QUEUED).update(
            state=StaffImportJob.State.FAILED,
            error=JOB_NOT_QUEUED,
            token="",
            finished_at=timezone.now(),
        )


def staff_import_job_run(*, job_id: int) -> StaffImportJob | None:
    """Run a queued job: check every row, then import all or nothing. The job ends done (with
    the counts) or failed (with every row error, or a message); its token is cleared either way.
    A job that is not queued (already taken, or gone) is left alone."""
    with transaction.atomic():
        job = (
            # Only the job's row is locked: PostgreSQL refuses FOR UPDATE on the nullable side
            # of the outer join to its requester.
            StaffImportJob.objects.select_for_update(of=("self",))
            .select_related("school", "requested_by")
            .filter(pk=job_id, state=StaffImportJob.State.QUEUED)
            .first()
        )
        if job is None:
            return None
        job.state, job.started_at = StaffImportJob.State.RUNNING, timezone.now()
        job.progress_done = 0
        job.save(update_fields=["state", "started_at", "progress_done"])
    actor, school = job.requested_by, job.school
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if actor is None or not actor.has_perm("units.import_staff", school):
                raise PermissionDenied
            reading = _reading_from_token(school=school, token=job.token, actor=actor)
            _job_progress(job, 1)
            trial = {**_known_categories(school), **job.choices}
            outcome = _import_rows(
                school=school, reading=reading, categories=trial, actor=actor, dry_run=True
            )
            if outcome.errors:
                raise StaffImportError(outcome.errors)
            _job_progress(job, 2)
            result = staff_import_confirm(
                school=school, token=job.token, choices=job.choices, actor=actor
            )
        except StaffImportError as error:
            rows = [[row.row_number, list(row.messages)] for row in error.errors]
            return _job_finish(job, StaffImportJob.State.FAILED, row_errors=rows)
        except DomainError as error:
            return _job_finish(job, StaffImportJob.State.FAILED, error=str(error.message))
        except PermissionDenied:
            return _job_finish(job, StaffImportJob.State.FAILED, error=JOB_NOT_ALLOWED)
        except Exception:
            logger.exception("Staff import job %s failed", job.pk)
            return _job_finish(job, StaffImportJob.State.FAILED, error=JOB_FAILED)
    counts = {
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "deactivated": result.deactivated,
        "accounts_created": result.accounts_created,
    }
    return _job_finish(job, StaffImportJob.State.DONE, result=counts, progress=JOB_STAGES)


def _job_progress(job: StaffImportJob, done: int) -> None:
    job.progress_done = done
    StaffImportJob.objects.filter(pk=job.pk).update(progress_done=done)


def _job_finish(job, state, *, progress=None, **fields) -> StaffImportJob:
    job.state, job.finished_at, job.token = state, timezone.now(), ""
    if progress is not None:
        job.progress_done = progress
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(
        update_fields=[
            "state", "finished_at", "token", "progress_done", "result", "row_errors", "error"
        ]
    )  # fmt: skip
    return job
