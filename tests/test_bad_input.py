"""Bad input gets a clear error or finding naming the file, and the rest of the batch still comes out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image

from nianbao.batch import extract
from nianbao.derive import is_printed
from nianbao.extract import extract_file
from nianbao.write import read_reports

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
JIYUAN = (RAW / "jiyuan-city_2021.md").read_text(encoding="utf-8")


def _section_lines(text: str, start: str, end: str) -> tuple[list[str], int, int]:
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i, line in enumerate(lines) if line.startswith(end))
    return lines, first, last


def _drop_last_cell(line: str) -> str:
    """The row without its last printed cell (the 总计 column of table 三)."""
    cells = line.strip().strip("|").split("|")
    last = max(i for i, cell in enumerate(cells) if cell.strip())
    return "|" + "|".join(cells[:last] + cells[last + 1:]) + "|"


def _scanned_pdf(path: Path) -> None:
    image = Image.new("RGB", (600, 800), "white")
    image.save(path, "PDF", resolution=72)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder with one good report and every kind of bad file."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "good_2021.md").write_text(JIYUAN, encoding="utf-8")
    (folder / "empty.md").write_bytes(b"")
    (folder / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    _scanned_pdf(folder / "scanned.pdf")
    (folder / "news.html").write_bytes((ROOT / "tests" / "fixtures" / "html" / "news_list.html").read_bytes())
    lines, first, last = _section_lines(JIYUAN, "三、收到和处理", "四、政府信息公开行政复议")
    (folder / "no_table_three.md").write_text("\n".join(lines[:first] + lines[last:]), encoding="utf-8")
    cut = next(i for i, line in enumerate(lines) if "本机关不掌握" in line)
    (folder / "truncated.md").write_text("\n".join(lines[:cut + 1]), encoding="utf-8")
    no_total = [_drop_last_cell(line) if line.startswith("|") and first < i < last else line
                for i, line in enumerate(lines)]
    (folder / "missing_column.md").write_text("\n".join(no_total), encoding="utf-8")
    return folder


@pytest.fixture
def results(batch: Path, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "out"
    extract([batch], out)
    reports = {r.report_id: r for r in read_reports(out)}
    return {"reports": reports, "out": out}


def test_the_batch_still_comes_out(results: dict[str, object]) -> None:
    reports = results["reports"]
    assert reports["good_2021"].status == "findings"  # the known table-四 quirk, nothing else
    assert {f.check for f in reports["good_2021"].findings} == {"structure", "N1"}
    out = results["out"]
    with (out / "reports.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["report_id"]: row for row in csv.DictReader(handle)}
    assert len(rows) == 8
    assert rows["garbage"]["status"] == "failed" and rows["garbage"]["error"]


@pytest.mark.parametrize(("report_id", "words"), [
    ("empty", "empty file"),
    ("garbage", "binary data"),
    ("scanned", "no text layer"),
    ("news", "not an annual report"),
])
def test_unreadable_files_fail_with_a_clear_error(results: dict[str, object], report_id: str, words: str) -> None:
    report = results["reports"][report_id]
    assert report.status == "failed"
    assert report.error.startswith(f"{report.source_file}:")
    assert words in report.error
    assert report.values == []


def test_a_report_missing_table_three_is_a_finding(results: dict[str, object]) -> None:
    report = results["reports"]["no_table_three"]
    assert report.status == "findings"
    assert any(f.check == "structure" and f.cells == "table 三" for f in report.findings)
    assert {v.section for v in report.values} == {"disclosure", "review_litigation", "narrative"}


def test_a_truncated_table_names_every_missing_row(results: dict[str, object]) -> None:
    report = results["reports"]["truncated"]
    missing = {f.cells for f in report.findings if f.check == "structure" and f.found == "missing"}
    assert "applications:total" in missing and "applications:carried_forward" in missing
    assert "applications:unable.not_held" not in missing
    got = {(v.item, v.applicant): v.value for v in report.values if v.section == "applications"}
    assert got[("unable.not_held", "total")] == 32  # rows before the cut are still read
    assert any(f.cells == "table 四" for f in report.findings)


def test_a_table_with_a_missing_column_is_not_guessed(results: dict[str, object]) -> None:
    """Without the 总计 column no number moves into another column: rows are ambiguous, or (where the
    converter left an empty border cell) their total reads as a printed blank that check I2 reports."""
    report = results["reports"]["missing_column"]
    applications = [v for v in report.values if v.section == "applications" and is_printed(v)]
    assert not [v for v in applications if v.applicant == "total" and v.value is not None]
    by_row = {v.item: v for v in applications if v.applicant == "natural_person"}
    certain = sorted(item for item, v in by_row.items() if v.missing != "ambiguous")
    assert certain == ["granted", "partially_granted"]
    assert by_row["granted"].value == 83 and by_row["partially_granted"].value == 16
    reported = {f.cells.split(":")[1] for f in report.findings if f.check == "I2"}
    assert set(certain) <= reported
    assert sum(f.check == "structure" and f.cells.startswith("applications:") for f in report.findings) == 23


def test_a_single_bad_file_fails_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "half.pdf"
    path.write_bytes(b"%PDF-1.7\n" + io.BytesIO(b"\x00" * 50).getvalue())
    report = extract_file(path)
    assert report.status == "failed" and report.error.startswith("half.pdf:")
