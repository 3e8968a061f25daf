"""Table 二: proactive disclosure, blocks of rows (规章, 行政许可 …) under column headers."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao import codebook
from nianbao.document import Row
from nianbao.model import Finding, Value
from nianbao.parse.applications import make_value
from nianbao.parse.labels import (
    DEFAULT_COLUMNS,
    FORMAT_2019_COLUMNS,
    FORMAT_2021_COLUMNS,
    disclosure_columns,
    disclosure_prefix,
    is_table_caption,
)
from nianbao.parse.rows import fit, is_page_furniture, split_row

SECTION = "disclosure"
KNOWN_LAYOUTS = {frozenset(columns) for layout in DEFAULT_COLUMNS.values() for columns in layout.values()}


@dataclass
class DisclosureTable:
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    format: str = ""  # "2019" or "2021" when the column headers tell, else ""
    found: bool = False


def detect_format(rows: list[Row]) -> str:
    """The format table 二's column headers belong to, "" when they say nothing."""
    named = {suffix for row in rows for suffix in disclosure_columns(" ".join(row.cells))}
    if named & FORMAT_2021_COLUMNS:
        return "2021"
    if named & FORMAT_2019_COLUMNS:
        return "2019"
    return ""


def parse_disclosure(rows: list[Row], trim_blanks: bool, format_hint: str) -> DisclosureTable:
    """Read table 二 from the rows of section 二: each row label under the most recent column header."""
    table = DisclosureTable(format=detect_format(rows))
    layout = DEFAULT_COLUMNS[table.format or format_hint or "2021"]
    header: tuple[str, ...] = ()
    stray: list[str] = []
    seen: dict[str, tuple[str, ...]] = {}
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        label = "".join(split.labels)
        if is_table_caption(label):
            header = ()
            continue
        columns = disclosure_columns(label)
        prefix = disclosure_prefix(label)
        if columns and prefix is None:
            # Only a whole header counts: a header broken over two lines must not shift the numbers.
            header = columns if frozenset(columns) in KNOWN_LAYOUTS else ()
            continue
        if not split.carries_data(not trim_blanks):
            continue
        if prefix is None:
            stray.append(f"{' '.join(c for c in split.data if c.strip())} ({row.where})")
            continue
        suffixes = header if header and all(f"{prefix}.{s}" in codebook.items() for s in header) else layout.get(prefix)
        if not suffixes:
            table.findings.append(Finding(
                "structure", "warning", f"disclosure:{prefix}", f"a row of the {table.format or format_hint} format",
                " | ".join(row.cells), f"表二“{label}”行不属于本格式，未采用",
                f"Table 二 row {label!r} does not belong to this format; not used"))
            continue
        cells, fits = fit(split.data, len(suffixes), trim_blanks)
        if prefix in seen:
            same = seen[prefix] == cells
            table.findings.append(Finding(
                "structure", "warning" if same else "error", f"disclosure:{prefix}", "one row",
                f"{' | '.join(seen[prefix])}; {' | '.join(cells)} ({row.where})",
                f"表二“{label}”行重复出现" + ("（数值相同）" if same else "（数值不同，均不采用）"),
                f"Table 二 row {label!r} printed twice" + (" (same numbers)" if same else " (different numbers; neither used)")))
            if not same:
                for value in table.values:
                    if value.item.startswith(prefix + "."):
                        value.value, value.missing, value.flag = None, "ambiguous", "row printed twice with different numbers"
            continue
        seen[prefix] = cells
        if not fits:
            table.findings.append(Finding(
                "structure", "error", ", ".join(f"disclosure:{prefix}.{s}" for s in suffixes),
                f"{len(suffixes)} cells", f"{len(cells)} cells: {' | '.join(cells)}",
                f"表二“{label}”行有 {len(cells)} 个数值单元格，应为 {len(suffixes)} 个；无法确定各数值所属列，数值未采用",
                f"Table 二 row {label!r} has {len(cells)} cells for {len(suffixes)} columns; "
                "which number belongs to which column cannot be told, so none is used"))
        for position, suffix in enumerate(suffixes):
            printed = cells[position] if position < len(cells) else ""
            table.values.append(make_value(SECTION, f"{prefix}.{suffix}", "", printed, fits, "",
                                           f"{row.where}, column {position + 1}"))
    table.found = bool(table.values)
    if stray and table.found:
        table.findings.append(Finding(
            "structure", "warning", "disclosure", "every number in a row", "; ".join(stray),
            "表二中有不属于任何行的数字，未采用", "Table 二 has numbers printed outside any row; not used"))
    return table
