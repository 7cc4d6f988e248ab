"""Reading the charts of werkdruk.charts back from a page or a PDF's HTML (issue 15, item 6):
each chart's SVG parsed as XML, its bars (value and width) and its texts."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from werkdruk.charts import BAR_AREA, WIDTH

SVG = "{http://www.w3.org/2000/svg}"


def charts_in(html: str, testid: str) -> list[ET.Element]:
    """The SVG element of every chart marked ``testid``; fails if one is not valid XML."""
    figures = re.findall(
        rf'<figure class="wd-chart" data-testid="{testid}">(.*?)</figure>', html, re.S
    )
    svgs = [re.search(r"<svg.*?</svg>", figure, re.S).group(0) for figure in figures]
    return [ET.fromstring(svg) for svg in svgs]  # noqa: S314 - the SVG our own page drew


def one_chart(html: str, testid: str) -> ET.Element:
    found = charts_in(html, testid)
    assert len(found) == 1, f"{len(found)} charts {testid!r}"
    return found[0]


def bars(svg) -> list[tuple[Decimal, Decimal]]:
    """(value, width) of each bar, in drawing order."""
    return [
        (Decimal(rect.get("data-value")), Decimal(rect.get("width")))
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "wd-chart-bar"
    ]


def texts(svg) -> list[str]:
    return [text.text for text in svg.iter(f"{SVG}text")]


def assert_accessible(svg):
    """role="img", an accessible name and a <title>: what a screen reader announces."""
    assert svg.get("role") == "img"
    assert svg.get("aria-label")
    assert svg.find(f"{SVG}title").text == svg.get("aria-label")


def assert_proportional(svg, *, scale=None, area=BAR_AREA):
    """Every bar's width is its value on one scale (the largest value, or ``scale``), to the
    tenth of a unit the drawing is rounded to."""
    found = bars(svg)
    assert found, "no bars"
    top = Decimal(scale) if scale is not None else max(value for value, _width in found)
    for value, width in found:
        expected = Decimal(area) * max(value, Decimal(0)) / top if top else Decimal(0)
        assert abs(width - expected) <= Decimal("0.05"), (value, width, expected)
        assert width <= WIDTH
