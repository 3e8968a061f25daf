"""Table 三: requests received and how they were handled, one row per outcome, seven applicant columns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nianbao import codebook
from nianbao.document import Row
from nianbao.model import Finding
from nianbao.normalize import label_key
from nianbao.parse.labels import applicant_of_header, application_code, group_of
from nianbao.parse.rows import SplitRow, fit, is_page_furniture, split_row
from nianbao.parse.table import Table, cell_count_finding, duplicate_row_finding, make_value

SECTION = "applications"
COLUMNS = list(codebook.applicants())
OTHER_ROWS = codebook.aligned_rows("other")
MIN_LABELLED_ROWS = 3  # fewer labelled rows of numbers than this is not table 三 but a stray line


def expected_codes(other_as_one_row: bool) -> list[str]:
    """Table-三 codes in printed order, with （六） as one row or as three."""
    codes = [item.code for item in codebook.items().values() if item.section == SECTION]
    drop = set(OTHER_ROWS) if other_as_one_row else {"other"}
    return [code for code in codes if code not in drop]


@dataclass
class _Line:
    code: str | None
    cells: tuple[str, ...]
    fits: bool
    row: Row
    flag: str = ""


@dataclass
class ApplicationsTable(Table):
    other_as_one_row: bool | None = None  # None when the table has no （六） rows at all


OUTCOMES_LABEL = "本年度办理结果"
SUBTOTAL_WORDS = ("小计", "合计")
_HEADER_WORDS = ("自然人", "申请人情况", "法人或其他组织", "勾稽关系", "商业企业", "科研机构", "法律服务")


def _row_code(split: SplitRow, group: str | None) -> tuple[str | None, str | None, str]:
    """The code the row's labels name (the last label that names one), the group context after it, and a flag."""
    code, flag = None, ""
    for label in split.labels:
        group = group_of(label_key(label)) or group
        candidate, how = application_code(label, group)
        if candidate is not None:
            code, flag = candidate, how
    return code, group, flag


@lru_cache(maxsize=1 << 12)
def _names_columns(labels: tuple[str, ...]) -> bool:
    """True for the labels of a header row (自然人, 法人或其他组织 …)."""
    key = label_key("".join(labels))
    return any(word in key for word in _HEADER_WORDS)


def _is_subtotal(label: str) -> bool:
    key = label_key(label)
    return group_of(key) is not None or key.endswith(OUTCOMES_LABEL) or key.endswith(SUBTOTAL_WORDS)


def column_order(headers: list[Row]) -> list[str] | None:
    """The applicant columns in printed order, read from the header rows; None when they do not say.

    The five kinds of organisation usually share one header row, under 法人或其他组织: their order is read
    from it. 自然人 and 总计 stand before and after them unless a row that holds all seven says otherwise.
    """
    organisations = COLUMNS[1:-1]
    for row in headers:
        named = [applicant_of_header(cell) for cell in row.cells]
        printed = [code for code in named if code is not None]
        if sorted(printed) == sorted(COLUMNS):
            return printed
        if sorted(printed) == sorted(organisations):
            return [COLUMNS[0], *printed, COLUMNS[-1]]
    return None


