"""Provenance: ``sources.csv`` beside the raw reports (file, commit, body, level, parent, year, format, sha256 …)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.csv"


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
    path = folder / SOURCES_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["file"]: Source(
            row["file"], row.get("commit", "yes").strip().lower() != "no", row.get("body", "").strip(),
            row.get("level", "").strip(), row.get("parent", "").strip(),
            int(row["year"]) if row.get("year", "").strip().isdigit() else None,
            row.get("format", "").strip(), row.get("sha256", "").strip().lower(),
            row.get("source", "").strip(), row.get("notes", "").strip(),
        )
        for row in rows
        if row.get("file")
    }
