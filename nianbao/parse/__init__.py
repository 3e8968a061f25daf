"""Parse a read document into codebook values: find the sections, then read each table and the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.document import Document, Row
from nianbao.model import Finding, Value
from nianbao.normalize import squeeze
from nianbao.parse.applications import parse_applications
from nianbao.parse.disclosure import missing_rows, parse_disclosure
from nianbao.parse.labels import find_title, section_of_heading
from nianbao.parse.narrative import parse_narrative
from nianbao.parse.review import parse_review

SECTIONS = "一二三四五六"
TABLE_NAMES = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况", "四": "四、行政复议、行政诉讼情况"}
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


def parse_document(document: Document, format_hint: str = "") -> Parsed:
    """Every value of tables 二, 三 and 四 and the narrative figures, with the structural findings."""
    parsed = Parsed()
    parsed.title_body, parsed.title_year = read_title(document)
    sections = split_sections(document.rows)
    trim = document.kind != "html"
    everything = document.rows

    disclosure = parse_disclosure(sections.get("二", []), trim, format_hint)
    # Without its heading, table 三 runs on under the previous section.
    applications_rows = sections["三"] if "三" in sections else sections[""] + sections.get("二", [])
    fmt = disclosure.format or format_hint
    applications = parse_applications(applications_rows, trim, other_hint=fmt == "2019" if fmt else None)
    review = parse_review(sections.get("四", []), trim)
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
