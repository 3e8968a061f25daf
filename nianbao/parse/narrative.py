"""Figures the report states in its text (收到申请 N 件, 办结率, 行政复议 N 件, 信息处理费 N 元)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao import codebook
from nianbao.cells import cell_flags, parse_cell
from nianbao.document import Row
from nianbao.model import Value
from nianbao.normalize import NEUTRAL_MARK, UNKNOWN_CHARACTER, neutral_marks, squeeze

SECTION = "narrative"
# A number starts only where a run of digits starts, and its digits are taken possessively (*+): a pattern that
# may start at any digit and backtrack through the run is quadratic on a long line of digits.
# Nor against a character the file does not identify (U+FFFD): it may be a digit of the same number.
_UNKNOWN = re.escape(UNKNOWN_CHARACTER)
_N = rf"(?<![\d{_UNKNOWN}])(?<![\d{_UNKNOWN}][,.])(\d[\d,]*+(?:\.\d++)?)(?![\d,.]*{_UNKNOWN})"
# A footnote mark between the number and its unit (5309①件); marks are written as ※ before the text is normalised.
_MARK = rf"(?P<mark>{NEUTRAL_MARK}{{0,4}})"
# Patterns over the report's running text with whitespace removed; the first match of each counts. Every gap is
# bounded ({0,16}), so each start costs a bounded amount of work besides its number.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("narrative.received", re.compile(r"(?:收到|受理|收办|接收|新收)[^。；;\d]{0,24}?申请[件数量为共计]{0,4}" + _N + _MARK + r"件")),
    ("narrative.received", re.compile(r"(?:收到|受理|收办|接收|新收)[^。；;\d]{0,4}?" + _N + _MARK + r"件[^。；;\d]{0,8}?申请")),
    ("narrative.carried_forward", re.compile(r"(?<!上)(?<!上年度)结转(?:至|到)?下一?年度?[^。；;\d]{0,8}?" + _N + _MARK + r"件")),
    ("narrative.carried_forward", re.compile(r"(?<!上)结转(?:至|到)\d{4}年度?" + _N + _MARK + r"件")),
    ("narrative.carried_forward", re.compile(_N + _MARK + r"件(?:申请)?[^。；;\d]{0,20}?(?:顺延|结转)(?:到|至)?下一?年度")),
    ("narrative.completion_rate", re.compile(r"办结率[^。；;\d]{0,6}?" + _N + _MARK + r"%")),
    ("narrative.review_cases", re.compile(r"行政复议[^。；;\d]{0,6}?" + _N + _MARK + r"[件起]")),
    ("narrative.litigation_cases", re.compile(r"诉讼[^。；;\d]{0,6}?" + _N + _MARK + r"[件起]")),
]
_REVIEW_AND_LITIGATION = re.compile(r"行政复议(?:和|及|、|与)行政诉讼[^。；;\d]{0,6}?" + _N + _MARK + r"[件起]")
_FEE = re.compile(r"收取[^。；;\d]{0,24}?处理费(?:用)?(?:共计|合计|共|为)?" + _N + _MARK + r"元")
_NO_FEE = re.compile(r"(?:未|没有|不|无)收取[^。；;\d]{0,24}?(?:处理费|费用)")
# A rate counts only in a sentence about information requests: Pingtan 2020 states the 办结率 of citizens' appeals
# to a television programme (群众诉求 … 办结率100%) in the same section.
_SENTENCE_WORD = {"narrative.completion_rate": "申请"}
SENTENCE_WINDOW = 200  # characters looked at on each side of a figure for its sentence


@dataclass
class _Text:
    text: str
    starts: list[int]
    wheres: list[str]

    def where(self, offset: int) -> str:
        return self.wheres[max(0, bisect.bisect_right(self.starts, offset) - 1)]


def _join(rows: list[Row]) -> _Text:
    parts, starts, wheres, length = [], [], [], 0
    for row in rows:
        if row.tabular:
            continue
        part = _running_text(row.cells)
        parts.append(part)
        starts.append(length)
        wheres.append(row.where)
        length += len(part)
    return _Text("".join(parts), starts, wheres)


@lru_cache(maxsize=1 << 14)  # headings and stock sentences repeat from report to report
def _running_text(cells: tuple[str, ...]) -> str:
    return squeeze(neutral_marks(" ".join(cells)))


def _value(item: str, match: re.Match[str], where: str, number: str = "") -> Value:
    """The figure a pattern found, read as a cell is (a number too long to keep exactly is unreadable)."""
    unit = codebook.items()[item].unit
    cell = parse_cell(number or match[1])
    if cell is None:
        return Value(SECTION, item, "", match[0], None, unit, "unreadable", "text where a number belongs", where)
    mark = match.groupdict().get("mark")
    flags = cell_flags(cell) + (["footnote: a mark printed after the number"] if mark else [])
    return Value(SECTION, item, "", match[0], cell.value, unit, cell.missing, "; ".join(flags), where)


def _is_zero(number: str) -> bool:
    cell = parse_cell(number)
    return cell is not None and cell.value == 0


def _counts(rows: list[Row], wanted: set[str]) -> list[Value]:
    """The figures of ``wanted`` that the running text of ``rows`` states, the first statement of each."""
    values: list[Value] = []
    text = _join(rows)
    combined = _REVIEW_AND_LITIGATION.search(text.text)
    # "行政复议和行政诉讼 0 件" states both counts at once; the single patterns must not read half of it.
    searched = text.text if combined is None else text.text.replace(combined[0], "。" * len(combined[0]))
    for item, pattern in PATTERNS:
        if item not in wanted or item in {value.item for value in values}:
            continue
        match = next((m for m in pattern.finditer(searched) if _in_sentence_about(searched, m, _SENTENCE_WORD.get(item))),
                     None)
        if match:
            values.append(_value(item, match, text.where(match.start())))
        elif combined and item in ("narrative.review_cases", "narrative.litigation_cases") and _is_zero(combined[1]):
            values.append(_value(item, combined, text.where(combined.start())))
    return values


def _in_sentence_about(text: str, match: re.Match[str], word: str | None) -> bool:
    """True when the sentence (up to its 。) that holds ``match`` contains ``word``, or when no word is asked for."""
    if word is None:
        return True
    low, high = max(0, match.start() - SENTENCE_WINDOW), match.end() + SENTENCE_WINDOW  # bounded: linear on any text
    start = text.rfind("。", low, match.start()) + 1 or low
    end = text.find("。", match.end(), high)
    return word in text[start:end if end >= 0 else high]


def parse_narrative(overview: list[Row], fallback: list[Row], whole: list[Row]) -> list[Value]:
    """Narrative figures from section 一 (requests, review, litigation), then from ``fallback`` (the text of
    section 四) for those section 一 does not state, and the fee from the whole text."""
    wanted = {item for item, _ in PATTERNS}
    values = _counts(overview, wanted)
    values += _counts(fallback, wanted - {value.item for value in values})
    everything = _join(whole)
    fee = _FEE.search(everything.text)
    no_fee = _NO_FEE.search(everything.text)
    if fee:
        values.append(_value("narrative.processing_fee", fee, everything.where(fee.start())))
    elif no_fee:
        values.append(_value("narrative.processing_fee", no_fee, everything.where(no_fee.start()), number="0"))
    order = [item for item, _ in PATTERNS] + ["narrative.processing_fee"]
    return sorted(values, key=lambda value: order.index(value.item))
