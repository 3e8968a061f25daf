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
    cells: list[str] = []
    wheres: list[str] = []
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        if split.labels or not split.carries_data(not trim_blanks):
            continue
        if not row.tabular and len(split.data) < 2:
            continue
        data = list(split.data)
        if trim_blanks:  # border cells of converted text; the 15 numbers are checked below
            while data and not data[-1].strip():
                data.pop()
            while data and not data[0].strip():
                data.pop(0)
        cells += data
        wheres += [f"{row.where}, column {i + 1}" for i in range(len(data))]
    if not cells:
        return table
    table.found = True
    fitted, fits = fit(tuple(cells), len(CODES), False)
    if not fits:
        table.findings.append(Finding(
            "structure", "error", "review_litigation", f"{len(CODES)} cells", f"{len(cells)} cells: {' | '.join(cells)}",
            f"表四数据行有 {len(cells)} 个单元格，应为 {len(CODES)} 个；无法确定各数值所属列，数值未采用",
            f"Table 四 has {len(cells)} cells for {len(CODES)} columns; which number belongs to which column "
            "cannot be told, so none is used"))
    for position, code in enumerate(CODES):
        printed = fitted[position] if position < len(fitted) else ""
        where = wheres[position] if position < len(wheres) else wheres[-1]
        table.values.append(make_value(SECTION, code, "", printed, fits, "", where))
    return table
