"""The batch pipeline: collect the files → extract each (``extract.extract_file``, one file in, one Report out) →
check across years → write the tidy tables, as one locked, atomic output set.

Each report's rows go to part files as soon as it is extracted, so memory does not grow with the batch; at the
end the parts are merged in report_id order into the CSV and Parquet files. Same input, same bytes, whatever the
number of workers and wherever they run.

Exit status of ``nianbao extract``: 0 every file was read; 1 some files failed (the outputs are written, the
failures are in reports.csv); 2 nothing was written (bad arguments, --out cannot be written, an unreadable
sources.csv, an interrupted run: the previous outputs are untouched).
"""

from __future__ import annotations

import csv
import io
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from nianbao.batch.inputs import Inputs, Job, collect
from nianbao.batch.outputs import OutputError, OutputLock, Staging, check_out
from nianbao.batch.parts import Encoded, Entry, PartStore, encode
from nianbao.batch.series import SERIES_CHECKS, series_findings
from nianbao.batch.workers import run_dask, run_here, run_local
from nianbao.model import Report
from nianbao.sources import SourcesError
from nianbao.write import (CHECK_DEFINITION_COLUMNS, CODEBOOK_COLUMNS, REPORT_COLUMNS, TABLES, TableWriter,
                           check_definition_rows, check_row, codebook_rows, csv_bytes, read_reports, write_csv)

EXIT_OK, EXIT_SOME_FAILED, EXIT_NOT_WRITTEN = 0, 1, 2
SHOWN_FAILURES = 20

__all__ = ["BatchResult", "EXIT_NOT_WRITTEN", "EXIT_OK", "EXIT_SOME_FAILED", "Interrupted", "OutputError", "SourcesError",
           "extract"]


@dataclass
class BatchResult:
    out: Path
    statuses: dict[str, int] = field(default_factory=lambda: {"ok": 0, "findings": 0, "failed": 0})
    failures: list[str] = field(default_factory=list)  # the first SHOWN_FAILURES errors
    warnings: list[str] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return sum(self.statuses.values())

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.statuses["failed"] else EXIT_OK


class Interrupted(Exception):
    """SIGTERM: stop as Ctrl-C does, leaving the previous outputs as they were."""


def extract(paths: list[Path], out: Path, jobs: int = 1, corpus: Path | None = None, scheduler: str | None = None,
            progress: bool = True) -> BatchResult:
    """Extract every report, check across years, and write the output set into ``out``.

    Raises OutputError (``out`` cannot be written) or SourcesError before any work; nothing is written then.
    """
    out = check_out(out)
    with _terminate_as_interrupt(), OutputLock(out), Staging(out) as staging:
        inputs = collect(paths, corpus)
        for warning in inputs.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        store = PartStore(staging.parts)
        try:
            entries = [store.add(e) for e in _extracted(inputs.jobs, jobs, scheduler, progress)]
            entries += [store.add(e) for e in _committed(out, inputs, start=len(inputs.jobs))]
            store.finish()
            result = _write_tables(staging.path, entries, store)
        finally:
            store.close()
        write_csv(staging.path / "codebook.csv", CODEBOOK_COLUMNS, codebook_rows())
        write_csv(staging.path / "check_definitions.csv", CHECK_DEFINITION_COLUMNS, check_definition_rows())
        staging.commit()
    result.out, result.warnings = out, inputs.warnings
    return result


def _extracted(jobs: list[Job], processes: int, scheduler: str | None, progress: bool) -> Iterator[Encoded]:
    if scheduler:
        stream = run_dask(jobs, scheduler)
    elif processes > 1 and len(jobs) > 1:
        stream = run_local(jobs, processes)
    else:
        stream = run_here(jobs)
    with tqdm(total=len(jobs), desc="extracting reports", unit="report", file=sys.stderr,
              disable=not progress) as bar:
        for encoded in stream:
            bar.update()
            yield encoded


def _committed(out: Path, inputs: Inputs, start: int) -> list[Encoded]:
    """Raw files listed in sources.csv that are not here (commit = no, no shared corpus): their committed
    tables in ``out`` stand in, without the cross-year checks (recomputed over the whole batch)."""
    if not inputs.unavailable:
        return []
    kept = {r.report_id: r for r in read_reports(out, {Path(name).stem for name in inputs.unavailable})}
    encoded = []
    for name, looked_in in inputs.unavailable.items():
        report = kept.get(Path(name).stem)
        state = "keeping the committed tables" if report else "no committed tables either"
        print(f"could not re-read {name} (not in {looked_in}): {state}", file=sys.stderr)
        if report is None:
            report = Report(Path(name).stem, name,
                            error=f"{name}: listed in sources.csv, not found in {looked_in} and never extracted")
        else:
            report.findings = [f for f in report.findings if f.check not in SERIES_CHECKS]
        encoded.append(encode(start + len(encoded), report))
    return encoded


def _write_tables(folder: Path, entries: list[Entry], store: PartStore) -> BatchResult:
    """Merge the parts in report_id order. Two files with one stem would mix their rows under one report_id: the
    first that was read keeps it, the others fail, naming it."""
    entries.sort(key=lambda e: (e.report_id, e.status == "failed", e.index))
    kept: dict[str, Entry] = {}
    for entry in entries:
        kept.setdefault(entry.report_id, entry)
    series = series_findings(sorted(kept.values(), key=lambda e: e.index), store.series)
    result = BatchResult(folder)
    writers = {name: TableWriter(folder, name, columns) for name, columns in TABLES.items()}
    try:
        for entry in entries:
            row, status = store.read("reports", entry), entry.status
            if kept[entry.report_id] is not entry:
                status, error = "failed", (f"{entry.source_file}: report_id {entry.report_id} is taken by "
                                           f"{kept[entry.report_id].source_file}; rename one of the files")
                row = csv_bytes([_replaced(row, status=status, error=error)])
            else:
                error, findings = entry.error, series.get(entry.report_id, [])
                if findings and status == "ok":
                    status = "findings"
                    row = csv_bytes([_replaced(row, status=status)])
                writers["values"].write(store.read("values", entry))
                writers["checks"].write(store.read("checks", entry)
                                        + csv_bytes(check_row(entry.report_id, f) for f in findings))
            writers["reports"].write(row)
            result.statuses[status] += 1
            if status == "failed" and len(result.failures) < SHOWN_FAILURES:
                result.failures.append(error)
    finally:
        for writer in writers.values():
            writer.close()
    return result


def _replaced(row: bytes, **fields: str) -> tuple[object, ...]:
    """A reports.csv row (as encoded) with some fields changed."""
    values = next(csv.reader(io.StringIO(row.decode("utf-8"), newline="")))
    for name, value in fields.items():
        values[REPORT_COLUMNS.index(name)] = value
    return tuple(values)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so that the staging folder is removed and the previous outputs stay."""

    def stop(signum: int, frame: object) -> None:
        raise Interrupted(f"stopped by signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
