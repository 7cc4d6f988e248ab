"""No silent lost updates: optimistic locking for the records people edit through a form.

Each such record has a ``version`` (1 when created). Its form carries the version it was loaded
with as a hidden field (``VersionField``). The service locks the record, and when the input
changes anything while the stored version moved on, it raises ``EditConflict`` instead of
writing; otherwise it writes and counts the version up (``version_check``, ``version_next``).
Input that changes nothing writes nothing and is no conflict (a double click on "save").

The view then shows the form again with what the user typed, the stored version in its hidden
field, and ``templates/includes/_edit_conflict.html`` with the report ``edit_conflict_report``
makes: who saved in between and when (from django-simple-history), and per field what the user
loaded, what is stored now and what they typed. Saving again is then a deliberate choice.

A missing version (a client that never loaded the form) is not checked: the mechanism protects
people working at the same time, it is not an access control.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history import utils as history_utils
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from .exceptions import DomainError
from .forms import AmountField
from .money import format_euro

# A value the history does not keep (shown as such, and never counted as a change).
NOT_KEPT = object()
NOT_KEPT_LABEL = gettext_lazy("(not kept)")


class EditConflict(DomainError):
    """The record changed since the user loaded it; nothing was written.

    ``instance`` names the record (its class and pk; the report reads it again, as stored
    after the other change), ``loaded_version`` is the version the user's form was loaded with.
    """

    def __init__(self, *, instance, loaded_version: int):
        super().__init__(
            _(
                "Someone else saved a change while you were editing, so your changes have not "
                "been saved yet."
            )
        )
        self.model = type(instance)
        self.pk = instance.pk
        self.loaded_version = loaded_version


def version_check(instance, loaded_version: int | None) -> None:
    """Raise EditConflict unless ``instance`` (locked) is still at ``loaded_version``.

    None skips the check (no form was loaded). Without a record (``instance`` None) there is
    nothing to overwrite; a form loaded before it existed has version 0, so a record someone
    else created meanwhile is a conflict."""
    if instance is not None and loaded_version is not None and loaded_version != instance.version:
        raise EditConflict(instance=instance, loaded_version=loaded_version)


def version_next(instance) -> None:
    """Count the version of ``instance`` up before it is saved with a change."""
    instance.version = (instance.version or 0) + 1


class VersionField(forms.IntegerField):
    """The hidden field with the version of the record the form was loaded with."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    label: str
    loaded: str  # when the user opened the form
    stored: str  # saved now
    typed: str  # what the user typed
    theirs: bool  # changed by someone else since the user opened the form
    yours: bool  # changed by the user (what they typed differs from what they loaded)


@dataclass(frozen=True)
class ConflictReport:
    editors: list[str]
    changed_at: datetime.datetime | None
    rows: list[ConflictRow] = field(default_factory=list)

    @property
    def editors_text(self) -> str:
        return ", ".join(self.editors)


def edit_conflict_report(
    conflict: EditConflict, *, form, initial_for, typed=None, labels=None
) -> ConflictReport:
    """What the conflict page shows, and the form moved on to the stored version.

    ``initial_for(instance)`` gives the form's initial values for a record (as stored now, or
    as the history kept it at the version the user loaded); ``typed`` what the user typed by
    the same names (the form's cleaned data by default); ``labels`` the labels of names that
    are not fields of ``form``. A row is listed when someone else changed the value since the
    user loaded it, or when what the user typed differs from what is stored now.
    """
    stored_record = conflict.model._default_manager.filter(pk=conflict.pk).first()
    if stored_record is None:  # removed meanwhile: saving again says so
        return ConflictReport(editors=[], changed_at=None)
    stored = initial_for(stored_record)
    loaded = _loaded_values(stored_record, conflict.loaded_version, initial_for)
    typed = form.cleaned_data if typed is None else typed
    labels = labels or {}
    rows = []
    for name, stored_value in stored.items():
        form_field = form.fields.get(name)
        label = form_field.label if form_field is not None else labels.get(name)
        if name == "version" or label is None:
            continue
        loaded_value = loaded.get(name) if loaded is not None else NOT_KEPT
        typed_value = typed.get(name)
        known = loaded_value is not NOT_KEPT
        theirs = known and not _same(form_field, loaded_value, stored_value)
        yours = known and not _same(form_field, typed_value, loaded_value)
        if theirs or not _same(form_field, typed_value, stored_value):
            rows.append(
                ConflictRow(
                    label=str(label),
                    loaded=_shown(form_field, loaded_value),
                    stored=_shown(form_field, stored_value),
                    typed=_shown(form_field, typed_value),
                    theirs=theirs,
                    yours=yours,
                )
            )
    editors, changed_at = _editors_since(stored_record, conflict.loaded_version)
    _move_form_to(form, stored_record.version)
    return ConflictReport(editors=editors, changed_at=changed_at, rows=rows)


