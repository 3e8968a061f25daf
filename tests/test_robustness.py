"""A real report, damaged at random, never crashes the engine and never changes a number without a finding."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.document import Document, Row
from nianbao.model import Report
from nianbao.parse import parse_document
from nianbao.readers import read
from nianbao.validate import check_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REPORTS = [ROOT / "data" / "raw" / "jiyuan-city_2021.md", ROOT / "data" / "raw" / "shanghai-gov-office_2019.html",
           ROOT / "data" / "raw" / "shanghai-gov-office_2025.md", CORPUS / "hongze-district_2024.pdf"]


@cache
def _document(path: Path) -> Document:
    document = read(path)
    assert isinstance(document, Document)
    return document


def _extract(document: Document) -> Report:
    parsed = parse_document(document)
    report = Report("r", "r", values=parsed.values, findings=parsed.findings)
    report.findings += check_report(report)
    return report


def _damage(rows: list[Row], kind: str, index: int, cut: int) -> list[Row]:
    rows = list(rows)
    row = rows[index]
    if kind == "drop":
        del rows[index]
    elif kind == "duplicate":
        rows.insert(index, row)
    elif kind == "wrap":  # the row's cells (or text) split over two lines
        if len(row.cells) > 1:
            cut = 1 + cut % (len(row.cells) - 1)
            rows[index: index + 1] = [row._replace(cells=row.cells[:cut]), row._replace(cells=row.cells[cut:])]
        else:
            text = row.cells[0]
            cut = cut % (len(text) + 1)
            rows[index: index + 1] = [row._replace(cells=(text[:cut],)), row._replace(cells=(text[cut:],))]
    elif kind == "blank" and row.tabular:
        cells = list(row.cells)
        cells[cut % len(cells)] = ""
        rows[index] = row._replace(cells=tuple(cells))
    return rows


damages = st.lists(st.tuples(st.sampled_from(["drop", "duplicate", "wrap", "blank"]),
                             st.floats(0, 1, exclude_max=True), st.integers(0, 1000)), min_size=1, max_size=4)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damages)
def test_damage_never_changes_a_number_silently(path: Path, damage: list[tuple[str, float, int]]) -> None:
    if not path.is_file():
        pytest.skip(f"{path} is absent on this machine")
    original = _document(path)
    rows = original.rows
    for kind, where, cut in damage:
        rows = _damage(rows, kind, int(where * len(rows)), cut)
    before = _extract(original)
    after = _extract(replace(original, rows=rows))
    numbers = {(v.section, v.item, v.applicant): v.value for v in before.values}
    changed = [v for v in after.values
               if v.value is not None and numbers.get((v.section, v.item, v.applicant)) != v.value]
    if changed:
        known = {(f.check, f.cells, f.found) for f in before.findings}
        new = [f for f in after.findings if (f.check, f.cells, f.found) not in known]
        assert new, f"{len(changed)} numbers changed without a finding, e.g. {changed[0]}"