def parse_applications(rows: list[Row], trim_blanks: bool, other_hint: bool | None) -> ApplicationsTable:
    """Read table 三 from the rows of section 三.

    Rows are matched by their labels. A row of numbers whose label was printed apart from it (converters put
    such labels above or below the numbers, so the label cannot say which row it belongs to) is placed only
    when the labelled rows before and after it leave exactly as many places in the fixed row order as there
    are unlabelled rows between them; otherwise it is reported and its numbers are not used.
    """
    table = ApplicationsTable()
    headers: list[Row] = []
    lines: list[_Line] = []
    group: str | None = None
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        if split.is_rule_line and not fit(split.data, len(COLUMNS), trim_blanks)[1]:
            continue
        if _names_columns(split.labels):
            if row.tabular and not split.has_numbers:
                headers.append(row)
            continue
        code, group, flag = _row_code(split, group)
        if code is None and split.labels and _is_subtotal(split.labels[-1]) and split.carries_data(not trim_blanks):
            continue  # a subtotal row printed for a group, or for all outcomes: no code of its own
        blank_row = code is not None and row.tabular and len(split.data) >= len(COLUMNS)  # a row of printed blanks
        if not (split.carries_data(not trim_blanks) or blank_row):
            continue  # a label printed apart from its numbers: above or below them, so it decides nothing
        if code is None and not row.tabular and len(split.data) < 2:
            continue  # a stray number in running text
        cells, fits = fit(split.data, len(COLUMNS), trim_blanks)
        lines.append(_Line(code, cells, fits, row, flag))
    if sum(line.code is not None for line in lines) < MIN_LABELLED_ROWS:
        return table
    table.found = True
    codes_seen = {line.code for line in lines}
    if codes_seen & set(OTHER_ROWS):
        table.other_as_one_row = False
    elif "other" in codes_seen:
        table.other_as_one_row = True
    one_row = table.other_as_one_row if table.other_as_one_row is not None else bool(other_hint)
    order = expected_codes(one_row)
    for line in lines:
        if line.code not in order and line.code != "other":
            line.code = None
    _place_unlabelled(lines, order)
    columns = column_order(headers) or COLUMNS
    if columns != COLUMNS:
        table.findings.append(Finding(
            "structure", "warning", "applications:columns", " | ".join(COLUMNS), " | ".join(columns),
            "表三申请人各列的顺序与规定格式不同，已按表头读取",
            "Table 三 prints its applicant columns in a non-standard order; they were read by their headers"))
    _emit(table, lines, order, columns)
    return table


def _place_unlabelled(lines: list[_Line], order: list[str]) -> None:
    """Give unlabelled rows the codes left free between the labelled rows around them, when that is certain.

    One pass: the row before a run is the last one with a code (labelled, or placed by an earlier run), the row
    after it the next labelled one; a run only looks at the codes between them, so this is linear in the rows.
    """
    position = {code: index for index, code in enumerate(order)}
    following = [len(order)] * (len(lines) + 1)  # order index of the next labelled row at or after each line
    for index in range(len(lines) - 1, -1, -1):
        following[index] = position.get(lines[index].code, following[index + 1])
    taken = {line.code for line in lines}
    before, index = -1, 0
    while index < len(lines):
        if lines[index].code is not None:
            before = position.get(lines[index].code, before)
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].code is None:
            end += 1
        after = following[end]
        free = [code for code in order[before + 1: after] if code not in taken]
        if len(free) == end - index:
            names = (order[before] if before >= 0 else "the start", order[after] if after < len(order) else "the end")
            for line, code in zip(lines[index:end], free):
                line.code = code
                line.flag = f"unlabelled row placed by row order between {names[0]} and {names[1]}"
            taken.update(free)
            before = position[free[-1]]
        index = end


def _emit(table: ApplicationsTable, lines: list[_Line], order: list[str], columns: list[str]) -> None:
    by_code: dict[str, _Line] = {}
    for line in lines:
        if line.code is None:
            table.findings.append(Finding(
                "structure", "error", f"applications ({line.row.where})", "a labelled row of table 三",
                " | ".join(line.cells),
                f"表三中有一行无法确定对应项目，数值未采用（{line.row.where}）",
                f"Table 三 row at {line.row.where} could not be matched to an item; its numbers are not used"))
            continue
        if line.code in by_code:
            first = by_code[line.code]
            same = first.cells == line.cells
            table.findings.append(duplicate_row_finding(
                "三", codebook.items()[line.code].label_zh, f"applications:{line.code}",
                (first.cells, first.row.where), (line.cells, line.row.where)))
            if not same:
                first.fits, first.flag = False, "row printed twice with different numbers"
            continue
        by_code[line.code] = line
    if "other" in by_code and set(OTHER_ROWS) & set(by_code):
        del by_code["other"]  # a （六） subtotal printed above its three rows
    for code in order:
        line = by_code.get(code)
        if line is None:
            table.findings.append(Finding(
                "structure", "error", f"applications:{code}", "row present", "missing",
                f"表三缺少“{codebook.items()[code].label_zh}”行", f"Table 三 has no row for {code}"))
            continue
        if not line.fits and len(line.cells) != len(COLUMNS):
            table.findings.append(cell_count_finding(
                "三", codebook.items()[code].label_zh, f"applications:{code}", len(COLUMNS), line.cells))
        for position, applicant in enumerate(columns):
            printed = line.cells[position] if position < len(line.cells) else ""
            table.values.append(make_value(SECTION, code, applicant, printed, line.fits, line.flag,
                                           f"{line.row.where}, column {position + 1}"))
