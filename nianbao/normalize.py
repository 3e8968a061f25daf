"""Text normalisation shared by readers and parser: NFKC, quotes, and the keys used to match labels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Brackets and quotes NFKC leaves alone; labels are printed with any of them.
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "“", "』": "”", '"': "“", "‘": "“", "’": "”", "'": "”"})
_SPACE = re.compile(r"\s+")
# What a reader puts for a character its file does not identify: a PDF glyph mapped to no character, bytes that
# do not decode. Never guessed: a cell holding one is unknown, not the number its other characters make.
UNKNOWN_CHARACTER = "\ufffd"


# Reports of one format repeat the same labels and numbers, so the pure functions below are cached.
@lru_cache(maxsize=1 << 16)
def nfkc(text: str) -> str:
    """NFKC-normalise (Kangxi radicals such as ⼀ become 一, full-width digits become ASCII) and unify quotes."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@lru_cache(maxsize=1 << 16)
def squeeze(text: str) -> str:
    """NFKC text with every run of whitespace removed (Chinese is written without spaces)."""
    return _SPACE.sub("", nfkc(text))


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """The form labels are matched on: NFKC, no whitespace, no punctuation or symbols."""
    return "".join(ch for ch in squeeze(text) if unicodedata.category(ch)[0] not in "PSZ")


_INVISIBLE = re.compile("[\u200b\ufeff]")


@lru_cache(maxsize=1 << 16)
def join_lines(text: str, keep: Callable[[str, str], bool]) -> str:
    """Replace each run of whitespace (&nbsp; included) by one space where ``keep(before, after)``, else by nothing."""
    text = _INVISIBLE.sub("", text).strip()

    def replace(match: re.Match[str]) -> str:
        return " " if keep(text[match.start() - 1], text[match.end()]) else ""

    return _SPACE.sub(replace, text)


def between_ascii_words(before: str, after: str) -> bool:
    """Cells: a wrapped line rejoins its neighbour, except that two ASCII words stay apart ('结果\\n维持')."""
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


def touches_ascii(before: str, after: str) -> bool:
    """Running text: a space between two CJK characters is layout, one next to a number separates it."""
    return before.isascii() or after.isascii()


# Footnote marks printed after a number: circled and parenthesised numbers (①–⑳, ㉑–㊿, ❶–➓, ⑴, ⒈), superscript
# digits (¹²³…, also what the HTML reader makes of a <sup>), asterisks, ※, daggers, and 注1. NFKC would read ①
# and ¹ as the digit 1 (5309① as 53091), so marks are found in the text as printed, before any normalising.
_MARK_CHARACTERS = (
    "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"  # superscript digits
    "\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf"  # enclosed numbers
    "*\uff0a\u203b\u2020\u2021"  # * ＊ ※ † ‡
)
_MARK_DIGITS = "0-9\uff10-\uff19\u00b9\u00b2\u00b3\u2070\u2074-\u2079\u2460-\u2473"
_TRAILING_MARK = re.compile(rf"(?:[{_MARK_CHARACTERS}]{{1,4}}|注[{_MARK_DIGITS}]{{1,2}})\Z")
_MARK = re.compile(rf"[{_MARK_CHARACTERS}]")
NEUTRAL_MARK = "※"  # what marks become in running text, where no normalising turns it into a digit


def split_footnote(text: str) -> tuple[str, str]:
    """``text`` without a footnote mark at its end, and the mark ("" when there is none)."""
    text = text.strip()
    mark = _TRAILING_MARK.search(text, max(0, len(text) - 4))
    if mark is None or mark.start() == 0:
        return text, ""
    return text[: mark.start()].rstrip(), mark[0]


def is_footnote_mark(text: str) -> bool:
    """True for text that is only a footnote mark, such as a token printed apart from its number ("5309 ①")."""
    return _TRAILING_MARK.fullmatch(text) is not None


def has_marks(text: str) -> bool:
    """True when ``text`` may carry a footnote mark (a mark character, or 注)."""
    return "注" in text or _MARK.search(text) is not None


def without_marks(text: str) -> str:
    return _MARK.sub("", text)


def neutral_marks(text: str) -> str:
    """Running text with every footnote mark written as ※, so that NFKC cannot make a digit of it."""
    return _MARK.sub(NEUTRAL_MARK, text)


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹" * 2)


def raised_digits(text: str) -> str:
    """A <sup>'s digits as superscript digits, so that a footnote mark (524<sup>1</sup>) stays apart from the
    number it follows; the cell parser recognises ¹ as a mark, where a plain 1 would read as 5241."""
    return text.translate(_SUPERSCRIPT_DIGITS)
