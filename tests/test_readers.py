"""Tests for the PDF and HTML readers, on the real reports and on small hand-made pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.document import Document, ReadError, Row
from nianbao.readers.html import read_html
from nianbao.readers import pdf as pdf_reader
from nianbao.readers.pdf import read_pdf

from converter_forms import print_to_pdf

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHANGHAI_2019 = ROOT / "data" / "raw" / "shanghai-gov-office_2019.html"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not on this machine ({CORPUS}); the Hongze PDFs live only there"
)


def tabular(document: Document) -> list[Row]:
    return [row for row in document.rows if row.tabular]


def text_rows(document: Document) -> list[Row]:
    return [row for row in document.rows if not row.tabular]


def row_starting(document: Document, label: str) -> Row:
    """The first tabular row with a cell that starts with ``label``."""
    for row in tabular(document):
        if any(cell.startswith(label) for cell in row.cells):
            return row
    raise AssertionError(f"no tabular row starts with {label!r}")


def numbers_only(document: Document, width: int) -> list[Row]:
    """The tabular rows of ``width`` cells that are all digits: table 四's data row."""
    return [row for row in tabular(document) if len(row.cells) == width and all(c.isdigit() for c in row.cells)]


def assert_names_file(error: pytest.ExceptionInfo[ReadError], path: Path) -> None:
    assert error.value.path == path
    assert str(error.value).startswith(path.name)


# --- PDF: the Hongze district reports -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hongze_2023() -> Document:
    return read_pdf(CORPUS / "hongze-district_2023.pdf")


@pytest.fixture(scope="module")
def hongze_2024() -> Document:
    return read_pdf(CORPUS / "hongze-district_2024.pdf")


@needs_corpus
def test_pdf_table_three_rows(hongze_2023: Document) -> None:
    new = row_starting(hongze_2023, "一、本年新收")
    assert new.cells == ("一、本年新收政府信息公开申请数量", "", "", "21", "0", "0", "0", "0", "0", "21")
    assert new.where == "page 3, table 2, row 4"
    assert row_starting(hongze_2023, "四、结转下年度").cells[-7:] == ("0",) * 7
    assert row_starting(hongze_2023, "（七）总计").cells == ("", "（七）总计", "", "21", "0", "0", "0", "0", "0", "21")


@needs_corpus
def test_pdf_cells_join_wrapped_and_vertical_lines(hongze_2023: Document) -> None:
    assert row_starting(hongze_2023, "三、本年度办理结果").cells[:2] == ("三、本年度办理结果", "（一）予以公开")
    partial = row_starting(hongze_2023, "（二）部分公开")
    assert partial.cells[1] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    applicants = row_starting(hongze_2023, "商业企业")
    assert applicants.cells[4:9] == ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
    assert row_starting(hongze_2023, "5.要求行政机关").cells[2] == "5.要求行政机关确认或重新出具已获取信息"


@needs_corpus
def test_pdf_keeps_printed_labels_as_printed(hongze_2023: Document) -> None:
    # The report misprints 2.其他法律行政法规禁止公开; the reader must not repair it.
    assert row_starting(hongze_2023, "2.其他法律").cells[2:] == ("2.其他法律行政止公开",) + ("0",) * 7


@needs_corpus
def test_pdf_table_four(hongze_2023: Document, hongze_2024: Document) -> None:
    rows_2023 = numbers_only(hongze_2023, 15)
    assert [row.cells for row in rows_2023] == [tuple("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0".split())]
    assert rows_2023[0].where == "page 4, table 2, row 4"
    header = row_starting(hongze_2023, "结果维持")
    assert header.cells[:6] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉")
    rows_2024 = numbers_only(hongze_2024, 15)
    assert [row.cells for row in rows_2024] == [tuple("1 1 0 0 2 1 0 0 0 1 2 0 1 0 3".split())]


@needs_corpus
def test_pdf_table_three_continues_on_next_page(hongze_2024: Document) -> None:
    assert row_starting(hongze_2024, "一、本年新收").cells[-7:] == ("95", "0", "0", "0", "0", "0", "95")
    assert row_starting(hongze_2024, "1.本机关不掌握").where == "page 3, table 2, row 16"
    carried = row_starting(hongze_2024, "2.没有现成信息")
    assert carried.where == "page 4, table 1, row 1"
    assert carried.cells == ("", "", "2.没有现成信息需要另行制作", "1", "0", "0", "0", "0", "0", "1")


