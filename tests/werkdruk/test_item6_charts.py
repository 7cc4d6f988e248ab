"""Issue 15, item 6: one chart module for page, PDF and Word (werkdruk.charts, drawn as SVG by
templates/includes/_chart.html and as PNG by werkdruk.chart_png)."""

import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from tests.charts import assert_accessible, assert_proportional, bars, one_chart, texts
from werkdruk import charts
from werkdruk.chart_png import SCALE, render_png
from werkdruk.money import format_euro

D = Decimal


def svg_of(chart):
    return one_chart(render_to_string("includes/_chart.html", {"chart": chart, "testid": "c"}), "c")


def money_rows(*amounts):
    return [
        charts.Row(f"Eenheid {i}", [D(a), D(b)], [format_euro(D(a)), format_euro(D(b))])
        for i, (a, b) in enumerate(amounts)
    ]


SERIES = [charts.Series("Budget", charts.LIGHT), charts.Series("Gepland", charts.HATCHED)]


def test_item6_a_chart_is_valid_svg_with_a_title_and_role_img():
    chart = charts.bar_chart("Kosten & budget <per eenheid>", money_rows(("10", "5")), SERIES)
    svg = svg_of(chart)  # parses as XML, the title's "&" and "<" escaped
    assert_accessible(svg)
    assert svg.get("aria-label") == "Kosten & budget <per eenheid>"
    assert svg.get("viewBox") == f"0 0 {chart.width} {chart.height}"


def test_item6_bars_are_proportional_to_their_values_on_one_scale():
    rows = money_rows(("120000.00", "95000.50"), ("80000.00", "0.00"), ("1.00", "33333.33"))
    svg = svg_of(charts.bar_chart("Budget", rows, SERIES))
    assert [value for value, _width in bars(svg)] == [
        D("120000.00"),
        D("95000.50"),
        D("80000.00"),
        D("0.00"),
        D("1.00"),
        D("33333.33"),
    ]
    assert_proportional(svg)
    assert bars(svg)[0][1] == charts.BAR_AREA  # the largest value fills the bar area


def test_item6_percentages_use_the_scale_given():
    rows = [charts.Row("OP", [D("50.0")], ["10 van 20 (50,0%)"])]
    svg = svg_of(charts.bar_chart("Opkomst", rows, [charts.Series("Opkomst")], scale=D(100)))
    assert_proportional(svg, scale=100)
    assert bars(svg)[0][1] == charts.BAR_AREA / 2


def test_item6_amounts_and_shares_are_written_the_dutch_way():
    with translation.override("nl"):
        rows = money_rows(("12345.67", "1234567.89"))
        bar = svg_of(charts.bar_chart("Budget", rows, SERIES))
        share = svg_of(
            charts.share_bar("Uitslag", [("Voor", 2, charts.SOLID), ("Tegen", 1, charts.HATCHED)])
        )
    assert "€\xa012.345,67" in texts(bar)
    assert "€\xa01.234.567,89" in texts(bar)
    assert "66,7%" in texts(share) and "Voor: 2 (66,7%)" in texts(share)
    assert "Tegen: 1 (33,3%)" in texts(share)


def test_item6_coordinates_stay_machine_readable_in_dutch():
    """A decimal comma in an SVG attribute breaks the drawing: coordinates are not localised."""
    with translation.override("nl"):
        html = render_to_string(
            "includes/_chart.html",
            {"chart": charts.bar_chart("B", money_rows(("3", "1")), SERIES), "testid": "c"},
        )
    svg = one_chart(html, "c")
    for rect in svg.iter("{http://www.w3.org/2000/svg}rect"):
        for name in ("x", "width"):
            Decimal(rect.get(name))  # "104.0", never "104,0"


def test_item6_the_share_bar_divides_the_whole_width():
    svg = svg_of(
        charts.share_bar(
            "Uitslag",
            [("Voor", 38, charts.SOLID), ("Tegen", 4, charts.HATCHED), ("Blanco", 3, charts.LIGHT)],
        )
    )
    assert_proportional(svg, scale=45, area=charts.WIDTH)
    assert sum(width for _value, width in bars(svg)) == pytest.approx(charts.WIDTH, abs=0.2)


def test_item6_series_differ_in_grey_not_only_in_colour():
    """Print is often grey: the series differ in lightness and one is hatched."""

    def lightness(colour):
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    grey = sorted(lightness(charts.FILLS[style]) for style in (charts.SOLID, charts.LIGHT))
    assert grey[1] - grey[0] > 100
    hatched = charts.Rect(D(0), 0, D(50), 14, charts.HATCHED, D(1))
    assert hatched.hatch and hatched.hatch_path.startswith("M")
    assert not charts.Rect(D(0), 0, D(50), 14, charts.SOLID, D(1)).hatch


def test_item6_hatching_stays_inside_its_bar():
    rect = charts.Rect(D("10.5"), 20, D("77.3"), 14, charts.HATCHED, D(1))
    for x1, y1, x2, y2 in rect.hatch:
        for x, y in ((x1, y1), (x2, y2)):
            assert rect.x <= x <= rect.x + rect.width
            assert rect.y <= y <= rect.y + rect.height


def test_item6_a_long_label_is_cut_to_the_drawing_and_a_missing_value_is_said():
    label = "Docenten van de bovenbouw havo en vwo, met de mentoren en de decanen erbij " * 2
    rows = [charts.Row(label, [None, D("10")], ["na het schoolplan", "€ 10,00"])]
    chart = charts.bar_chart("Budget", rows, SERIES)
    first = next(t for t in chart.texts if t.text.startswith("Docenten"))
    assert first.text.endswith("…")
    assert len(first.text) * charts.CHAR_WIDTH <= charts.WIDTH
    assert "na het schoolplan" in [t.text for t in chart.texts]
    assert len(chart.bars) == 1  # no bar for the value not known yet


def test_item6_the_png_for_word_is_the_same_drawing():
    chart = charts.bar_chart("Budget", money_rows(("10", "5"), ("2", "8")), SERIES)
    image = Image.open(io.BytesIO(render_png(chart)))
    assert image.format == "PNG"
    assert image.size == (chart.width * SCALE + 2, chart.height * SCALE + 2)
    # the longest bar is drawn in the light fill, from the left edge over the bar area
    y = (chart.bars[0].y + 7) * SCALE
    light = tuple(int(charts.FILLS[charts.LIGHT][i : i + 2], 16) for i in (1, 3, 5))
    assert image.getpixel((charts.BAR_AREA * SCALE // 2, y)) == light
    assert image.getpixel(((charts.BAR_AREA + 100) * SCALE, y)) == (255, 255, 255)
