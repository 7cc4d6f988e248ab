"""A ``werkdruk.charts.Chart`` as a PNG, for documents that cannot hold SVG (Word).

Drawn with Pillow (already installed with WeasyPrint), from the same geometry as the SVG, so the
picture in a .docx is the chart of the page and the PDF. DejaVu Sans when the system has it
(Debian's fonts-dejavu, as WeasyPrint uses); Pillow's own font otherwise.
"""

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from .charts import FONT, INK, TEXT, Chart

SCALE = 3  # pixels per unit: about 290 dpi at the size the document prints it
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


@cache
def _font(bold: bool):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, FONT * SCALE)
    except OSError:
        return ImageFont.load_default(size=FONT * SCALE)


def render_png(chart: Chart) -> bytes:
    """The PNG bytes of ``chart``, ``SCALE`` times its size in units."""
    image = Image.new("RGB", (chart.width * SCALE + 2, chart.height * SCALE + 2), "white")
    draw = ImageDraw.Draw(image)
    for rect in chart.rects:
        if rect.width <= 0:
            continue
        box = [
            float(rect.x) * SCALE,
            rect.y * SCALE,
            float(rect.x + rect.width) * SCALE,
            (rect.y + rect.height) * SCALE,
        ]
        outline = INK if rect.outlined else None
        draw.rectangle(box, fill=rect.fill, outline=outline, width=SCALE if outline else 0)
        for x1, y1, x2, y2 in rect.hatch:
            points = [(float(x) * SCALE, float(y) * SCALE) for x, y in ((x1, y1), (x2, y2))]
            draw.line(points, fill=INK, width=SCALE)
    for text in chart.texts:
        draw.text(
            (float(text.x) * SCALE, text.y * SCALE),
            text.text,
            fill=TEXT,
            font=_font(text.bold),
            anchor=ANCHORS[text.anchor],
        )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
