"""Measures, labels and escaping of helpers/, pinned to numbers read by hand from the reports themselves.

Expected values come from the source files, not from helpers: data/raw/jiyuan-city_2021.md (table 三 lines 53–77),
data/raw/suqian-city_2023.csv and suqian-city_2024.csv (rows `applications,…,total` and `review_litigation,…`),
data/raw/shanghai-gov-office_2019.html (table 三, applicant columns; the 总计 column is blank for outcome rows),
hongze-district_2023.pdf (table 四: 行政复议 总计 printed 0 beside parts that add up to 11).
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import helpers as h

PROCESSED = h.data.DATA / "processed"


@pytest.fixture(scope="module")
def corpus() -> h.Corpus:
    return h.load(PROCESSED)


@pytest.fixture(scope="module")
def zh(corpus) -> h.Words:
    return h.words(corpus, "zh")


@pytest.fixture(scope="module")
def en(corpus) -> h.Words:
    return h.words(corpus, "en")


def assert_measure(result: pd.DataFrame, report_id: str, num: float, den: float) -> None:
    r = result.loc[report_id]
    assert (r["num"], r["den"]) == (num, den)
    assert r["rate"] == pytest.approx(num / den)


# Jiyuan 2021 (2021 format): 一 165, 二 1, 予以公开 87, 部分公开 16, 不予公开 1+3+5+8 = 17, 无法提供 32+4+0,
# 不予处理 1+2+0+0+2, 其他处理 0+0+2, （七）总计 163, 四 3.

def test_jiyuan_strict_release_rate_is_87_of_163(corpus):
    assert_measure(h.release_rate_strict(corpus), "jiyuan-city_2021", 87, 163)
    assert round(100 * h.release_rate_strict(corpus).loc["jiyuan-city_2021", "rate"], 1) == 53.4


def test_jiyuan_substantive_release_rate_counts_refusals_only(corpus):
    assert_measure(h.release_rate_substantive(corpus), "jiyuan-city_2021", 87 + 16, 87 + 16 + 17)


def test_jiyuan_completion_and_carry_forward_over_received_plus_carried_over(corpus):
    assert_measure(h.completion_rate(corpus), "jiyuan-city_2021", 163, 165 + 1)
    assert_measure(h.carry_forward_rate(corpus), "jiyuan-city_2021", 3, 165 + 1)


def test_jiyuan_unable_not_held_not_processed_other(corpus):
    assert_measure(h.unable_rate(corpus), "jiyuan-city_2021", 32 + 4 + 0, 163)
    assert_measure(h.not_held_share(corpus), "jiyuan-city_2021", 32, 163)
    assert_measure(h.not_processed_rate(corpus), "jiyuan-city_2021", 1 + 2 + 0 + 0 + 2, 163)
    assert_measure(h.other_rate(corpus), "jiyuan-city_2021", 0 + 0 + 2, 163)


def test_jiyuan_natural_persons_column(corpus):
    r = h.release_rate_strict(corpus, by_applicant=True).loc[("jiyuan-city_2021", "natural_person")]
    assert (r["num"], r["den"]) == (83, 159)


def test_jiyuan_ambiguous_table_four_gives_no_correction_rate_and_names_the_finding(corpus, zh):
    # Line 85 prints 16 cells for 15 columns: the cells are ambiguous, so unknown, never 0.
    r = h.correction_rate(corpus, "review").loc["jiyuan-city_2021"]
    assert math.isnan(r["den"]) and math.isnan(r["rate"])
    assert "structure" in r["rests_on"].split()
    assert zh.rate(r).startswith("无法计算")


# Suqian (2021 format, hand-transcribed CSVs)

def test_suqian_2023_measures(corpus):
    rid = "suqian-city_2023"
    assert_measure(h.release_rate_strict(corpus), rid, 1191, 3486)
    assert_measure(h.release_rate_substantive(corpus), rid, 1191 + 328,
                   1191 + 328 + (0 + 27 + 6 + 38 + 20 + 9 + 21 + 21))
    assert_measure(h.completion_rate(corpus), rid, 3486, 3511 + 96)
    assert_measure(h.carry_forward_rate(corpus), rid, 121, 3511 + 96)
    assert_measure(h.not_held_share(corpus), rid, 1047, 3486)
    assert_measure(h.other_rate(corpus), rid, 40 + 10 + 291, 3486)


def test_suqian_2024_measures(corpus):
    rid = "suqian-city_2024"
    assert_measure(h.release_rate_strict(corpus), rid, 1431, 3521)
    assert_measure(h.release_rate_substantive(corpus), rid, 1431 + 471,
                   1431 + 471 + (2 + 1 + 4 + 17 + 21 + 11 + 23 + 13))
    assert_measure(h.completion_rate(corpus), rid, 3521, 3525 + 121)
    assert_measure(h.unable_rate(corpus), rid, 897 + 36 + 8, 3521)
    assert_measure(h.not_processed_rate(corpus), rid, 87 + 27 + 0 + 3 + 0, 3521)


def test_suqian_correction_rates_exclude_pending_cases(corpus):
    assert_measure(h.correction_rate(corpus, "review"), "suqian-city_2023", 17, 440 - 26)
    assert_measure(h.correction_rate(corpus, "litigation_direct"), "suqian-city_2023", 1, 24 - 6)
    assert_measure(h.correction_rate(corpus, "litigation_after_review"), "suqian-city_2023", 0, 89 - 9)
    assert_measure(h.correction_rate(corpus, "review"), "suqian-city_2024", 18, 170 - 36)


def test_suqian_2023_dispute_and_correction_conversion_rates(corpus):
    # 行政复议 440 + 诉讼 24 + 89 cases over 3,511 new requests; corrected 17 + 1 + 0.
    assert_measure(h.dispute_rate(corpus), "suqian-city_2023", 440 + 24 + 89, 3511)
    assert_measure(h.correction_conversion_rate(corpus), "suqian-city_2023", 17 + 1 + 0, 3511)
    f = h.funnel(corpus).loc["suqian-city_2023"]
    assert (f["received"], f["challenged"], f["corrected"]) == (3511, 553, 18)


def test_correction_rate_marks_small_denominators(corpus, en):
    # Shanghai 2019, 行政复议: 维持 5, 尚未审结 2, 总计 7 (纠正 and 其他 blank = 0) -> 0 of 5, small.
    r = h.correction_rate(corpus, "review").loc["shanghai-gov-office_2019"]
    assert (r["num"], r["den"], bool(r["small"])) == (0, 5, True)
    assert en.rate(r) == "0.0 % (0/5, small n)"
    with pytest.raises(ValueError):
        h.correction_rate(corpus, "appeal")


def test_hongze_2023_review_rate_rests_on_the_contradicted_total_not_on_a_zero_denominator(corpus, zh):
    # Printed 行政复议 总计 0 beside parts adding to 11: the rate is not "denominator 0", it names the finding.
    r = h.correction_rate(corpus, "review").loc["hongze-district_2023"]
    assert "I3" in r["rests_on"].split() and math.isnan(r["rate"])
    assert "分母为 0" not in zh.rate(r) and zh.rate(r).startswith("无法计算")
    assert h.contradicted(corpus, ["review.total"])["hongze-district_2023"]
    assert not h.contradicted(corpus, ["review.total"])["suqian-city_2023"]


def test_suqian_carry_over_chain_holds(corpus):
    chain = h.carry_over_chain(corpus).set_index("body").loc["宿迁市（全市汇总）"]
    assert (chain["year"], chain["carried_forward"], chain["carried_over"], chain["broken"]) == (2023, 121, 121, False)


# Shanghai 2019 (2019 format): the blank 总计 column is derived by the engine from the applicant columns.

def test_shanghai_2019_measures_use_the_sum_of_applicant_columns_and_are_marked(corpus):
    rid = "shanghai-gov-office_2019"
    assert_measure(h.release_rate_strict(corpus), rid, 258 + 12 + 1 + 1, 805)
    refused = 14 + 5 + (3 + 1) + (10 + 2)
    assert_measure(h.release_rate_substantive(corpus), rid, 272 + 3, 272 + 3 + refused)
    assert_measure(h.not_held_share(corpus), rid, 252 + 12 + 1, 805)
    assert_measure(h.completion_rate(corpus), rid, 805, 859 + 18)
    assert {"I1", "I2"} <= set(h.release_rate_strict(corpus).loc[rid, "rests_on"].split())


def test_outcome_mix_uses_the_merged_other_row_once(corpus):
    mix = h.outcome_mix(corpus)
    assert mix.loc["suqian-city_2023", ("count", "other")] == 40 + 10 + 291
    assert mix.loc["jiyuan-city_2021", ("count", "granted")] == 87
    assert mix.loc["jiyuan-city_2021", ("count", "refused")] == 17
    assert mix.loc["jiyuan-city_2021", "share"].sum() == pytest.approx(1.0)
    assert h.group_items(corpus, "other") == ["other"]


def test_ranking_ranks_peers_and_shows_small_reports_unranked(corpus):
    r = h.ranking(corpus, "release_rate_strict").set_index("report_id")
    assert r.loc["hongze-district_2023", "handled"] == 21 and not r.loc["hongze-district_2023", "ranked"]
    assert r.loc["suqian-city_2023", "ranked"] and r.loc["suqian-city_2023", "rank"] == 1


def test_key_figures_compare_with_the_previous_report(corpus):
    kf = h.key_figures(corpus, "suqian-city_2024").set_index("key")
    assert kf.loc["received", "value"] == 3525 and kf.loc["received", "previous"] == 3511
    assert kf.loc["received", "change"] == 14
    assert kf.loc["release_rate_strict", "previous"] == pytest.approx(1191 / 3486)
    assert h.previous_report(corpus, "suqian-city_2023") is None


# labels and words

def test_labels_read_the_codebook_groups_and_check_definitions(zh, en):
    assert zh.label("granted") == "予以公开" and en.label("granted") == "Disclosed in full"
    assert zh.label("refused.third_party", short=True) == "保护第三方合法权益"
    assert en.label("refused.third_party", short=True) == "Third-party rights"
    assert zh.label("total") == "（七）总计" and zh.label("total", section="applicant") == "总计"
    assert zh.label("natural_person") == "自然人"
    assert zh.label("release_rate_strict") == "公开率（严格口径）"
    assert zh.checks("I3") == "复议诉讼之和"
    with pytest.raises(KeyError):
        zh.label("no.such.code")
    with pytest.raises(KeyError):
        zh("no.such.text")


def test_words_reject_an_unknown_language(corpus):
    with pytest.raises(ValueError):
        h.words(corpus, "fr")


def test_rate_text_says_numerator_denominator_and_small_n(zh):
    assert zh.rate({"rate": 87 / 163, "num": 87, "den": 163, "small": False}) == "53.4 %（87/163）"


def test_source_line_names_each_report_by_body_and_year(corpus, zh):
    assert zh.source(["jiyuan-city_2021", "suqian-city_2023"], corpus.reports) == \
        "来源：政府信息公开工作年度报告（济源市人民政府 2021 年；宿迁市（全市汇总） 2023 年）"


def test_text_from_a_report_is_escaped_before_it_reaches_markdown_or_html():
    name = "[x](javascript:alert(1))<script>alert(2)</script>"
    md = h.escape_md(name)
    assert "](" not in md.replace("\\](", "").replace("\\]\\(", "") and "<script>" not in md
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in md
    html = h.html_table(pd.DataFrame({"机关": [name]}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_text_has_both_languages():
    texts = h.data.read_labels("texts")
    assert not texts["key"].duplicated().any()
    assert (texts["zh"] != "").all() and (texts["en"] != "").all()


def test_parquet_and_csv_load_the_same_corpus(tmp_path):
    """The engine writes both; helpers reads Parquet when present (codes from its dictionaries) and the CSV files
    otherwise, and the two must give the same tables and the same hand-checked numbers."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("jiyuan-city_2021.md", "shanghai-gov-office_2025.md"):
        shutil.copyfile(h.data.DATA / "raw" / name, raw / name)
    out = tmp_path / "processed"
    subprocess.run([sys.executable, "-m", "nianbao", "extract", str(raw), "--out", str(out)], check=True,
                   capture_output=True, cwd=h.data.DATA.parent)
    only_csv = tmp_path / "csv"
    only_csv.mkdir()
    for path in out.glob("*.csv"):
        shutil.copyfile(path, only_csv / path.name)
    assert (out / "values.parquet").is_file()
    parquet, csv = h.load(out), h.load(only_csv)
    for table in ("reports", "values", "findings", "cells", "by_applicant", "finding_cells"):
        pd.testing.assert_frame_equal(getattr(parquet, table), getattr(csv, table), check_exact=True)
    pd.testing.assert_frame_equal(h.quality.cell_status(parquet), h.quality.cell_status(csv), check_exact=True)
    assert parquet.values["section"].cat.categories[:4].tolist() == h.data.SECTIONS
    for corpus in (parquet, csv):
        assert_measure(h.release_rate_strict(corpus), "jiyuan-city_2021", 87, 163)
        assert_measure(h.unable_rate(corpus), "jiyuan-city_2021", 32 + 4 + 0, 163)
