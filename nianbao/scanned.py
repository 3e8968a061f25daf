"""What the values of a scanned report carry: the OCR confidence and box of their cell, and the flags and
findings that keep an OCR misreading from passing as a printed number.

Runs after parsing (``attach_scan``: confidence, box, low-confidence and unread flags) and after validation
(``scan_findings``: a cell in a failed identity is named). It never changes a number.
"""

from __future__ import annotations

import re
from collections import defaultdict

from nianbao.document import Row, ScannedCell
from nianbao.model import Finding, Report, Value
from nianbao.normalize import squeeze
from nianbao.parse.rows import split_row

LOW_CONFIDENCE = 0.9  # below this, RapidOCR's reading of a cell is not trusted (see README, "Scanned reports")
LOW_CONFIDENCE_FLAG = "ocr_low_confidence"
IDENTITY_FLAG = "ocr_identity_failed"
UNREAD_FLAG = "ocr_unread: ink in the cell, but no text could be read"
_COLUMN = re.compile(r"^(?P<where>.*), column (?P<column>\d+)$")
# The cells an identity finding names (see validate.py), by check: the table-三 row, column, or table-四 block.
_IDENTITY_CELLS = {
    "I2": re.compile(r"^applications:(?P<item>[\w.]+):total vs"),
    "I1": re.compile(r"^applications:total:(?P<applicant>\w+) vs"),
    "S1": re.compile(r"^applications:received\+carried_over:(?P<applicant>\w+) vs"),
    "I3": re.compile(r"^review_litigation:(?P<block>\w+)\.total vs"),
}
_S1_ITEMS = {"received", "carried_over", "total", "carried_forward"}


def attach_scan(values: list[Value], rows: list[Row]) -> None:
    """Give each value read from an OCR'd row its cell's confidence, box and flags."""
    scanned = {row.where: row for row in rows if row.scan}
    by_row: dict[str, list[tuple[int, Value]]] = defaultdict(list)
    for value in values:
        match = _COLUMN.match(value.source)
        if match and match["where"] in scanned:
            by_row[match["where"]].append((int(match["column"]), value))
        elif value.source in scanned:  # a figure from a line of text
            _mark(value, scanned[value.source].scan[0])
    for where, placed in by_row.items():
        row = scanned[where]
        start = _data_start(row, placed)
        for column, value in placed:
            index = start + column - 1
            if 0 <= index < len(row.scan):
                _mark(value, row.scan[index])
            else:
                _mark(value, ScannedCell(0.0, row.scan[-1].box))


def _data_start(row: Row, placed: list[tuple[int, Value]]) -> int:
    """Index in the row of its first data cell as the parser counted them (it may drop empty border cells)."""
    data = split_row(row).data
    first = len(row.cells) - len(data)
    widest = max(column for column, _ in placed)
    for front in range(len(data) - widest + 1):
        if all(squeeze(row.cells[first + front + column - 1]) == squeeze(value.printed) for column, value in placed):
            return first + front
    return first


def _mark(value: Value, cell: ScannedCell) -> None:
    x0, y0, x1, y1 = cell.box
    value.source = f"{value.source}, box x {x0}–{x1}, y {y0}–{y1} px (page at 200 dpi)"
    value.confidence = cell.confidence
    flags = [value.flag] if value.flag else []
    if cell.unread:
        value.missing, value.value = "unreadable", None
        flags = [UNREAD_FLAG]
    elif value.value is not None and (cell.crosses_ruling or (cell.confidence or 0.0) < LOW_CONFIDENCE):
        flags.append(LOW_CONFIDENCE_FLAG)
    value.flag = "; ".join(flags)


def scan_findings(report: Report) -> list[Finding]:
    """Name the OCR'd cells behind each failed identity, and flag them.

    A table-三 cell whose row (I2) and column (I1 or S1) both fail is the one to check: a finding names it.
    Where the failure cannot be pinned on one cell, every OCR'd cell of the identity is flagged and named.
    """
    cells = {(v.section, v.item, v.applicant): v for v in report.values if v.confidence is not None}
    if not cells:
        return []
    failed_rows, failed_columns, groups = set(), defaultdict(set), []
    for finding in report.findings:
        pattern = _IDENTITY_CELLS.get(finding.check)
        match = pattern.match(finding.cells) if pattern else None
        if not match:
            continue
        if finding.check == "I2":
            failed_rows.add(match["item"])
            groups.append((finding, [v for k, v in cells.items() if k[:2] == ("applications", match["item"])]))
        elif finding.check == "I3":
            groups.append((finding, [v for k, v in cells.items()
                                     if k[0] == "review_litigation" and k[1].startswith(match["block"] + ".")]))
        else:
            applicant = match["applicant"]
            in_identity = (lambda item: item in _S1_ITEMS) if finding.check == "S1" else (
                lambda item: item not in _S1_ITEMS - {"total"})
            failed_columns[applicant].add(finding.check)
            groups.append((finding, [v for k, v in cells.items()
                                     if k[0] == "applications" and k[2] == applicant and in_identity(k[1])]))
    findings = []
    pinned = [v for (section, item, applicant), v in cells.items()
              if section == "applications" and item in failed_rows and failed_columns.get(applicant)]
    for value in pinned:
        _flag(value)
        checks = ", ".join(["I2", *sorted(failed_columns[value.applicant])])
        findings.append(Finding(
            "ocr", "error", f"applications:{value.item}:{value.applicant}", "a cell that fits its row and column",
            value.printed, f"OCR 读取的单元格“{value.printed}”所在行和列均不平衡（{checks}），可能读错，请对照扫描件核对（{value.source}）",
            f"OCR'd cell {value.printed!r} is in a row and a column that both fail ({checks}): it may be misread; "
            f"check it on the scan ({value.source})"))
    pinned_ids = {id(v) for v in pinned}
    for finding, members in groups:
        if any(id(v) in pinned_ids for v in members) or not members:
            continue
        for value in members:
            _flag(value)
        names = ", ".join(f"{v.section}:{v.item}:{v.applicant}".rstrip(":") for v in members)
        findings.append(Finding(
            "ocr", "warning", names, f"{finding.check} satisfied", finding.found,
            f"{finding.check} 不成立，涉及的单元格由 OCR 读取：可能是报告本身的矛盾，也可能是读错，请对照扫描件核对",
            f"{finding.check} fails on OCR'd cells: the report may contradict itself, or a cell may be misread; "
            "check them on the scan"))
    return findings


def _flag(value: Value) -> None:
    if IDENTITY_FLAG not in value.flag:
        value.flag = "; ".join(filter(None, [value.flag, IDENTITY_FLAG]))
