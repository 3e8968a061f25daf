"""Scanned reports: the real Hongze PDFs rendered at 200 dpi and degraded as a scanner would
(scripts/make_scans.py), read by OCR, against the hand-checked cells of tests/fixtures/expected/.

Every cell must come out right or flagged; none silently wrong. CI reads a few pages (the tables); the full
matrix, every page of both reports in every variant, runs with NIANBAO_OCR_FULL=1 (and in the benchmark).
"""

from __future__ import annotations

import csv
import importlib.util
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from nianbao.batch import extract
from nianbao.document import Row, ScannedCell
from nianbao.extract import extract_file
from nianbao.model import Report, Value
from nianbao.readers.ocr import skew_angle, suppress_red
from nianbao.scanned import IDENTITY_FLAG, LOW_CONFIDENCE_FLAG, attach_scan, scan_findings
from nianbao.validate import check_report
from nianbao.write import read_reports

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
CORPUS = ROOT.parent / "shared" / "corpus"
TABLES = {"disclosure", "applications", "review_litigation"}
FULL = bool(os.environ.get("NIANBAO_OCR_FULL"))

pytestmark = pytest.mark.skipif(not (CORPUS / "hongze-district_2023.pdf").is_file(),
                                reason=f"the Hongze PDFs are read in place from {CORPUS}, absent here")


def _make_scans():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected_cells(report_id: str) -> dict[tuple[str, str, str], dict[str, str]]:
    with (EXPECTED / f"{report_id}.csv").open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): r for r in csv.DictReader(handle)}


def outcome(report: Report, sections: set[str]) -> tuple[Counter, list[str]]:
    """Each hand-checked cell of the sections: right, flagged (a flag, no number, or a finding naming it),
    absent (a finding says the row or table is missing), or silently wrong."""
    expected = expected_cells(report.report_id)
    got = {(v.section, v.item, v.applicant): v for v in report.values}
    named = " ".join(f.cells for f in report.findings)
    counts: Counter = Counter()
    wrong = []
    for key, row in expected.items():
        if key[0] not in sections:
            continue
        value = got.get(key)
        number = "" if value is None or value.value is None else f"{value.value:g}"
        if value is not None and number == (f"{float(row['value']):g}" if row["value"] else "") \
                and value.missing == row["missing"]:
            counts["right"] += 1
        elif value is None:
            counts["absent"] += 1
        elif value.flag or value.missing in ("unreadable", "ambiguous") or ":".join(key).rstrip(":") in named:
            counts["flagged"] += 1
        else:
            counts["silently wrong"] += 1
            wrong.append(f"{':'.join(key)}: expected {row['printed']!r}, read {value.printed!r} ({value.source})")
    return counts, wrong


