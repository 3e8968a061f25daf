"""Parse one printed cell into the number it denotes, its unit, or the reason it denotes none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao.normalize import nfkc, squeeze

# Printed marks that stand for "no number", and the name recorded for each.
NO_NUMBER = {"": "blank", "/": "slash", "\\": "slash", "无": "none", "空": "blank"}
_DASHES = set("-—–―‐‑‒−一")  # NFKC keeps em dashes; a lone 一 in a number cell is a dash, not "one"

_NUMBER = re.compile(
    r"^(?P<sign>[+-])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>万元|元|%|件|个|项|条)?$"
)
_SPACED_DIGITS = re.compile(r"\d\s+\d")
_NOTE = re.compile(r"^(?P<cell>[^（(]+)[（(](?P<note>[^)）]*)[)）]$")


@dataclass(frozen=True)
class Cell:
    """A printed cell read: ``value`` is None when the cell holds no number, and ``missing`` says why."""

    printed: str
    value: float | None
    unit: str = ""
    missing: str = ""
    note: str = ""  # text printed in brackets beside the number, e.g. "其中修订16件"

    @property
    def is_number(self) -> bool:
        return self.value is not None


@lru_cache(maxsize=1 << 16)  # Cell is immutable; "0" and the like are read thousands of times
def parse_cell(printed: str) -> Cell | None:
    """Read a printed cell; None when it is text (a label), not a number or a no-number mark.

    Digits separated by spaces ("12 34") may be two cells run together or one number wrapped: the cell is
    kept as printed and marked unreadable.
    """
    if _SPACED_DIGITS.search(nfkc(printed)):
        return Cell(printed.strip(), None, missing="unreadable", note="digits separated by spaces")
    text = squeeze(printed)
    if text in NO_NUMBER:
        return Cell(printed.strip(), None, missing=NO_NUMBER[text])
    if text and set(text) <= _DASHES:
        return Cell(printed.strip(), None, missing="dash")
    match = _NUMBER.match(text)
    note = ""
    if match is None:
        noted = _NOTE.match(text)
        if noted is None:
            return None
        match = _NUMBER.match(noted["cell"])
        if match is None:
            return None
        note = noted["note"]
    number = float(match["number"].replace(",", ""))
    if match["sign"] == "-":
        number = -number
    return Cell(printed.strip(), number, unit=match["unit"] or "", note=note)


def is_data(printed: str) -> bool:
    """True for a cell that holds a number or a no-number mark, as opposed to label text."""
    return parse_cell(printed) is not None


def format_value(value: float | None) -> str:
    """A number as written to CSV: integers without a decimal point, decimals as printed precision allows."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return repr(value)
