"""What every table parser produces: values for printed cells, and the structural findings they share."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao import codebook
from nianbao.cells import cell_flags, parse_cell
from nianbao.model import Finding, Value


@dataclass
class Table:
    """One of tables 二, 三, 四 as read: its values, its structural findings, and whether it was found at all."""

    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    found: bool = False


_ITEMS = codebook.items()


def make_value(section: str, item: str, applicant: str, printed: str, certain: bool, flag: str, source: str) -> Value:
    """A Value for a printed cell; an uncertain cell keeps its text but no number."""
    known = _ITEMS[item]
    if not certain:
        return Value(section, item, applicant, printed.strip(), None, known.unit, "ambiguous",
                     flag or "row does not fit the table's columns", source)
    cell = parse_cell(printed)
    if cell is None:
        return Value(section, item, applicant, printed.strip(), None, known.unit, "unreadable",
                     "text where a number belongs", source)
    notes = [flag] if flag else []
    if cell.problem or cell.footnote or cell.note:
        notes += cell_flags(cell)
    number = cell.value
    if number is not None and known.kind == "count" and (number < 0 or number != int(number)):
        if number != int(number):
            notes.append("a count printed with a fraction")
        if number < 0:
            notes.append("a negative count")
    return Value(section, item, applicant, cell.printed, number, cell.unit or known.unit, cell.missing,
                 "; ".join(notes), source)


def cell_count_finding(numeral: str, row_name: str, cells_ref: str, columns: int, cells: tuple[str, ...]) -> Finding:
    """A row whose cells do not fit the table's columns: nothing in it is used."""
    row_zh = f"“{row_name}”行" if row_name else "数据行"
    row_en = f"row {row_name!r}" if row_name else "data row"
    return Finding(
        "structure", "error", cells_ref, f"{columns} cells", f"{len(cells)} cells: {' | '.join(cells)}",
        f"表{numeral}{row_zh}有 {len(cells)} 个单元格，应为 {columns} 个；无法确定各数值所属列，数值未采用",
        f"Table {numeral} {row_en} has {len(cells)} cells for {columns} columns; which number belongs to which "
        "column cannot be told, so none is used")


def duplicate_row_finding(numeral: str, row_name: str, cells_ref: str, first: tuple[tuple[str, ...], str],
                          second: tuple[tuple[str, ...], str]) -> Finding:
    """A row printed twice: a warning when the numbers agree; an error, and neither used, when they differ."""
    same = first[0] == second[0]
    return Finding(
        "structure", "warning" if same else "error", cells_ref, "one row",
        f"{first[1]}: {' | '.join(first[0])}; {second[1]}: {' | '.join(second[0])}",
        f"表{numeral}“{row_name}”行重复出现" + ("（数值相同）" if same else "（数值不同，均不采用）"),
        f"Table {numeral} row {row_name!r} printed twice" + (" (same numbers)" if same else " (different numbers; neither used)"))
