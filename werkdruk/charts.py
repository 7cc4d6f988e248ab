"""Charts drawn on the server as plain geometry: one ``Chart`` is inline SVG on a page and in a
PDF (templates/includes/_chart.html) and a PNG in a Word document (``werkdruk.chart_png``).

Two kinds, both horizontal so that long Dutch labels fit on a phone:

- ``bar_chart``: one row per item (a school, a unit, a measure), its label on a line of its own
  and under it one bar per series (budget, planned, actual), each with its value written at
  its end. Bars are proportional to their values on one scale for the whole chart.
- ``share_bar``: one bar divided into parts of a whole (a vote's for, against, abstained).

Print is often grey: series differ by fill (dark, light with an outline, white with hatching),
never by colour alone, and every bar carries its value as text. No JavaScript, no fonts or
files from elsewhere; the numbers stay in a table or text next to each chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

# Series fills, distinguishable in grey-scale: dark, light with an outline, hatched white.
SOLID = "solid"
LIGHT = "light"
HATCHED = "hatched"
INK = "#1d3557"
TEXT = "#212529"
FILLS = {SOLID: INK, LIGHT: "#b8cbe3", HATCHED: "#ffffff"}

# Units of the drawing: a phone (390 px) shows it at its size, a desktop a little larger, print
# at 9/13 pt per unit (the text at 9 pt, as the body).
WIDTH = 360
FONT = 13
VALUE_ROOM = 116  # right of the longest bar: "€ 1.234.567,89"
BAR_AREA = WIDTH - VALUE_ROOM
LABEL_LINE = 17
BAR = 14
BAR_GAP = 3
ROW_GAP = 10
SHARE_BAR = 24
HATCH_STEP = 5
CHAR_WIDTH = 7.8  # a generous average at 13 px, to keep text inside the drawing
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Series:
    label: str
    style: str = SOLID


@dataclass(frozen=True)
class Row:
    """One item: its ``values`` (one per series, None for "not known yet") and the ``texts``
    written at the end of each bar (or in its place when the value is None)."""

    label: str
    values: Sequence[Decimal | None]
    texts: Sequence[str]
    note: str = ""  # bold, right-aligned on the label's line ("€ 500,00 over")
    style: str | None = None  # one row set apart (the reserve), in a one-series chart


@dataclass(frozen=True)
class Rect:
    x: Decimal
    y: int
    width: Decimal
    height: int
    style: str
    value: Decimal | None = None  # the value the width stands for (a bar; None: a swatch)

    @property
    def fill(self) -> str:
        return FILLS[self.style]

    @property
    def outlined(self) -> bool:
        return self.style != SOLID

    @property
    def hatch(self) -> list[tuple[Decimal, Decimal, Decimal, Decimal]]:
        """Diagonal lines inside the rectangle ("/"), as (x1, y1, x2, y2)."""
        if self.style != HATCHED or self.width <= 0:
            return []
        x0, y0 = self.x, Decimal(self.y)
        x1, y1 = x0 + self.width, y0 + self.height
        lines = []
        c = x0 + y0 + HATCH_STEP
        while c < x1 + y1:
            # the line x + y = c, from where it enters at the top or right to the bottom or left
            start = (c - y0, y0) if c - y0 <= x1 else (x1, c - x1)
            end = (c - y1, y1) if c - y1 >= x0 else (x0, c - x0)
            lines.append((start[0], start[1], end[0], end[1]))
            c += HATCH_STEP
        return lines

    @property
    def hatch_path(self) -> str:
        return " ".join(f"M{a} {b}L{c} {d}" for a, b, c, d in self.hatch)


@dataclass(frozen=True)
class Text:
    x: Decimal
    y: int  # the baseline
    text: str
    anchor: str = "start"  # start, middle, end (as in SVG)
    bold: bool = False


@dataclass(frozen=True)
class Chart:
    title: str  # what the chart shows: its caption and the SVG's accessible name
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    @property
    def bars(self) -> list[Rect]:
        return [rect for rect in self.rects if rect.value is not None]


def _fit(text: str, room: float) -> str:
    """``text`` cut to what fits in ``room`` px (the table next to the chart has it whole)."""
    chars = max(int(room / CHAR_WIDTH), 4)
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _legend(series: Sequence[tuple[str, str]], y: int) -> tuple[list[Rect], list[Text], int]:
    """Swatches with their labels, on as many lines as needed from ``y``; returns the next y."""
    rects, texts, x = [], [], 0
    for label, style in series:
        room = 18 + round(len(label) * CHAR_WIDTH)
        if x and x + room > WIDTH:
            x, y = 0, y + LABEL_LINE + 2
        rects.append(Rect(Decimal(x), y + 1, Decimal(12), 12, style))
        texts.append(Text(Decimal(x + 18), y + 12, _fit(label, WIDTH - x - 18)))
        x += room + 16
    return rects, texts, y + LABEL_LINE + 8


def _width(value: Decimal, scale: Decimal, area: int) -> Decimal:
    if scale <= 0 or value <= 0:
        return Decimal(0)
    value = min(value, scale)
    return (Decimal(area) * value / scale).quantize(TENTH, rounding=ROUND_HALF_UP)


def bar_chart(
    title: str,
    rows: Sequence[Row],
    series: Sequence[Series],
    *,
    scale: Decimal | None = None,
) -> Chart:
    """Rows of bars, one bar per series, on one scale: ``scale`` (100 for percentages) or the
    largest value. A legend on top when there is more than one series."""
    rects: list[Rect] = []
    texts: list[Text] = []
    y = 0
    if len(series) > 1:
        rects, texts, y = _legend([(s.label, s.style) for s in series], 0)
    values = [v for row in rows for v in row.values if v is not None]
    top = Decimal(scale) if scale is not None else max(values, default=Decimal(0))
    for row in rows:
        note_room = len(row.note) * CHAR_WIDTH + 12 if row.note else 0
        texts.append(Text(Decimal(0), y + 13, _fit(row.label, WIDTH - note_room)))
        if row.note:
            texts.append(Text(Decimal(WIDTH), y + 13, row.note, anchor="end", bold=True))
        y += LABEL_LINE + 2
        for one, value, text in zip(series, row.values, row.texts, strict=True):
            if value is None:
                texts.append(Text(Decimal(0), y + BAR - 3, text))
            else:
                width = _width(Decimal(value), top, BAR_AREA)
                style = row.style or one.style
                rects.append(Rect(Decimal(0), y, width, BAR, style, Decimal(value)))
                texts.append(Text(width + 6, y + BAR - 3, text))
            y += BAR + BAR_GAP
        y += ROW_GAP - BAR_GAP
    return Chart(title, WIDTH, max(y, BAR), rects, texts)


def share_bar(title: str, parts: Sequence[tuple[str, int, str]]) -> Chart:
    """One bar of the whole, divided into ``parts`` (label, count, style): each part's share
    (one decimal) is written under it when there is room, and the legend names every part
    with its count and share."""
    total = sum(count for _label, count, _style in parts)
    rects: list[Rect] = []
    texts: list[Text] = []
    legend = []
    x = Decimal(0)
    for label, count, style in parts:
        width = _width(Decimal(count), Decimal(total), WIDTH)
        share = _percent(count, total)
        rects.append(Rect(x, 0, width, SHARE_BAR, style, Decimal(count)))
        if width >= len(share) * CHAR_WIDTH + 4:
            texts.append(Text(x + width / 2, SHARE_BAR + 15, share, anchor="middle"))
        legend.append((f"{label}: {count} ({share})", style))
        x += width
    legend_rects, legend_texts, y = _legend(legend, SHARE_BAR + 24)
    return Chart(title, WIDTH, y - 8, rects + legend_rects, texts + legend_texts)


def _percent(count: int, total: int) -> str:
    if not total:
        return number_format(Decimal("0.0"), 1) + "%"
    share = (Decimal(count * 100) / total).quantize(TENTH, rounding=ROUND_HALF_UP)
    return number_format(share, 1) + "%"
