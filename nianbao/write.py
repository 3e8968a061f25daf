"""The tidy tables: how a report, a value and a finding are written as a row, in CSV and in Parquet.

CSV files are UTF-8 with a byte-order mark (so that spreadsheets on Chinese systems open them as UTF-8) and
``\\n`` line ends; the Parquet files hold the same rows, typed, with the codes as dictionary columns. Same rows,
byte-identical files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from nianbao import codebook
from nianbao.cells import format_value
from nianbao.model import Finding, Report, Value

REPORT_COLUMNS = ["report_id", "source_file", "sha256", "body", "year", "format", "format_variant", "level",
                  "parent", "status", "error"]
VALUE_COLUMNS = ["report_id", "section", "item", "applicant", "printed", "value", "unit", "missing", "flag", "source",
                 "number", "derived", "confidence"]
CHECK_COLUMNS = ["report_id", "check", "severity", "cells", "expected", "found", "message_zh", "message_en"]
CODEBOOK_COLUMNS = ["section", "code", "label_zh", "label_en", "formats", "unit", "kind", "group", "blank_as_zero",
                    "aligns_to", "block", "result"]
CHECK_DEFINITION_COLUMNS = ["check", "severity", "label_zh", "label_en", "meaning_zh", "meaning_en"]
TABLES = {"reports": REPORT_COLUMNS, "values": VALUE_COLUMNS, "checks": CHECK_COLUMNS}
CSV_ENCODING = "utf-8-sig"  # writes and reads the byte-order mark

# Parquet column types; every other column is text. Codes repeat on every row: dictionary columns.
NUMBER_COLUMNS = {"value", "number", "confidence"}
INTEGER_COLUMNS = {"year"}
CODE_COLUMNS = {"section", "item", "applicant", "unit", "missing", "flag", "derived", "check", "severity",
                "format", "format_variant", "level", "parent", "body", "status"}
PARQUET_BLOCK_BYTES = 8 << 20  # CSV rows per Parquet row group: bounds memory, fixes the row groups (same bytes)


def report_row(report: Report) -> tuple[object, ...]:
    return tuple("" if getattr(report, name) is None else getattr(report, name) for name in REPORT_COLUMNS)


def value_lines(report_id: str, values: Iterable[Value]) -> bytes:
    """A report's values.csv rows: the bytes ``csv_bytes`` writes (tested), in a third of the time.

    values.csv is nine tenths of what a batch writes, and the csv module tests every character of every field
    against the line terminator: a fifth of the text path. Here only the free-text fields are tested; the code
    fields (section, item, applicant, unit, missing, derived) are tested once per distinct combination.
    """
    report = csv_field(report_id)
    lines = []
    for v in values:
        value = format_value(v.value)
        number = value if v.number == v.value else format_value(v.number)
        confidence = "" if v.confidence is None else f"{v.confidence:.3f}"
        lines.append(f"{report},{_codes(v.section, v.item, v.applicant)},{csv_field(v.printed)},{value},"
                     f"{_codes(v.unit, v.missing)},{csv_field(v.flag)},{csv_field(v.source)},{number},"
                     f"{_codes(v.derived)},{confidence}\n")
    return "".join(lines).encode("utf-8")


def csv_field(text: str) -> str:
    """A text field as the csv module writes it (minimal quoting)."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


@lru_cache(maxsize=1 << 14)
def _codes(*codes: str) -> str:
    return ",".join(map(csv_field, codes))


def check_row(report_id: str, finding: Finding) -> tuple[object, ...]:
    return (report_id, *(getattr(finding, name) for name in CHECK_COLUMNS[1:]))


def codebook_rows() -> list[tuple[object, ...]]:
    rows = [(i.section, i.code, i.label_zh, i.label_en, ";".join(i.formats), i.unit, i.kind, i.group,
             ";".join(i.blank_as_zero), i.aligns_to, i.block, i.result) for i in codebook.items().values()]
    rows += [("applicant", a.code, a.label_zh, a.label_en, "2019;2021", "", "column", "", "", "", "", "")
             for a in codebook.applicants().values()]
    return rows


def check_definition_rows() -> list[tuple[object, ...]]:
    return [tuple(getattr(c, name) for name in CHECK_DEFINITION_COLUMNS) for c in codebook.checks().values()]


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV lines (no header, no byte-order mark): a file is its header followed by such blocks."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def csv_header(columns: list[str]) -> bytes:
    return "\ufeff".encode() + csv_bytes([columns])


