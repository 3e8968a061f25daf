"""The template reader on real reports made harder: sections renumbered or left out, digits run together."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao.extract import extract_file
from nianbao.parse.applications import expected_codes
from nianbao.parse.arrange import SEARCH, splits
from nianbao.parse.template import application_rows, review_rows

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
HEADINGS = {"一": "一、总体情况", "二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
            "四": "四、政府信息公开行政复议、行政诉讼情况"}


def _expected(report_id: str) -> dict[tuple[str, str, str], tuple[float | None, str]]:
    with (EXPECTED / f"{report_id}.csv").open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): (float(r["value"]) if r["value"] else None, r["missing"])
                for r in csv.DictReader(handle) if r["section"] != "narrative"}


def _renumbered(text: str, drop: str) -> str:
    """Section 一's heading left out and the others numbered one lower, or the heading ``drop`` left out."""
    if drop:
        return text.replace(HEADINGS[drop], "", 1)
    text = text.replace(HEADINGS["一"], "", 1)
    for numeral, lower in (("二", "一"), ("三", "二"), ("四", "三")):
        text = text.replace(HEADINGS[numeral], lower + HEADINGS[numeral][1:], 1)
    return text


@pytest.mark.parametrize("report_id", ["shanghai-gov-office_2025", "jiyuan-city_2021"])
@pytest.mark.parametrize("drop", ["", "二", "三", "四"])
def test_sections_numbered_otherwise_or_left_out_read_every_cell(tmp_path: Path, report_id: str, drop: str) -> None:
    text = _renumbered((RAW / f"{report_id}.md").read_text(encoding="utf-8"), drop)
    path = tmp_path / f"{report_id}.md"
    path.write_text(text, encoding="utf-8")
    got = {(v.section, v.item, v.applicant): (v.value, v.missing) for v in extract_file(path).values}
    assert {key: got.get(key) for key in _expected(report_id)} == _expected(report_id)


def test_a_run_of_digits_is_cut_where_only_one_cut_keeps_the_row_sum() -> None:
    row = application_rows(["received"])[0]
    assert splits(("21710000218",), row, SEARCH) == [("217", "1", "0", "0", "0", "0", "218")]
    assert len(splits(("220000022",), row, SEARCH)) > 1  # 22·0·…·22 and 2·20·0·…·22 both keep it


def test_a_run_of_table_four_is_cut_by_its_block_totals() -> None:
    """Pingtan 2023's table 四 as a tag-stripped page prints it: 1+1+0+0=2, 4+0+0+1=5, 1+0+1+0=2."""
    row = review_rows()[0]
    assert splits(("110024001510102",), row, SEARCH) == [tuple("110024001510102")]


def test_the_three_row_template_has_a_row_per_code() -> None:
    assert [row.name for row in application_rows(expected_codes(False))][-5:] == [
        "other.no_correction", "other.unpaid_fee", "other.other", "total", "carried_forward"]


def test_tables_found_but_unreadable_are_named_not_called_no_report(tmp_path: Path) -> None:
    """Table 三's digits removed from a real report: the labels are there, so the finding names the table."""
    text = (RAW / "shanghai-gov-office_2025.md").read_text(encoding="utf-8")
    start, end = text.index(HEADINGS["三"]), text.index(HEADINGS["四"])
    path = tmp_path / "no-digits.md"
    path.write_text(text[:start] + re.sub(r"\d", "", text[start:end]) + text[end:], encoding="utf-8")
    report = extract_file(path)
    assert report.status == "findings"
    assert any(f.cells.startswith("applications") or "Table 三" in f.message_en for f in report.findings)
    assert all(v.value is None for v in report.values if v.section == "applications")


def _pdftotext_layout(pdf: Path) -> str:
    if shutil.which("pdftotext") is None or not pdf.exists():
        pytest.skip("pdftotext or the corpus PDF is absent")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_a_line_carrying_two_row_labels_is_placed_only_by_the_row_sums_and_flagged(tmp_path: Path) -> None:
    """Two rows of Hongze 2023 merged onto one line, as OCR merges them: labels first, then both rows' numbers."""
    lines = _pdftotext_layout(ROOT.parent / "shared" / "corpus" / "hongze-district_2023.pdf").splitlines()
    first = next(i for i, line in enumerate(lines) if "1.属于国家秘密" in line)
    second = next(i for i, line in enumerate(lines) if "2.其他法律" in line)
    (label, *row), (next_label, *next_row) = lines[first].split(), lines[second].split()
    lines[first] = " ".join([label, next_label, *row, *next_row])
    del lines[second]
    path = tmp_path / "hongze-district_2023.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    values = {(v.item, v.applicant): v for v in extract_file(path).values if v.section == "applications"}
    expected = _expected("hongze-district_2023")
    for code in ("refused.state_secret", "refused.prohibited_by_law"):
        for applicant in ("natural_person", "other_org", "total"):
            cell = values[(code, applicant)]
            assert (cell.value, cell.missing) == expected[("applications", code, applicant)]
            assert "several row labels" in cell.flag
