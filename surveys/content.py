"""The questionnaire's content (JSON) and the answers to it: reading, editing, checking. Pure.

Content: ``scales`` (name -> [{"value", "nl", "en"}]), ``dimensions`` ([{"key", "label",
"scale", "high", "items": [{"key", "text"}]}]), ``effect`` ({"school", "self", "why",
"options"}), ``measure`` ({"question", "comment", "options"}), ``attendance`` ({"question",
"options"}). Every text is {"nl": ..., "en": ...}; options are {"key", "nl", "en"}.

Answers: {"items": {item key: value}, "effect_school": key, "effect_school_why": text,
"effect_self": key, "effect_self_why": text, "measures": {measure key: {"answer": key,
"comment": text}}, "attendance": key}.
"""

import copy
import hashlib
import json

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

EFFECT_QUESTIONS = ("school", "self")
MAX_TEXT = 2000


def text(value) -> str:
    """A {"nl", "en"} text in the active language (Dutch when the language is missing)."""
    if isinstance(value, str):
        return value
    lang = (get_language() or "nl")[:2]
    return value.get(lang) or value.get("nl") or value.get("en") or ""


def content_hash(content) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def scale_values(content, dimension) -> list[int]:
    return [option["value"] for option in content["scales"][dimension["scale"]]]


def scale_max(content, dimension) -> int:
    return max(scale_values(content, dimension))


def items(content):
    """(dimension, item) for every item, in order."""
    for dimension in content["dimensions"]:
        for entry in dimension["items"]:
            yield dimension, entry


def option_keys(block) -> set[str]:
    return {option["key"] for option in block["options"]}


def with_texts(content, texts: dict) -> dict:
    """A copy of ``content`` with the texts in ``texts`` replaced.

    ``texts`` maps a path to {"nl", "en"}: ``item:<key>``, ``effect:school``, ``effect:self``,
    ``effect:why``, ``measure:question``, ``attendance:question``. Keys, scales and options
    stay, so results remain comparable from year to year. An empty text is refused.
    """
    new = copy.deepcopy(content)
    targets = {f"item:{entry['key']}": entry["text"] for _d, entry in items(new)}
    targets.update({f"effect:{key}": new["effect"][key] for key in ("school", "self", "why")})
    targets["measure:question"] = new["measure"]["question"]
    targets["attendance:question"] = new["attendance"]["question"]
    for path, value in texts.items():
        if path not in targets:
            raise DomainError(_("The questionnaire has no such question."))
        for lang in ("nl", "en"):
            cleaned = (value.get(lang) or "").strip()
            if not cleaned:
                raise DomainError(_("Every question needs a Dutch and an English text."))
            targets[path][lang] = cleaned[:500]
    return new


def _choice(value, allowed, message):
    if value not in allowed:
        raise DomainError(message)
    return value


def _free_text(value) -> str:
    return (value or "").strip()[:MAX_TEXT]


def answers_clean(content, measures, raw: dict) -> dict:
    """The answers in ``raw`` checked against ``content``; every closed question is required.

    ``measures`` is the round's list of {"key", "title"}.
    """
    cleaned = {"items": {}}
    for dimension, entry in items(content):
        value = raw.get("items", {}).get(entry["key"])
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in scale_values(content, dimension):
            raise DomainError(_("Answer every question about your work."))
        cleaned["items"][entry["key"]] = value
    effect_keys = option_keys(content["effect"])
    for question in EFFECT_QUESTIONS:
        cleaned[f"effect_{question}"] = _choice(
            raw.get(f"effect_{question}"), effect_keys, _("Answer both questions on the effect.")
        )
        cleaned[f"effect_{question}_why"] = _free_text(raw.get(f"effect_{question}_why"))
    measure_keys = option_keys(content["measure"])
    cleaned["measures"] = {}
    for measure in measures:
        given = raw.get("measures", {}).get(measure["key"], {})
        cleaned["measures"][measure["key"]] = {
            "answer": _choice(
                given.get("answer"), measure_keys, _("Answer the question for every measure.")
            ),
            "comment": _free_text(given.get("comment")),
        }
    cleaned["attendance"] = _choice(
        raw.get("attendance"),
        option_keys(content["attendance"]),
        _("Say whether you took part in the conversations."),
    )
    return cleaned
