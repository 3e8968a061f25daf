"""Any text as a stream of tokens (label fragments and printed cells), and where tables 二, 三, 四 lie in it.

Converters break a report's fixed tables in every way: one cell per line, one positioned paragraph per cell,
the whole report on one line with no separator at all. What survives every one of them is the reading order
of labels and numbers, so the tables are found by their labels, not by section numerals or line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.cells import is_data
from nianbao.document import Row
from nianbao.normalize import label_key, nfkc
from nianbao.parse.labels import (
    SECTION_HEADINGS,
    application_code,
    disclosure_columns,
    disclosure_prefix,
    is_table_caption,
)
from nianbao.parse.rows import is_page_furniture

_DIGITS = re.compile(r"[+-]?\d+(?:\.\d+)?")  # a sign glued between digits opens the next cell (本年增/减)
_NUMBERING = ".．、"  # "1.属于国家秘密": a digit before these and a word is an item number, not a cell
SHORT_LABEL = 16  # a row label printed on its own is short; a sentence that names 规章 is not a row
SENTENCE = 30  # text this long after table 四's numbers is running text again


@dataclass(frozen=True)
class Token:
    text: str  # as printed (NFKC where digits had to be cut out of text)
    number: bool  # a printed cell: a number or a no-number mark
    line: int  # index of the document row it came from
    paragraph: int
    where: str
    glued: bool = False  # digits printed against a label with no separator


def _cut(chunk: str, row: Row, index: int) -> list[Token]:
    """A chunk of text with digits in it: the digit runs are cells, the rest label text."""
    text = nfkc(chunk)
    tokens: list[Token] = []
    start = 0
    for match in _DIGITS.finditer(text):
        digits, end = match.group(), match.end()
        if end < len(text) - 1 and text[end] in _NUMBERING and not text[end + 1].isdigit() and "." not in digits:
            digits, end = digits[:-1], end - 1  # the last digit numbers the label that follows
        if not digits:
            continue
        if match.start() > start:
            tokens.append(Token(text[start: match.start()], False, index, row.paragraph, row.where))
        tokens.append(Token(digits, True, index, row.paragraph, row.where, glued=True))
        start = match.start() + len(digits)
    if start < len(text):
        tokens.append(Token(text[start:], False, index, row.paragraph, row.where))
    return tokens


def tokenize(rows: list[Row]) -> list[Token]:
    """Every row's cells split on whitespace into printed cells and label fragments; page furniture is a break."""
    tokens: list[Token] = []
    for index, row in enumerate(rows):
        if is_page_furniture(row) and not (len(row.cells) == 1 and row.cells[0].strip().isdigit()):
            # a bare number on its own line is a cell in one-cell-per-line text; page numbers wear dashes
            tokens.append(Token("", False, index, row.paragraph, row.where))
            continue
        for cell in row.cells:
            for chunk in cell.split():
                if is_data(chunk):
                    tokens.append(Token(chunk, True, index, row.paragraph, row.where))
                elif any(ch.isdigit() for ch in chunk):
                    tokens += _cut(chunk, row, index)
                else:
                    tokens.append(Token(chunk, False, index, row.paragraph, row.where))
    return tokens


def _captions_disclosure(key: str) -> bool:
    return is_table_caption(key) or "第二十条第" in key


def _opens_disclosure(key: str) -> bool:
    """Without a 第二十条 caption, table 二 opens at its first header or row label printed on its own."""
    return len(key) <= SHORT_LABEL and (bool(disclosure_columns(key)) or disclosure_prefix(key) is not None)


def _opens_applications(key: str) -> bool:
    return all(word in key for word in SECTION_HEADINGS["三"]) or application_code(key, None)[0] == "received"


def _opens_review(key: str) -> bool:
    return all(word in key for word in SECTION_HEADINGS["四"])


def _closes_review(key: str) -> bool:
    return (len(key) > SENTENCE or all(word in key for word in SECTION_HEADINGS["五"])
            or all(word in key for word in SECTION_HEADINGS["六"]))


def find_tables(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """Token ranges of tables 二, 三 and 四, found by their labels in reading order; absent tables are left out."""
    keys = [label_key(t.text) if not t.number else "" for t in tokens]
    starts: dict[str, int] = {}
    captioned = any(key and _captions_disclosure(key) for key in keys)
    order = (("二", _captions_disclosure if captioned else _opens_disclosure), ("三", _opens_applications),
             ("四", _opens_review))
    after = 0
    for numeral, opens in order:
        found = next((i for i in range(after, len(tokens)) if keys[i] and opens(keys[i])), None)
        if found is not None:
            starts[numeral] = found
            after = found + 1
    ranges: dict[str, tuple[int, int]] = {}
    numerals = list(starts)
    for position, numeral in enumerate(numerals):
        end = starts[numerals[position + 1]] if position + 1 < len(numerals) else len(tokens)
        if numeral == "四":
            seen_number = False
            for i in range(starts[numeral] + 1, end):
                seen_number = seen_number or tokens[i].number
                if seen_number and keys[i] and _closes_review(keys[i]):
                    end = i
                    break
        ranges[numeral] = (starts[numeral], end)
    return ranges


def table_labels(tokens: list[Token], span: tuple[int, int]) -> list[str]:
    """The label keys of a table's text tokens, in order."""
    return [label_key(t.text) for t in tokens[span[0]: span[1]] if not t.number and t.text]