@needs_corpus
def test_pdf_table_two_recovers_cell_without_border(hongze_2023: Document) -> None:
    # On page 3 the cell 信息内容 lacks its top border, so the grid has no cell there.
    first = next(row for row in tabular(hongze_2023) if row.where == "page 3, table 1, row 1")
    assert first.cells == ("信息内容", "本年处理决定数量")
    assert row_starting(hongze_2023, "行政规范性文件").cells == ("行政规范性文件", "0", "5", "5")
    assert row_starting(hongze_2023, "行政事业性收费").cells == ("行政事业性收费", "7730.28")


@pytest.fixture(scope="module")
def pingtan_2019_printed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Pingtan 2019 portal page as Chromium prints it to PDF (Skia writes one text object per run of text,
    and its subset fonts map some glyphs, here every 国 and 登, to no character)."""
    if shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it")
        pytest.skip("chromium is not installed")
    return print_to_pdf(ROOT / "data" / "raw" / "pingtan-zone_2019.html", tmp_path_factory.mktemp("printed") / "p.pdf")


@pytest.fixture(scope="module")
def pingtan_2019_printed(pingtan_2019_printed_pdf: Path) -> Document:
    return read_pdf(pingtan_2019_printed_pdf)


def test_pdf_glyph_without_character_is_unknown_and_the_others_keep_their_text(pingtan_2019_printed: Document) -> None:
    # PDFium's page text leaves such glyphs out, which had shifted every later character's text onto the next
    # character's box: the row numbers 2., 3. ended up in the 总计 column. Values as in the page's own table 三.
    assert row_starting(pingtan_2019_printed, "2.其他法律").cells[2:] == ("2.其他法律行政法规禁止公开",) + ("0",) * 7
    assert row_starting(pingtan_2019_printed, "1.本机关不掌握").cells[2:] == (
        "1.本机关不掌握相关政府信息", "7", "0", "0", "0", "0", "0", "7")
    assert any("1.属于\ufffd家秘密" in cell for row in tabular(pingtan_2019_printed) for cell in row.cells)


def test_pdf_glyph_boxes_from_the_font_where_pdfium_gives_ink_boxes(pingtan_2019_printed: Document) -> None:
    # Chromium's embedded CJK font: PDFium's loose box is the glyph's ink, so the box comes from the advance width
    # and descent as pdfminer makes it; with em squares on the baseline instead, the digits (another font) fell
    # on separate lines from the Chinese around them. The page's text: "…社会保障就业类信息67条，国土资源…983条".
    assert any("就业类信息67条，\ufffd土资源城乡建设环保能源类信息983条" in row.cells[0]
               for row in text_rows(pingtan_2019_printed))


def test_pdf_compiled_part_is_built() -> None:
    # CI tests and measures the reader `make venv` installs, with its C part (.ci/run installs the compiler)
    if pdf_reader._bulk is None:
        if os.environ.get("CI"):
            pytest.fail("nianbao.readers._pdfium_bulk is not built or not current: `pip install -e .` with a C compiler")
        pytest.skip("nianbao.readers._pdfium_bulk is not built (no C compiler at install)")


def both_ways(function: Any, *arguments: Any) -> tuple[Any, Any]:
    """What ``function`` returns with the reader's C part and with the ctypes calls alone."""
    compiled = function(*arguments)
    bulk, pdf_reader._bulk = pdf_reader._bulk, None
    try:
        return compiled, function(*arguments)
    finally:
        pdf_reader._bulk = bulk


def addresses(objects: tuple[list[Any], list[int]]) -> tuple[list[int | None], list[int]]:
    return [item.value for item in objects[0]], objects[1]


