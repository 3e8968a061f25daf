"""Tidy CSV output: reports, values, checks and the codebook. Same input, byte-identical files."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from nianbao import codebook
from nianbao.cells import format_value
from nianbao.model import Finding, Report, Value

REPORT_COLUMNS = ["report_id", "source_file", "sha256", "body", "year", "format", "format_variant", "level",
                  "parent", "status", "error"]
VALUE_COLUMNS = ["report_id", "section", "item", "applicant", "printed", "value", "unit", "missing", "flag", "source",
                 "number", "derived"]
CHECK_COLUMNS = ["report_id", "check", "severity", "cells", "expected", "found", "message_zh", "message_en"]
CODEBOOK_COLUMNS = ["section", "code", "label_zh", "label_en", "formats", "unit", "kind", "group", "blank_as_zero",
                    "aligns_to", "block", "result"]
CHECK_DEFINITION_COLUMNS = ["check", "severity", "label_zh", "label_en", "meaning_zh", "meaning_en"]


def _write(path: Path, columns: list[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def value_row(report_id: str, value: Value) -> tuple[object, ...]:
    return (report_id, value.section, value.item, value.applicant, value.printed, format_value(value.value),
            value.unit, value.missing, value.flag, value.source, format_value(value.number), value.derived)


def check_row(report_id: str, finding: Finding) -> tuple[object, ...]:
    return (report_id, *(getattr(finding, name) for name in CHECK_COLUMNS[1:]))


def write_outputs(reports: list[Report], out: Path) -> None:
    """Write the tidy CSV files into ``out``: reports, values, checks, codebook and check_definitions."""
    out.mkdir(parents=True, exist_ok=True)
    reports = sorted(reports, key=lambda r: r.report_id)
    _write(out / "reports.csv", REPORT_COLUMNS, [
        ["" if getattr(r, name) is None else getattr(r, name) for name in REPORT_COLUMNS] for r in reports])
    _write(out / "values.csv", VALUE_COLUMNS, [value_row(r.report_id, v) for r in reports for v in r.values])
    _write(out / "checks.csv", CHECK_COLUMNS, [check_row(r.report_id, f) for r in reports for f in r.findings])
    rows = [(i.section, i.code, i.label_zh, i.label_en, ";".join(i.formats), i.unit, i.kind, i.group,
             ";".join(i.blank_as_zero), i.aligns_to, i.block, i.result) for i in codebook.items().values()]
    rows += [("applicant", a.code, a.label_zh, a.label_en, "2019;2021", "", "column", "", "", "", "", "")
             for a in codebook.applicants().values()]
    _write(out / "codebook.csv", CODEBOOK_COLUMNS, rows)
    _write(out / "check_definitions.csv", CHECK_DEFINITION_COLUMNS,
           [[getattr(c, name) for name in CHECK_DEFINITION_COLUMNS] for c in codebook.checks().values()])


def read_committed(out: Path, report_ids: set[str]) -> list[Report]:
    """Reports as committed in an earlier run's CSV files, for raw files that cannot be re-read here."""
    if not (out / "reports.csv").is_file():
        return []

    def rows(name: str) -> list[dict[str, str]]:
        with (out / name).open(encoding="utf-8", newline="") as handle:
            return [row for row in csv.DictReader(handle) if row["report_id"] in report_ids]

    reports = {}
    for row in rows("reports.csv"):
        report = Report(**{name: row[name] for name in REPORT_COLUMNS if name not in ("year", "status")})
        report.year = int(row["year"]) if row["year"] else None
        reports[report.report_id] = report
    for row in rows("values.csv"):
        reports[row["report_id"]].values.append(Value(
            row["section"], row["item"], row["applicant"], row["printed"],
            float(row["value"]) if row["value"] else None, row["unit"], row["missing"], row["flag"], row["source"],
            float(row["number"]) if row["number"] else None, row["derived"]))
    for row in rows("checks.csv"):
        if row["check"] not in ("I4", "I5"):  # recomputed across the whole batch
            reports[row["report_id"]].findings.append(Finding(*(row[name] for name in CHECK_COLUMNS[1:])))
    return list(reports.values())