@pytest.fixture(scope="module")
def combined_scan(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Hongze 2023, pages 2–4 (tables 二, 三, 四) with a seal, rotation, noise and JPEG, as an image-only PDF."""
    out = tmp_path_factory.mktemp("scans")
    pdf = _make_scans().make_scans(CORPUS / "hongze-district_2023.pdf", out, ["combined"], pages=[2, 3, 4])["combined"]
    return extract_file(pdf)


def test_a_degraded_scan_comes_out_right_or_flagged(combined_scan: Report) -> None:
    counts, wrong = outcome(combined_scan, TABLES)
    assert wrong == [], wrong
    assert counts["absent"] == 0
    assert counts["right"] >= 175, counts  # of 182 cells: the flags are few, not everything


def test_every_ocr_cell_says_where_it_is_and_how_sure(combined_scan: Report) -> None:
    cells = [v for v in combined_scan.values if v.section in TABLES]
    assert all(", box x " in v.source and v.source.startswith("page ") for v in cells)
    read = [v for v in cells if v.printed]
    assert read and all(v.confidence is not None and 0 <= v.confidence <= 1 for v in read)
    fees = next(v for v in cells if v.item == "fees.amount")
    assert (fees.value, fees.source.split(",")[0]) == (7730.28, "page 2")  # page 3 of the report: 2 of the scan


def test_the_printed_contradiction_stays_a_finding(combined_scan: Report) -> None:
    """Hongze 2023 prints 行政复议 总计 0 beside parts adding to 11: reported (I3), and its OCR'd cells flagged."""
    assert any(f.check == "I3" and f.cells.startswith("review_litigation:review.total") for f in combined_scan.findings)
    review = [v for v in combined_scan.values if v.item.startswith("review.")]
    assert all(IDENTITY_FLAG in v.flag for v in review)


def test_a_folder_of_page_images_is_one_report(tmp_path: Path) -> None:
    """The seal variant of Hongze 2024's table pages as JPEG files in a folder, through the command line."""
    pages = _make_scans().make_scans(CORPUS / "hongze-district_2024.pdf", tmp_path / "scans", ["seal"],
                                     pages=[3, 4], as_pages=True)["seal"]
    extract([pages], tmp_path / "out")
    (report,) = read_reports(tmp_path / "out")
    assert report.report_id == "hongze-district_2024" and report.status == "findings"
    counts, wrong = outcome(report, {"applications", "review_litigation"})
    assert wrong == [], wrong
    assert counts["right"] >= 150, counts
    with (tmp_path / "out" / "values.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[-1] == "confidence"
    received = next(r for r in rows if r["item"] == "received" and r["applicant"] == "total")
    assert (received["value"], received["source"].split(",")[0]) == ("95", "page 1")
    assert float(received["confidence"]) > 0.9


def test_a_pdf_with_one_scanned_page_reads_each_page_from_its_best_source(tmp_path: Path) -> None:
    """Hongze 2024 with its page 3 (table 三 and the seal) replaced by an image of it: OCR there only."""
    import pypdfium2

    original = CORPUS / "hongze-district_2024.pdf"
    scanned = _make_scans().make_scans(original, tmp_path / "scans", ["seal"], pages=[3])["seal"]
    mixed = pypdfium2.PdfDocument.new()
    text, image = pypdfium2.PdfDocument(original), pypdfium2.PdfDocument(scanned)
    mixed.import_pages(text, [0, 1])
    mixed.import_pages(image, [0])
    mixed.import_pages(text, [3, 4])
    path = tmp_path / "hongze-district_2024.pdf"
    mixed.save(path)
    report = extract_file(path)
    counts, wrong = outcome(report, TABLES | {"narrative"})
    assert wrong == [] and counts["absent"] == 0, (counts, wrong)
    by_page = {v.source.split(",")[0] for v in report.values if v.confidence is not None}
    assert by_page == {"page 3"}
    assert all(v.confidence is None for v in report.values if v.source.startswith(("page 2", "page 4")))


@pytest.mark.skipif(not FULL, reason="the full OCR matrix (70 pages) runs with NIANBAO_OCR_FULL=1")
@pytest.mark.parametrize("variant", ["clean", "grey", "jpeg60", "rotated", "seal", "noise", "combined"])
@pytest.mark.parametrize("report_id", ["hongze-district_2023", "hongze-district_2024"])
def test_every_page_of_every_variant(tmp_path: Path, report_id: str, variant: str) -> None:
    pdf = _make_scans().make_scans(CORPUS / f"{report_id}.pdf", tmp_path, [variant])[variant]
    report = extract_file(pdf)
    counts, wrong = outcome(report, TABLES | {"narrative"})
    print(f"{report_id} {variant}: {dict(counts)}")
    assert wrong == [], wrong


# Without OCR: what the values of a scanned row carry, and how identities name a misread cell.

def test_red_ink_is_taken_out_and_black_print_under_it_kept() -> None:
    page = np.full((40, 40, 3), 255, np.uint8)
    page[5:15, 5:15] = (205, 30, 38)  # seal ink on paper
    page[20:30, 5:15] = (0, 0, 0)  # print
    page[20:30, 25:35] = (96, 14, 18)  # a grey ruling seen through the seal: print, though red-dominant
    grey = suppress_red(page)
    assert grey[10, 10] == 255 and grey[25, 10] == 0 and grey[25, 30] < 160


def test_a_small_rotation_is_measured() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    for y in range(200, 2200, 60):
        draw.line((150, y, 1500, y), fill=0, width=3)
    rotated = np.asarray(image.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255))
    assert abs(skew_angle(rotated) + 1.5) <= 0.15


def _row(cells: tuple[str, ...], confidences: tuple[float | None, ...], where: str) -> Row:
    scan = tuple(ScannedCell(c, (10 * i, 0, 10 * i + 10, 10), unread=c == 0.0) for i, c in enumerate(confidences))
    return Row(cells, where, tabular=True, scan=scan)


def test_scanned_cells_carry_confidence_and_flags() -> None:
    row = _row(("规章", "", "3", "", "7"), (0.99, None, 0.62, 0.0, 0.98), "page 2, table 1, row 2")
    values = [Value("disclosure", f"regulations.{name}", "", printed, number, "documents",
                    source=f"page 2, table 1, row 2, column {column}")
              for column, (name, printed, number) in enumerate(
                  [("issued", "3", 3.0), ("repealed", "", None), ("in_force", "7", 7.0)], start=1)]
    attach_scan(values, [row])
    issued, repealed, in_force = values
    assert (issued.confidence, issued.flag) == (0.62, LOW_CONFIDENCE_FLAG)
    assert (repealed.missing, repealed.value) == ("unreadable", None) and "ocr_unread" in repealed.flag
    assert (in_force.confidence, in_force.flag) == (0.98, "")
    assert in_force.source == "page 2, table 1, row 2, column 3, box x 40–50, y 0–10 px (page at 200 dpi)"


def test_a_misread_cell_in_a_failing_row_and_column_is_named() -> None:
    """One table-三 cell read wrong: its row (I2) and its column (I1, S1) fail, and the finding names it."""
    expected = expected_cells("hongze-district_2024")
    values = [Value(s, i, a, r["printed"], float(r["value"]) if r["value"] else None, "", r["missing"],
                    source="page 3", confidence=0.99)
              for (s, i, a), r in expected.items() if s == "applications"]
    misread = next(v for v in values if (v.item, v.applicant) == ("granted", "natural_person"))
    misread.printed, misread.value = "60", 60.0  # printed 50
    report = Report("scan", "scan.pdf", values=values, format="2021")
    report.findings = check_report(report)
    named = [f for f in scan_findings(report) if f.check == "ocr" and f.severity == "error"]
    assert [f.cells for f in named] == ["applications:granted:natural_person"]
    assert IDENTITY_FLAG in misread.flag
