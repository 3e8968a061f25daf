"""Real-world variants of the format, built from the Jiyuan 2021 report: each read right, or flagged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.derive import is_printed
from nianbao.extract import extract_file
from nianbao.model import Report

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"
JIYUAN = (RAW / "jiyuan-city_2021.md").read_text(encoding="utf-8")


def _extract(tmp_path: Path, text: str, name: str = "variant.md") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_file(path)


def _numbers(report: Report) -> dict[tuple[str, str, str], float | None]:
    return {(v.section, v.item, v.applicant): v.value for v in report.values}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], float | None]:
    return _numbers(_extract(tmp_path_factory.mktemp("original"), JIYUAN))


def _swap_cells(line: str, first: int, second: int) -> str:
    cells = line.split("|")
    cells[first], cells[second] = cells[second], cells[first]
    return "|".join(cells)


def test_applicant_columns_are_read_by_their_headers(tmp_path: Path, original: dict) -> None:
    """商业企业 and 社会公益组织 printed in each other's place: the header decides, and a warning says so."""
    lines = JIYUAN.splitlines()
    header = next(i for i, line in enumerate(lines) if "商业企业" in line)
    for i, line in enumerate(lines):
        if i == header:
            lines[i] = _swap_cells(line, 4, 6)
        elif line.startswith("| 一、本年新收") or line.startswith("| 三、本年度办理结果"):
            lines[i] = _swap_cells(line, 4, 6)  # these rows: label, empty, then 自然人 at cell 3
    report = _extract(tmp_path, "\n".join(lines))
    got = _numbers(report)
    for item in ("received", "granted"):
        for applicant in ("commercial", "social_welfare"):
            assert got[("applications", item, applicant)] == original[("applications", item, applicant)]
    assert any(f.cells == "applications:columns" for f in report.findings)


def test_table_two_columns_are_read_by_their_headers(tmp_path: Path, original: dict) -> None:
    text = JIYUAN.replace("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
                          "| 信息内容 | 现行有效件数 | 本年制发件数 | 本年废止件数 |")
    text = text.replace("| 行政规范性文件 | 103 | 78 | 436 |", "| 行政规范性文件 | 436 | 103 | 78 |")
    got = _numbers(_extract(tmp_path, text))
    assert [got[("disclosure", f"normative_documents.{c}", "")] for c in ("issued", "repealed", "in_force")] == [
        103, 78, 436]


def test_a_table_two_row_printed_twice_with_other_numbers_is_not_used(tmp_path: Path) -> None:
    text = JIYUAN.replace("| 行政规范性文件 | 103 | 78 | 436 |",
                          "| 行政规范性文件 | 103 | 78 | 436 |\n| 行政规范性文件 | 99 | 1 | 400 |")
    report = _extract(tmp_path, text)
    assert _numbers(report)[("disclosure", "normative_documents.issued", "")] is None
    assert any(f.check == "structure" and f.severity == "error" and f.cells == "disclosure:normative_documents"
               for f in report.findings)


@pytest.mark.parametrize("subtotal", ["| | | 小计 | 17 | 0 | 0 | 0 | 0 | 0 | 17 |",
                                      "| | (三) 不予公开 | | 17 | 0 | 0 | 0 | 0 | 0 | 17 |",
                                      "| 三、本年度办理结果 | | 163 | 0 | 0 | 0 | 0 | 0 | 163 |"])
def test_subtotal_rows_are_read_past(tmp_path: Path, original: dict, subtotal: str) -> None:
    anchor = "| | | 8.属于行政查询事项 | 8 | 0 | 0 | 0 | 0 | 0 | 0 |"
    report = _extract(tmp_path, JIYUAN.replace(anchor, anchor + "\n" + subtotal))
    assert _numbers(report) == original
    assert not [f for f in report.findings if f.check == "structure" and f.cells.startswith("applications")]


def test_a_table_of_contents_does_not_hide_the_tables(tmp_path: Path, original: dict) -> None:
    contents = "\n".join(["目录", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                          "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"])
    title = "济源市人民政府 2021 年政府信息公开工作年度报告"
    assert _numbers(_extract(tmp_path, JIYUAN.replace(title, title + "\n" + contents, 1))) == original


