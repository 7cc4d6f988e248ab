"""Page-by-page checks of a PDF as WeasyPrint laid it out (issue 15, item 1).

``layout_problems(document)`` reads the boxes of a ``weasyprint.Document`` (see
``werkdruk.pdf.render_document``) and names what a reader would see as broken:

- a page that is mostly one colour block (a box painted with a background, or an inline SVG
  whose filled rectangles, scaled to the size it is drawn at, cover much of the page);
- anything that runs past the right margin (text, a table wider than the page);
- a page that ends with a heading or a table's caption (alone at the foot of a page, or on a
  page by itself);
- a table whose totals (``tfoot``) are not on the page of its last row, or printed more than
  once; a table over several pages that does not repeat its header.

``capture_documents()`` records every document the code under test renders, so a test can ask
for a PDF through its real view and check the layout that became that PDF.
"""

import contextlib
import re
from dataclasses import dataclass, field
from unittest import mock

from weasyprint.formatting_structure import boxes

from werkdruk import pdf

SVG = "{http://www.w3.org/2000/svg}"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}
TOLERANCE = 0.5  # CSS px: rounding in the layout
COLOUR_BLOCK_SHARE = 0.25  # of the page's content area, per colour


@contextlib.contextmanager
def capture_documents():
    """Yields a list that fills with ``(template_name, document)`` of every PDF rendered."""
    captured = []
    real = pdf.render_document

    def render_document(template_name, context):
        document = real(template_name, context)
        captured.append((template_name, document))
        return document

    with mock.patch.object(pdf, "render_document", render_document):
        yield captured


def _text(box) -> str:
    return " ".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox)).strip()


def _short(text: str, length: int = 60) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _number(value) -> float | None:
    match = re.match(r"\s*([0-9.]+)", value or "")
    return float(match.group(1)) if match else None


def _svg_fill_shares(element) -> dict[str, float]:
    """Colour -> the share of the SVG's own drawing area that its filled rectangles cover."""
    view_box = (element.get("viewBox") or "").replace(",", " ").split()
    if len(view_box) == 4:
        width, height = float(view_box[2]), float(view_box[3])
    else:
        width, height = _number(element.get("width")), _number(element.get("height"))
    if not width or not height:
        return {}
    shares: dict[str, float] = {}
    for rect in element.iter(f"{SVG}rect"):
        fill = (rect.get("fill") or "black").lower()
        if fill in ("none", "transparent", "white", "#fff", "#ffffff"):
            continue
        rect_width = _number(rect.get("width")) or 0
        rect_height = _number(rect.get("height")) or 0
        shares[fill] = shares.get(fill, 0) + rect_width * rect_height / (width * height)
    return shares


def _background(box) -> str | None:
    colour = box.style["background_color"]
    try:
        red, green, blue, alpha = colour
    except (TypeError, ValueError):
        return None
    if alpha == 0 or (red, green, blue) == (1, 1, 1):
        return None
    return f"rgb({red:.2f},{green:.2f},{blue:.2f})"


@dataclass
class _Table:
    label: str
    pages: dict = field(default_factory=dict)  # page number -> {"thead": n, "tbody": n, ...}
    last_body_page: int = 0


@dataclass
class _Page:
    number: int
    area: float
    right: float
    colours: dict = field(default_factory=dict)
    last_leaf: tuple = ("", ())  # (text, ancestor tags) of the last text or picture
    overflows: list = field(default_factory=list)


def _walk(box, tags, page: _Page, tables: dict, overflowing: bool = False):
    if isinstance(box, boxes.MarginBox):
        return  # the running header and footer are placed in the page margins on purpose
    tags = (*tags, box.element_tag) if box.element_tag else tags
    measured = isinstance(box, boxes.TextBox | boxes.ReplacedBox | boxes.TableBox)
    if measured and not overflowing and box.width is not None:
        right = box.border_box_x() + box.border_width()
        if right > page.right + TOLERANCE:
            what = _short(_text(box) or box.element_tag)
            page.overflows.append(f"{what!r} ends {right - page.right:.0f}px past the margin")
            overflowing = True  # named once: not every cell of a table that is too wide
    colour = _background(box)
    if colour and box.width and box.height:
        area = box.border_width() * box.border_height()
        page.colours[colour] = page.colours.get(colour, 0) + area
    if isinstance(box, boxes.ReplacedBox) and box.element_tag == f"{SVG}svg":
        drawn = box.width * box.height
        for fill, share in _svg_fill_shares(box.element).items():
            page.colours[fill] = page.colours.get(fill, 0) + share * drawn
    if isinstance(box, boxes.TextBox) and box.text.strip():
        page.last_leaf = (box.text, tags)
    elif isinstance(box, boxes.ReplacedBox):
        page.last_leaf = ("[picture]", tags)
    if isinstance(box, boxes.TableBox):
        table = tables.setdefault(id(box.element), _Table(label=_short(_text(box), 40)))
        counts = table.pages.setdefault(page.number, {})
        for group in box.children:
            if isinstance(group, boxes.TableRowGroupBox):
                tag = group.element_tag if group.element_tag in ("thead", "tfoot") else "tbody"
                counts[tag] = counts.get(tag, 0) + len(group.children)
                if tag == "tbody" and group.children:
                    table.last_body_page = max(table.last_body_page, page.number)
    for child in getattr(box, "children", ()):
        _walk(child, tags, page, tables, overflowing)


def layout_problems(document, name: str = "document") -> list[str]:
    """What is wrong with the pages of ``document`` (a ``weasyprint.Document``), or []."""
    problems = []
    tables: dict[int, _Table] = {}
    for number, rendered in enumerate(document.pages, 1):
        page_box = rendered._page_box
        page = _Page(
            number=number,
            area=page_box.width * page_box.height,
            right=page_box.content_box_x() + page_box.width,
        )
        for child in page_box.children:
            _walk(child, (), page, tables)
        where = f"{name}, page {number}"
        for colour, area in page.colours.items():
            if area > COLOUR_BLOCK_SHARE * page.area:
                problems.append(
                    f"{where}: {area / page.area:.0%} of the page is one colour block ({colour})"
                )
        problems += [f"{where}: {overflow}" for overflow in page.overflows]
        text, tags = page.last_leaf
        if HEADINGS & set(tags):
            problems.append(f"{where}: the page ends with the heading {_short(text)!r}")
    for table in tables.values():
        pages = sorted(table.pages)
        footer_pages = [n for n in pages if table.pages[n].get("tfoot")]
        if footer_pages and footer_pages != [table.last_body_page]:
            problems.append(
                f"{name}: the totals of table {table.label!r} are on page(s) "
                f"{footer_pages}, its last row on page {table.last_body_page}"
            )
        if len(pages) > 1 and any(table.pages[n].get("thead") for n in pages):
            bare = [
                n for n in pages if table.pages[n].get("tbody") and not table.pages[n].get("thead")
            ]
            if bare:
                problems.append(
                    f"{name}: table {table.label!r} goes on without its header on page(s) {bare}"
                )
    return problems
