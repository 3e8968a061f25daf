"""Parse one printed cell into the number it denotes, its unit, or the reason it denotes none."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from nianbao.normalize import UNKNOWN_CHARACTER, has_marks, nfkc, split_footnote, squeeze, without_marks

# Printed marks that stand for "no number", and the name recorded for each.
NO_NUMBER = {"": "blank", "/": "slash", "\\": "slash", "无": "none", "空": "blank"}
_DASHES = set("-—–―‐‑‒−一")  # NFKC keeps em dashes; a lone 一 in a number cell is a dash, not "one"
_UNITS = "万元|元|%|件|个|项|条"

_NUMBER = re.compile(
    rf"^(?P<sign>[+-])?(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>{_UNITS})?$"
)
_TRAILING_UNIT = re.compile(rf"(?:{_UNITS})\Z")
_SPACED_DIGITS = re.compile(r"\d\s+\d")
_NOTE = re.compile(r"^(?P<cell>[^（(]+)[（(](?P<note>[^)）]*)[)）]$")
# Letters that OCR reads in place of digits (O for 0, l I | for 1, S for 5, B for 8 …), and 〇, the Chinese zero.
_CONFUSABLE = "OoDQ〇lIi|!ZzSsGbTBgq"
# Digits and such letters only, at least one letter: a lone "B" or "l" is a misread digit too, never a label.
# One pass: the lookahead finds the letter, the class takes the run (no nested repeats).
_CONFUSED_NUMBER = re.compile(rf"^[+-]?(?=.*[{_CONFUSABLE}])[\d,.{re.escape(_CONFUSABLE)}]+(?:{_UNITS})?$")
EXACT_DIGITS = 15  # any decimal of up to 15 significant digits survives a float and back unchanged


@dataclass(frozen=True)
class Cell:
    """A printed cell read: ``value`` is None when the cell holds no number, and ``missing`` says why."""

    printed: str
    value: float | None
    unit: str = ""
    missing: str = ""
    note: str = ""  # text printed in brackets beside the number, e.g. "其中修订16件"
    footnote: str = ""  # a footnote mark printed after the number (①, ¹, *, 注1), not part of it
    problem: str = ""  # why a cell that looks like a number is unreadable

    @property
    def is_number(self) -> bool:
        return self.value is not None


def _unreadable(printed: str, problem: str) -> Cell:
    return Cell(printed.strip(), None, missing="unreadable", problem=problem)


@lru_cache(maxsize=1 << 16)  # Cell is immutable; "0" and the like are read thousands of times
def parse_cell(printed: str) -> Cell | None:
    """Read a printed cell; None when it is text (a label), not a number or a no-number mark.

    A footnote mark after a number (5309①, 9895¹, 5309*, 5309件①) is kept apart: the number is read without
    it. A cell that looks like a number but cannot be read with certainty is unreadable, with the reason:
    digits separated by spaces ("12 34": two cells run together, or one number wrapped), a leading zero
    ("001", which OCR makes of "0" and "1"), a letter OCR reads for a digit ("1O5"), a mark inside the number
    ("53①09") or standing alone, or more digits than can be kept exactly, or a character the file does not
    identify (U+FFFD) in a cell that would otherwise be a number or a mark.
    """
    if UNKNOWN_CHARACTER in printed:
        # unknown whether it is a digit, a mark or nothing: a number either way makes the cell unreadable
        readings = (printed.replace(UNKNOWN_CHARACTER, ""), printed.replace(UNKNOWN_CHARACTER, "0"))
        if not readings[0].strip() or any(parse_cell(reading) is not None for reading in readings):
            return _unreadable(printed, "a character the file does not identify (a glyph mapped to no character)")
        return None
    if not has_marks(printed):
        return _read(printed)
    text = printed.strip()
    unit = _TRAILING_UNIT.search(text, max(0, len(text) - 2))
    body, footnote = split_footnote(text[: unit.start()] if unit else text)
    if footnote:
        cell = _read(body + (unit[0] if unit else ""))
        if cell is not None and cell.missing in ("", "unreadable"):
            return replace(cell, printed=text, footnote=footnote)
    unmarked = without_marks(text)
    if unmarked != text and (cell := _read(unmarked)) is not None and cell.missing in ("", "blank", "unreadable"):
        return _unreadable(text, "a footnote mark inside the number, or where a number belongs")
    return _read(printed)


def _read(printed: str) -> Cell | None:
    if _SPACED_DIGITS.search(nfkc(printed)):
        return _unreadable(printed, "digits separated by spaces")
    text = squeeze(printed)
    if text in NO_NUMBER:
        return Cell(printed.strip(), None, missing=NO_NUMBER[text])
    if text and set(text) <= _DASHES:
        return Cell(printed.strip(), None, missing="dash")
    match = _NUMBER.match(text)
    note = ""
    if match is None:
        noted = _NOTE.match(text)
        match = _NUMBER.match(noted["cell"]) if noted else None
        if match is None:
            return _unreadable(printed, "a letter where a digit belongs") if _CONFUSED_NUMBER.match(text) else None
        note = noted["note"]
    digits = match["number"].replace(",", "")
    whole = digits.split(".")[0]
    if len(whole) > 1 and whole.startswith("0"):
        return _unreadable(printed, "a number printed with a leading zero")
    if len(digits.replace(".", "").lstrip("0")) > EXACT_DIGITS:
        return _unreadable(printed, f"more than {EXACT_DIGITS} digits: too many to be read exactly")
    number = float(digits)
    if match["sign"] == "-":
        number = -number
    return Cell(printed.strip(), number, unit=match["unit"] or "", note=note)


def cell_flags(cell: Cell) -> list[str]:
    """What a value's flag says of how its cell was read: why it is unreadable, a footnote mark, a note."""
    flags = [cell.problem] if cell.problem else []
    if cell.footnote:
        flags.append(f"footnote: mark {cell.footnote} printed after the number")
    if cell.note:
        flags.append(f"note printed in the cell: {cell.note}")
    return flags


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
