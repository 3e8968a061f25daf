"""Table 四: administrative review and litigation, one data row of 15 numbers."""

from __future__ import annotations

from nianbao import codebook
from nianbao.document import Row
from nianbao.parse.rows import fit, is_page_furniture, split_row
from nianbao.parse.table import Table, cell_count_finding, make_value

SECTION = "review_litigation"
CODES = [item.code for item in codebook.items().values() if item.section == SECTION]


def parse_review(rows: list[Row], trim_blanks: bool) -> Table:
    """Read table 四: the unlabelled rows of numbers under its header, taken together, must give 15 cells."""
    table = Table()
    data_rows = []
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        if split.labels or not split.carries_data(not trim_blanks):
            continue
        if split.is_rule_line and not fit(split.data, len(CODES), trim_blanks)[1]:
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
        table.findings.append(cell_count_finding("四", "", SECTION, len(CODES), tuple(cells)))
    for position, code in enumerate(CODES):
        printed = cells[position] if position < len(cells) else ""
        where = wheres[position] if position < len(wheres) else wheres[-1]
        table.values.append(make_value(SECTION, code, "", printed, fits, "", where))
    return table