def write_csv(path: Path, columns: list[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("wb") as handle:
        handle.write(csv_header(columns))
        handle.write(csv_bytes(rows))


class TableWriter:
    """One table's CSV and Parquet files, fed in order with blocks of CSV rows (``csv_bytes``, whole rows).

    The Parquet rows are parsed back from the same bytes, a bounded buffer at a time (one row group each), so the
    two files hold the same rows, memory stays flat at any size, and the row groups (and bytes) are the same on
    every run. (Arrow's streaming CSV reader over the finished file reads far ahead: hundreds of MB.)
    """

    def __init__(self, folder: Path, name: str, columns: list[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.columns = columns
        self.schema = pa.schema([(column, _arrow_type(pa, column, columns)) for column in columns])
        self.csv = (folder / f"{name}.csv").open("wb")
        self.csv.write(csv_header(columns))
        self.parquet = pq.ParquetWriter(folder / f"{name}.parquet", self.schema, compression="zstd")
        self.pending: list[bytes] = []
        self.size = 0

    def write(self, block: bytes) -> None:
        self.csv.write(block)
        if block:
            self.pending.append(block)
            self.size += len(block)
        if self.size >= PARQUET_BLOCK_BYTES:
            self._flush()

    def close(self) -> None:
        self._flush()
        self.csv.close()
        self.parquet.close()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if not self.pending:
            return
        data, self.pending, self.size = b"".join(self.pending), [], 0
        text = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=self.columns, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in self.columns},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        columns = [_typed(pa, text.column(name).combine_chunks(), self.schema.field(name).type)
                   for name in self.columns]
        self.parquet.write_table(pa.table(columns, schema=self.schema), row_group_size=len(text))


def _arrow_type(pa, name: str, columns: list[str]):  # noqa: ANN001, ANN202 (pyarrow is imported lazily)
    if name in NUMBER_COLUMNS:
        return pa.float64()
    if name in INTEGER_COLUMNS:
        return pa.int32()
    if name in CODE_COLUMNS or (name == "report_id" and columns != REPORT_COLUMNS):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def _typed(pa, column, kind):  # noqa: ANN001, ANN202
    import pyarrow.compute as pc

    if pa.types.is_dictionary(kind):
        return pc.dictionary_encode(column)
    if pa.types.is_string(kind):
        return column
    # Empty text is null. No Python value is passed to pyarrow.compute: converting one imports pandas, a third of
    # a text batch's start-up.
    filled = pc.cast(pc.utf8_length(column), pa.bool_())
    text = pc.if_else(filled, column, pa.nulls(len(column), pa.string()))
    try:
        return pc.cast(text, kind)
    except pa.ArrowInvalid:  # a number Arrow cannot parse (one too large): Python's reading, cell by cell
        read = float if pa.types.is_floating(kind) else int
        return pa.array([None if cell is None else _number_or_none(read, cell) for cell in text.to_pylist()], kind)


def _number_or_none(read: type, text: str) -> float | int | None:
    """None where the text is no number the column type can hold (a float would turn 400 digits into inf)."""
    try:
        number = read(text)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding=CSV_ENCODING, newline="") as handle:
        yield from csv.DictReader(handle)


def _from_row(kind: type, row: dict[str, str], **fixed: object) -> object:
    """A model record from its CSV row: the fields typed as the dataclass declares them."""
    values: dict[str, object] = dict(fixed)
    for spec in dataclasses.fields(kind):
        if spec.name in values or spec.name not in row:
            continue
        text, declared = row[spec.name], str(spec.type)
        if "float" in declared:
            values[spec.name] = float(text) if text else None
        elif "int" in declared:
            values[spec.name] = int(text) if text else None
        else:
            values[spec.name] = text
    return kind(**values)


def read_reports(out: Path, report_ids: set[str] | None = None) -> list[Report]:
    """Reports as written in an output folder's CSV files (all, or those named), with their values and findings."""
    if not (out / "reports.csv").is_file():
        return []
    reports: dict[str, Report] = {}
    for row in read_rows(out / "reports.csv"):
        if report_ids is None or row["report_id"] in report_ids:
            reports.setdefault(row["report_id"], _from_row(Report, row))
    for row in read_rows(out / "values.csv"):
        if row["report_id"] in reports:
            reports[row["report_id"]].values.append(_from_row(Value, row))
    for row in read_rows(out / "checks.csv"):
        if row["report_id"] in reports:
            reports[row["report_id"]].findings.append(_from_row(Finding, row))
    return list(reports.values())
