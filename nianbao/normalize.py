"""Text normalisation shared by readers and parser: NFKC, quotes, and the keys used to match labels."""

from __future__ import annotations

import re
import unicodedata

# Brackets and quotes NFKC leaves alone; labels are printed with any of them.
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "“", "』": "”", '"': "“", "‘": "“", "’": "”", "'": "”"})
_SPACE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """NFKC-normalise (Kangxi radicals such as ⼀ become 一, full-width digits become ASCII) and unify quotes."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def squeeze(text: str) -> str:
    """NFKC text with every run of whitespace removed (Chinese is written without spaces)."""
    return _SPACE.sub("", nfkc(text))


def label_key(text: str) -> str:
    """The form labels are matched on: NFKC, no whitespace, no punctuation or symbols."""
    return "".join(ch for ch in squeeze(text) if unicodedata.category(ch)[0] not in "PSZ")
