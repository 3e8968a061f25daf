"""Cells an unlucky converter, an OCR engine or a hostile user prints: never a number silently wrong.

Every input is a real report (data/raw) with one thing changed, made here by the test; the numbers asserted are
those the report prints.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nianbao.batch import extract
from nianbao.extract import extract_file
from nianbao.model import Report, Value
from nianbao.write import read_reports

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
JIYUAN = (RAW / "jiyuan-city_2021.md").read_text(encoding="utf-8")
SHANGHAI_2019 = (RAW / "shanghai-gov-office_2019.html").read_text(encoding="utf-8")


def _changed(tmp_path: Path, name: str, text: str, old: str, new: str) -> Report:
    """Extract ``text`` with its one occurrence of ``old`` printed as ``new``."""
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return extract_file(path)


def _value(report: Report, item: str, applicant: str = "") -> Value:
    return next(v for v in report.values if v.item == item and v.applicant == applicant)


def _new_findings(report: Report, original: str, name: str, tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / f"original_{name}"
    path.write_text(original, encoding="utf-8")
    before = {(f.check, f.cells) for f in extract_file(path).findings}
    return [(f.check, f.cells) for f in report.findings if (f.check, f.cells) not in before]


@pytest.mark.parametrize("mark", ["①", "⑩", "❶", "¹", "²", "*", "＊", "※", "†", "注1", "注①", " ①"])
def test_a_footnote_mark_after_a_number_is_kept_apart_and_flagged(tmp_path: Path, mark: str) -> None:
    """5309① was read as 53091 and 5309* dropped the 行政处罚 row: the number is 5309, the mark is flagged."""
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "| 行政处罚 | 5309 |", f"| 行政处罚 | 5309{mark} |")
    value = _value(report, "punishment.decisions")
    assert value.value == 5309 and value.missing == ""
    assert value.printed == f"5309{mark}".strip()
    assert value.flag.startswith("footnote") and mark.strip() in value.flag
    assert _value(report, "coercion.decisions").value == 1118  # the next row is untouched


@pytest.mark.parametrize("mark", ["①", "¹", "*", "注1"])
def test_a_footnote_mark_printed_apart_in_a_line_of_text_stays_with_its_number(tmp_path: Path, mark: str) -> None:
    """Plain-text converters print a row as a line: "行政处罚 5309 ①" is one cell, 5309, with its mark."""
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "| 行政处罚 | 5309 | | |", f"行政处罚 5309 {mark}")
    value = _value(report, "punishment.decisions")
    assert (value.value, value.printed) == (5309, f"5309{mark}") and value.flag.startswith("footnote")
    assert not [f for f in report.findings if f.cells.startswith("disclosure")]


def test_bold_markup_around_a_cell_is_not_a_footnote(tmp_path: Path) -> None:
    """Converters wrap bold cells in ** (markdown); a single * after the number is a mark."""
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "| 行政处罚 | 5309 |", "| **行政处罚** | **5309** |")
    value = _value(report, "punishment.decisions")
    assert (value.value, value.printed, value.flag) == (5309, "5309", "")


def test_a_footnote_mark_after_the_unit_or_before_it(tmp_path: Path) -> None:
    before = _changed(tmp_path, "a.md", JIYUAN, "| 行政许可 | 9895 |", "| 行政许可 | 9895①件 |")
    after = _changed(tmp_path, "b.md", JIYUAN, "| 行政许可 | 9895 |", "| 行政许可 | 9895件¹ |")
    for report in (before, after):
        value = _value(report, "licensing.decisions")
        assert (value.value, value.unit) == (9895, "件") and value.flag.startswith("footnote")


def test_a_sup_in_a_page_is_a_footnote_mark_not_a_digit(tmp_path: Path) -> None:
    """Shanghai 2019 prints 524 regulations in total: 524<sup>1</sup> was read as 5241."""
    report = _changed(tmp_path, "shanghai-gov-office_2019.html", SHANGHAI_2019,
                      '<p align="center">524</p>', '<p align="center">524<sup><span>1</span></sup></p>')
    value = _value(report, "regulations.total_public")
    assert (value.value, value.printed, value.missing) == (524, "524¹", "")
    assert value.flag.startswith("footnote")


def test_a_sup_left_in_converter_markdown_is_a_footnote_mark(tmp_path: Path) -> None:
    """Jiyuan 2021 prints 5309 penalty decisions: a converter's 5309<sup>1</sup> lost the whole row."""
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "| 行政处罚 | 5309 |", "| 行政处罚 | 5309<sup>1</sup> |")
    value = _value(report, "punishment.decisions")
    assert (value.value, value.printed, value.missing) == (5309, "5309¹", "")
    assert value.flag.startswith("footnote")


def test_a_footnote_mark_in_the_text_does_not_join_the_number(tmp_path: Path) -> None:
    """The text states 160 元 in fees; 160①元 must not read as 1601."""
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "处理费160元", "处理费160①元")
    fee = _value(report, "narrative.processing_fee")
    assert fee.value == 160 and fee.flag.startswith("footnote")


