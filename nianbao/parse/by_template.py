"""Tables 二, 三 and 四 read by aligning their templates against the token stream of any text."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.document import Row
from nianbao.parse.applications import expected_codes
from nianbao.parse.arrange import place
from nianbao.parse.labels import (
    FORMAT_2019_COLUMNS,
    FORMAT_2021_COLUMNS,
    application_code,
    disclosure_columns,
    disclosure_prefix,
)
from nianbao.parse.stream import Token, find_tables, table_labels, tokenize
from nianbao.parse.table import Table
from nianbao.parse.template import application_rows, disclosure_rows, review_rows

THREE_ROW_CODES = {"other.no_correction", "other.unpaid_fee"}  # rows printed only when （六） has three rows


def _application_row(text: str) -> str | None:
    return application_code(text, None)[0]


def _no_row(text: str) -> None:
    """Table 四 is one row: its labels are column headers."""
    return None


def _filled(tokens: list[Token], span: tuple[int, int], cells: int) -> tuple[int, int]:
    """Table 四 ends where its one row is complete: at label text after its cells, not at the next heading,
    since running text after it ("2024 年") has numbers of its own."""
    count = 0
    for index in range(*span):
        if tokens[index].number:
            count += 1
        elif count >= cells:
            return span[0], index
    return span


@dataclass
class TemplateTables:
    tables: dict[str, Table] = field(default_factory=dict)  # by numeral, only the tables whose labels were found
    format: str = ""  # from table 二's column headers, "" when they do not say
    other_as_one_row: bool | None = None


def read_by_template(rows: list[Row], format_hint: str, wanted: set[str]) -> TemplateTables:
    """The ``wanted`` tables whose labels the text holds, their cells placed by the template in reading order."""
    tokens = tokenize(rows)
    spans = find_tables(tokens)
    result = TemplateTables()
    if "二" in spans and "二" in wanted:
        named = {suffix for key in table_labels(tokens, spans["二"]) for suffix in disclosure_columns(key)}
        result.format = "2021" if named & FORMAT_2021_COLUMNS else "2019" if named & FORMAT_2019_COLUMNS else ""
        template = disclosure_rows(result.format or format_hint or "2021")
        result.tables["二"] = place("disclosure", "二", template, tokens[slice(*spans["二"])], disclosure_prefix)
    if "三" in spans and "三" in wanted:
        codes = {application_code(key, None)[0] for key in table_labels(tokens, spans["三"])}
        result.other_as_one_row = not codes & THREE_ROW_CODES
        template = application_rows(expected_codes(result.other_as_one_row))
        result.tables["三"] = place("applications", "三", template, tokens[slice(*spans["三"])], _application_row)
    if "四" in spans and "四" in wanted:
        template = review_rows()
        span = _filled(tokens, spans["四"], sum(row.width for row in template))
        result.tables["四"] = place("review_litigation", "四", template, tokens[slice(*span)], _no_row)
    return result