@pytest.mark.parametrize("source", ["hongze-district_2023.pdf", "hongze-district_2024.pdf", "printed"])
def test_pdf_compiled_part_reads_what_the_ctypes_calls_read(source: str, request: pytest.FixtureRequest) -> None:
    # The C loops and the ctypes calls they replace give the same PDFium answers, bit for bit: each kept char's
    # index, code point, loose box, matrix and font size; each object's type; each path piece's point, type and
    # close flag; and so the same chars, segments and rows.
    if pdf_reader._bulk is None:
        pytest.skip("nianbao.readers._pdfium_bulk is not built")
    if source == "printed":
        path = request.getfixturevalue("pingtan_2019_printed_pdf")
    else:
        if not CORPUS.is_dir():
            pytest.skip("../shared/corpus is not there")
        path = CORPUS / source
    chars = segments = pieces = 0
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = pdfium_c.FPDFText_LoadPage(page.raw)
            try:
                compiled, through_ctypes = both_ways(pdf_reader._char_arrays, text_page)
                assert compiled == through_ctypes
                compiled, through_ctypes = both_ways(lambda: addresses(pdf_reader._page_objects(page.raw)))
                assert compiled == through_ctypes
                items, kinds = pdf_reader._page_objects(page.raw)
                paths = [item for item, kind in zip(items, kinds) if kind == pdfium_c.FPDF_PAGEOBJ_PATH]
                compiled, through_ctypes = both_ways(pdf_reader._path_arrays, paths)
                assert compiled == through_ctypes
                top = pdf_reader._page_top(page.raw)
                compiled, through_ctypes = both_ways(pdf_reader._page_chars, page.raw, top)
                assert compiled == through_ctypes
                chars += len(compiled)
                compiled, through_ctypes = both_ways(pdf_reader._page_segments, page.raw, top)
                assert compiled == through_ctypes
                segments += len(compiled)
                pieces += len(pdf_reader._path_arrays(paths)[3])
            finally:
                pdfium_c.FPDFText_ClosePage(text_page)
                page.close()
    finally:
        document.close()
    compiled, through_ctypes = both_ways(lambda: read_pdf(path).rows)
    assert compiled == through_ctypes
    # chars: the text objects pypdfium2's get_objects() finds on the five pages, one character each in these
    # files; pieces: the sum of FPDFPath_CountSegments over their path objects; segments: what the reader found
    # at b1e75a4, before the C part
    expected = {"hongze-district_2023.pdf": (2078, 1652, 1264), "hongze-district_2024.pdf": (2243, 1661, 1270)}
    if source in expected:
        assert (chars, pieces, segments) == expected[source]
    else:
        assert chars > 1000 and segments > 100


@needs_corpus
def test_pdf_running_text_in_page_frame_is_text(hongze_2023: Document) -> None:
    texts = [row.text for row in text_rows(hongze_2023)]
    headings = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [texts.index(heading) for heading in headings] == sorted(texts.index(heading) for heading in headings)
    # Lines boxed in the frame fused with table 二 on page 2 stay text, and so do full-width caption rows.
    assert "府网站日常监测机制。" in texts
    assert "第二十条第（一）项" in texts
    assert all(len(row.cells) == 1 for row in text_rows(hongze_2023))
    assert "全年收取政府信息公开信息处理费 0 元。" in texts[-2]
    assert texts[-1] == "- 5 -"


@needs_corpus
def test_pdf_reading_order_and_locations(hongze_2023: Document) -> None:
    pages = [int(row.where.split(",")[0].removeprefix("page ")) for row in hongze_2023.rows]
    assert pages == sorted(pages) and pages[-1] == 5
    page_three = [row for row in hongze_2023.rows if row.where.startswith("page 3,")]
    assert [row.text for row in page_three if not row.tabular] == ["第二十条第（八）项", "三、收到和处理政府信息公开申请情况", "- 3 -"]
    assert hongze_2023.rows[0] == Row(("洪泽区人民政府",), "page 1, line 1")
    assert hongze_2023.kind == "pdf"
    assert hongze_2023.title == "洪泽区人民政府2023年政府信息公开工作年度报告"


@needs_corpus
def test_pdf_truncated(tmp_path: Path) -> None:
    data = (CORPUS / "hongze-district_2023.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="not a readable PDF") as error:
        read_pdf(path)
    assert_names_file(error, path)


def test_pdf_without_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    """A page with no text layer goes to the OCR: an empty ruled box gives no rows, and no error."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline="black", width=3)
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF", resolution=72)
    assert read_pdf(path).rows == []


def encrypted_pdf() -> bytes:
    """A minimal PDF whose /Encrypt entry needs a user password (its /U check fails for the empty one)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        b"<</Filter/Standard/V 1/R 2/P -44/O <" + b"11" * 32 + b">/U <" + b"22" * 32 + b">>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R/Encrypt 3 0 R/ID[<%s><%s>]>>\n" % (len(objects) + 1, b"ab" * 16, b"ab" * 16)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_pdf_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    with pytest.raises(ReadError, match="not a readable PDF: encrypted, needs a password") as error:
        read_pdf(path)
    assert_names_file(error, path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "empty file"), (bytes(range(256)) * 8, "not a readable PDF"), (b"%PDF-1.7\n%%EOF\n", "not a readable PDF")],
    ids=["empty", "garbage", "header-only"],
)
def test_pdf_unreadable(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=problem) as error:
        read_pdf(path)
    assert_names_file(error, path)


