"""Reader for text and markdown produced by PDF converters: pipe tables become tabular rows, the rest lines."""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.document import Document, Row

_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_DELIMITER = re.compile(r"^:?-+:?$")  # markdown allows one dash a cell in the line under a table's header
_MARKUP = re.compile(r"^#+\s*|\*\*|__")


def split_pipe_row(line: str) -> tuple[str, ...]:
    """Cells of a markdown pipe-table row; a row opens and closes with a pipe."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return tuple(_unemphasised(cell.replace("\\|", "|").strip()) for cell in re.split(r"(?<!\\)\|", inner))


def _unemphasised(cell: str) -> str:
    """A cell without the bold markup some converters wrap around it (**5309**): asterisks are also footnote marks."""
    if len(cell) > 4 and cell[:2] == cell[-2:] and cell[:2] in ("**", "__"):
        return cell[2:-2].strip()
    return cell


def read_text(path: Path, text: str) -> Document:
    """Rows of a converted report; ``text`` is the file already decoded."""
    rows: list[Row] = []
    table_lines = 0  # pipe rows so far in the current table: its second line may be the header's delimiter row
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            table_lines = 0
        if not stripped:
            continue
        if stripped.startswith("|"):
            table_lines += 1
            cells = split_pipe_row(stripped)
            delimiter = _DELIMITER if table_lines == 2 else _SEPARATOR
            if all(delimiter.match(cell) for cell in cells if cell) and any(cells):
                continue
            rows.append(Row(cells, f"line {number}", tabular=True))
        else:
            rows.append(Row((_MARKUP.sub("", stripped).strip(),), f"line {number}"))
    return Document(path, "text", rows)
