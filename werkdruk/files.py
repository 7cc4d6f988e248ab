"""Names of the files people download: in the school's language, one shape everywhere."""

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify


def download_name(label, *parts, ext: str) -> str:
    """``besluitenlijst-12AB-2026-2027.pdf``: ``label`` (a lazy, translatable word such as
    ``pgettext_lazy("file name", "decision list")``) in the school's language, then ``parts``.

    Whoever downloads it, the file is named as the school's documents are (Dutch by default).
    """
    with translation.override(settings.LANGUAGE_CODE):
        words = [str(label), *(str(part) for part in parts)]
    stem = "-".join(filter(None, (slugify(word) for word in words)))
    return f"{stem or 'download'}.{ext}"
