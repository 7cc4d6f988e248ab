"""``werkdruk.pdf.concatenate_pdfs``: a PDF named by several pieces is read once, so its
fonts are written once in the result (a school's body and its appendix share their fonts)."""

import io

from pypdf import PdfReader
from weasyprint import HTML

from werkdruk.pdf import concatenate_pdfs


def _two_pages() -> bytes:
    html = "<p>Body of a school</p><p style='break-before: page'>Its appendix</p>"
    return HTML(string=html).write_pdf()


def _font_files(content: bytes) -> int:
    reader = PdfReader(io.BytesIO(content))
    return sum(1 for number in range(1, reader.trailer["/Size"]) if _is_font_file(reader, number))


def _is_font_file(reader, number) -> bool:
    try:
        obj = reader.get_object(number)
    except Exception:  # noqa: BLE001 - free or missing object numbers
        return False
    return hasattr(obj, "get") and any(
        key in obj for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def test_a_pdf_split_over_two_pieces_keeps_one_copy_of_its_fonts():
    part = _two_pages()
    other = _two_pages()
    merged = concatenate_pdfs([(part, 0, 1), (other, 0, 1), (part, 1, 2), (other, 1, 2)])

    reader = PdfReader(io.BytesIO(merged))
    assert [page.extract_text().strip() for page in reader.pages] == [
        "Body of a school",
        "Body of a school",
        "Its appendix",
        "Its appendix",
    ]
    assert _font_files(part) >= 1
    assert _font_files(merged) == 2 * _font_files(part)  # one copy per source PDF, not per piece
