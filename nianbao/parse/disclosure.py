"""Table 二: proactive disclosure, blocks of rows (规章, 行政许可 …) under column headers."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao import codebook
from nianbao.document import Row
from nianbao.model import Finding
from nianbao.parse.labels import (
    DEFAULT_COLUMNS,
    FORMAT_2019_COLUMNS,
    FORMAT_2021_COLUMNS,
    disclosure_columns,
    disclosure_prefix,
    is_table_caption,
)
from nianbao.parse.rows import fit, is_page_furniture, split_row
from nianbao.parse.table import Table, cell_count_finding, duplicate_row_finding, make_value

SECTION = "disclosure"
KNOWN_LAYOUTS = {frozenset(columns) for layout in DEFAULT_COLUMNS.values() for columns in layout.values()}


@dataclass
class DisclosureTable(Table):
    format: str = ""  # "2019" or "2021" when the column headers tell, else ""


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
    seen: dict[str, tuple[tuple[str, ...], str]] = {}
    for row in rows:
        if is_page_furniture(row):
            continue
        split = split_row(row)
        if split.is_rule_line:  # an unlabelled row is never a row of table 二
            continue
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
            table.findings.append(duplicate_row_finding("二", label, f"disclosure:{prefix}", seen[prefix],
                                                        (cells, row.where)))
            if seen[prefix][0] != cells:
                for value in table.values:
                    if value.item.startswith(prefix + "."):
                        value.value, value.missing, value.flag = None, "ambiguous", "row printed twice with different numbers"
            continue
        seen[prefix] = (cells, row.where)
        if not fits:
            table.findings.append(cell_count_finding(
                "二", label, ", ".join(f"disclosure:{prefix}.{s}" for s in suffixes), len(suffixes), cells))
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


def expected_rows(fmt: str) -> list[str]:
    """The rows (item prefixes) table 二 prints in a format, from the codebook; those of both when it is unknown."""
    def rows(formats: set[str]) -> list[str]:
        prefixes = [item.code.split(".")[0] for item in codebook.items().values()
                    if item.section == SECTION and formats <= set(item.formats)]
        return list(dict.fromkeys(prefixes))

    return rows({fmt}) if fmt else [row for row in rows({"2019"}) if row in rows({"2021"})]


def missing_rows(table: DisclosureTable, fmt: str) -> list[Finding]:
    """A structure finding for every row of the format that the table lacks (a converter may leave one out)."""
    present = {value.item.split(".")[0] for value in table.values}
    findings = []
    for prefix in expected_rows(fmt):
        if prefix not in present:
            label = next(i.label_zh for i in codebook.items().values() if i.code.startswith(prefix + ".")).split(" ")[0]
            findings.append(Finding(
                "structure", "error", f"disclosure:{prefix}", "row present", "missing",
                f"表二缺少“{label}”行", f"Table 二 has no row for {prefix}"))
    return findings
