"""Measures, alignment and labels of helpers.py, pinned to numbers read by hand from the reports themselves.

Expected values come from the source files, not from helpers: data/raw/jiyuan-city_2021.md (table 三 lines 53–77),
data/raw/suqian-city_2023.csv and suqian-city_2024.csv (rows `applications,…,total` and `review_litigation,…`),
data/raw/shanghai-gov-office_2019.html (table 三, applicant columns; the 总计 column is blank for outcome rows).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import helpers as h  # noqa: E402

pytestmark = pytest.mark.skipif(not (h.PROCESSED / "values.csv").exists(),
                                reason="data/processed not built yet (make data)")


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return h.load_values()


def row(result: pd.DataFrame, report_id: str) -> pd.Series:
    return result.loc[report_id]


def assert_measure(result: pd.DataFrame, report_id: str, num: float, den: float) -> None:
    r = row(result, report_id)
    assert r["num"] == num and r["den"] == den
    assert r["rate"] == pytest.approx(num / den)


# Jiyuan 2021 (2021 format): 一 165, 二 1, 予以公开 87, 部分公开 16, 不予公开 1+3+5+8 = 17, 无法提供 32+4+0,
# 不予处理 1+2+0+0+2, 其他处理 0+0+2, （七）总计 163, 四 3.

def test_jiyuan_strict_release_rate_is_87_of_163(values):
    assert_measure(h.release_rate_strict(values), "jiyuan-city_2021", 87, 163)
    assert round(100 * row(h.release_rate_strict(values), "jiyuan-city_2021")["rate"], 1) == 53.4


def test_jiyuan_substantive_release_rate_counts_refusals_only(values):
    assert_measure(h.release_rate_substantive(values), "jiyuan-city_2021", 87 + 16, 87 + 16 + 17)
    assert round(100 * row(h.release_rate_substantive(values), "jiyuan-city_2021")["rate"], 1) == 85.8


def test_jiyuan_completion_and_carry_forward_over_received_plus_carried_over(values):
    assert_measure(h.completion_rate(values), "jiyuan-city_2021", 163, 165 + 1)
    assert_measure(h.carry_forward_rate(values), "jiyuan-city_2021", 3, 165 + 1)


def test_jiyuan_unable_not_held_not_processed_other(values):
    assert_measure(h.unable_rate(values), "jiyuan-city_2021", 32 + 4 + 0, 163)
    assert_measure(h.not_held_share(values), "jiyuan-city_2021", 32, 163)
    assert_measure(h.not_processed_rate(values), "jiyuan-city_2021", 1 + 2 + 0 + 0 + 2, 163)
    assert_measure(h.other_rate(values), "jiyuan-city_2021", 0 + 0 + 2, 163)


def test_jiyuan_natural_persons_column(values):
    r = h.release_rate_strict(values, by_applicant=True).loc[("jiyuan-city_2021", "natural_person")]
    assert (r["num"], r["den"]) == (83, 159)


def test_jiyuan_ambiguous_table_four_gives_no_correction_rate(values):
    # Line 85 prints 16 cells for 15 columns: the cells are ambiguous, so unknown, never 0.
    r = row(h.correction_rate("review", values), "jiyuan-city_2021")
    assert math.isnan(r["den"]) and math.isnan(r["rate"])


# Suqian (2021 format, hand-transcribed CSVs)

def test_suqian_2023_measures(values):
    rid = "suqian-city_2023"
    assert_measure(h.release_rate_strict(values), rid, 1191, 3486)
    assert_measure(h.release_rate_substantive(values), rid, 1191 + 328,
                   1191 + 328 + (0 + 27 + 6 + 38 + 20 + 9 + 21 + 21))
    assert_measure(h.completion_rate(values), rid, 3486, 3511 + 96)
    assert_measure(h.carry_forward_rate(values), rid, 121, 3511 + 96)
    assert_measure(h.not_held_share(values), rid, 1047, 3486)
    assert_measure(h.other_rate(values), rid, 40 + 10 + 291, 3486)


def test_suqian_2024_measures(values):
    rid = "suqian-city_2024"
    assert_measure(h.release_rate_strict(values), rid, 1431, 3521)
    assert_measure(h.release_rate_substantive(values), rid, 1431 + 471,
                   1431 + 471 + (2 + 1 + 4 + 17 + 21 + 11 + 23 + 13))
    assert_measure(h.completion_rate(values), rid, 3521, 3525 + 121)
    assert_measure(h.unable_rate(values), rid, 897 + 36 + 8, 3521)
    assert_measure(h.not_processed_rate(values), rid, 87 + 27 + 0 + 3 + 0, 3521)


def test_suqian_correction_rates_exclude_pending_cases(values):
    assert_measure(h.correction_rate("review", values), "suqian-city_2023", 17, 440 - 26)
    assert_measure(h.correction_rate("litigation_direct", values), "suqian-city_2023", 1, 24 - 6)
    assert_measure(h.correction_rate("litigation_after_review", values), "suqian-city_2023", 0, 89 - 9)
    assert_measure(h.correction_rate("review", values), "suqian-city_2024", 18, 170 - 36)


def test_correction_rate_marks_small_denominators(values):
    # Shanghai 2019, 行政复议: 维持 5, 尚未审结 2, 总计 7 (纠正 and 其他 blank = 0) -> 0 of 5, small.
    r = row(h.correction_rate("review", values), "shanghai-gov-office_2019")
    assert (r["num"], r["den"], bool(r["small"])) == (0, 5, True)
    with pytest.raises(ValueError):
        h.correction_rate("appeal", values)


def test_suqian_carry_over_chain_holds(values):
    chain = h.carry_over_chain(values).set_index("report_from")
    assert chain.loc["suqian-city_2023", "carried_forward"] == 121
    assert chain.loc["suqian-city_2023", "carried_over"] == 121
    assert not chain.loc["suqian-city_2023", "broken"]


# Shanghai 2019 (2019 format): blank cells are 0; the blank 总计 column is the sum of the applicant columns.

def test_shanghai_2019_blank_cells_count_as_zero(values):
    v = values[(values["report_id"] == "shanghai-gov-office_2019") & (values["item"] == "refused.third_party")
               & (values["applicant"] == "natural_person")]
    assert v["missing"].iloc[0] == "blank" and v["number"].iloc[0] == 0


def test_shanghai_2019_measures_use_the_sum_of_applicant_columns(values):
    rid = "shanghai-gov-office_2019"
    assert_measure(h.release_rate_strict(values), rid, 258 + 12 + 1 + 1, 805)
    refused = 14 + 5 + (3 + 1) + (10 + 2)
    assert_measure(h.release_rate_substantive(values), rid, 272 + 3, 272 + 3 + refused)
    assert_measure(h.not_held_share(values), rid, 252 + 12 + 1, 805)
    assert_measure(h.completion_rate(values), rid, 805, 859 + 18)


# 2019 <-> 2021 alignment

def test_align_formats_sums_the_three_2021_other_rows(values):
    a = h.align_formats(values)
    other = a[(a["report_id"] == "suqian-city_2023") & (a["item"] == "other")].set_index("applicant")["number"]
    assert other["total"] == 40 + 10 + 291
    assert other["natural_person"] == 40 + 10 + 287
    assert not a["item"].isin(h.OTHER_ROWS_2021).any()


def test_align_formats_keeps_a_printed_single_other_row(values):
    a = h.align_formats(values)
    sh = a[(a["report_id"] == "shanghai-gov-office_2019") & (a["item"] == "other")]
    assert len(sh) == 7 and (sh["number"] == 0).all()
    hz = a[(a["report_id"] == "hongze-district_2023") & (a["item"] == "other")]
    assert len(hz) == 7  # printed as one row: kept, not doubled


def test_align_formats_can_keep_the_detail_rows(values):
    a = h.align_formats(values, keep_detail=True)
    rows = a[(a["report_id"] == "suqian-city_2023") & (a["applicant"] == "total")].set_index("item")["number"]
    assert rows["other.unpaid_fee"] == 10 and rows["other"] == 341


def test_outcome_groups_cover_every_table_three_outcome():
    assert h.outcome_groups["refused.third_party"] == "refused"
    assert h.outcome_groups["other"] == "other" and h.outcome_groups["other.unpaid_fee"] == "other"
    assert h.outcome_groups["carried_forward"] == "carried_forward"
    assert "received" not in h.outcome_groups and "total" not in h.outcome_groups
    colours = [g.colour for g in h.OUTCOME_GROUPS.values()]
    assert len(set(colours)) == len(colours) == 7


def test_outcome_mix_shares_add_to_one(values):
    mix = h.outcome_mix(values)
    j = mix[mix["report_id"] == "jiyuan-city_2021"].set_index("group")
    assert j.loc["granted", "count"] == 87 and j.loc["refused", "count"] == 17
    assert j["share"].sum() == pytest.approx(1.0)


# labels

def test_label_reads_the_codebook():
    assert h.label("granted") == "（一）予以公开"
    assert h.label("granted", "en") == "Disclosed in full"
    assert h.label("refused.third_party", short=True) == "保护第三方合法权益"
    assert h.label("refused.third_party", "en", short=True) == "Third-party rights"
    assert h.label("natural_person") == "自然人"
    assert h.label("total", section="applicant") == "总计"
    assert h.label("total") == "（七）总计"
    assert h.label("review") == "行政复议"
    assert h.label("release_rate_strict") == "公开率（严格口径）"
    assert h.label("organisations", "en") == "Organisations"
    assert h.reason_label("refused.third_party") == "不予公开 · 保护第三方合法权益"
    assert h.reason_label("other", "en") == "Other handling"
    with pytest.raises(KeyError):
        h.label("no.such.code")
    with pytest.raises(ValueError):
        h.label("granted", "fr")


def test_load_values_orders_codes_as_the_codebook(values):
    cats = list(values["item"].cat.categories)
    assert cats.index("received") < cats.index("granted") < cats.index("total") < cats.index("carried_forward")
    assert list(values["applicant"].cat.categories) == h.APPLICANTS
    wide = h.load_values(wide=True)
    assert wide.loc[("jiyuan-city_2021", "received"), "total"] == 165


def test_rate_text_says_numerator_denominator_and_small_n():
    assert h.rate_text({"rate": 87 / 163, "num": 87, "den": 163}) == "53.4 %（87/163）"
    assert h.rate_text({"rate": 0.0, "num": 0, "den": 5}, "en") == "0.0 % (0/5, small n)"


def test_source_line_names_each_report_by_body_and_year():
    assert h.source_line(["jiyuan-city_2021", "suqian-city_2023"]) == \
        "来源：政府信息公开工作年度报告（济源市人民政府 2021 年；宿迁市（全市汇总） 2023 年）"


def test_an_ambiguous_cell_makes_sums_unknown_not_smaller(tmp_path, monkeypatch):
    """Shanghai 2019 予以公开: its 总计 is blank, so it is the sum of the applicant columns (272). With one
    applicant cell ambiguous that sum, the organisations' count and the pooled reason shares must be unknown."""
    processed = tmp_path / "processed"
    processed.mkdir()
    for name in ("reports.csv", "checks.csv", "codebook.csv"):
        (processed / name).write_bytes((h.PROCESSED / name).read_bytes())
    table = pd.read_csv(h.PROCESSED / "values.csv", dtype=str, keep_default_na=False)
    cell = ((table["report_id"] == "shanghai-gov-office_2019") & (table["item"] == "granted")
            & (table["applicant"] == "commercial"))
    assert table.loc[cell, "value"].tolist() == ["12"]
    table.loc[cell, ["value", "missing"]] = ["", "ambiguous"]
    table.to_csv(processed / "values.csv", index=False)
    monkeypatch.setattr(h, "PROCESSED", processed)
    values = h.load_values()
    total = values[(values["report_id"] == "shanghai-gov-office_2019") & (values["item"] == "granted")
                   & (values["applicant"] == "total")]
    assert total["number"].isna().all()
    volumes = h.applicant_volumes(values, item="granted")
    assert math.isnan(volumes.loc["shanghai-gov-office_2019", "organisations"])
    assert volumes.loc["shanghai-gov-office_2019", "natural_person"] == 258