# --- HTML: the Shanghai report and hand-made portal pages ------------------------------------------------------


@pytest.fixture(scope="module")
def shanghai_2019() -> Document:
    return read_html(SHANGHAI_2019)


def test_html_report_tables(shanghai_2019: Document) -> None:
    assert shanghai_2019.kind == "html"
    assert shanghai_2019.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert {row.where.split(",")[0] for row in tabular(shanghai_2019)} == {"table 1", "table 2", "table 3"}
    # colspan=2 value cells stay one cell each; <br> inside a header joins without a space.
    assert row_starting(shanghai_2019, "信息内容").cells == ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    assert row_starting(shanghai_2019, "规章").cells == ("规章", "13", "13", "524")
    assert row_starting(shanghai_2019, "政府集中采购").cells == ("政府集中采购", "6", "251000元")
    assert row_starting(shanghai_2019, "第二十条第（九）项").cells == ("第二十条第（九）项",)


def test_html_report_table_three_blank_cells(shanghai_2019: Document) -> None:
    new = row_starting(shanghai_2019, "一、本年新收")
    assert new.cells == ("一、本年新收政府信息公开申请数量", "821", "35", "", "", "2", "1", "859")
    assert new.where == "table 2, row 4"
    # rowspan is not expanded: a row under a merged label has fewer cells.
    assert row_starting(shanghai_2019, "三、本年度办理结果").cells[:3] == ("三、本年度办理结果", "（一）予以公开", "258")
    assert row_starting(shanghai_2019, "2.重复申请").cells == ("2.重复申请", "5", "4", "", "", "", "", "")
    assert row_starting(shanghai_2019, "（七）总计").cells == ("（七）总计", "767", "35", "", "", "2", "1", "805")


def test_html_report_table_four_and_text(shanghai_2019: Document) -> None:
    data = [row for row in tabular(shanghai_2019) if row.where.startswith("table 3") and len(row.cells) == 15]
    assert [row.cells for row in data] == [("5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", "")]
    texts = [row.text for row in text_rows(shanghai_2019)]
    assert texts[:2] == ["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31"]
    assert "四、政府信息公开行政复议、行政诉讼情况" in texts  # its <p> opens with a <br>
    assert texts[-2:] == ["六、其他需要报告的事项", "无。"]
    assert any("《上海市贯彻<长江三角洲区域一体化发展规划纲要>实施方案》" in text for text in texts)


@pytest.fixture(scope="module")
def portal_gbk() -> Document:
    return read_html(FIXTURES / "html" / "portal_gbk.html")


def test_html_gbk_portal_page(portal_gbk: Document) -> None:
    assert portal_gbk.title == "示例县农业农村局2021年政府信息公开工作年度报告_示例县人民政府"
    texts = [row.text for row in text_rows(portal_gbk)]
    assert texts[0] == "首页 > 政务公开 > 年度报告"
    # Declared gb2312 but holds GBK-only characters (镕): decoded as GB18030; <st1:chsdate> keeps its text.
    assert "本报告统计期限自2021年1月1日起至2021年12月31日止，由镕城街道办事处配合编制。" in texts
    assert "本年度共收取信息处理费 0 元。" in texts
    assert texts[-1] == "主办单位：示例县人民政府办公室联系电话：0000-1234567"


def test_html_word_markup_cells(portal_gbk: Document) -> None:
    assert [row.cells for row in tabular(portal_gbk)] == [
        ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"),
        ("自然人", "法人或其他组织", "总计"),
        ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
        ("一、本年新收政府信息公开申请数量", "12", "3", "0", "", "1", "0", "16"),
        ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", "2", "0", "0", "0", "0", "0", "2"),
        ("4.保护第三方合法权益", "0", "0", "0", "0", "0", "0", "0"),
        ("行政复议", "行政诉讼"),
        ("1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0"),
    ]
    # The layout table wrapping the page gives no tabular rows of its own.
    assert {row.where.split(",")[0] for row in tabular(portal_gbk)} == {"table 1", "table 2"}


