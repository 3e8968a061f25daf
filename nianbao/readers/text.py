"""Reader for text and markdown produced by PDF converters: pipe tables become tabular rows, the rest lines."""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.document import Document, Row

_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_MARKUP = re.compile(r"^#+\s*|\*\*|__")


def split_pipe_row(line: str) -> tuple[str, ...]:
    """Cells of a markdown pipe-table row; a row opens and closes with a pipe."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return tuple(cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner))


def read_text(path: Path, text: str) -> Document:
    """Rows of a converted report; ``text`` is the file already decoded."""
    rows: list[Row] = []
    paragraph = 1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            paragraph += 1
            continue
        if stripped.startswith("|"):
            cells = split_pipe_row(stripped)
            if all(_SEPARATOR.match(cell) for cell in cells if cell) and any(cells):
                continue
            rows.append(Row(cells, f"line {number}", tabular=True, paragraph=paragraph))
        else:
            rows.append(Row((_MARKUP.sub("", stripped).strip(),), f"line {number}", paragraph=paragraph))
    return Document(path, "text", rows)
