"""The codebook carries the rules code needs; validation and the parser read them from there."""

from __future__ import annotations

import csv
from pathlib import Path

from nianbao import codebook

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_three_outcome_has_a_group_and_the_palette_has_each_group() -> None:
    groups = {i.code: i.group for i in codebook.items().values() if i.section == "applications"}
    assert [code for code, group in groups.items() if not group] == ["received", "carried_over", "total"]
    with (ROOT / "data" / "outcome_groups.csv").open(encoding="utf-8") as handle:
        palette = [row["code"] for row in csv.DictReader(handle)]
    assert set(palette) == set(groups.values()) - {""}


def test_the_outcome_rows_of_both_layouts_of_section_six() -> None:
    """（七）总计 = （一）+（二）+ 8 + 3 + 5 refusal-type rows + （六）, as one row or as three."""
    one, three = codebook.outcome_items(one_row=True), codebook.outcome_items(one_row=False)
    assert len(one) == 2 + 8 + 3 + 5 + 1 and one[-1] == "other"
    assert len(three) == 2 + 8 + 3 + 5 + 3 and tuple(three[-3:]) == codebook.aligned_rows("other")
    assert codebook.numbered_items("refused")[6] == "refused.enforcement_file"


def test_review_blocks_each_have_four_results_and_a_total() -> None:
    for block in codebook.review_blocks():
        results = [i.result for i in codebook.items().values() if i.block == block]
        assert results == ["upheld", "corrected", "other", "pending", "total"]


def test_every_check_the_validator_writes_is_defined() -> None:
    defined = codebook.checks()
    assert list(defined) == ["S1", "I1", "I2", "I3", "I4", "I5", "N1", "structure", "metadata", "ocr"]
    assert all(c.label_zh and c.label_en and c.meaning_zh and c.meaning_en for c in defined.values())
    source = (ROOT / "nianbao" / "validate.py").read_text(encoding="utf-8")
    assert all(f'"{check}"' in source for check in ["S1", "I1", "I2", "I3", "I4", "I5", "N1"])
    assert '"ocr"' in (ROOT / "nianbao" / "scanned.py").read_text(encoding="utf-8")


def test_every_reason_the_cell_reader_gives_for_no_number_is_defined() -> None:
    from nianbao.cells import NO_NUMBER

    with (ROOT / "nianbao" / "spec" / "missing.csv").open(encoding="utf-8") as handle:
        defined = {row["missing"]: row["counts_as_zero"] for row in csv.DictReader(handle)}
    assert set(NO_NUMBER.values()) | {"dash", "unreadable", "ambiguous"} == set(defined)
    assert codebook.zero_marks() == {"blank", "slash", "dash", "none"}


def test_a_blank_in_a_report_of_unknown_format_counts_where_every_format_agrees() -> None:
    assert codebook.counts_as_zero("review.total", "", "blank")
    assert not codebook.counts_as_zero("narrative.received", "", "blank")