def test_html_no_markup_leaks(portal_gbk: Document) -> None:
    everything = "".join(row.text for row in portal_gbk.rows)
    for leak in ("浏览次数", "不应出现", "Normal", "WordDocument", "mso", "endif", "supportLists", "\xa0", "<", "{"):
        assert leak not in everything


def test_html_news_list_reads() -> None:
    document = read_html(FIXTURES / "html" / "news_list.html")
    assert document.title == "通知公告 - 示例市人民政府门户网站"
    assert not tabular(document)
    texts = [row.text for row in document.rows]
    assert "关于开展春季植树活动的通知2024-03-01" in texts
    assert "隐藏的页脚" not in "".join(texts)
    assert [row.where for row in document.rows[:2]] == ["paragraph 1", "paragraph 2"]


def test_html_nested_tables_and_caption(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text(
        "<table><tr><td>导航<table><caption>表一<br>主动公开</caption><tr><th>规章</th><td>3</td></tr></table>"
        "尾注</td><td>侧栏</td></tr></table>",
        encoding="utf-8",
    )
    assert read_html(path).rows == [
        Row(("导航",), "paragraph 1"),
        Row(("表一主动公开",), "paragraph 2"),
        Row(("规章", "3"), "table 1, row 1", tabular=True),
        Row(("尾注",), "paragraph 3"),
        Row(("侧栏",), "paragraph 4"),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("\ufeff<p>二、主动公开</p>".encode(), "二、主动公开"),
        ("<p>三、收到申请</p>".encode("gb18030"), "三、收到申请"),  # no declaration: UTF-8 fails, GB18030 fits
        ('<meta charset="utf-8"><p>四、行政复议</p>'.encode("gbk"), "四、行政复议"),  # wrong declaration
        ('<meta charset="GBK"><p>五、存在问题</p>'.encode("gbk"), "五、存在问题"),
        ('<?xml version="1.0" encoding="gb2312"?><html><body><p>六、其他</p></body></html>'.encode("gbk"), "六、其他"),
        ("<p>一、总体情况</p>".encode("utf-16"), "一、总体情况"),
    ],
    ids=["utf8-bom", "undeclared-gb18030", "misdeclared-utf8", "declared-gbk", "xml-declaration", "utf16-bom"],
)
def test_html_encodings(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    assert [row.text for row in read_html(path).rows] == [expected]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"  \r\n ", "empty file"),
        (bytes(range(256)) * 8, "binary data"),
        (b"<p>\xff\xfe\xfd report \xff</p>", "cannot decode"),
        (b"<html><head><title>T</title></head><body><table><tr><td>&nbsp;</td></tr></table></body></html>", "no text"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "no-text"],
)
def test_html_unreadable(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=problem) as error:
        read_html(path)
    assert_names_file(error, path)


CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=6)
SEPARATORS = st.sampled_from(["<br>", "<br />\n  ", "</span>\n<span>", "</p><p class=MsoNormal>", "</div> <div>"])


@given(pieces=st.lists(CJK, min_size=1, max_size=5), separator=SEPARATORS)
def test_html_cell_lines_join_without_spaces(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], separator: str
) -> None:
    path = tmp_path_factory.mktemp("cell") / "cell.html"
    cell = "<p><span>" + separator.join(pieces) + "</span></p>"
    path.write_text(f"<table><tr><td>{cell}</td><td>7</td></tr></table>", encoding="utf-8")
    assert read_html(path).rows == [Row(("".join(pieces), "7"), "table 1, row 1", tabular=True)]


def test_nianbao_imports_no_pdf_library_but_pypdfium2() -> None:
    # PyMuPDF is AGPL (the MIT engine must not link it); pdfplumber/pdfminer are benchmark and test baselines only.
    import ast

    banned = {"fitz", "pymupdf", "pdfplumber", "pdfminer"}
    found = []
    for source in (ROOT / "nianbao").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{source.name}: {name}" for name in names if name.split(".")[0] in banned]
    assert found == []
