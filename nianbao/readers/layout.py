"""A scanned page's words placed by position: table cells from the ruling lines, the rest as lines of text.

The OCR's own line order is not used: each word goes to the table cell its centre falls in, found from the
ruling lines drawn on the page (merged cells are those with no ruling between them), so that a table row
comes out with the same cells as the PDF reader gives for the same table with a text layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from nianbao.document import Row, ScannedCell
from nianbao.normalize import touches_ascii
from nianbao.readers.ocr import Word

Box = tuple[int, int, int, int]
Slot = tuple[int, int]  # (row, column) of a table's grid

_INK_LEVEL = 200  # thin rulings print light grey once scanned
_MIN_RULE = 60  # pixels: a horizontal ruling is longer than any stroke of a character (~35 px at 200 dpi)
_MIN_VRULE = 45  # pixels: a vertical ruling is taller than a character, shorter than a row (~55 px)
_BAND = 4  # pixels either side of a ruling's centre line
_MIN_TABLE = (300, 80)  # width, height of the smallest table
_INK_MARGIN = 8  # pixels kept clear of the rulings when looking for ink in an empty cell
_MIN_INK = 40  # pixels of ink that make a cell not blank
_NUMERIC = re.compile(r"^[\d.,%][\d.,%\s]*$")


@dataclass(frozen=True)
class Grid:
    """A ruled table: the rulings' positions, which pieces of them are drawn, and the cells they make.

    ``below[r, c]``: the ruling under row r is drawn across column c; ``right[r, c]``: the ruling right of
    column c is drawn down row r. ``anchor`` maps every slot to the top-left slot of its (merged) cell.
    """

    xs: tuple[int, ...]  # vertical rulings, left to right
    ys: tuple[int, ...]  # horizontal rulings, top to bottom
    below: np.ndarray
    right: np.ndarray
    anchor: dict[Slot, Slot] = field(default_factory=dict)

    def raw_slot(self, x: float, y: float) -> Slot | None:
        """The grid slot under a point, merges aside; None outside the table."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        row = int(np.searchsorted(self.ys, y, side="right")) - 1
        column = int(np.searchsorted(self.xs, x, side="right")) - 1
        return min(row, len(self.ys) - 2), min(column, len(self.xs) - 2)

    def cell_box(self, anchor: Slot) -> Box:
        slots = [slot for slot, a in self.anchor.items() if a == anchor]
        rows = [r for r, _ in slots]
        columns = [c for _, c in slots]
        return self.xs[min(columns)], self.ys[min(rows)], self.xs[max(columns) + 1], self.ys[max(rows) + 1]


def ink_mask(grey: np.ndarray, level: int = _INK_LEVEL) -> np.ndarray:
    return (grey < level).astype(np.uint8) * 255


def rulings(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and the vertical ruling lines (morphological opening with long kernels)."""
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (_MIN_RULE, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, _MIN_VRULE)))
    return horizontal, vertical


def _line_positions(profile: np.ndarray, minimum: float) -> list[int]:
    """Centres of the runs of the profile at or above ``minimum`` (one ruling is a few pixels thick)."""
    on = np.flatnonzero(profile >= minimum)
    if on.size == 0:
        return []
    runs = np.split(on, np.flatnonzero(np.diff(on) > 1) + 1)
    return [int(run.mean().round()) for run in runs]


def _covered(mask: np.ndarray) -> float:
    """Share of the positions along a ruling's band where the ruling is drawn."""
    return float(mask.any(axis=0).mean()) if mask.size else 0.0


def find_grids(horizontal: np.ndarray, vertical: np.ndarray) -> list[Grid]:
    """The ruled tables of a page, top to bottom."""
    lines = cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    grids = []
    for label in range(1, count):
        x, y, w, h = stats[label, :4]
        if w < _MIN_TABLE[0] or h < _MIN_TABLE[1]:
            continue
        grid = _grid(horizontal[y:y + h, x:x + w], vertical[y:y + h, x:x + w], x, y)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda grid: grid.ys[0])