def test_a_sentence_opening_with_a_numeral_is_not_a_heading(tmp_path: Path, original: dict) -> None:
    text = JIYUAN.replace("(二) 依申请公开方面", "四是依法做好行政复议应诉工作。二是加强主动公开政府信息工作。\n\n(二) 依申请公开方面")
    assert _numbers(_extract(tmp_path, text)) == original


def test_markdown_with_a_tag_is_still_markdown(tmp_path: Path, original: dict) -> None:
    title = "济源市人民政府 2021 年政府信息公开工作年度报告"
    text = JIYUAN.replace(title, f'<div align="center">{title}</div>', 1)
    assert _numbers(_extract(tmp_path, text)) == original


def test_digits_run_together_with_spaces_are_not_one_number(tmp_path: Path) -> None:
    report = _extract(tmp_path, JIYUAN.replace("| 行政事业性收费 | 4478.1715 |", "| 行政事业性收费 | 4478 1715 |"))
    fees = next(v for v in report.values if v.item == "fees.amount")
    assert (fees.value, fees.missing, fees.printed) == (None, "unreadable", "4478 1715")
    assert any(f.cells == "disclosure:fees.amount" for f in report.findings)


def test_an_incomplete_transcription_is_a_finding(tmp_path: Path) -> None:
    with (RAW / "suqian-city_2023.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["section"] != "review_litigation" and r["item"] != "granted"]
    path = tmp_path / "partial.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["section", "item", "applicant", "printed"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    report = extract_file(path)
    cells = {f.cells for f in report.findings if f.check == "structure"}
    assert "table 四" in cells
    assert any(c.startswith("applications: granted:natural_person") for c in cells)


def test_a_transcription_with_a_stray_carriage_return_reads_both_lines(tmp_path: Path) -> None:
    """A lone "\r" ends a CSV line as "\r\n" does: both cells are read, and the missing tables are findings."""
    path = tmp_path / "cr.csv"
    path.write_bytes(b"section,item,applicant,printed\r\napplications,received,natural_person,5\r"
                     b"applications,received,total,5\r\n")
    report = extract_file(path)
    assert report.status == "findings"
    assert [(v.item, v.applicant, v.value) for v in report.values] == [
        ("received", "natural_person", 5), ("received", "total", 5)]
    assert {"table 二", "table 四"} <= {f.cells for f in report.findings if f.check == "structure"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the Hongze PDF is read in place from ../shared/corpus")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
       cut=st.floats(0.05, 1))
def test_a_damaged_file_never_stops_the_batch(tmp_path: Path, flips: list[tuple[float, int]], cut: float) -> None:
    """Bytes flipped or the file cut short: the report fails or has findings, the engine never raises."""
    for source in (CORPUS / "hongze-district_2024.pdf", RAW / "shanghai-gov-office_2019.html",
                   RAW / "suqian-city_2023.csv", RAW / "jiyuan-city_2021.md"):
        data = bytearray(source.read_bytes()[: max(1, int(len(source.read_bytes()) * cut))])
        for where, byte in flips:
            data[int(where * len(data))] = byte
        damaged = tmp_path / f"damaged{source.suffix}"
        damaged.write_bytes(bytes(data))
        report = extract_file(damaged)
        if report.status == "failed":
            assert report.error.startswith(damaged.name) and not report.values
        else:  # what was read: every printed cell has its number or says why it has none
            assert report.values
            assert all((v.value is None) == bool(v.missing) for v in report.values if is_printed(v))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the Hongze PDFs are read in place from ../shared/corpus")
@pytest.mark.parametrize("report_id", ["hongze-district_2023", "hongze-district_2024"])
def test_a_pdf_as_plain_text_lines_reads_every_cell(report_id: str) -> None:
    """The PDF's text with no table structure, as a plain PDF-to-text converter gives it: labels printed above
    or below their numbers, the group labels in a column of single characters. Every cell still comes out right."""
    import pdfplumber

    from nianbao.document import Document, Row
    from nianbao.parse import parse_document

    with pdfplumber.open(CORPUS / f"{report_id}.pdf") as pdf:
        rows = [Row((line,), f"page {page}, line {number}")
                for page, p in enumerate(pdf.pages, start=1)
                for number, line in enumerate(p.extract_text().splitlines(), start=1)]
    parsed = parse_document(Document(CORPUS / f"{report_id}.pdf", "pdf", rows))
    got = {(v.section, v.item, v.applicant): v.value for v in parsed.values if v.section != "narrative"}
    with (ROOT / "tests" / "fixtures" / "expected" / f"{report_id}.csv").open(encoding="utf-8") as handle:
        expected = {(r["section"], r["item"], r["applicant"]): float(r["value"]) if r["value"] else None
                    for r in csv.DictReader(handle) if r["section"] != "narrative"}
    assert got == expected


def test_a_2019_report_as_converter_markdown_reads_every_cell(tmp_path: Path) -> None:
    """The Shanghai 2019 page written out as a markdown pipe table (blank cells stay blank): every cell of
    tables 二, 三 and 四 as in the hand-checked fixture, the rows of blanks included."""
    from nianbao.readers import read

    page = read(RAW / "shanghai-gov-office_2019.html")
    lines = [f"| {' | '.join(row.cells)} |" if row.tabular else row.cells[0] for row in page.rows]
    report = _extract(tmp_path, "\n".join(lines))
    with (ROOT / "tests" / "fixtures" / "expected" / "shanghai-gov-office_2019.csv").open(encoding="utf-8") as handle:
        expected = {(r["section"], r["item"], r["applicant"]): (float(r["value"]) if r["value"] else None, r["missing"])
                    for r in csv.DictReader(handle) if r["section"] != "narrative"}
    got = {(v.section, v.item, v.applicant): (v.value, v.missing) for v in report.values if v.section != "narrative"}
    assert got == expected
    assert report.format == "2019"


def test_common_wording_variants(tmp_path: Path) -> None:
    """"年度…工作报告" titles, 新收 … 件, 办结率为, cases counted in 起, and （七）合计 for the total row."""
    text = "\n".join([
        "某县交通运输局2023年度政府信息公开工作报告",
        "一、总体情况",
        "本年度新收政府信息公开申请 12 件，办结率为 100%。发生行政复议案件 2 起，行政诉讼 1 起。",
        "三、收到和处理政府信息公开申请情况",
        "| 一、本年新收政府信息公开申请数量 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| （一）予以公开 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |",
        "| （七）合计 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |",
        "| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    ])
    report = _extract(tmp_path, text)
    assert (report.body, report.year) == ("某县交通运输局", 2023)
    narrative = {v.item: v.value for v in report.values if v.section == "narrative"}
    assert narrative == {"narrative.received": 12, "narrative.completion_rate": 100,
                         "narrative.review_cases": 2, "narrative.litigation_cases": 1}
    assert _numbers(report)[("applications", "total", "total")] == 12


def test_a_misprinted_section_four_heading_still_opens_table_four() -> None:
    """Pingtan 2022 prints "行政法复议": the heading still names 行政诉讼, so table 四 is found."""
    from nianbao.parse.labels import section_of_heading

    assert section_of_heading("四、政府信息公开行政法复议、行政诉讼情况") == "四"
    assert section_of_heading("四是依法做好行政诉讼应诉工作") is None


def test_pingtan_wordings_of_the_narrative_figures(tmp_path: Path) -> None:
    """Sentences as Pingtan prints them: the number before 申请, 结转 to a named year, "无收取" for no fee, and a
    办结率 that belongs to citizens' appeals to a television programme, not to information requests."""
    text = "\n".join([
        "某区2025年政府信息公开工作年度报告",
        "一、总体情况",
        "组织开展19期《问政平潭之有事你说》，收到群众诉求348件，现场解决162件，办结率100%。",
        "本年度全区共收到70件申请，及时依法依规办结64件，结转至2026年6件。",
        "三、收到和处理政府信息公开申请情况",
        "| 一、本年新收政府信息公开申请数量 | 70 | 0 | 0 | 0 | 0 | 0 | 70 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| （一）予以公开 | 64 | 0 | 0 | 0 | 0 | 0 | 64 |",
        "| （七）总计 | 64 | 0 | 0 | 0 | 0 | 0 | 64 |",
        "| 四、结转下年度继续办理 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |",
        "六、其他需要报告的事项",
        "2025年，无收取信息处理费情况。",
    ])
    narrative = {v.item: v.value for v in _extract(tmp_path, text).values if v.section == "narrative"}
    assert narrative == {"narrative.received": 70, "narrative.carried_forward": 6, "narrative.processing_fee": 0}
