"""Read a PDF report with pdfplumber: ruled tables become tabular rows, everything else lines of text."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfexceptions import PDFException, PSException
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils import chars_to_textmap, extract_text
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from nianbao.document import Document, ReadError, Row
from nianbao.normalize import between_ascii_words, join_lines, touches_ascii
from nianbao.readers.scan import scan_pdf_pages

Char = dict[str, Any]
BBox = tuple[float, float, float, float]
Slot = tuple[int, int]  # (row, column) of a table

_EDGE_TOLERANCE = 1.0  # points; a cell this close to the table's sides spans the whole width


def read_pdf(path: Path) -> Document:
    """Read every page of a PDF, top to bottom, into one Document."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "no such file")
    if path.stat().st_size == 0:
        raise ReadError(path, "empty file")
    try:
        with pdfplumber.open(path) as pdf:
            title = _title(pdf.doc.info)
            pages = [_page_rows(page, number) if page.chars else None
                     for number, page in enumerate(pdf.pages, start=1)]
    except (PdfminerException, MalformedPDFException, PDFException, PSException) as error:
        raise ReadError(path, f"not a readable PDF: {_describe(error)}") from error
    # A page without a text layer is a scan: it is read by OCR, each page from its best source.
    scanned = scan_pdf_pages(path, [n for n, rows in enumerate(pages, start=1) if rows is None])
    rows = [row for n, page_rows in enumerate(pages, start=1) for row in (scanned[n] if page_rows is None else page_rows)]
    return Document(path=path, kind="pdf", rows=rows, title=title, ocr_pages=tuple(scanned))


def _describe(error: Exception) -> str:
    """Name the underlying pdfminer problem, which pdfplumber wraps in PdfminerException."""
    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    if type(cause).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
        return "encrypted, needs a password"
    return f"{cause} ({type(cause).__name__})".lstrip()


def _title(info: list[dict[str, Any]]) -> str:
    """The metadata Title, decoded from UTF-16 (either byte order), UTF-8 or PDFDocEncoding."""
    for entry in info:
        raw = resolve1(entry.get("Title"))
        if isinstance(raw, str):
            return raw.strip()
        if isinstance(raw, bytes):
            # Some producers (WPS) write UTF-16LE with a BOM, which pdfminer's decoder does not expect.
            for bom, codec in ((b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")):
                if raw.startswith(bom):
                    return raw[2:].decode(codec, errors="replace").strip("\x00 ")
            try:
                return raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                return decode_text(raw).strip()
    return ""


@dataclass
class _Line:
    """A row of the page waiting to be put in vertical order."""

    top: float
    cells: tuple[str, ...]
    table: int = 0  # 1-based table number on the page; 0 for running text
    row: int = 0


def _page_rows(page: Page, number: int) -> list[Row]:
    """The rows of one page: table rows and text lines merged in vertical order."""
    chars = page.chars
    if not chars:
        return []
    lines: list[_Line] = []
    in_tables: set[int] = set()
    table_number = 0
    for table in page.find_tables():
        table_lines, used = _table_lines(table, chars, table_number + 1)
        if table_lines:
            table_number += 1
            lines.extend(table_lines)
            in_tables |= used
    rest = [char for char in chars if id(char) not in in_tables]
    if rest:
        for line in chars_to_textmap(rest).extract_text_lines(return_chars=False):
            text = _tidy_text(line["text"])
            if text:
                lines.append(_Line(line["top"], (text,)))
    lines.sort(key=lambda line: line.top)
    rows = []
    line_number = 0
    for line in lines:
        if line.table:
            rows.append(Row(line.cells, f"page {number}, table {line.table}, row {line.row}", tabular=True))
        else:
            line_number += 1
            rows.append(Row(line.cells, f"page {number}, line {line_number}"))
    return rows


def _table_lines(table: Table, chars: list[Char], table_number: int) -> tuple[list[_Line], set[int]]:
    """The tabular rows of a table and the ids of the chars they use.

    A row that is one cell across the whole table is not a table row but a line of text: these PDFs draw
    each paragraph line in a white box, which pdfplumber sees as a one-column table, sometimes fused with
    the real table below it. Such rows are left out, so that their chars are read as text lines.
    """
    rows = table.rows
    x0, _, x1, _ = table.bbox
    tabular = [not _spans_width(row.cells, x0, x1) for row in rows]
    if not any(tabular):
        return [], set()
    by_slot = _chars_by_slot(table, chars)
    lines: list[_Line] = []
    used: set[int] = set()
    for index, row in enumerate(rows):
        if not tabular[index]:
            continue
        slots = [by_slot.get((index, column), []) for column in range(len(row.cells))]
        cells = tuple(_cell_text(slot) for slot in slots)
        if any(cells):
            lines.append(_Line(row.bbox[1], cells, table_number, len(lines) + 1))
        used.update(id(char) for slot in slots for char in slot)
    return lines, used


def _spans_width(cells: list[BBox | None], x0: float, x1: float) -> bool:
    """True when the row is a single cell reaching both sides of the table."""
    present = [cell for cell in cells if cell is not None]
    return (
        len(present) == 1
        and abs(present[0][0] - x0) <= _EDGE_TOLERANCE
        and abs(present[0][2] - x1) <= _EDGE_TOLERANCE
    )


def _chars_by_slot(table: Table, chars: list[Char]) -> dict[Slot, list[Char]]:
    """Group the chars inside the table by the (row, column) where their cell is listed.

    A merged cell is listed in its first row and column. A char in no cell (where a border is missing,
    so that pdfplumber found no cell there) goes to the grid slot under it, so its text is not lost.
    """
    rows = table.rows
    tops = [row.bbox[1] for row in rows]
    lefts = sorted(column.bbox[0] for column in table.columns)
    listed: dict[BBox, Slot] = {}
    crossing: list[list[BBox]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            listed[cell] = (r, c)
            for below in range(r, len(rows)):
                if tops[below] >= cell[3] - _EDGE_TOLERANCE:
                    break
                crossing[below].append(cell)
    x0, top, x1, bottom = table.bbox
    by_slot: dict[Slot, list[Char]] = defaultdict(list)
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        r = max(bisect_right(tops, cy) - 1, 0)
        cell = next((cell for cell in crossing[r] if _contains(cell, cx, cy)), None)
        slot = listed[cell] if cell else (r, max(bisect_right(lefts, cx) - 1, 0))
        by_slot[slot].append(char)
    return by_slot


def _contains(box: BBox, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell_text(chars: list[Char]) -> str:
    """The printed text of a cell, its wrapped lines joined (see ``_squeeze``)."""
    return join_lines(extract_text(chars), between_ascii_words) if chars else ""


def _tidy_text(text: str) -> str:
    """A line of running text, without the spaces that justified CJK text leaves between characters."""
    return join_lines(text, touches_ascii)