def _grid(horizontal: np.ndarray, vertical: np.ndarray, left: int, top: int) -> Grid | None:
    height, width = horizontal.shape
    ys = _line_positions((horizontal > 0).sum(axis=1), _MIN_RULE)
    xs = _line_positions((vertical > 0).sum(axis=0), _MIN_VRULE)
    # A table cut by the page edge has its vertical rulings running past the last horizontal one.
    for edge in (0, height - 1):
        if not ys or min(abs(edge - y) for y in ys) > 2 * _BAND + 4:
            ys.append(edge)
    for edge in (0, width - 1):
        if not xs or min(abs(edge - x) for x in xs) > 2 * _BAND + 4:
            xs.append(edge)
    ys, xs = sorted(ys), sorted(xs)
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    below = np.array([[_covered(horizontal[max(ys[r + 1] - _BAND, 0): ys[r + 1] + _BAND + 1, xs[c]: xs[c + 1]]) >= 0.5
                       for c in range(columns)] for r in range(rows - 1)], dtype=bool).reshape(rows - 1, columns)
    right = np.array([[_covered(vertical[ys[r]: ys[r + 1], max(xs[c + 1] - _BAND, 0): xs[c + 1] + _BAND + 1].T) >= 0.5
                       for c in range(columns - 1)] for r in range(rows)], dtype=bool).reshape(rows, columns - 1)
    return Grid(tuple(x + left for x in xs), tuple(y + top for y in ys), below, right)


def merge_cells(grid: Grid, numeric: set[int]) -> Grid:
    """The grid with its merged cells: slots with no ruling drawn between them are one cell.

    Beside a number column, a ruling missing in one row where it is drawn around it is a break the scan
    made (see ``_restore``), not a merged cell: a number read into its neighbour would go wrong silently.
    """
    rows, columns = len(grid.ys) - 1, len(grid.xs) - 1
    beside_numbers = np.array([c in numeric or c + 1 in numeric for c in range(columns - 1)], dtype=bool)
    right = grid.right | (_restore(grid.right.T).T & beside_numbers[np.newaxis, :])
    parent: dict[Slot, Slot] = {(r, c): (r, c) for r in range(rows) for c in range(columns)}

    def find(slot: Slot) -> Slot:
        while parent[slot] != slot:
            parent[slot] = parent[parent[slot]]
            slot = parent[slot]
        return slot

    def union(a: Slot, b: Slot) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(rows):
        for c in range(columns):
            if r + 1 < rows and not grid.below[r, c]:
                union((r, c), (r + 1, c))
            if c + 1 < columns and not right[r, c]:
                union((r, c), (r, c + 1))
    return replace(grid, right=right, anchor={slot: find(slot) for slot in parent})


def _restore(rulings: np.ndarray) -> np.ndarray:
    """Rulings lost to the scan, put back, so that two cells are not read as one and mix their numbers.

    ``rulings[i, j]`` says whether the j-th piece of the i-th ruling (between two crossing rulings) is drawn.
    A piece is a break the scanner made when the same ruling is drawn on both sides of it, or on one side
    while the parallel rulings next to it are drawn at the same place. A real merged cell leaves a run of
    pieces out, with its neighbours.
    """
    drawn = np.pad(rulings, 1, constant_values=False)
    before, after = drawn[1:-1, :-2], drawn[1:-1, 2:]
    beside = drawn[:-2, 1:-1] & drawn[2:, 1:-1]
    return rulings | (before & after) | ((before | after) & beside)


def _join(words: list[Word]) -> str:
    """The words of a cell or line in reading order: by line (vertical overlap), then left to right."""
    text = ""
    for word in _reading_order(words):
        if text and touches_ascii(text[-1], word.text[0]):
            text += " "
        text += word.text
    return text


