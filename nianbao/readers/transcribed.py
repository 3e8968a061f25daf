"""Reader for tables transcribed by hand: the codebook's long form, one row per printed cell.

Columns after the first four (such as the template's ``label_zh``) are ignored."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nianbao.document import ReadError

COLUMNS = ["section", "item", "applicant", "printed"]


@dataclass(frozen=True)
class TranscribedCell:
    section: str
    item: str
    applicant: str
    printed: str
    where: str


def is_transcription(text: str) -> bool:
    """A transcription starts with the header line ``section,item,applicant,printed``."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip().replace(" ", "")
    return first.split(",")[:4] == COLUMNS


def read_transcription(path: Path, text: str) -> list[TranscribedCell]:
    """Every transcribed cell, with the CSV line it came from."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if [name.strip() for name in reader.fieldnames or []][:4] != COLUMNS:
        raise ReadError(path, f"a transcription needs the columns {','.join(COLUMNS)}; found {reader.fieldnames}")
    cells = []
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ReadError(path, f"not a readable CSV file: {error}") from error
    for line, row in enumerate(rows, start=2):
        if None in row or any(row[name] is None for name in COLUMNS):
            raise ReadError(path, f"line {line} has {len([v for v in row.values() if v is not None])} fields, expected 4")
        cells.append(TranscribedCell(*(row[name].strip() for name in COLUMNS), where=f"line {line}"))
    if not cells:
        raise ReadError(path, "the transcription has a header but no cells")
    return cells