def _loaded_values(stored_record, loaded_version, initial_for) -> dict | None:
    """The form's values at ``loaded_version`` from the history; {} before the record existed
    (version 0), None when the history has no record of that version."""
    if loaded_version == 0:
        return {}
    record = (
        stored_record.history.filter(version=loaded_version)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        return None
    return initial_for(_as_of(record))


def _as_of(record):
    """The historical ``record`` as a model instance whose many-to-many fields give what they
    held then (simple-history keeps them in models of their own)."""
    instance = record.instance
    cache = {}
    for m2m in record._history_m2m_fields:
        target = history_utils.get_m2m_reverse_field_name(m2m)
        ids = getattr(record, m2m.name).values_list(target, flat=True)
        cache[m2m.name] = m2m.related_model._default_manager.filter(pk__in=list(ids))
    instance._prefetched_objects_cache = cache
    return instance


def from_history(instance) -> bool:
    """True for an instance ``initial_for`` gets from the history (as the user loaded it)."""
    return hasattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME)


def _editors_since(stored_record, loaded_version) -> tuple[list[str], object]:
    records = list(
        stored_record.history.filter(version__gt=loaded_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = []
    for record in records:
        name = str(record.history_user) if record.history_user else _("someone else")
        if name not in names:
            names.append(name)
    return names, records[-1].history_date if records else None


def _move_form_to(form, version) -> None:
    """Put the stored version in the form's hidden field: saving again is deliberate now."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data


def _normalised(form_field, value):
    if isinstance(value, models.Model):
        value = (
            form_field.prepare_value(value)
            if isinstance(form_field, forms.ModelChoiceField)
            else value.pk
        )
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(str(_normalised(form_field, item)) for item in value)
    if value is None or value == "":
        return ""
    if isinstance(form_field, forms.DecimalField) or isinstance(value, Decimal | float):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _same(form_field, one, other) -> bool:
    return _normalised(form_field, one) == _normalised(form_field, other)


def _choice_labels(form_field) -> dict[str, str]:
    labels = {}
    for key, label in getattr(form_field, "choices", ()):
        if isinstance(label, list | tuple):  # a group of choices
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(key)] = str(label)
    return labels


def _shown(form_field, value) -> str:
    """``value`` as the page shows it: choices by their label, numbers and dates localised."""
    if value is NOT_KEPT:
        return str(NOT_KEPT_LABEL)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    empty = value is None or value == "" or value == []
    # An empty value is a real option in a radio list ("no machine check"); in a select list
    # its label only asks to choose.
    radio = form_field is not None and isinstance(form_field.widget, forms.RadioSelect)
    if form_field is not None and getattr(form_field, "choices", None) and (radio or not empty):
        labels = _choice_labels(form_field)
        items = value if isinstance(value, list | tuple | set | models.QuerySet) else [value]
        keys = [str(_normalised(form_field, item)) for item in items if item is not None]
        return ", ".join(labels.get(key, key) for key in keys) or "–"
    if empty:
        return "–"
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(str(item) for item in value) or "–"
    if isinstance(form_field, AmountField):
        try:
            return format_euro(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(value, Decimal | datetime.date | datetime.time | int):
        return formats.localize(value)
    return str(value)
