"""Place a table's printed cells by its template: in reading order where the text attests it, else by the
table's own sums, and where neither settles it, keep the cells as printed and say so. Never a guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from math import prod

from nianbao import codebook
from nianbao.cells import parse_cell
from nianbao.model import Finding, Report, Value
from nianbao.parse.stream import Token
from nianbao.parse.table import Table, cell_count_finding, make_value
from nianbao.parse.template import TemplateRow

SPLIT_FLAG = "split_by_arithmetic"
MERGED_FLAG = "a line carrying several row labels: placed by the template, confirmed by the row sums"
COLUMN_FLAG = "printed column by column by the converter: placed by its text blocks, confirmed by the row sums"
MAX_CELL_DIGITS = 7  # no count in these tables runs to eight digits
SEARCH = 64  # cuts of one run, and combinations of cuts across rows, tried before giving up
_SIGNED_DIGITS = re.compile(r"^[+-]?\d+$")
SUM_CHECKS = {"S1", "I1", "I2", "I3"}


@dataclass
class _Cell:
    printed: str
    where: str
    flag: str = ""
    certain: bool = True
    unreadable: bool = False


def _count(printed: str) -> float | None:
    """The number a printed cell adds to a sum: blank and no-number marks are 0; text is unknown."""
    cell = parse_cell(printed)
    if cell is None or cell.missing in ("unreadable", "ambiguous"):
        return None
    return cell.value if cell.value is not None else 0.0


def sums_hold(row: TemplateRow, printed: list[str]) -> bool:
    """True when every sum inside the row that its printed cells reach holds (all of them, once complete)."""
    for parts, total in row.sums:
        if max(*parts, total) >= len(printed):
            continue
        numbers = [_count(printed[i]) for i in (*parts, total)]
        if None in numbers or sum(numbers[:-1]) != numbers[-1]:
            return False
    return True


def splits(pieces: tuple[str, ...], row: TemplateRow, limit: int) -> list[tuple[str, ...]]:
    """Ways to cut runs of digits into the row's cells that keep its sums, if it has any; at most ``limit``.

    A cell never spans two pieces, never opens with a zero unless it is "0", and takes a sign only first.
    """
    found: list[tuple[str, ...]] = []
    if not all(_SIGNED_DIGITS.match(piece) for piece in pieces):
        return found

    def extend(parts: list[str], index: int, rest: str) -> None:
        if len(found) >= limit:
            return
        if not rest:
            if index + 1 < len(pieces):
                extend(parts, index + 1, pieces[index + 1])
            elif len(parts) == row.width:
                found.append(tuple(parts))
            return
        if len(parts) == row.width:
            return
        sign = 1 if rest[0] in "+-" else 0
        for size in range(1, min(MAX_CELL_DIGITS, len(rest) - sign) + 1):
            part = rest[: sign + size]
            if size > 1 and part[sign] == "0":
                break
            parts.append(part)
            if sums_hold(row, parts):
                extend(parts, index, rest[sign + size:])
            parts.pop()

    extend([], 0, pieces[0])
    return found


def _runs(tokens: list[Token]) -> list[list[Token]]:
    """Printed cells in runs: consecutive cells with no label text or page break between them."""
    runs: list[list[Token]] = [[]]
    for token in tokens:
        if token.number:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _boxes(tokens: list[Token]) -> list[int]:
    """Lengths of the text blocks (paragraphs) a stretch of cells was printed in."""
    lengths: list[int] = []
    for position, token in enumerate(tokens):
        if position and token.paragraph == tokens[position - 1].paragraph:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def column_segments(tokens: list[Token], width: int) -> list[int] | None:
    """Row counts of the stretches a converter printed column by column, if its text blocks show it did.

    Such a converter prints, for a stretch of rows, the cells of one column (in one or more blocks), then the
    next column in blocks of the same sizes, and so on: the block sizes repeat ``width`` times.
    """
    boxes, segments, start = _boxes(tokens), [], 0
    while start < len(boxes):
        pattern = next((p for p in range(1, (len(boxes) - start) // width + 1)
                        if boxes[start: start + p * width] == boxes[start: start + p] * width), None)
        if pattern is None:
            return None
        segments.append(sum(boxes[start: start + pattern]))
        start += pattern * width
    return segments


def _by_columns(tokens: list[Token], width: int, segments: list[int]) -> list[list[Token]]:
    """Cells of column-printed stretches, in row order."""
    placed, taken = [], 0
    for count in segments:
        segment = tokens[taken: taken + count * width]
        placed += [[segment[c * count + r] for c in range(width)] for r in range(count)]
        taken += count * width
    return placed


def _texts(grid: list[list[Token]]) -> list[list[str]]:
    return [[t.text for t in line] for line in grid]


def _attested(row: TemplateRow, cells: list[Token], line_counts: dict[int, int], run_of: dict[int, tuple[int, int]],
              single_row: bool) -> bool:
    """True when the text itself shows these cells form the row: one cell, one line, or one whole run."""
    if row.width == 1 or single_row:
        return True
    lines = {t.line for t in cells}
    if len(lines) == 1 and line_counts[cells[0].line] == row.width:
        return True
    runs = {run_of[id(t)] for t in cells}
    return len(runs) == 1 and next(iter(runs))[1] == row.width


def _in_order(template: list[TemplateRow], runs: list[list[Token]], table: Table, numeral: str,
              names: dict[int, set[str]]) -> list[list[_Cell]]:
    """The cells in reading order, row after row, where nothing in the text contradicts that order.

    ``names`` holds, per line, the rows its label text names. A row whose numbers share a line with another
    row's label is out of order: then nothing is placed. A line that names two or more rows (OCR merging rows)
    places its numbers only when the row sums confirm every one of them, and they are flagged.
    """
    flat = [token for run in runs for token in run]
    run_of = {id(token): (index, len(run)) for index, run in enumerate(runs) for token in run}
    line_counts: dict[int, int] = {}
    for token in flat:
        line_counts[token.line] = line_counts.get(token.line, 0) + 1
    spans, start = [], 0
    for row in template:
        spans.append((start, start + row.width))
        start += row.width
    named = [set().union(*(names.get(t.line, set()) for t in flat[a:b])) for a, b in spans]
    if any(found and row.name not in found for row, found in zip(template, named)):
        return _unplaced(template, flat, table, numeral, "numbers printed out of the table's row order")
    merged = [len(found) > 1 for found in named]
    attested = [_attested(row, flat[a:b], line_counts, run_of, len(template) == 1) and not many
                for row, (a, b), many in zip(template, spans, merged)]
    grid = [[_Cell(t.text, t.where) for t in flat[a:b]] for a, b in spans]
    index = 0
    while index < len(template):
        if attested[index]:
            index += 1
            continue
        end = index
        while end < len(template) and not attested[end]:
            end += 1
        grid[index:end] = _settle(template[index:end], flat[spans[index][0]: spans[end - 1][1]], table, numeral)
        index = end
    for cells, many in zip(grid, merged):
        for cell in cells:
            if many and cell.certain:
                cell.flag = "; ".join(filter(None, [cell.flag, MERGED_FLAG]))
    return grid


def _unplaced(template: list[TemplateRow], flat: list[Token], table: Table, numeral: str, why: str) -> list[list[_Cell]]:
    table.findings.append(Finding(
        "structure", "error", f"table {numeral}", "numbers in the table's row order", " | ".join(t.text for t in flat),
        f"表{numeral}的数字与行标签的次序不符，无法确定各数字所属的行，数值未采用",
        f"Table {numeral}: {why}, so which row each number belongs to cannot be told; none is used"))
    spans = [sum(row.width for row in template[:i]) for i in range(len(template) + 1)]
    return [[_Cell(t.text, t.where, why, certain=False) for t in flat[spans[i]:spans[i + 1]]]
            for i in range(len(template))]


def _settle(rows: list[TemplateRow], tokens: list[Token], table: Table, numeral: str) -> list[list[_Cell]]:
    """Rows whose cells run on without a label or a line to tell them apart: the row sums choose the order."""
    width = rows[0].width
    fitting: list[tuple[list[list[Token]], str]] = []
    if all(row.sums and row.width == width for row in rows):
        in_order = [tokens[i * width:(i + 1) * width] for i in range(len(rows))]
        if all(sums_hold(row, [t.text for t in line]) for row, line in zip(rows, in_order)):
            fitting.append((in_order, ""))
        segments = column_segments(tokens, width)
        columns = _by_columns(tokens, width, segments) if segments else None
        if columns is not None and all(sums_hold(row, [t.text for t in line]) for row, line in zip(rows, columns)):
            if not fitting or _texts(columns) != _texts(fitting[0][0]):
                fitting.append((columns, COLUMN_FLAG))
    if len(fitting) == 1:
        grid, flag = fitting[0]
        return [[_Cell(t.text, t.where, flag) for t in line] for line in grid]
    spans = [sum(row.width for row in rows[:i]) for i in range(len(rows) + 1)]
    grid = [[_Cell(t.text, t.where, "cells printed without labels or lines to tell their rows apart", certain=False)
             for t in tokens[spans[i]:spans[i + 1]]] for i in range(len(rows))]
    names = ", ".join(_row_name(row) for row in rows)
    table.findings.append(Finding(
        "structure", "error", f"table {numeral}: {names}", "cells that can be told apart", " | ".join(t.text for t in tokens),
        f"表{numeral}中{len(rows)}行的数字连续印出，无法确定各数字所属的行和列（{names}），数值未采用",
        f"Table {numeral}: the numbers of {len(rows)} rows run on with nothing to tell which row and column each "
        f"belongs to ({names}); none is used"))
    return grid


def _by_runs(template: list[TemplateRow], runs: list[list[Token]], table: Table, numeral: str,
             section: str) -> list[list[_Cell]]:
    """One run of cells per row, some printed with their digits run together: split only where one split fits.

    A run is first cut by its own row's sums; where several cuts keep them, the table's column sums (the
    validator's identities across rows) choose, and only when exactly one combination of cuts keeps them all.
    """
    options: list[list[tuple[str, ...]]] = []
    for row, run in zip(template, runs):
        if len(run) == row.width:
            options.append([tuple(t.text for t in run)])
        else:
            options.append(splits(tuple(t.text for t in run), row, SEARCH) if _glued(row, run) else [])
    open_rows = [i for i, found in enumerate(options) if len(found) > 1]
    combinations = prod(len(options[i]) for i in open_rows)
    if open_rows and combinations <= SEARCH:
        fitting = []
        for choice in product(*(options[i] for i in open_rows)):
            chosen = [found[0] if found else () for found in options]
            for i, cells in zip(open_rows, choice):
                chosen[i] = cells
            if all(chosen) and _identities_hold(section, template, chosen):
                fitting.append(choice)
        if len(fitting) == 1:
            for i, cells in zip(open_rows, fitting[0]):
                options[i] = [cells]
    grid = []
    for row, run, found in zip(template, runs, options):
        if len(run) == row.width:
            grid.append([_Cell(t.text, t.where) for t in run])
            continue
        printed = " ".join(t.text for t in run)
        if not _glued(row, run):
            texts = [t.text for t in run] + [""] * (row.width - len(run))  # kept left to right, none used
            grid.append([_Cell(text, run[0].where, "row does not fit the table's columns", certain=False)
                         for text in texts])
            table.findings.append(cell_count_finding(numeral, _row_name(row), f"table {numeral}: {_row_name(row)}",
                                                     row.width, tuple(t.text for t in run)))
            continue
        if len(found) == 1:
            grid.append([_Cell(part, run[0].where, SPLIT_FLAG) for part in found[0]])
            table.findings.append(Finding(
                "structure", "warning", f"table {numeral}: {_row_name(row)}", "cells printed apart", printed,
                f"表{numeral}“{_row_name(row)}”行的数字连在一起印出（{printed}），按表内合计关系只有一种拆分："
                f"{' | '.join(found[0])}，各单元格已标记",
                f"Table {numeral} row {_row_name(row)!r} prints its digits run together ({printed}); only one split "
                f"keeps the table's sums: {' | '.join(found[0])} (cells flagged {SPLIT_FLAG})"))
            continue
        if not found:
            why_zh, why_en = "没有符合合计关系的拆分", "no split keeps the sums"
        elif row.sums:
            why_zh, why_en = "有多种拆分均符合合计关系", "more than one split keeps the sums"
        else:
            why_zh, why_en = "有多种拆分且该行没有合计关系可供判断", "more than one split is possible and no sum decides"
        grid.append([_Cell(printed, run[0].where, f"digits run together: {why_en}", unreadable=True)
                     for _ in range(row.width)])
        table.findings.append(Finding(
            "structure", "error", f"table {numeral}: {_row_name(row)}", f"{row.width} cells", printed,
            f"表{numeral}“{_row_name(row)}”行的数字连在一起印出（{printed}），{why_zh}，数值未采用",
            f"Table {numeral} row {_row_name(row)!r} prints its digits run together ({printed}): {why_en}; none is used"))
    return grid


def _glued(row: TemplateRow, run: list[Token]) -> bool:
    """Digits run together: printed against text, or one run on its own in a row whose sums can check a cut.
    Cells printed apart with some left blank ("10 5" for three cells) are not glued digits, and are not cut."""
    return len(run) < row.width and (all(t.glued for t in run) or (len(run) == 1 and bool(row.sums)))


def _identities_hold(section: str, template: list[TemplateRow], grid: list[tuple[str, ...]]) -> bool:
    """True when the validator finds no broken sum in the table as these cells would make it."""
    from nianbao.validate import check_report  # the identities live there; imported late, validate imports parse

    values = [make_value(section, item, applicant, printed, True, "", "")
              for row, cells in zip(template, grid) for item, applicant, printed in zip(row.items, row.applicants, cells)]
    return not any(f.check in SUM_CHECKS for f in check_report(Report("candidate", "", values=values)))


def _row_name(row: TemplateRow) -> str:
    items = codebook.items()
    if row.name in items:
        return items[row.name].label_zh
    first = items.get(row.items[0])
    return first.label_zh.split(" ")[0] if first and row.width < 5 else ""


def place(section: str, numeral: str, template: list[TemplateRow], tokens: list[Token],
          name_of: Callable[[str], str | None]) -> Table:
    """Values for every cell of a table found in the token stream, or its cells flagged with a finding.

    ``name_of`` gives the row a fragment of label text names, if it names one.
    """
    table = Table(found=True)
    runs = _runs(tokens)
    needed = sum(row.width for row in template)
    count = sum(len(run) for run in runs)
    if count == needed:
        names: dict[int, set[str]] = {}
        for token in tokens:
            if not token.number and (name := name_of(token.text)) is not None:
                names.setdefault(token.line, set()).add(name)
        grid = _in_order(template, runs, table, numeral, names)
    elif count < needed and len(runs) == len(template):
        grid = _by_runs(template, runs, table, numeral, section)
    else:
        printed = " | ".join(t.text for run in runs for t in run)
        table.findings.append(Finding(
            "structure", "error", f"table {numeral}", f"{needed} cells", f"{count} cells: {printed}",
            f"表{numeral}找到 {count} 个数字，按规定格式应为 {needed} 个，且无法按行对应；数值未采用",
            f"Table {numeral} was found with {count} printed cells where its format has {needed}, and they cannot "
            "be matched to rows; none is used"))
        where = runs[0][0].where if runs else ""
        grid = [[_Cell("", where, "the table's cells could not be matched to its rows", certain=False)
                 for _ in range(row.width)] for row in template]
    for row, cells in zip(template, grid):
        for position, (item, applicant, cell) in enumerate(zip(row.items, row.applicants, cells)):
            source = f"{cell.where}, cell {position + 1}"
            if cell.unreadable:
                table.values.append(Value(section, item, applicant, cell.printed, None, codebook.items()[item].unit,
                                          "unreadable", cell.flag, source))
            else:
                table.values.append(make_value(section, item, applicant, cell.printed, cell.certain, cell.flag, source))
    return table
