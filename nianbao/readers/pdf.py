"""Read a PDF report with PDFium: ruled tables become tabular rows, everything else lines of text.

PDFium (through pypdfium2) parses the file and gives each character with its box and each drawn path; the
grid of ruled tables is rebuilt from the paths (``pdf_tables``) and the characters are put into cells and
lines here. Characters are grouped into lines and words as pdfplumber groups them (3 pt tolerances), on
the same boxes pdfminer computes (left and right from the advance width, bottom from the font's descent,
top one font size above the bottom), so that every cell reads as it did with pdfplumber. PDFium answers a
character or a path piece per call: its C part (``_pdfium_bulk.c``) makes those calls in bulk, and where it is
not built they go through ctypes one by one.
"""

from __future__ import annotations

import ctypes
import hashlib
import threading
import warnings
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, repeat
from math import hypot
from operator import mul, sub
from pathlib import Path
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nianbao.document import Document, ReadError, Row
from nianbao.normalize import UNKNOWN_CHARACTER, between_ascii_words, join_lines, touches_ascii
from nianbao.readers.pdf_tables import BBox, Point, Segment, Table, find_tables
from nianbao.readers.scan import scan_pdf_pages

Slot = tuple[int, int]  # (row, column) of a table
Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as PDF writes them

_EDGE_TOLERANCE = 1.0  # points; a cell this close to the table's sides spans the whole width
_X_TOLERANCE = 3.0  # points; a wider gap between two characters of a line separates words
_Y_TOLERANCE = 3.0  # points; characters whose tops chain within this are on one line
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A, 0x02))  # what PDFium inserts: spaces, line breaks, soft hyphens
_HYPHEN = 0x02  # PDFium's code for a hyphen printed at the end of a line
_SPACING = frozenset((0x09, 0x0A, 0x0D))  # control codes that are layout, read as white space
_SAME_POINT = 0.01  # points; closer coordinates are one (PDFium reports boxes in single precision)
_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted, needs a password",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted with an unsupported security handler",
    pdfium_c.FPDF_ERR_FORMAT: "damaged or not a PDF (no readable cross-reference table or catalog)",
    pdfium_c.FPDF_ERR_FILE: "the file cannot be opened",
}
# PDFium keeps global state and is not thread-safe: one document at a time per process (threads wait).
_PDFIUM = threading.Lock()


class _Handle(ctypes.c_void_p):
    """A PDFium handle as a ctypes object (a subclass, so that ctypes returns it as it is, not as an int)."""


def _address(pointer: Any) -> int:
    """The address of a PDFium handle or function (0 for none)."""
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _untyped(function: Any, restype: Any = ctypes.c_int) -> Any:
    """PDFium's ``function`` (from pypdfium2) without declared argument types: ctypes then passes ``_Handle``
    and ``byref`` objects and small ints as they are, which costs half of a typed call (without the C part,
    the loops below make tens of thousands). Every argument must be one of those three. These calls are short and keep the GIL
    (PYFUNCTYPE): releasing and taking it back would cost more than the call."""
    call = ctypes.PYFUNCTYPE(restype)(_address(function))
    call.argtypes = None
    return call


