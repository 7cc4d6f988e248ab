"""Bar charts as geometry for inline SVG, drawn on the server (no JavaScript, no CDN).

Every bar shows a share in percent (0-100), the one scale the four dimensions have in common;
the means are printed beside the bars (each on its own scale: 1-4, job control 1-3).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

LABEL_WIDTH = 230
BAR_AREA = 360
BAR_HEIGHT = 18
GAP = 8
GROUP_GAP = 14
PALETTE = ("#0d6efd", "#6f42c1", "#198754", "#fd7e14", "#20c997", "#d63384")


@dataclass(frozen=True)
class Bar:
    y: int
    width: Decimal
    label: str
    value: str
    colour: str
    text_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bars: list
    legend: list  # [(label, colour)]
    title: str


def _width(share: Decimal) -> Decimal:
    return (Decimal(BAR_AREA) * min(max(share, Decimal(0)), Decimal(100)) / 100).quantize(
        Decimal("0.1")
    )


def _value(result) -> str:
    return f"{number_format(result.high_share)}% · {number_format(result.mean)}"


def round_chart(dimensions, title) -> Chart:
    """One bar per dimension: its high share, labelled with the share and the mean."""
    bars = []
    for index, result in enumerate(dimensions):
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                y=y,
                width=_width(result.high_share),
                label=result.label,
                value=_value(result) + f"/{result.scale_max}",
                colour=PALETTE[0],
                text_y=y + BAR_HEIGHT - 4,
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return Chart(LABEL_WIDTH + BAR_AREA + 120, height, LABEL_WIDTH, bars, [], title)


def comparison_chart(history, labels, title) -> Chart:
    """Per dimension a group of bars, one per round in ``history`` (oldest first)."""
    bars = []
    y = 0
    legend = [
        (f"{row.year} {row.survey_round.get_kind_display()}", PALETTE[i % len(PALETTE)])
        for i, row in enumerate(history)
    ]
    for key, label in labels:
        for index, row in enumerate(history):
            result = row.dimensions.get(key)
            if result is None:
                continue
            bars.append(
                Bar(
                    y=y,
                    width=_width(result.high_share),
                    label=label if index == 0 else "",
                    value=_value(result),
                    colour=PALETTE[index % len(PALETTE)],
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + 2
        y += GROUP_GAP
    return Chart(LABEL_WIDTH + BAR_AREA + 120, max(y, BAR_HEIGHT), LABEL_WIDTH, bars, legend, title)