def test_a_mark_inside_a_number_makes_it_unreadable(tmp_path: Path) -> None:
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, "| 行政处罚 | 5309 |", "| 行政处罚 | 53①09 |")
    value = _value(report, "punishment.decisions")
    assert value.value is None and value.missing == "unreadable" and value.printed == "53①09"


@pytest.mark.parametrize(("row", "item"), [
    ("| 行政强制 | 1118 | | |\n", "coercion"),
    ("| 行政许可 | 9895 | | |\n", "licensing"),
    ("| 规章 | 0 | 0 | 0 |\n", "regulations"),
    ("| 行政事业性收费 | 4478.1715 | | |\n", "fees"),
])
def test_every_row_missing_from_table_two_is_a_structure_finding(tmp_path: Path, row: str, item: str) -> None:
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, row, "")
    missing = [f for f in report.findings if f.check == "structure" and f.found == "missing"]
    assert [f.cells for f in missing] == [f"disclosure:{item}"]
    assert not [v for v in report.values if v.item.startswith(item + ".")]


def test_a_row_missing_from_a_2019_table_two_is_found_by_the_2019_rows(tmp_path: Path) -> None:
    """The whole 政府集中采购 row left out, as a converter drops a row (label and numbers)."""
    start = SHANGHAI_2019.rfind("<tr", 0, SHANGHAI_2019.index("政府集中采购"))
    row = SHANGHAI_2019[start: SHANGHAI_2019.index("</tr>", start) + len("</tr>")]
    report = _changed(tmp_path, "shanghai-gov-office_2019.html", SHANGHAI_2019, row, "")
    missing = [f.cells for f in report.findings if f.check == "structure" and f.found == "missing"]
    assert missing == ["disclosure:procurement"]


def test_a_400_digit_amount_is_unreadable_and_the_batch_is_written(tmp_path: Path) -> None:
    """format_value raised OverflowError on it, and only reports.csv was written."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "jiyuan-city_2021.md").write_text(JIYUAN.replace("4478.1715", "9" * 400), encoding="utf-8")
    (folder / "shanghai-gov-office_2019.html").write_text(SHANGHAI_2019, encoding="utf-8")
    out = tmp_path / "out"
    extract([folder], out)
    reports = {r.report_id: r for r in read_reports(out)}
    fee = _value(reports["jiyuan-city_2021"], "fees.amount")
    assert fee.value is None and fee.missing == "unreadable" and fee.printed == "9" * 400
    assert "15 digits" in fee.flag
    with (out / "values.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["report_id"] for r in rows} == {"jiyuan-city_2021", "shanghai-gov-office_2019"}
    assert next(r for r in rows if r["item"] == "fees.amount")["value"] == ""
    assert any(f.check == "structure" and f.found == "9" * 400 for f in reports["jiyuan-city_2021"].findings)


@pytest.mark.parametrize(("printed", "why"), [
    ("016", "leading zero"), ("00", "leading zero"),
    ("1O", "letter"), ("l6", "letter"), ("I6", "letter"), ("1S", "letter"), ("B", "letter"), ("lb", "letter"),
])
def test_a_count_with_a_leading_zero_or_a_confusable_letter_is_unreadable(
        tmp_path: Path, printed: str, why: str) -> None:
    """Jiyuan prints 16 requests partly granted to natural persons; OCR gives 016, l6, 1O …: never read as 16."""
    row = "| | (二) 部分公开(区分处理的, 只计这一情形, 不计其他情形) | 16 | 0 |"
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, row, row.replace("| 16 |", f"| {printed} |"))
    value = _value(report, "partially_granted", "natural_person")
    assert value.value is None and value.missing == "unreadable" and value.printed == printed
    assert why in value.flag
    assert _value(report, "partially_granted", "total").value == 16  # the rest of the row is read
    assert any(f.check == "structure" and f.found == printed for f in report.findings)


def test_a_lone_zero_and_decimals_stay_readable() -> None:
    report = extract_file(RAW / "jiyuan-city_2021.md")
    assert _value(report, "regulations.issued").value == 0
    assert _value(report, "fees.amount").value == 4478.1715


def test_outcomes_present_that_exceed_the_total_are_a_finding_when_a_row_is_missing(tmp_path: Path) -> None:
    """予以公开 83 read as 883 and the 本机关不掌握 row lost: I1 could not be summed, and was skipped."""
    text = JIYUAN.replace("| | (四) 无法提供 | 1.本机关不掌握相关政府信息 | 32 | 0 | 0 | 0 | 0 | 0 | 32 |\n", "")
    report = _changed(tmp_path, "jiyuan-city_2021.md", text, "| (一) 予以公开 | 83 |", "| (一) 予以公开 | 883 |")
    i1 = {f.cells.split(":")[2].split(" ")[0]: f for f in report.findings if f.check == "I1"}
    assert set(i1) == {"natural_person"}  # the 总计 column: 163 printed, 131 present
    assert (i1["natural_person"].expected, i1["natural_person"].found) == ("at least 927", "159")
    assert "1 more cell is missing" in i1["natural_person"].message_en


def test_applicant_columns_present_that_exceed_the_total_are_a_finding(tmp_path: Path) -> None:
    """Jiyuan received 165 requests, 161 from natural persons; one column unreadable, another read as 1610."""
    row = "| 一、本年新收政府信息公开申请数量 | | 161 | 0 | 1 | 1 | 2 | 0 | 165 |"
    report = _changed(tmp_path, "jiyuan-city_2021.md", JIYUAN, row,
                      row.replace("| 161 | 0 |", "| 1610 | O |"))
    i2 = [f for f in report.findings if f.check == "I2" and f.cells.startswith("applications:received:")]
    assert [(f.expected, f.found) for f in i2] == [("at least 1614", "165")]


def test_the_carry_over_identity_runs_on_a_partly_known_side(tmp_path: Path) -> None:
    """一 + 二 = 161 + 1 for natural persons; （七）总计 unreadable and 四 read as 300: S1 cannot hold."""
    text = JIYUAN.replace("| (七) 总计 | | 159 |", "| (七) 总计 | | l59 |")
    report = _changed(tmp_path, "jiyuan-city_2021.md", text, "| 四、结转下年度继续办理 | | 3 |",
                      "| 四、结转下年度继续办理 | | 300 |")
    s1 = [f for f in report.findings if f.check == "S1" and f.cells.endswith(":natural_person")]
    assert [(f.expected, f.found) for f in s1] == [("at least 300", "162")]


def test_dash_rows_under_sub_table_headers_are_not_unmatched_rows(tmp_path: Path) -> None:
    """OCR markdown puts "| - | - |" under each sub-table's header; the tables read as before, with no new finding."""
    text = JIYUAN.replace("| | | | 商业企业 |", "| - | - |\n| | | | 商业企业 |")
    text = text.replace("| (七) 总计 |", "| - | - | - |\n| (七) 总计 |")
    text = text.replace("| 信息内容 | 本年处理决定数量 | | |\n| 行政许可", "| 信息内容 | 本年处理决定数量 | | |\n| - | - |\n| 行政许可")
    four_header = "| | | | | | 结果 维持 |"
    text = text.replace(four_header, "| - | - | - |\n" + four_header)
    path = tmp_path / "jiyuan-city_2021.md"
    path.write_text(text, encoding="utf-8")
    report = extract_file(path)
    original = extract_file(RAW / "jiyuan-city_2021.md")
    assert [(v.item, v.applicant, v.value, v.missing) for v in report.values] == [
        (v.item, v.applicant, v.value, v.missing) for v in original.values]
    assert [(f.check, f.cells) for f in report.findings] == [(f.check, f.cells) for f in original.findings]


