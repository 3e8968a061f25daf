"""Ruled tables from a page's drawn lines: the edges of lines and rectangles become a grid of cells.

The method is pdfplumber's "lines" strategy (after Nurminen's thesis and Tabula), with its default
tolerances, rewritten over plain tuples: snap edges that lie within 3 pt of each other onto one line, join
collinear pieces less than 3 pt apart, keep edges of 3 pt or more, find where vertical and horizontal edges
cross, take each crossing's smallest rectangle whose four sides are drawn as a cell, and group cells that share
a corner into tables. Coordinates are PDF points from the top-left corner of the page (x right, y down).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom
Point = tuple[float, float]
Segment = tuple[float, float, float, float]  # x0, y0, x1, y1: one straight piece of a drawn path

_SNAP = 3.0  # points: edges this close along their normal are snapped onto one line
_JOIN = 3.0  # points: collinear edges with a gap this small are joined
_MIN_LENGTH = 3.0  # points: shorter edges (after joining) are not table rules
_MIN_PIECE = 1.0  # points: shorter pieces are dropped before joining (dots, hairline rectangles' short sides)
_CROSSING = 3.0  # points: a vertical and a horizontal edge this close are taken to cross


@dataclass(frozen=True)
class Edge:
    """A horizontal (``position`` = y, from ``start`` to ``end`` in x) or vertical (x, and y range) rule."""

    position: float
    start: float
    end: float


@dataclass(frozen=True)
class TableRow:
    """One row of a table: a cell box, or None, under each of the table's column lefts."""

    top: float
    cells: tuple[BBox | None, ...]


@dataclass(frozen=True)
class Table:
    """Cells that share corners, with their bounding box, distinct column lefts and rows (by top)."""

    cells: tuple[BBox, ...]
    bbox: BBox
    lefts: tuple[float, ...]
    rows: tuple[TableRow, ...]


def _table(cells: list[BBox]) -> Table:
    lefts = tuple(sorted({cell[0] for cell in cells}))
    rows = []
    for top, in_row in groupby(sorted(cells, key=lambda cell: (cell[1], cell[0])), key=lambda cell: cell[1]):
        by_left = {cell[0]: cell for cell in in_row}
        rows.append(TableRow(top, tuple(by_left.get(left) for left in lefts)))
    bbox = (lefts[0], rows[0].top, max(cell[2] for cell in cells), max(cell[3] for cell in cells))
    return Table(tuple(cells), bbox, lefts, tuple(rows))


def find_tables(segments: list[Segment]) -> list[Table]:
    """The ruled tables drawn by ``segments``, top to bottom (then left to right); lone cells are not tables."""
    horizontal = [(y0, x0, x1) if x0 < x1 else (y0, x1, x0)
                  for x0, y0, x1, y1 in segments if y0 == y1 and abs(x1 - x0) >= _MIN_PIECE]
    vertical = [(x0, y0, y1) if y0 < y1 else (x0, y1, y0)
                for x0, y0, x1, y1 in segments if x0 == x1 and abs(y1 - y0) >= _MIN_PIECE]
    h_edges = [edge for edge in _merge(horizontal) if edge.end - edge.start >= _MIN_LENGTH]
    v_edges = [edge for edge in _merge(vertical) if edge.end - edge.start >= _MIN_LENGTH]
    cells = _cells(_crossings(v_edges, h_edges))
    return [_table(group) for group in _group_cells(cells) if len(group) > 1]


def _merge(pieces: list[tuple[float, float, float]]) -> list[Edge]:
    """Snap pieces whose positions chain within ``_SNAP`` to the group's mean, then join collinear pieces."""
    edges: list[Edge] = []
    for group in _chain(sorted(pieces, key=itemgetter(0)), _SNAP):  # ties need no order: spans are sorted below
        position = sum([piece[0] for piece in group]) / len(group)
        spans = sorted([(start, end) for _, start, end in group])
        start, end = spans[0]
        for next_start, next_end in spans[1:]:
            if next_start <= end + _JOIN:
                if next_end > end:
                    end = next_end
            else:
                edges.append(Edge(position, start, end))
                start, end = next_start, next_end
        edges.append(Edge(position, start, end))
    return edges


