"""What every reader hands to the parser: a report as an ordered list of rows of printed cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class ReadError(Exception):
    """A file that cannot be read as a report; the message names the file and what is wrong."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


@dataclass(frozen=True)
class ScannedCell:
    """Where an OCR'd cell is on its page image, and how sure the OCR was of its text.

    ``box`` is (x0, y0, x1, y1) in pixels of the page as read (scaled to A4 width at 200 dpi, deskewed).
    ``confidence`` is the lowest OCR confidence (0–1) of the cell's words, None for a cell with no text.
    """

    confidence: float | None
    box: tuple[int, int, int, int]
    crosses_ruling: bool = False  # a word ran over a ruling: two cells may have been read as one
    unread: bool = False  # ink in the cell, but the OCR read no text


# A named tuple rather than a frozen dataclass: as immutable, made at half the cost (a report has hundreds of rows).
class Row(NamedTuple):
    """One line of a report.

    ``cells`` holds the printed text of each cell, in reading order ("" for an empty cell). A line of running
    text is a row of one cell. ``tabular`` is True when the cells come from a table structure (a markdown pipe
    row, an HTML ``<tr>``, a PDF table row), so that their count can be trusted; False for running text, where
    the parser splits label and numbers itself. ``where`` locates the row in the file for a reader of the
    output ("line 57", "page 3, table 1, row 5"). ``paragraph`` numbers the blocks of lines a text reader saw
    separated by blank lines (a converter's text box); 0 where the form has no such blocks. ``scan`` holds, for a row read by OCR from a page image,
    one ScannedCell per cell; it is empty for every other row.
    """

    cells: tuple[str, ...]
    where: str
    tabular: bool = False
    paragraph: int = 0
    scan: tuple[ScannedCell, ...] = ()

    @property
    def text(self) -> str:
        return "".join(self.cells)


@dataclass
class Document:
    """A report as read from one file, before any parsing."""

    path: Path
    kind: str  # "text", "html", "pdf"
    rows: list[Row] = field(default_factory=list)
    title: str = ""  # the title the file format carries (HTML <title>, PDF metadata), if any
    ocr_pages: tuple[int, ...] = ()  # the pages read by OCR from an image, for lack of a text layer
