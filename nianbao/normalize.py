"""Text normalisation shared by readers and parser: NFKC, quotes, and the keys used to match labels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Brackets and quotes NFKC leaves alone; labels are printed with any of them.
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "“", "』": "”", '"': "“", "‘": "“", "’": "”", "'": "”"})
_SPACE = re.compile(r"\s+")


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
