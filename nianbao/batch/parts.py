"""Each report as soon as it is extracted: its rows encoded for the three tables, appended to part files, and a
small entry kept in memory (id, status, where its rows are), so that memory does not grow with the rows."""

from __future__ import annotations

import pickle
import sys
import zlib
from array import array
from dataclasses import dataclass, replace
from pathlib import Path

from nianbao.batch.inputs import Job, file_problem
from nianbao.batch.series import series_values
from nianbao.extract import extract_file
from nianbao.model import Report, Value
from nianbao.write import check_row, csv_bytes, report_row, value_lines

PARTS = ("reports", "values", "checks", "series")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the batch keeps in memory per report: a few hundred bytes (where its rows are is in the store)."""

    index: int
    report_id: str
    source_file: str
    status: str
    error: str
    body: str
    year: int | None
    slot: int = -1  # its place in the store's table of offsets; -1 until the store has its rows


@dataclass(frozen=True, slots=True)
class Encoded:
    """A report ready to be written: its entry, its rows as CSV bytes per table, and the few numbers the
    cross-year checks need (``series``, compressed)."""

    entry: Entry
    rows: dict[str, bytes]


def encode(index: int, report: Report) -> Encoded:
    """Encode a report's rows; a report whose rows cannot be written fails alone, with the reason."""
    try:
        rows = {
            "reports": csv_bytes([report_row(report)]),
            "values": value_lines(report.report_id, report.values),
            "checks": csv_bytes(check_row(report.report_id, f) for f in report.findings),
            "series": zlib.compress(pickle.dumps(series_values(report), protocol=pickle.HIGHEST_PROTOCOL)),
        }
    except Exception as error:  # one bad cell must not cost the batch its other reports
        failed = replace(report, values=[], findings=[],
                         error=f"{report.source_file}: cannot be written ({type(error).__name__}: {error})")
        rows = {"reports": csv_bytes([report_row(failed)]), "values": b"", "checks": b"", "series": b""}
        report = failed
    entry = Entry(index, report.report_id, report.source_file, report.status, report.error, report.body, report.year)
    return Encoded(entry, rows)


def extract_job(job: Job) -> Report:
    """Extract one file, refusing it unread when it is not a regular file within the size limit (checked again
    here: the file may have been replaced since the batch was collected)."""
    path = Path(job.path)
    problem = job.problem or file_problem(path)
    if problem:
        return Report(path.stem, path.name, error=f"{path.name}: {problem}")
    return extract_file(path, job.source)


def extract_chunk(jobs: list[Job]) -> list[Encoded]:
    """The unit of work a worker process or a Dask worker runs: a few files in, their encoded rows out."""
    return [encode(job.index, extract_job(job)) for job in jobs]


class PartStore:
    """Append-only part files, one per table, written by the one process that merges them at the end."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.paths = {name: folder / f"{name}.part" for name in PARTS}
        self.handles = {name: path.open("wb") for name, path in self.paths.items()}
        self.spans = array("q")  # per report, offset and length in each part file, in PARTS order

    def add(self, encoded: Encoded) -> Entry:
        slot = len(self.spans) // (2 * len(PARTS))
        for name in PARTS:
            handle, data = self.handles[name], encoded.rows[name]
            self.spans.extend((handle.tell(), len(data)))
            handle.write(data)
        entry = encoded.entry
        return replace(entry, status=sys.intern(entry.status), body=sys.intern(entry.body), slot=slot)

    def finish(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles = {name: path.open("rb") for name, path in self.paths.items()}

    def read(self, name: str, entry: Entry) -> bytes:
        handle, at = self.handles[name], 2 * (entry.slot * len(PARTS) + PARTS.index(name))
        handle.seek(self.spans[at])
        return handle.read(self.spans[at + 1])

    def series(self, entry: Entry) -> list[Value]:
        data = self.read("series", entry)
        return pickle.loads(zlib.decompress(data)) if data else []

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
