"""Split a row into its label and its data cells, and fit the data cells to a table's columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao.cells import is_data
from nianbao.document import Row
from nianbao.normalize import is_footnote_mark, squeeze
from nianbao.parse.labels import PAGE_NUMBER


_RULE_CELL = re.compile(r"^:?-+:?$")


@dataclass(frozen=True)
class SplitRow:
    labels: tuple[str, ...]  # non-empty text cells before the data
    data: tuple[str, ...]  # cells after the last label cell
    row: Row

    @property
    def is_rule_line(self) -> bool:
        """A row of nothing but ASCII dashes ("| - | - |"): the line under a sub-table's header in OCR markdown.

        Its cells carry no numbers; a table skips it when its cell count does not fit, rather than report an
        unmatched row.
        """
        filled = [cell for cell in self.data if cell.strip()]
        return not self.labels and bool(filled) and all(_RULE_CELL.match(cell.strip()) for cell in filled)

    @property
    def has_numbers(self) -> bool:
        return any(squeeze(cell) for cell in self.data)

    def carries_data(self, blanks_printed: bool) -> bool:
        """True for a row of data. Where empty cells are printed blanks (HTML), a row of blanks is data too."""
        return self.has_numbers or (blanks_printed and self.row.tabular and bool(self.data))


def is_page_furniture(row: Row) -> bool:
    """Page numbers ("- 3 -", "— 5 —", "第3页") that converters leave in the middle of tables."""
    return _is_page_number(row.cells)


@lru_cache(maxsize=1 << 14)  # rows repeat from report to report
def _is_page_number(cells: tuple[str, ...]) -> bool:
    text = " ".join(cells)
    return bool(PAGE_NUMBER.match(squeeze(text))) if text.strip() else True


def split_row(row: Row) -> SplitRow:
    """Labels and data of a row. A line of running text is split on whitespace: trailing numbers are data."""
    labels, data = _split_cells(row.cells, row.tabular)
    return SplitRow(labels, data, row)


@lru_cache(maxsize=1 << 14)
def _split_cells(cells: tuple[str, ...], tabular: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if tabular:
        last_label = max((i for i, cell in enumerate(cells) if cell.strip() and not is_data(cell)), default=-1)
        return tuple(cell for cell in cells[: last_label + 1] if cell.strip()), cells[last_label + 1:]
    tokens: list[str] = []
    for token in " ".join(cells).split():
        if tokens and is_footnote_mark(token):
            tokens[-1] += token  # "5309 ①": the mark belongs to the number before it
        else:
            tokens.append(token)
    cut = len(tokens)
    while cut > 0 and is_data(tokens[cut - 1]):
        cut -= 1
    label = "".join(tokens[:cut])
    return ((label,) if label else ()), tuple(tokens[cut:])


def fit(data: tuple[str, ...], columns: int, trim_blanks: bool) -> tuple[tuple[str, ...], bool]:
    """The data cells fitted to ``columns``; the flag is False when they do not fit without guessing.

    Converted text often carries empty cells of merged table borders at the ends of a row. When
    ``trim_blanks`` (never for HTML, where an empty cell is a printed blank), surplus empty cells at the ends
    are dropped, but only when every way of dropping them gives the same alignment. Otherwise the row is
    returned as printed, left to right, and reported as ambiguous.
    """
    cells = tuple(data)
    surplus = len(cells) - columns
    if not trim_blanks or surplus <= 0:
        return cells, surplus == 0
    leading = next((i for i, cell in enumerate(cells) if cell.strip()), len(cells))
    trailing = next((i for i, cell in enumerate(reversed(cells)) if cell.strip()), len(cells))
    choices = {cells[front: len(cells) - (surplus - front)]
               for front in range(surplus + 1) if front <= leading and surplus - front <= trailing}
    if len(choices) == 1:
        return choices.pop(), True
    return cells, False