def test_a_markdown_delimiter_row_of_single_dashes_is_not_data(tmp_path: Path) -> None:
    text = JIYUAN.replace("|-----------|---------------|--------|--------|", "| - | - | - | - |")
    path = tmp_path / "jiyuan-city_2021.md"
    path.write_text(text, encoding="utf-8")
    report = extract_file(path)
    assert [f.cells for f in report.findings] == [f.cells for f in extract_file(RAW / "jiyuan-city_2021.md").findings]


def test_values_are_written_as_the_csv_module_writes_them(tmp_path: Path) -> None:
    """values.csv rows are joined directly (write.value_lines); the bytes must be the csv module's, for every
    value of the real reports and for cells, flags and file names holding commas, quotes and line breaks."""
    import io

    from nianbao.cells import format_value
    from nianbao.write import VALUE_COLUMNS, value_lines

    hostile = [Value("narrative", "narrative.received", "", 'a "quoted", two\nline\rcell', 1.5, "件",
                     flag="x, y", source="line 3, column 2", number=1.5, confidence=0.91234),
               Value("applications", "granted", "natural_person", "", None, "件", "blank", number=0.0,
                     derived="blank_as_zero")]
    reports = [(path.stem, extract_file(path).values) for path in sorted(RAW.iterdir())
               if path.suffix in (".md", ".html", ".csv") and not path.name.endswith(".narrative.csv")
               and path.name != "sources.csv"]
    for report_id, values in [*reports, ('odd, "name"', hostile)]:
        expected = io.StringIO()
        csv.writer(expected, lineterminator="\n").writerows(
            [report_id, *(getattr(v, c) for c in VALUE_COLUMNS[1:5]), format_value(v.value),
             *(getattr(v, c) for c in VALUE_COLUMNS[6:10]), format_value(v.number), v.derived,
             "" if v.confidence is None else f"{v.confidence:.3f}"] for v in values)
        assert value_lines(report_id, values) == expected.getvalue().encode("utf-8"), report_id
    assert sum(len(values) for _, values in reports) > 1000
