"""The number every measure uses, per cell, derived once after validation (which checks the printed numbers).

``number`` is the printed value as read; a cell printed without a number counts as 0 where the codebook says so
(``blank_as_zero``, ``missing.csv``); an ambiguous or unreadable cell has no number, ever. Two derivations go further,
each named in ``derived``:

- ``total_from_applicants``: a table 三 总计 cell printed blank beside applicant cells that print numbers (Shanghai
  2019 leaves the 总计 column blank for every outcome row) is the sum of the six applicant columns, unknown if any
  of them is unknown;
- ``other_from_three_rows``: a report that prints （六）其他处理 as three rows gets one added ``other`` row per applicant,
  their sum (unknown if any is unknown), so that 2019 and 2021 reports compare (spec, table 三: "treat 2019's （六）
  as the sum of the three 2021 rows").
"""

from __future__ import annotations

from nianbao import codebook
from nianbao.model import Value

AS_PRINTED = ""
BLANK_AS_ZERO = "blank_as_zero"
MARK_AS_ZERO = "mark_as_zero"
TOTAL_FROM_APPLICANTS = "total_from_applicants"
OTHER_FROM_THREE_ROWS = "other_from_three_rows"
TOTAL = "total"
ADDED_ROWS = {OTHER_FROM_THREE_ROWS}  # derivations that add a row the report does not print


def is_printed(value: Value) -> bool:
    """True for a cell the report prints, False for a row the engine adds."""
    return value.derived not in ADDED_ROWS


def cell_number(value: Value, report_format: str) -> tuple[float | None, str]:
    """The number one cell counts as on its own, and how it was derived."""
    if value.value is not None:
        return value.value, AS_PRINTED
    if codebook.counts_as_zero(value.item, report_format, value.missing):
        return 0.0, BLANK_AS_ZERO if value.missing == "blank" else MARK_AS_ZERO
    return None, AS_PRINTED


def _sum(numbers: list[float | None]) -> float | None:
    return None if any(n is None for n in numbers) else sum(numbers)


def derive_numbers(values: list[Value], report_format: str) -> list[Value]:
    """Set ``number`` and ``derived`` on every value, and add the aligned ``other`` rows; values keep their order."""
    for value in values:
        if value.value is not None:  # the common case, kept cheap: a report has a few hundred cells
            value.number, value.derived = value.value, AS_PRINTED
        else:
            value.number, value.derived = cell_number(value, report_format)
    applicant_columns = [a for a in codebook.applicants() if a != TOTAL]
    table = {(v.item, v.applicant): v for v in values if v.section == "applications"}
    for value in values:
        if value.section != "applications" or value.applicant != TOTAL or value.missing != "blank":
            continue
        parts = [table.get((value.item, applicant)) for applicant in applicant_columns]
        if any(part is not None and part.value is not None for part in parts):
            value.number = _sum([None if part is None else part.number for part in parts])
            value.derived = TOTAL_FROM_APPLICANTS
    return values + _other_rows(table)


def _other_rows(table: dict[tuple[str, str], Value]) -> list[Value]:
    """One ``other`` row per applicant for a report printing （六） as three rows; none when it prints one row."""
    rows = codebook.aligned_rows("other")
    printed = {item for item, _ in table}
    if "other" in printed or printed.isdisjoint(rows):
        return []
    added = []
    for applicant in codebook.applicants():
        parts = [table.get((item, applicant)) for item in rows]
        if all(part is None for part in parts):
            continue
        present = [part for part in parts if part is not None]
        added.append(Value(
            "applications", "other", applicant, "", None, present[0].unit,
            source=f"sum of applications:{'+'.join(rows)}:{applicant}",
            number=_sum([None if part is None else part.number for part in parts]), derived=OTHER_FROM_THREE_ROWS))
    return added