def _chain(pieces: list[tuple[float, float, float]], tolerance: float) -> list[list[tuple[float, float, float]]]:
    """Sorted pieces grouped so that each position is within ``tolerance`` of the previous one in its group."""
    groups: list[list[tuple[float, float, float]]] = []
    for piece in pieces:
        if groups and piece[0] <= groups[-1][-1][0] + tolerance:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _crossings(v_edges: list[Edge], h_edges: list[Edge]) -> dict[Point, tuple[set[int], set[int]]]:
    """Each point where a vertical and a horizontal edge cross, with the ids of the edges through it."""
    order = sorted(range(len(h_edges)), key=lambda h_id: h_edges[h_id].position)
    positions = [h_edges[h_id].position for h_id in order]
    crossings: dict[Point, tuple[set[int], set[int]]] = {}
    for v_id, v in enumerate(v_edges):
        # only the horizontal edges whose line lies within reach of the vertical edge's span
        for h_id in order[bisect_left(positions, v.start - _CROSSING):bisect_right(positions, v.end + _CROSSING)]:
            h = h_edges[h_id]
            if h.start - _CROSSING <= v.position <= h.end + _CROSSING:
                through = crossings.get((v.position, h.position))
                if through is None:
                    through = crossings[(v.position, h.position)] = (set(), set())
                through[0].add(v_id)
                through[1].add(h_id)
    return crossings


def _cells(crossings: dict[Point, tuple[set[int], set[int]]]) -> list[BBox]:
    """For each crossing, the smallest rectangle to its right and below whose four sides are drawn edges."""
    points = sorted(crossings)
    below: dict[float, list[float]] = defaultdict(list)  # x -> the ys of its crossings, ascending
    right: dict[float, list[float]] = defaultdict(list)  # y -> the xs of its crossings, ascending
    for x, y in points:
        below[x].append(y)
        right[y].append(x)
    cells = []
    for x, y in points:
        vertical, horizontal = crossings[(x, y)]
        ys, xs = below[x], right[y]
        cell = _smallest_cell(crossings, x, y, vertical, horizontal,
                              islice(ys, bisect_right(ys, y), None), xs[bisect_right(xs, x):])
        if cell:
            cells.append(cell)
    return cells


def _smallest_cell(crossings: dict[Point, tuple[set[int], set[int]]], x: float, y: float, vertical: set[int],
                   horizontal: set[int], ys: Iterable[float], xs: list[float]) -> BBox | None:
    """The first rectangle (nearest bottom, then nearest right) from crossing (x, y) with all four sides drawn."""
    linked_right: dict[float, bool] = {}  # x1 -> whether a horizontal edge joins (x, y) to (x1, y)
    for y1 in ys:
        left_side = crossings[(x, y1)]
        if vertical.isdisjoint(left_side[0]):
            continue
        for x1 in xs:
            top_right = crossings[(x1, y)]
            if x1 not in linked_right:
                linked_right[x1] = not horizontal.isdisjoint(top_right[1])
            if not linked_right[x1]:
                continue
            corner = crossings.get((x1, y1))
            if corner is not None and not corner[0].isdisjoint(top_right[0]) and not corner[1].isdisjoint(left_side[1]):
                return (x, y, x1, y1)
    return None


def _group_cells(cells: list[BBox]) -> list[list[BBox]]:
    """Cells joined through shared corners, each group in the order of its top-left-most cell.

    Union-find over the cells' indexes, each set rooted at its smallest index: the groups then come out in the
    order of their first cell, their cells in index order.
    """
    parent = list(range(len(cells)))

    def root(index: int) -> int:
        while parent[index] != index:
            index = parent[index]
        return index

    first_at: dict[Point, int] = {}  # corner -> the first cell found there
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = first_at.setdefault(corner, index)
            if other != index:
                a, b = root(other), root(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[BBox]] = {}
    for index, cell in enumerate(cells):
        groups.setdefault(root(index), []).append(cell)
    return sorted(groups.values(), key=lambda group: min((cell[1], cell[0]) for cell in group))
