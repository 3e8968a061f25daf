"""Parse a read document into codebook values: find the sections, then read each table and the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao import codebook
from nianbao.document import Document, Row
from nianbao.model import Finding, Value
from nianbao.normalize import squeeze
from nianbao.parse.applications import ApplicationsTable, expected_codes, parse_applications
from nianbao.parse.by_template import read_by_template
from nianbao.parse.disclosure import missing_rows, parse_disclosure
from nianbao.parse.labels import DEFAULT_COLUMNS, find_title, is_table_caption, section_of_heading
from nianbao.parse.narrative import parse_narrative
from nianbao.parse.review import CODES as REVIEW_CODES, parse_review
from nianbao.parse.table import Table

SECTIONS = "一二三四五六"
TABLE_NAMES = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况", "四": "四、行政复议、行政诉讼情况"}
UNCERTAIN = {"ambiguous", "unreadable"}
ONE_ROW_VARIANT = "（六）其他处理 printed as one row"
THREE_ROW_VARIANT = "（六）其他处理 printed as three rows"


@dataclass
class Parsed:
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    format: str = ""
    format_variant: str = ""
    title_body: str = ""
    title_year: int | None = None
    tables_found: int = 0


def split_sections(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows by section numeral; rows before the first heading go to "".

    A heading for an earlier section than the current one is a repeated table caption and does not move back,
    unless every section since it is still empty: then the headings so far were a table of contents.
    """
    sections: dict[str, list[Row]] = {"": []}
    current = ""
    for row in rows:
        numeral = section_of_heading(" ".join(row.cells)) if len(row.cells) <= 2 else None
        if numeral:
            forward = not current or SECTIONS.index(numeral) >= SECTIONS.index(current)
            contents = not any(sections.get(n) for n in SECTIONS[SECTIONS.index(numeral):])
            if forward or contents:
                current = numeral
                sections.setdefault(current, [])
                continue
        sections[current].append(row)
    return sections


def read_title(document: Document) -> tuple[str, int | None]:
    """Body and year from the report's title: the file's own title, else its first lines of text."""
    candidates = [document.title] if document.title else []
    head = [squeeze(" ".join(row.cells)) for row in document.rows[:6] if not row.tabular]
    candidates.append("".join(head))
    for text in candidates:
        title = find_title(squeeze(text))
        if title:
            return title[0].removeprefix("正文"), title[1]
    return "", None


def certain_cells(table: Table) -> int:
    return sum(value.missing not in UNCERTAIN for value in table.values)


def table_cells(numeral: str, fmt: str, applications: ApplicationsTable) -> int:
    """How many cells the table has in this report's format: fewer placed means the row parse left it incomplete."""
    if numeral == "二":
        return sum(map(len, DEFAULT_COLUMNS[fmt or "2021"].values()))
    if numeral == "三":
        return len(expected_codes(bool(applications.other_as_one_row))) * len(codebook.applicants())
    return len(REVIEW_CODES)


def replaces(rows_read: Table, template_read: Table) -> bool:
    """The template reading is taken when the row parse found no such table (its findings then say why the cells
    cannot be placed), or when it places more cells and agrees with every cell the row parse placed."""
    if not rows_read.found:
        return True
    if certain_cells(template_read) <= certain_cells(rows_read):
        return False
    placed = {(v.item, v.applicant): (v.value, v.missing) for v in template_read.values if v.missing not in UNCERTAIN}
    return all(placed.get((v.item, v.applicant), (v.value, v.missing)) == (v.value, v.missing)
               for v in rows_read.values if v.missing not in UNCERTAIN)


def captioned(rows: list[Row]) -> list[Row]:
    """Without its heading, table 二 runs on under the previous section from its first 第二十条 caption (a
    heading, or a repeated caption such as 表二, may then come only after its first rows)."""
    start = next((i for i, row in enumerate(rows) if is_table_caption(" ".join(row.cells))), len(rows))
    return rows[start:]


def window(rows: list[Row], sections: dict[str, list[Row]], wanted: set[str]) -> slice:
    """The rows the template reader reads: from the heading of the first wanted table to the next section's
    heading, when every wanted table's section heading was found (a speed-up only: the reader finds the tables
    by their labels), else the whole document."""
    if not all(sections.get(numeral) for numeral in wanted):
        return slice(0, len(rows))
    first, last = min(wanted, key=SECTIONS.index), max(wanted, key=SECTIONS.index)
    after = next((sections[n][0] for n in SECTIONS[SECTIONS.index(last) + 1:] if sections.get(n)), None)
    marks = {id(sections[first][0]): "start", id(after): "end"}
    found = {marks[id(row)]: i for i, row in enumerate(rows) if id(row) in marks}
    return slice(max(0, found["start"] - 1), found.get("end", len(rows) + 1) - 1)


def parse_document(document: Document, format_hint: str = "") -> Parsed:
    """Every value of tables 二, 三 and 四 and the narrative figures, with the structural findings."""
    parsed = Parsed()
    parsed.title_body, parsed.title_year = read_title(document)
    sections = split_sections(document.rows)
    trim = document.kind != "html"
    everything = document.rows

    disclosure = parse_disclosure(captioned(sections[""] + sections.get("一", [])) + sections.get("二", []),
                                  trim, format_hint)
    # Without its heading, table 三 runs on under the previous section.
    applications_rows = sections["三"] if "三" in sections else sections[""] + sections.get("二", [])
    fmt = disclosure.format or format_hint
    applications = parse_applications(applications_rows, trim, other_hint=fmt == "2019" if fmt else None)
    review = parse_review(sections.get("四", []), trim)
    tables = {"二": disclosure, "三": applications, "四": review}
    wanted = {numeral for numeral, table in tables.items() if certain_cells(table) < table_cells(numeral, fmt, applications)}
    if wanted:
        by_template = read_by_template(document.rows[window(document.rows, sections, wanted)], fmt, wanted)
        for numeral, better in by_template.tables.items():
            if replaces(tables[numeral], better):
                tables[numeral] = better
                fmt = fmt or (by_template.format if numeral == "二" else "")
                if numeral == "三":
                    applications.other_as_one_row = by_template.other_as_one_row
                    applications.values, applications.findings, applications.found = better.values, better.findings, True
        disclosure, review = tables["二"], tables["四"]
    narrative = parse_narrative(sections.get("", []) + sections.get("一", []), sections.get("四", []), everything)

    parsed.format = fmt or ("2019" if applications.other_as_one_row else "2021" if applications.found else "")
    if parsed.format == "2021" and applications.other_as_one_row:
        parsed.format_variant = ONE_ROW_VARIANT
    elif parsed.format == "2019" and applications.other_as_one_row is False:
        parsed.format_variant = THREE_ROW_VARIANT
    if disclosure.found:
        disclosure.findings += missing_rows(disclosure, parsed.format)
    for part in (disclosure, applications, review):
        parsed.values += part.values
        parsed.findings += part.findings
    parsed.values += narrative
    for numeral, part in (("二", disclosure), ("三", applications), ("四", review)):
        if part.found:
            parsed.tables_found += 1
        else:
            parsed.findings.append(Finding(
                "structure", "error", f"table {numeral}", "table present", "missing",
                f"未找到表格 {TABLE_NAMES[numeral]}", f"Table {numeral} ({TABLE_NAMES[numeral]}) not found"))
    return parsed