def _reading_order(words: list[Word]) -> list[Word]:
    return [word for line in _lines(words) for word in sorted(line, key=lambda w: w.box[0])]


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines: a word whose centre is within half a line's height of it joins it."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.center[1]):
        if lines and abs(word.center[1] - _mean_y(lines[-1])) < 0.5 * _height(lines[-1]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _mean_y(line: list[Word]) -> float:
    return sum(word.center[1] for word in line) / len(line)


def _height(line: list[Word]) -> float:
    return max(word.box[3] - word.box[1] for word in line)


def _has_ink(ink: np.ndarray, box: Box) -> bool:
    x0, y0, x1, y1 = box
    inside = ink[y0 + _INK_MARGIN: y1 - _INK_MARGIN, x0 + _INK_MARGIN: x1 - _INK_MARGIN]
    return inside.size > 0 and int((inside > 0).sum()) >= _MIN_INK


@dataclass
class _Line:
    top: float
    row: Row


def page_rows(words: list[Word], grids: list[Grid], ink: np.ndarray, page: int) -> list[Row]:
    """The rows of a page: each table's rows (cells by ruling) and the text lines, top to bottom."""
    lines: list[_Line] = []
    loose: list[Word] = []
    placed: list[list[tuple[Slot, Word]]] = [[] for _ in grids]
    for word in words:
        for index, grid in enumerate(grids):
            slot = grid.raw_slot(*word.center)
            if slot is not None:
                placed[index].append((slot, word))
                break
        else:
            loose.append(word)
    numeric = [_numeric_columns(words_placed) for words_placed in placed]
    merged = [merge_cells(grid, numeric[index]) for index, grid in enumerate(grids)]
    in_cells: dict[int, dict[Slot, list[Word]]] = {index: {} for index in range(len(grids))}
    crossing: dict[int, set[Slot]] = {index: set() for index in range(len(grids))}
    for index, grid in enumerate(merged):
        for slot, word in placed[index]:
            anchor = grid.anchor[slot]
            in_cells[index].setdefault(anchor, []).append(word)
            if _crosses(grid, anchor, word):
                crossing[index].add(anchor)
    grids = merged
    table_number = 0
    for index, grid in enumerate(grids):
        table_lines = _table_lines(grid, in_cells[index], crossing[index], numeric[index], ink, page,
                                   table_number + 1)
        if table_lines:
            table_number += 1
            lines += table_lines
    for top, text, confidence, box in _text_lines(loose):
        lines.append(_Line(top, Row((text,), "", scan=(ScannedCell(confidence, box),))))
    lines.sort(key=lambda line: line.top)
    rows, text_number = [], 0
    for line in lines:
        row = line.row
        if not row.tabular:
            text_number += 1
            row = row._replace(where=f"page {page}, line {text_number}")
        rows.append(row)
    return rows


def _crosses(grid: Grid, anchor: Slot, word: Word) -> bool:
    """A word running over a vertical ruling into the next cell: two cells may have been read as one."""
    x0, _, x1, _ = grid.cell_box(anchor)
    tolerance = 0.25 * (word.box[3] - word.box[1])
    return word.box[0] < x0 - tolerance or word.box[2] > x1 + tolerance


def _table_lines(grid: Grid, cells: dict[Slot, list[Word]], crossing: set[Slot], numeric: set[int],
                 ink: np.ndarray, page: int, table: int) -> list[_Line]:
    """The tabular rows of one ruled table; a row that is one cell across the table is a line of text."""
    rows, columns = len(grid.ys) - 1, len(grid.xs) - 1
    lines: list[_Line] = []
    for r in range(rows):
        # Only in a row of numbers is ink without text a cell the OCR missed; in a header it is a label's.
        numbers_row = any(_NUMERIC.match(word.text) for (row, _), words in cells.items() if row == r
                          for word in words)
        texts: list[str] = []
        scanned: list[ScannedCell] = []
        for c in range(columns):
            anchor = grid.anchor[(r, c)]
            if anchor != (r, c):
                # Merged with the cell above: printed there, unless there is ink here (a lost ruling).
                slot = (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])
                unread = numbers_row and anchor[0] != r and c in numeric and _has_ink(ink, slot)
                texts.append("")
                scanned.append(ScannedCell(0.0, slot, unread=True) if unread
                               else ScannedCell(None, grid.cell_box(anchor)))
                continue
            box = grid.cell_box(anchor)
            words = cells.get(anchor, [])
            if words:
                confidence = min(word.confidence for word in words)
                texts.append(_join(words))
                scanned.append(ScannedCell(confidence, box, crosses_ruling=anchor in crossing))
            elif numbers_row and c in numeric and _has_ink(ink, box):
                texts.append("")  # read as blank by the parser; ScannedCell.unread makes it unreadable
                scanned.append(ScannedCell(0.0, box, unread=True))
            else:
                texts.append("")
                scanned.append(ScannedCell(None, box))
        if not any(texts) and not any(cell.unread for cell in scanned):
            continue
        filled = [c for c, text in enumerate(texts) if text]
        whole_width = len(filled) == 1 and all(grid.anchor[(r, c)] == (r, filled[0]) for c in range(columns))
        if whole_width and columns > 1:
            lines.append(_Line(grid.ys[r], Row((texts[filled[0]],), "", scan=(scanned[filled[0]],))))
            continue
        where = f"page {page}, table {table}, row {sum(line.row.tabular for line in lines) + 1}"
        lines.append(_Line(grid.ys[r], Row(tuple(texts), where, tabular=True, scan=tuple(scanned))))
    return lines


def _numeric_columns(placed: list[tuple[Slot, Word]]) -> set[int]:
    """Columns that hold numbers: there, a ruling lost between two columns is put back, and a cell with ink
    but no text is unread. (Headers outnumber the numbers in a table of one data row, like table 四.)"""
    return {column for (_, column), word in placed if _NUMERIC.match(word.text)}


def _text_lines(words: list[Word]) -> list[tuple[float, str, float, Box]]:
    """Words outside tables grouped into lines: (top, text, lowest confidence, box)."""
    result = []
    for line in _lines(words):
        box = (min(w.box[0] for w in line), min(w.box[1] for w in line),
               max(w.box[2] for w in line), max(w.box[3] for w in line))
        result.append((float(box[1]), _join(line), min(w.confidence for w in line), box))
    return result
