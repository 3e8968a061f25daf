"""Body, year and format per report: from sources.csv where given, else from the title; disagreements are findings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nianbao.extract import extract_file
from nianbao.sources import read_sources

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def test_without_provenance_the_title_names_body_and_year(tmp_path: Path) -> None:
    copy = tmp_path / "unknown.md"
    copy.write_bytes((RAW / "jiyuan-city_2021.md").read_bytes())
    report = extract_file(copy)
    assert (report.body, report.year, report.format, report.level, report.parent) == (
        "济源市人民政府", 2021, "2021", "city", "")


def test_a_title_that_disagrees_with_sources_is_a_finding() -> None:
    source = read_sources(RAW)["jiyuan-city_2021.md"]
    report = extract_file(RAW / "jiyuan-city_2021.md", replace(source, body="洛阳市人民政府", year=2022, format="2019"))
    found = {(f.check, f.cells, f.expected, f.found) for f in report.findings if f.check == "metadata"}
    assert found == {("metadata", "body", "洛阳市人民政府", "济源市人民政府"), ("metadata", "year", "2022", "2021"),
                     ("metadata", "format", "2019", "2021")}
    assert (report.body, report.year) == ("洛阳市人民政府", 2022)  # provenance is recorded; the finding flags it


def test_a_changed_file_is_caught_by_its_sha256(tmp_path: Path) -> None:
    source = read_sources(RAW)["jiyuan-city_2021.md"]
    copy = tmp_path / "jiyuan-city_2021.md"
    copy.write_bytes((RAW / "jiyuan-city_2021.md").read_bytes() + b"\n")
    report = extract_file(copy, source)
    assert any(f.check == "metadata" and f.cells == "sha256" for f in report.findings)


def test_the_shanghai_2025_title_over_two_lines_is_read() -> None:
    report = extract_file(RAW / "shanghai-gov-office_2025.md")
    assert (report.body, report.year) == ("上海市人民政府办公厅", 2025)


def test_level_and_parent_come_from_a_government_name_only_when_it_states_them() -> None:
    from nianbao.parse.labels import level_of_body

    assert level_of_body("淮安市洪泽区人民政府") == ("county", "淮安市")
    assert level_of_body("江苏省苏州市人民政府") == ("city", "江苏省")
    assert level_of_body("上海市人民政府") == ("province", "")
    assert level_of_body("上海市人民政府办公厅") == ("", "")  # an office: its level is not in its name
