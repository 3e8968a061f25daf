"""Provenance: ``sources.csv`` beside the raw reports (file, commit, body, level, parent, year, format, sha256 …)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.csv"
FIELDS = ["file", "commit", "body", "level", "parent", "year", "format", "sha256", "source", "notes"]


class SourcesError(Exception):
    """A sources.csv that cannot be read at all; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Source:
    file: str
    commit: bool
    body: str
    level: str
    parent: str
    year: int | None
    format: str
    sha256: str
    source: str
    notes: str


def read_sources(folder: Path) -> dict[str, Source]:
    """The rows of ``folder/sources.csv`` by file name; empty when the folder has none."""
    return read_sources_checked(folder)[0]


def read_sources_checked(folder: Path) -> tuple[dict[str, Source], list[str]]:
    """The usable rows by file name, and a warning naming the line of each row that cannot be used.

    The file may be UTF-8 (with or without BOM) or GB18030/GBK, as spreadsheets on Chinese systems save it.
    Raises SourcesError when it is neither.
    """
    path = folder / SOURCES_FILE
    if not path.exists() and not path.is_symlink():
        return {}, []
    if not path.is_file():  # a FIFO or device would hang the read; a dangling link hides the provenance
        raise SourcesError(f"{path}: not a regular file")
    text = _decode(path)
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(rows, [])]
    if "file" not in header:
        raise SourcesError(f"{path}: the first line must name the columns ({', '.join(FIELDS)})")
    sources: dict[str, Source] = {}
    lines: dict[str, int] = {}
    warnings = []
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            warnings.append(f"{path} line {line}: {len(row)} fields where the header has {len(header)}; "
                            "the row is not used")
            continue
        fields = {name: cell.strip() for name, cell in zip(header, row)}
        name = fields["file"]
        if not name:
            warnings.append(f"{path} line {line}: no file name; the row is not used")
            continue
        if name in sources:
            warnings.append(f"{path} line {line}: {name} is listed again (first on line {lines[name]}); "
                            "the first row is used")
            continue
        year = fields.get("year", "")
        if year and not year.isdigit():
            warnings.append(f"{path} line {line}: year {year!r} is not a year; left empty")
        sources[name] = Source(
            name, fields.get("commit", "yes").lower() != "no", fields.get("body", ""), fields.get("level", ""),
            fields.get("parent", ""), int(year) if year.isdigit() else None, fields.get("format", ""),
            fields.get("sha256", "").lower(), fields.get("source", ""), fields.get("notes", ""))
        lines[name] = line
    return sources, warnings


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourcesError(f"{path}: not UTF-8 or GB18030 (GBK) text; save it as UTF-8 CSV")