_get_object = _untyped(pdfium_c.FPDFPage_GetObject, _Handle)
_object_type = _untyped(pdfium_c.FPDFPageObj_GetType)
_count_form_objects = _untyped(pdfium_c.FPDFFormObj_CountObjects)
_get_form_object = _untyped(pdfium_c.FPDFFormObj_GetObject, _Handle)
_object_matrix_into = _untyped(pdfium_c.FPDFPageObj_GetMatrix)
_count_pieces = _untyped(pdfium_c.FPDFPath_CountSegments)
_get_piece = _untyped(pdfium_c.FPDFPath_GetPathSegment, _Handle)
_piece_point = _untyped(pdfium_c.FPDFPathSegment_GetPoint)
_piece_type = _untyped(pdfium_c.FPDFPathSegment_GetType)
_piece_closes = _untyped(pdfium_c.FPDFPathSegment_GetClose)
_char_loose_box = _untyped(pdfium_c.FPDFText_GetLooseCharBox)
_char_matrix = _untyped(pdfium_c.FPDFText_GetMatrix)
_char_font_size = _untyped(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_char_is_generated = _untyped(pdfium_c.FPDFText_IsGenerated)
_char_unicode = _untyped(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_char_origin = _untyped(pdfium_c.FPDFText_GetCharOrigin)
_char_object = _untyped(pdfium_c.FPDFText_GetTextObject, _Handle)
_object_font = _untyped(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)  # an address (None for no font)
_font_descent = _untyped(pdfium_c.FPDFFont_GetDescent)
_glyph_width = _untyped(pdfium_c.FPDFFont_GetGlyphWidth)


def _compiled_part() -> Any:
    """The C module that makes the calls below in bulk (``_pdfium_bulk.c``), bound to pypdfium2's PDFium; None
    where it was not built (setup.py builds it where there is a C compiler), does not load, or was built from
    another version of its source: then the same calls go through ctypes, reading the same rows more slowly."""
    try:
        from nianbao.readers import _pdfium_bulk
    except ModuleNotFoundError:
        return None
    except ImportError as error:
        warnings.warn(f"nianbao.readers._pdfium_bulk does not load ({error}): PDFs are read through ctypes, "
                      "the same rows more slowly", stacklevel=2)
        return None
    source = Path(__file__).with_name("_pdfium_bulk.c")
    if source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != _pdfium_bulk.SOURCE_SHA256:
        warnings.warn(f"{_pdfium_bulk.__file__} was built from another version of {source.name} (run "
                      "`pip install -e .` again): PDFs are read through ctypes, the same rows more slowly",
                      stacklevel=2)
        return None
    _pdfium_bulk.bind({name: _address(getattr(pdfium_c, name)) for name in _pdfium_bulk.FUNCTIONS},
                      tuple(_MAYBE_GENERATED))
    return _pdfium_bulk


_bulk = _compiled_part()


def _handle(pointer: Any) -> _Handle:
    return _Handle(_address(pointer) or None)


def _slots(array: Any, count: int) -> list[Any]:
    """A pointer to each of the first ``count`` elements of a ctypes array, for PDFium to fill one each."""
    size = ctypes.sizeof(array._type_)
    return list(map(ctypes.byref, repeat(array, count), range(0, count * size, size)))


class Char(NamedTuple):
    """A printed character and its box, in points from the page's top-left corner."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def read_pdf(path: Path) -> Document:
    """Read every page of a PDF, top to bottom, into one Document."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "no such file")
    if path.stat().st_size == 0:
        raise ReadError(path, "empty file")
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as error:
            raise ReadError(path, f"not a readable PDF: {_LOAD_ERRORS.get(error.err_code, str(error))}") from error
        try:
            title = _title(pdf)
            pages: list[list[Row] | None] = []  # None for a page without a text layer
            for number in range(1, len(pdf) + 1):
                # raw handles, not pypdfium2's page objects: their finalizers cost more than reading a page
                page = pdfium_c.FPDF_LoadPage(pdf.raw, number - 1)
                if not page:
                    raise ReadError(path, f"not a readable PDF: page {number} cannot be loaded")
                try:
                    top = _page_top(page)
                    chars = _page_chars(page, top)
                    pages.append(_page_rows(chars, _page_segments(page, top), number) if chars else None)
                finally:
                    pdfium_c.FPDF_ClosePage(page)
        finally:
            pdf.close()
        # A page without a text layer is a scan: it is read by OCR, each page from its best source.
        scanned = scan_pdf_pages(path, [n for n, rows in enumerate(pages, start=1) if rows is None])
    rows = [row for n, page_rows in enumerate(pages, start=1) for row in (scanned[n] if page_rows is None else page_rows)]
    return Document(path=path, kind="pdf", rows=rows, title=title, ocr_pages=tuple(scanned))



def _title(pdf: pdfium.PdfDocument) -> str:
    """The metadata Title (PDFium decodes PDFDocEncoding and UTF-16 of either byte order)."""
    size = pdfium_c.FPDF_GetMetaText(pdf.raw, b"Title", None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_GetMetaText(pdf.raw, b"Title", buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace").strip("\x00 \t\r\n\ufeff")


def _page_chars(page: Any, page_top: float) -> list[Char]:
    """The page's printed characters in content order, without the spaces and line breaks PDFium infers."""
    handle = pdfium_c.FPDFText_LoadPage(page)
    if not handle:
        return []
    try:
        kept, codes, box_values, matrix_values, font_sizes = _char_arrays(handle)
        if not kept:
            return []
        # column by column, each a list made in one pass (a char at a time costs several times more)
        texts = list(map(_character, codes))
        lefts, rights = box_values[0::4], box_values[2::4]
        bottoms = [page_top - bottom for bottom in box_values[3::4]]
        sizes = list(map(mul, font_sizes, map(hypot, matrix_values[2::6], matrix_values[3::6])))
        tops = list(map(sub, bottoms, sizes))
        # the chars whose box does not start at their text object's position (see _moved_boxes)
        moved = [slot for slot, (e, left) in enumerate(zip(matrix_values[4::6], lefts))
                 if not abs(e - left) <= _SAME_POINT]
        if moved:
            chars = [(kept[slot], codes[slot], font_sizes[slot], tuple(matrix_values[6 * slot:6 * slot + 6]),
                      lefts[slot]) for slot in moved]
            for slot, box in zip(moved, _moved_boxes(_handle(handle), chars, page_top)):
                if box is not None:
                    lefts[slot], tops[slot], rights[slot], bottoms[slot] = box
        # tuple.__new__ makes each Char in C (the NamedTuple's own __new__ is a Python function)
        return list(map(tuple.__new__, repeat(Char), zip(texts, lefts, tops, rights, bottoms)))
    finally:
        pdfium_c.FPDFText_ClosePage(handle)


def _char_arrays(handle: Any) -> tuple[list[int], list[int], list[float], list[float], list[float]]:
    """The chars of a text page that the file prints (not the spaces, line breaks and hyphens PDFium
    generated), as columns: index, code point (0 for a glyph the file maps to none), loose box (left, top,
    right, bottom, four values a char), matrix (a, b, c, d, e, f, six a char), font size."""
    if _bulk is not None:
        indexes, codes, boxes, matrices, font_sizes = _bulk.chars(_address(handle))
        return (_unpack(indexes, "i"), _unpack(codes, "I"), _unpack(boxes, "f"), _unpack(matrices, "f"),
                _unpack(font_sizes, "d"))
    count = pdfium_c.FPDFText_CountChars(handle)
    if count <= 0:
        return [], [], [], [], []
    text_page = _handle(handle)
    # each char's own code point: the page's text in one call leaves out glyphs without one, so that its units
    # are not the chars one for one
    codes = list(map(_char_unicode, repeat(text_page), range(count)))
    kept = [index for index, code in enumerate(codes)
            if code not in _MAYBE_GENERATED or not _char_is_generated(text_page, index)]
    # PDFium fills arrays of boxes and matrices, read back in one go: far cheaper than a field at a time
    boxes, matrices = (pdfium_c.FS_RECTF * len(kept))(), (pdfium_c.FS_MATRIX * len(kept))()
    deque(map(_char_loose_box, repeat(text_page), kept, _slots(boxes, len(kept))), maxlen=0)
    deque(map(_char_matrix, repeat(text_page), kept, _slots(matrices, len(kept))), maxlen=0)
    font_sizes = list(map(_char_font_size, repeat(text_page), kept))
    return (kept, list(map(codes.__getitem__, kept)), _unpack(boxes, "f"), _unpack(matrices, "f"), font_sizes)


def _unpack(packed: Any, code: str) -> list[Any]:
    """The values of a packed array (bytes or a ctypes array) of one struct type code."""
    return memoryview(packed).cast("B").cast(code).tolist()


@lru_cache(maxsize=1 << 16)
def _character(code: int) -> str:
    """The text of a char's code point: PDFium's mark for a line-end hyphen is the hyphen printed; a glyph the
    file maps to no character, or to a control or non-character, is U+FFFD, so that its cell reads as unknown."""
    if code == _HYPHEN:
        return "-"
    if code in _SPACING or 0x20 <= code < 0xD800 or 0xE000 <= code <= 0x10FFFF and code not in (0xFFFE, 0xFFFF):
        return chr(code)
    return UNKNOWN_CHARACTER


def _moved_boxes(text_page: _Handle, chars: list[tuple[int, int, float, Matrix, float]], page_top: float,
                 ) -> list[tuple[float, float, float, float] | None]:
    """pdfminer's box (x0, top, x1, bottom) for chars whose loose box does not start at their text object's
    position, given as (index, code point, font size, matrix, loose left); None where the loose box is right.

    On the object's baseline with the box starting at the char's origin, it is a char after the object's first:
    the loose box is right. On the baseline but away from the origin, PDFium gave the glyph's ink box (it does for
    some embedded CJK fonts): the box is rebuilt from the font's advance width and descent. Off the baseline the
    origin is displaced (vertical writing): pdfminer's box is the em square right of and above the origin.
    """
    origins = (ctypes.c_double * (2 * len(chars)))()
    slots = _slots(origins, 2 * len(chars))
    deque(map(_char_origin, repeat(text_page), [char[0] for char in chars], slots[0::2], slots[1::2]), maxlen=0)
    values = origins[:]
    fonts: dict[int | None, tuple[_Handle, float] | None] = {}  # font address -> (font, descent per em)
    boxes: list[tuple[float, float, float, float] | None] = []
    for (index, code, font_size, (a, b, c, d, _, f), left), x, y in zip(chars, values[0::2], values[1::2]):
        size = font_size * hypot(c, d)
        if abs(y - f) <= _SAME_POINT:
            if abs(x - left) <= _SAME_POINT:
                boxes.append(None)
                continue
            metrics = _font_metrics(text_page, index, code, fonts)
            if metrics is not None:
                advance, descent = metrics
                bottom = page_top - y - descent * size
                boxes.append((x, bottom - size, x + advance * font_size * hypot(a, b), bottom))
                continue
        boxes.append((x, page_top - y - size, x + size, page_top - y))
    return boxes


def _font_metrics(text_page: _Handle, index: int, code: int,
                  fonts: dict[int | None, tuple[_Handle, float] | None]) -> tuple[float, float] | None:
    """The advance width and the descent of a char's glyph, per em of font size (None where the font does not say)."""
    address = _object_font(_char_object(text_page, index))
    if address not in fonts:
        font, descent = _Handle(address), ctypes.c_float()
        known = address and _font_descent(font, ctypes.c_float(1.0), ctypes.byref(descent))
        fonts[address] = (font, descent.value) if known else None
    if not fonts[address]:
        return None
    if not code:  # a glyph mapped to no character: its advance is unknown, an em the likeliest (CJK)
        return 1.0, fonts[address][1]
    width = ctypes.c_float()
    if not _glyph_width(fonts[address][0], code, ctypes.c_float(1.0), ctypes.byref(width)):
        return None
    return width.value, fonts[address][1]


def _page_top(page: Any) -> float:
    """The y of the page's top edge in PDF coordinates (from the media box, as pdfminer measures)."""
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        return top.value
    return pdfium_c.FPDF_GetPageHeightF(page)


def _page_segments(page: Any, page_top: float) -> list[Segment]:
    """Every straight piece of every drawn path (filled or stroked, inside forms too), in top-down coordinates."""
    items, kinds = _page_objects(page)
    paths = [(item, _IDENTITY) for item, kind in zip(items, kinds) if kind == pdfium_c.FPDF_PAGEOBJ_PATH]
    for form in (item for item, kind in zip(items, kinds) if kind == pdfium_c.FPDF_PAGEOBJ_FORM):
        paths += _form_paths(form, _IDENTITY)
    return _path_segments(paths, page_top)


def _page_objects(page: Any) -> tuple[list[_Handle], list[int]]:
    """The page's top-level objects and the type of each."""
    if _bulk is not None:
        addresses, kinds = _bulk.objects(_address(page))
        return list(map(_Handle, _unpack(addresses, "P"))), _unpack(kinds, "i")
    items = list(map(_get_object, repeat(_handle(page)), range(pdfium_c.FPDFPage_CountObjects(page))))
    return items, list(map(_object_type, items))


def _form_paths(form: _Handle, outer: Matrix) -> list[tuple[_Handle, Matrix]]:
    """The path objects inside a form XObject (which may nest further forms), with the form's matrix."""
    inner = _compose(_object_matrix(form), outer)
    paths = []
    for index in range(_count_form_objects(form)):
        item = _get_form_object(form, ctypes.c_ulong(index))  # PDFium takes an unsigned long here
        kind = _object_type(item)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths.append((item, inner))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            paths += _form_paths(item, inner)
    return paths


def _path_segments(paths: list[tuple[_Handle, Matrix]], page_top: float) -> list[Segment]:
    """The straight pieces of path objects (a Bézier's control points count as its corners).

    All the paths' points are handled together, in flat lists (a loop per path costs more than the reading):
    a piece joins the previous point unless it starts a subpath (a move, or the path's first point), and a
    subpath whose last piece closes it also joins its last point to its first.
    """
    counts, flat, point_values, kinds, closes = _path_arrays([path for path, _ in paths])
    if not kinds:
        return []
    matrices = [matrix if outer is _IDENTITY else _compose(matrix, outer)
                for matrix, (_, outer) in zip(zip(*[iter(flat)] * 6), paths)]
    corners = [(a * px + c * py + e, page_top - (b * px + d * py + f))
               for (a, b, c, d, e, f), px, py in zip(chain.from_iterable(map(repeat, matrices, counts)),
                                                     point_values[0::2], point_values[1::2])]
    starts = [kind == pdfium_c.FPDF_SEGMENT_MOVETO for kind in kinds]
    for first in accumulate(counts[:-1], initial=0):
        if first < len(starts):  # (after empty paths at the end, a first index may lie past the last point)
            starts[first] = True
    segments = [(*here, *there) for here, there, joins in zip(corners, corners[1:], starts[1:]) if not joins]
    begins = [index for index, start in enumerate(starts) if start]
    for begin, end in zip(begins, (*begins[1:], len(starts))):
        if corners[end - 1] != corners[begin] and closes[end - 1]:
            segments.append((*corners[end - 1], *corners[begin]))
    return segments


def _path_arrays(paths: list[_Handle]) -> tuple[list[int], list[float], list[float], list[int], list[int]]:
    """Path objects as columns: per path its piece count and matrix (six values), per piece its point (two
    values), type and whether it closes its subpath."""
    if _bulk is not None:
        counts, matrices, points, kinds, closes = _bulk.pieces((ctypes.c_void_p * len(paths))(*paths))
        return _unpack(counts, "i"), _unpack(matrices, "f"), _unpack(points, "f"), _unpack(kinds, "i"), \
            _unpack(closes, "i")
    counts = [max(count, 0) for count in map(_count_pieces, paths)]
    pieces = [_get_piece(path, index) for path, count in zip(paths, counts) for index in range(count)]
    # PDFium writes every matrix and point into arrays, read back in one go
    matrices = (pdfium_c.FS_MATRIX * len(paths))()
    deque(map(_object_matrix_into, paths, _slots(matrices, len(paths))), maxlen=0)
    points = (ctypes.c_float * (2 * len(pieces)))()
    slots = _slots(points, 2 * len(pieces))
    deque(map(_piece_point, pieces, slots[0::2], slots[1::2]), maxlen=0)
    return (counts, _unpack(matrices, "f"), _unpack(points, "f"), list(map(_piece_type, pieces)),
            list(map(_piece_closes, pieces)))


def _object_matrix(item: _Handle) -> Matrix:
    matrix = (ctypes.c_float * 6)()
    _object_matrix_into(item, ctypes.byref(matrix))
    return tuple(matrix)


_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


@dataclass(frozen=True)
class _Centres:
    """The centre of each char, and the chars' indexes in the order of the centres' y (to find a band fast)."""

    points: list[Point]
    by_y: list[int]
    ys: list[float]

    @classmethod
    def of(cls, chars: list[Char]) -> _Centres:
        _, lefts, tops, rights, bottoms = zip(*chars)  # columns (in C), not four attribute reads per char
        ys = [(top + bottom) / 2 for top, bottom in zip(tops, bottoms)]
        points = list(zip([(left + right) / 2 for left, right in zip(lefts, rights)], ys))
        by_y = sorted(range(len(points)), key=ys.__getitem__)
        return cls(points, by_y, [ys[index] for index in by_y])

    def between(self, top: float, bottom: float) -> list[int]:
        """The indexes of the chars whose centre lies from ``top`` to ``bottom``."""
        return self.by_y[bisect_left(self.ys, top):bisect_right(self.ys, bottom)]


@dataclass
class _Line:
    """A row of the page waiting to be put in vertical order."""

    top: float
    cells: tuple[str, ...]
    table: int = 0  # 1-based table number on the page; 0 for running text
    row: int = 0


def _page_rows(chars: list[Char], segments: list[Segment], number: int) -> list[Row]:
    """The rows of one page: table rows and text lines merged in vertical order."""
    lines: list[_Line] = []
    in_tables: set[int] = set()
    table_number = 0
    centres = _Centres.of(chars)
    for table in find_tables(segments):
        table_lines, used = _table_lines(table, chars, centres, table_number + 1)
        if table_lines:
            table_number += 1
            lines.extend(table_lines)
            in_tables |= used
    rest = [chars[index] for index in sorted(set(range(len(chars))).difference(in_tables))]
    for top, words in _text_lines(rest):
        text = _tidy_text(" ".join(words))
        if text:
            lines.append(_Line(top, (text,)))
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


def _table_lines(table: Table, chars: list[Char], centres: _Centres, table_number: int,
                 ) -> tuple[list[_Line], set[int]]:
    """The tabular rows of a table and the indexes of the chars they use.

    A row that is one cell across the whole table is not a table row but a line of text: these PDFs draw
    each paragraph line in a white box, which the grid finder sees as a one-column table, sometimes fused
    with the real table below it. Such rows are left out, so that their chars are read as text lines.
    """
    rows = table.rows
    x0, _, x1, _ = table.bbox
    tabular = [not _spans_width(row.cells, x0, x1) for row in rows]
    if not any(tabular):
        return [], set()
    by_slot = _chars_by_slot(table, centres)
    lines: list[_Line] = []
    used: set[int] = set()
    for index, row in enumerate(rows):
        if not tabular[index]:
            continue
        slots = [by_slot.get((index, column), ()) for column in range(len(row.cells))]
        cells = tuple([_cell_text([chars[i] for i in slot]) if slot else "" for slot in slots])
        if any(cells):
            lines.append(_Line(row.top, cells, table_number, len(lines) + 1))
        for slot in slots:
            used.update(slot)
    return lines, used


def _spans_width(cells: tuple[BBox | None, ...], x0: float, x1: float) -> bool:
    """True when the row is a single cell reaching both sides of the table."""
    present = [cell for cell in cells if cell is not None]
    return (
        len(present) == 1
        and abs(present[0][0] - x0) <= _EDGE_TOLERANCE
        and abs(present[0][2] - x1) <= _EDGE_TOLERANCE
    )


def _chars_by_slot(table: Table, centres: _Centres) -> dict[Slot, list[int]]:
    """Group the indexes of the chars inside the table by the (row, column) where their cell is listed.

    A char belongs to the cell that holds its centre. A merged cell is listed in its first row and column.
    A char in no cell (where a border is missing, so that no cell was found there) goes to the grid slot
    under it, so its text is not lost.
    """
    rows = table.rows
    tops = [row.top for row in rows]
    # for each grid row, the cells that reach into it, with the slot where each is listed
    reaching: list[list[tuple[BBox, Slot]]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            for below in range(r, len(rows)):
                if tops[below] >= cell[3] - _EDGE_TOLERANCE:
                    break
                reaching[below].append((cell, (r, c)))
    x0, top, x1, bottom = table.bbox
    by_slot: dict[Slot, list[int]] = defaultdict(list)
    for index in centres.between(top, bottom):
        cx, cy = centres.points[index]
        if not x0 <= cx <= x1:
            continue
        r = max(bisect_right(tops, cy) - 1, 0)
        for cell, slot in reaching[r]:
            if cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                break
        else:
            slot = (r, max(bisect_right(table.lefts, cx) - 1, 0))
        by_slot[slot].append(index)
    for indexes in by_slot.values():
        indexes.sort()  # back in drawing order
    return by_slot


def _text_lines(chars: list[Char]) -> list[tuple[float, list[str]]]:
    """Chars as lines of words, top to bottom: (top of the line, its words left to right).

    A line is a run of chars whose tops chain within ``_Y_TOLERANCE``; in it, chars go left to right (in
    drawing order at the same x), and a space or a gap wider than ``_X_TOLERANCE`` ends a word, and so
    does a char that starts left of the previous one or more than ``_Y_TOLERANCE`` above or below it
    (pdfplumber's rules, so that the text is the same).
    """
    if not chars:
        return []
    if len(chars) == 1:
        char = chars[0]
        return [] if char.text.isspace() else [(char.top, [char.text])]
    _, lefts, tops, _, _ = zip(*chars)
    by_top = sorted(range(len(chars)), key=tops.__getitem__)  # stable: ties stay in drawing order
    ends = [end for end in range(1, len(by_top)) if not tops[by_top[end]] <= tops[by_top[end - 1]] + _Y_TOLERANCE]
    lines: list[tuple[float, list[str]]] = []
    start = 0
    for end in (*ends, len(by_top)):
        words: list[str] = []
        word = ""
        top = None
        follows = False  # whether a char of the current word came before (then last_* are its box)
        last_x0 = last_x1 = last_top = 0.0
        for index in sorted(sorted(by_top[start:end]), key=lefts.__getitem__):
            text, x0, char_top, x1, _ = chars[index]
            if text.isspace():
                if word:
                    words.append(word)
                word, follows = "", False
                continue
            if follows and (x0 < last_x0 or x0 > last_x1 + _X_TOLERANCE or abs(char_top - last_top) > _Y_TOLERANCE):
                words.append(word)
                word = ""
            word += text
            follows, last_x0, last_x1, last_top = True, x0, x1, char_top
            if top is None or char_top < top:
                top = char_top
        if word:
            words.append(word)
        if top is not None:
            lines.append((top, words))
        start = end
    return lines


def _cell_text(chars: list[Char]) -> str:
    """The printed text of a cell, its wrapped lines joined (a space kept only between two ASCII words)."""
    if not chars:
        return ""
    return join_lines("\n".join(" ".join(words) for _, words in _text_lines(chars)), between_ascii_words)


def _tidy_text(text: str) -> str:
    """A line of running text, without the spaces that justified CJK text leaves between characters."""
    return join_lines(text, touches_ascii)
