"""The number every measure uses (``number``, ``derived``), on real reports, against the hand-checked fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

from nianbao import codebook
from nianbao.derive import derive_numbers
from nianbao.extract import extract_file
from nianbao.model import Value
from nianbao.sources import read_sources

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"


def _extract(name: str) -> dict[tuple[str, str, str], Value]:
    report = extract_file(RAW / name, read_sources(RAW).get(name))
    return {(v.section, v.item, v.applicant): v for v in report.values}


def _fixture(report_id: str) -> dict[tuple[str, str, str], dict[str, str]]:
    with (EXPECTED / f"{report_id}.csv").open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): r for r in csv.DictReader(handle)}


def test_a_blank_total_beside_applicant_numbers_is_their_sum() -> None:
    """Shanghai 2019 prints 予以公开 258 + 12 + 1 + 1 (two blanks) and leaves 总计 blank: the number is 272."""
    got = _extract("shanghai-gov-office_2019.html")
    total = got[("applications", "granted", "total")]
    assert (total.printed, total.value, total.number, total.derived) == ("", None, 272, "total_from_applicants")
    blank = got[("applications", "granted", "research")]
    assert (blank.number, blank.derived) == (0, "blank_as_zero")
    printed = got[("applications", "total", "total")]
    assert (printed.number, printed.derived) == (805, "")


def test_every_printed_number_is_used_as_printed() -> None:
    got = _extract("suqian-city_2023.csv")
    printed = [v for v in got.values() if v.value is not None]
    assert printed and all(v.number == v.value and v.derived == "" for v in printed)


def test_three_other_rows_add_up_to_one_aligned_row_per_applicant() -> None:
    """Suqian 2023 prints （六） as three rows: ``other`` is their sum, taken from the hand-checked cells."""
    got, fixture = _extract("suqian-city_2023.csv"), _fixture("suqian-city_2023")
    rows = codebook.aligned_rows("other")
    assert rows == ("other.no_correction", "other.unpaid_fee", "other.other")
    for applicant in codebook.applicants():
        expected = sum(float(fixture[("applications", item, applicant)]["value"]) for item in rows)
        other = got[("applications", "other", applicant)]
        assert (other.printed, other.value, other.number, other.derived) == ("", None, expected, "other_from_three_rows")


def test_a_report_printing_one_other_row_keeps_it() -> None:
    got = _extract("shanghai-gov-office_2019.html")
    other = got[("applications", "other", "natural_person")]
    assert other.derived in ("", "blank_as_zero") and other.printed == _fixture("shanghai-gov-office_2019")[
        ("applications", "other", "natural_person")]["printed"]
    assert ("applications", "other.other", "natural_person") not in got


def test_an_ambiguous_cell_has_no_number_and_leaves_derived_sums_unknown() -> None:
    """Jiyuan 2021's table 四 row is ambiguous: no number in it; a derived sum over an unknown part is unknown."""
    got = _extract("jiyuan-city_2021.md")
    review = [v for v in got.values() if v.section == "review_litigation"]
    assert review and all(v.missing == "ambiguous" and v.number is None for v in review)
    cells = [Value("applications", item, "natural_person", printed, value, "requests", missing)
             for item, printed, value, missing in [("other.no_correction", "1", 1.0, ""),
                                                   ("other.unpaid_fee", "?", None, "ambiguous"),
                                                   ("other.other", "", None, "blank")]]
    derived = {v.item: v for v in derive_numbers(cells, "2021")}
    assert derived["other.other"].number == 0 and derived["other"].number is None
    assert derived["other"].derived == "other_from_three_rows"


def test_a_blank_counts_as_zero_in_both_formats_and_an_unreadable_cell_never() -> None:
    """One rule, from the codebook: the spec's "blank cells meaning 0" holds in 2019 and 2021 alike."""
    for report_format in ("2019", "2021"):
        assert codebook.counts_as_zero("granted", report_format, "blank")
        assert codebook.counts_as_zero("review.total", report_format, "slash")
        assert not codebook.counts_as_zero("granted", report_format, "unreadable")
        assert not codebook.counts_as_zero("granted", report_format, "ambiguous")
