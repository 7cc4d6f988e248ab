"""Measures of different units that look like the same idea, so the merging group can combine
them: pure, on loaded objects, no database.

Two measures overlap when they belong to different units, have the same category, and their
titles (or their descriptions) are alike. Text is compared after normalising Dutch: lower case,
accents dropped, punctuation and digits dropped, common stop words removed, and a plural or
diminutive ending taken off (``assistenten`` and ``assistent`` are the same word; a word also
matches a slightly longer form of itself, ``brugklas`` and ``brugklass(en)``). Titles are
alike when difflib's ratio of the normalised texts is at least ``TITLE_RATIO``, or when most of
the shorter title's words are in the other; descriptions, which are longer and vary more, when
they share most words of the shorter one (``DESCRIPTION_SHARE``, at least
``DESCRIPTION_MIN_WORDS`` words).

The units of a measure are ``unit_keys`` when it has them (a combined measure: the units of
its sources), else its ``unit_id``. Pairs whose units meet are never offered.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

TITLE_RATIO = 0.8
TITLE_SHARE = 0.75  # of the shorter title's words, at least two of them
DESCRIPTION_SHARE = 0.6
DESCRIPTION_MIN_WORDS = 4

_STOP_WORDS = """
    de het een en of van voor in op met aan te bij om per door naar als is zijn wordt worden
    die dat dit deze er ook uit tot over onder tegen na meer minder extra nog wel niet geen
    we wij ons onze zij hun hen je jij u uw ze ik mijn wat wie waar hoe welke elk elke iedere
    alle alles veel weinig kan kunnen moet moeten zal zullen zou zouden heeft hebben had
    the a an and or of for in on with to at by per from as is are be this that more less
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
ENDINGS = ("tjes", "jes", "tje", "je", "en")  # plural and diminutive endings
PREFIX_MIN = 5  # a word this long or longer matches a longer form of itself (klas, klassen)
PREFIX_SLACK = 3
_NOT_A_LETTER = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Overlap:
    """Two measures that may be one idea; ``score`` (0-1) orders the pairs, best first."""

    first: object
    second: object
    reason: str
    score: float = 0.0


def _stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def words(text: str) -> list[str]:
    """The meaningful words of ``text``, normalised, in their order."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [
        _stem(word)
        for word in _NOT_A_LETTER.split(plain)
        if len(word) > 1 and word not in STOP_WORDS
    ]


def same_word(first: str, second: str) -> bool:
    """Two normalised words are the same, or one is the other with a few letters more
    (``brugklas`` and ``brugklass`` from ``brugklassen``; ``workshop`` and ``workshops``)."""
    if first == second:
        return True
    short, long = sorted((first, second), key=len)
    return (
        len(short) >= PREFIX_MIN
        and long.startswith(short)
        and len(long) - len(short) <= PREFIX_SLACK
    )


def _share(first: list[str], second: list[str]) -> tuple[float, int]:
    """The share of the shorter word set found in the other, and how many words they share."""
    a, b = sorted((set(first), set(second)), key=len)
    if not a:
        return 0.0, 0
    shared = sum(1 for word in a if any(same_word(word, other) for other in b))
    return shared / len(a), shared


def title_similarity(first: str, second: str) -> float:
    """How alike two titles are (0-1), or 0 when they are not alike: difflib's ratio on the
    normalised text when at least ``TITLE_RATIO``, the share of the shorter title's words in
    the other when at least ``TITLE_SHARE`` (and two words or more), whichever is higher."""
    a, b = words(first), words(second)
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    share, shared = _share(a, b)
    return max(
        ratio if ratio >= TITLE_RATIO else 0.0,
        share if share >= TITLE_SHARE and shared >= 2 else 0.0,
    )


def description_similarity(first: str, second: str) -> float:
    """How alike two descriptions are (0-1), or 0 when they are not alike: the share of the
    shorter one's words in the other, when at least ``DESCRIPTION_SHARE`` and at least
    ``DESCRIPTION_MIN_WORDS`` words."""
    share, shared = _share(words(first), words(second))
    return share if share >= DESCRIPTION_SHARE and shared >= DESCRIPTION_MIN_WORDS else 0.0


def units_of(measure) -> frozenset:
    keys = getattr(measure, "unit_keys", None)
    if keys is not None:
        return frozenset(keys)
    unit = getattr(measure, "unit_id", None)
    return frozenset() if unit is None else frozenset({unit})


def category_of(measure):
    category = getattr(measure, "category_id", None)
    return category if category is not None else getattr(measure, "category", None)


def _percent(score: float) -> int:
    return round(score * 100)


def compare(first, second) -> Overlap | None:
    """The overlap of two measures, or None (other units, same category, alike text)."""
    units_a, units_b = units_of(first), units_of(second)
    if not units_a or not units_b or units_a & units_b:
        return None
    if category_of(first) != category_of(second):
        return None
    title = title_similarity(first.title, second.title)
    if title:
        reason = _("Same category and similar titles (%(score)s%% alike).") % {
            "score": _percent(title)
        }
        return Overlap(first, second, reason, title)
    description = description_similarity(first.description, second.description)
    if description:
        reason = _("Same category and similar descriptions (%(score)s%% alike).") % {
            "score": _percent(description)
        }
        return Overlap(first, second, reason, description)
    return None


def find_overlaps(measures: Sequence) -> list[Overlap]:
    """Every pair of ``measures`` that may be one idea, best match first (then in the order
    of the measures given). Each pair once, ``first`` the earlier of the two."""
    measures = list(measures)
    found = []
    for index, first in enumerate(measures):
        for position, second in enumerate(measures[index + 1 :], start=index + 1):
            overlap = compare(first, second)
            if overlap is not None:
                found.append((overlap, index, position))
    found.sort(key=lambda item: (-item[0].score, item[1], item[2]))
    return [overlap for overlap, _index, _position in found]
