"""Every printed cell of every real report, against values transcribed by hand (tests/fixtures/expected)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from nianbao.batch import extract
from nianbao.derive import is_printed
from nianbao.model import Report
from nianbao.write import read_reports

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
CORPUS = ROOT.parent / "shared" / "corpus"
IN_CORPUS_ONLY = {"hongze-district_2023", "hongze-district_2024"}
REPORT_IDS = sorted(p.stem for p in EXPECTED.glob("*_20??.csv"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    out = tmp_path_factory.mktemp("processed")
    extract([ROOT / "data" / "raw"], out, corpus=CORPUS)
    return {r.report_id: r for r in read_reports(out)}


def _expected_rows(report_id: str) -> list[dict[str, str]]:
    with (EXPECTED / f"{report_id}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _skip_without_corpus(report_id: str) -> None:
    if report_id in IN_CORPUS_ONLY and not CORPUS.is_dir():
        pytest.skip(f"{report_id} is read in place from {CORPUS}, which is absent on this machine")


def test_every_hand_checked_report_is_listed_in_sources() -> None:
    """A fixture without its report would test nothing; a report added without a fixture is still extracted."""
    with (ROOT / "data" / "raw" / "sources.csv").open(encoding="utf-8") as handle:
        listed = {Path(row["file"]).stem for row in csv.DictReader(handle)}
    assert REPORT_IDS and set(REPORT_IDS) <= listed


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_every_printed_cell_matches_the_hand_transcription(reports: dict[str, Report], report_id: str) -> None:
    _skip_without_corpus(report_id)
    got = {(v.section, v.item, v.applicant): v for v in reports[report_id].values if is_printed(v)}
    expected = _expected_rows(report_id)
    assert set(got) == {(r["section"], r["item"], r["applicant"]) for r in expected}
    for row in expected:
        value = got[(row["section"], row["item"], row["applicant"])]
        where = f"{report_id} {row['section']}:{row['item']}:{row['applicant']}"
        assert value.value == (float(row["value"]) if row["value"] else None), where
        assert value.missing == row["missing"], where
        if row["section"] != "narrative":  # narrative cells keep the whole phrase that states the figure
            assert value.printed == row["printed"], where


def _finding_key(check: str, cells: str, expected: str, found: str) -> tuple[str, str, str]:
    """Findings compared by kind and numbers: the oracle names cells in its own words."""
    if check in ("cell_count", "structure"):
        return ("structure", cells.split(":")[0], "")
    if check == "N1":
        return (check, expected, "" if not found[:1].isdigit() else found)
    return (check, expected, found)


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_every_quirk_is_found(reports: dict[str, Report], report_id: str) -> None:
    _skip_without_corpus(report_id)
    with (EXPECTED / "findings.csv").open(encoding="utf-8") as handle:
        oracle = [r for r in csv.DictReader(handle) if r["report_id"] == report_id]
    expected = Counter(_finding_key(r["check"], r["cells"], r["expected"], r["found"]) for r in oracle)
    got = Counter(_finding_key(f.check, f.cells, f.expected, f.found) for f in reports[report_id].findings)
    assert expected - got == Counter()
    # Beyond the oracle, the engine may only warn that a text figure cannot be compared with an ambiguous table.
    assert all(check == "N1" and found == "" for check, _, found in got - expected)


def test_report_metadata_and_formats(reports: dict[str, Report]) -> None:
    jiyuan = reports["jiyuan-city_2021"]
    assert (jiyuan.body, jiyuan.year, jiyuan.format, jiyuan.level, jiyuan.parent) == (
        "济源市人民政府", 2021, "2021", "city", "河南省")
    assert reports["shanghai-gov-office_2019"].format == "2019"
    assert reports["shanghai-gov-office_2019"].format_variant == ""
    if CORPUS.is_dir():
        assert reports["hongze-district_2023"].format == "2021"
        assert reports["hongze-district_2023"].format_variant == "（六）其他处理 printed as one row"
    assert all(r.status != "failed" for r in reports.values())


def test_carry_over_chains_hold_for_consecutive_years(reports: dict[str, Report]) -> None:
    """Suqian 2023 carries 121 requests forward and 2024 carries 121 over: no I4 finding."""
    assert not [f for f in reports["suqian-city_2024"].findings if f.check in ("I4", "I5")]
