"""Table 四: administrative review and litigation, one data row of 15 numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao import codebook
from nianbao.document import Row
from nianbao.model import Finding, Value
from nianbao.parse.applications import make_value
from nianbao.parse.rows import fit, is_page_furniture, split_row

SECTION = "review_litigation"
CODES = [item.code for item in codebook.items().values() if item.section == SECTION]


@dataclass
class ReviewTable:
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    found: bool = False


def parse_review(rows: list[Row], trim_blanks: bool) -> ReviewTable:
    """Read table 四: the unlabelled rows of numbers under its header, taken together, must give 15 cells."""
    table = ReviewTable()
    data_rows = []
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        if split.labels or not split.carries_data(not trim_blanks):
            continue
        if not row.tabular and len(split.data) < 2:
            continue
        data_rows.append((split.data, row.where))
    if not data_rows:
        return table
    table.found = True
    if len(data_rows) == 1:  # the usual single row: surplus border cells may be trimmed, printed blanks kept
        cells, fits = fit(data_rows[0][0], len(CODES), trim_blanks)
        wheres = [f"{data_rows[0][1]}, column {i + 1}" for i in range(len(cells))]
    else:  # a row broken over lines: the pieces, without their border cells, must make 15
        cells, wheres = [], []
        for data, where in data_rows:
            kept = list(data)
            while trim_blanks and kept and not kept[-1].strip():
                kept.pop()
            while trim_blanks and kept and not kept[0].strip():
                kept.pop(0)
            cells += kept
            wheres += [f"{where}, column {i + 1}" for i in range(len(kept))]
        fits = len(cells) == len(CODES)
    if not fits:
        table.findings.append(Finding(
            "structure", "error", "review_litigation", f"{len(CODES)} cells", f"{len(cells)} cells: {' | '.join(cells)}",
            f"表四数据行有 {len(cells)} 个单元格，应为 {len(CODES)} 个；无法确定各数值所属列，数值未采用",
            f"Table 四 has {len(cells)} cells for {len(CODES)} columns; which number belongs to which column "
            "cannot be told, so none is used"))
    for position, code in enumerate(CODES):
        printed = cells[position] if position < len(cells) else ""
        where = wheres[position] if position < len(wheres) else wheres[-1]
        table.values.append(make_value(SECTION, code, "", printed, fits, "", where))
    return table
