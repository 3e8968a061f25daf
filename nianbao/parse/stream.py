"""Any text as a stream of tokens (label fragments and printed cells), and where tables 二, 三, 四 lie in it.

Converters break a report's fixed tables in every way: one cell per line, one positioned paragraph per cell,
the whole report on one line with no separator at all. What survives every one of them is the reading order
of labels and numbers, so the tables are found by their labels, not by section numerals or line breaks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from nianbao.cells import is_data
from nianbao.document import Row
from nianbao.normalize import UNKNOWN_CHARACTER, label_key, nfkc
from nianbao.parse.labels import (
    SECTION_HEADINGS,
    TABLE_CAPTION,
    application_code,
    disclosure_columns,
    disclosure_prefix,
)
from nianbao.parse.rows import is_page_furniture

# A sign glued between digits opens the next cell (本年增/减); a character the file does not identify (U+FFFD)
# next to digits may be one of them, so it stays in their piece, which then reads as an unreadable cell.
_UNKNOWN = re.escape(UNKNOWN_CHARACTER)
_DIGITS = re.compile(rf"[+-]?(?:\d|{_UNKNOWN}(?=[\d,.]*\d)|(?<=\d){_UNKNOWN})+(?:\.[\d{_UNKNOWN}]+)?")
_HAS_DIGIT = re.compile(r"\d")
_NOTE_LINE = re.compile(r"^[（(][^（()）]*[)）]$")
_NUMBERING = ".．、"  # "1.属于国家秘密": a digit before these and a word is an item number, not a cell
PAGE_NUMBER_LENGTH = 12  # "- 12 -", "第3页共5页"
SHORT_LABEL = 16  # a row label printed on its own is short; a sentence that names 规章 is not a row
SENTENCE = 30  # text this long after table 四's numbers is running text again


class Token(NamedTuple):  # a tuple: a report's text makes thousands of them
    text: str  # as printed (NFKC where digits had to be cut out of text)
    number: bool  # a printed cell: a number or a no-number mark
    line: int  # index of the document row it came from
    paragraph: int
    where: str
    glued: bool = False  # digits printed against a label with no separator
    role: int = 0  # which table boundaries this label fragment can mark (the ROLE_ bits)


ROLE_CAPTION, ROLE_DISCLOSURE, ROLE_APPLICATIONS, ROLE_REVIEW, ROLE_END = 1, 2, 4, 8, 16


@lru_cache(maxsize=1 << 16)
def _pieces(chunk: str) -> tuple[tuple[str, bool, bool], ...]:
    """A whitespace-free chunk as (text, is a cell, glued) pieces: a printed cell, a label, or both run together."""
    if is_data(chunk):
        return ((chunk, True, False),)
    if not _HAS_DIGIT.search(chunk):
        return ((chunk, False, False),)
    text = nfkc(chunk)
    pieces: list[tuple[str, bool, bool]] = []
    start = 0
    for match in _DIGITS.finditer(text):
        digits, end = match.group(), match.end()
        if end < len(text) - 1 and text[end] in _NUMBERING and not text[end + 1].isdigit() and "." not in digits:
            digits, end = digits[:-1], end - 1  # the last digit numbers the label that follows
        if not digits.lstrip("+-"):
            continue
        if match.start() > start:
            pieces.append((text[start: match.start()], False, False))
        pieces.append((digits, True, True))
        start = match.start() + len(digits)
    if start < len(text):
        pieces.append((text[start:], False, False))
    return tuple(pieces)


def role_of(text: str) -> int:
    """The table boundaries a label fragment can mark, as ROLE_ bits."""
    key = label_key(text)
    if not key:
        return 0
    return ((ROLE_CAPTION if TABLE_CAPTION in key else 0)  # anywhere: glued text runs it into the heading before
            | (ROLE_DISCLOSURE if _opens_disclosure(key) else 0)
            | (ROLE_APPLICATIONS if _opens_applications(key) else 0)
            | (ROLE_REVIEW if _opens_review(key) else 0)
            | (ROLE_END if _closes_review(key) else 0))


@lru_cache(maxsize=1 << 16)
def _cell_pieces(cell: str) -> tuple[tuple[str, bool, bool, int], ...]:
    """A cell's pieces with their roles: reports repeat the same cells, so this is worked out once per text."""
    return tuple((text, number, glued, 0 if number else role_of(text))
                 for chunk in cell.split() for text, number, glued in _pieces(chunk))


def tokenize(rows: list[Row]) -> list[Token]:
    """Every row's cells split on whitespace into printed cells and label fragments; page furniture is a break."""
    tokens: list[Token] = []
    for index, row in enumerate(rows):
        text = row.text
        if len(text) <= PAGE_NUMBER_LENGTH and is_page_furniture(row) and not text.strip().isdigit():
            # a bare number on its own line is a cell in one-cell-per-line text; page numbers wear dashes
            tokens.append(Token("", False, index, row.paragraph, row.where))
            continue
        if _NOTE_LINE.match(text.strip()):
            tokens.append(Token(text, False, index, row.paragraph, row.where))  # "（其中修订 16 件）": a note
            continue
        for cell in row.cells:
            tokens += [Token(text, number, index, row.paragraph, row.where, glued, role)
                       for text, number, glued, role in _cell_pieces(cell)]
    return tokens


def _opens_disclosure(key: str) -> bool:
    """Without a caption, table 二 opens at its first header or row label printed on its own."""
    return len(key) <= SHORT_LABEL and (bool(disclosure_columns(key)) or disclosure_prefix(key) is not None)


def _opens_applications(key: str) -> bool:
    return any(word in key for word in SECTION_HEADINGS["三"]) or application_code(key, None)[0] == "received"


def _opens_review(key: str) -> bool:
    return any(word in key for word in SECTION_HEADINGS["四"])


def _closes_review(key: str) -> bool:
    return (len(key) > SENTENCE or any(word in key for word in SECTION_HEADINGS["五"])
            or any(word in key for word in SECTION_HEADINGS["六"]))


def find_tables(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """Token ranges of tables 二, 三 and 四, found by their labels in reading order; absent tables are left out."""
    captioned = any(t.role & ROLE_CAPTION for t in tokens)
    order = (("二", ROLE_CAPTION if captioned else ROLE_DISCLOSURE), ("三", ROLE_APPLICATIONS), ("四", ROLE_REVIEW))
    starts: dict[str, int] = {}
    after = 0
    for numeral, role in order:
        found = next((i for i in range(after, len(tokens)) if tokens[i].role & role), None)
        if found is not None:
            starts[numeral] = found
            after = found + 1
    ranges: dict[str, tuple[int, int]] = {}
    numerals = list(starts)
    for position, numeral in enumerate(numerals):
        end = starts[numerals[position + 1]] if position + 1 < len(numerals) else len(tokens)
        if numeral == "四":
            first_number = next((i for i in range(starts[numeral], end) if tokens[i].number), end)
            end = next((i for i in range(first_number, end) if tokens[i].role & ROLE_END), end)
        ranges[numeral] = (starts[numeral], end)
    return ranges


def table_labels(tokens: list[Token], span: tuple[int, int]) -> list[str]:
    """The label keys of a table's text tokens, in order."""
    return [label_key(t.text) for t in tokens[span[0]: span[1]] if not t.number and t.text]
