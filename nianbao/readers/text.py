"""Reader for text and markdown produced by PDF converters: pipe tables become tabular rows, the rest lines."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nianbao.document import Document, ReadError, Row
from nianbao.normalize import raised_digits

_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_DELIMITER = re.compile(r"^:?-+:?$")  # markdown allows one dash a cell in the line under a table's header
_GLYPH_CODE = re.compile(r"\(cid:\d+\)")  # pdfminer's text of a font it cannot map to characters
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_GLYPH_CODES = 20
_MARKUP = re.compile(r"^#+\s*|\*\*|__")
# A <sup> a converter left in its markdown (524<sup>1</sup>): its digits raised, so the mark stays apart from the number.
_SUP = re.compile(r"<sup>([^<]{0,16})</sup>", re.IGNORECASE)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@lru_cache(maxsize=1 << 14)  # table rows repeat from report to report (headers, rows of zeros)
def split_pipe_row(line: str) -> tuple[str, ...]:
    """Cells of a markdown pipe-table row; a row opens and closes with a pipe."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    if "\\" in inner:
        cells = [cell.replace("\\|", "|").strip() for cell in _UNESCAPED_PIPE.split(inner)]
    else:
        cells = [cell.strip() for cell in inner.split("|")]
    if "**" in inner or "__" in inner:
        cells = [_unemphasised(cell) for cell in cells]
    return tuple(cells)


def _unemphasised(cell: str) -> str:
    """A cell without the bold markup some converters wrap around it (**5309**): asterisks are also footnote marks."""
    if len(cell) > 4 and cell[:2] == cell[-2:] and cell[:2] in ("**", "__"):
        return cell[2:-2].strip()
    return cell


def _is_delimiter_row(cells: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    """A row of dashes under a header, or between two parts of a table: no cells of its own."""
    return any(cells) and all(pattern.match(cell) for cell in cells if cell)


def read_text(path: Path, text: str) -> Document:
    """Rows of a converted report; ``text`` is the file already decoded."""
    glyph_codes = len(_GLYPH_CODE.findall(text))
    if glyph_codes > MAX_GLYPH_CODES and glyph_codes > len(_CJK.findall(text)):
        raise ReadError(path, f"the converter wrote {glyph_codes} font glyph codes such as (cid:0) where characters "
                              "belong, so its text cannot be read: convert the PDF with another tool, or read the PDF")
    rows: list[Row] = []
    table_lines = 0  # pipe rows so far in the current table: its second line may be the header's delimiter row
    paragraph = 1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if "<" in stripped:
            stripped = _SUP.sub(lambda match: raised_digits(match[1]), stripped)
        if not stripped.startswith("|"):
            table_lines = 0
        if not stripped:
            paragraph += 1
            continue
        if stripped.startswith("|"):
            table_lines += 1
            cells = split_pipe_row(stripped)
            if "-" in stripped and _is_delimiter_row(cells, _DELIMITER if table_lines == 2 else _SEPARATOR):
                continue
            rows.append(Row(cells, f"line {number}", tabular=True, paragraph=paragraph))
        else:
            rows.append(Row((_MARKUP.sub("", stripped).strip(),), f"line {number}", paragraph=paragraph))
    return Document(path, "text", rows)
