"""Build a report page the way government portals publish them, for end-to-end tests of the HTML path.

The page wraps the report in a navigation layout table, pastes the tables from Word (``MsoNormal``, ``<o:p>``,
``<span>``-split labels, ``<br>`` line breaks, rowspan/colspan) and is encoded as the portal declares. The
numbers come from a hand-checked expected-values file, so the test knows every answer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nianbao import codebook

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass(frozen=True)
class Style:
    encoding: str = "gb2312"
    numbering: str = "."  # "." or "、" after the item numbers
    quotes: tuple[str, str] = ("“", "”")
    kangxi: bool = False  # ⼀ (U+2F00) for 一, as some PDF-to-HTML converters write it
    full_width_digits: bool = False


def expected_values(path: Path) -> dict[tuple[str, str, str], str]:
    with path.open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): r["printed"] for r in csv.DictReader(handle)}


def _word_cell(text: str, style: Style, attrs: str = "") -> str:
    if style.full_width_digits:
        text = text.translate(FULL_WIDTH)
    return (f"<td {attrs} class=MsoNormal><p class=MsoNormal align=center><span lang=EN-US>{text}"
            "<o:p></o:p></span></p></td>")


def _label(code: str, style: Style) -> str:
    """The row label as printed, broken over two spans and a <br> where it is long."""
    text = codebook.items()[code].label_zh.split(" ")[-1].replace("“", style.quotes[0]).replace("”", style.quotes[1])
    if text[:2] in {f"{n}." for n in range(1, 9)}:
        text = text[0] + style.numbering + text[2:]
    if style.kangxi:
        text = text.replace("一", "⼀")
    if len(text) > 10:
        middle = len(text) // 2
        return f"<span>{text[:middle]}</span><br><span>{text[middle:]}</span>"
    return f"<span>{text}</span>"


def build_page(values: dict[tuple[str, str, str], str], style: Style = Style()) -> bytes:
    """A 2021-format report page holding ``values`` (section, item, applicant) → printed text."""
    items = codebook.items()
    applicants = list(codebook.applicants())
    rows = []
    for prefix, label, columns in [("regulations", "规章", ["issued", "repealed", "in_force"]),
                                   ("normative_documents", "行政规范性文件", ["issued", "repealed", "in_force"])]:
        rows.append(f"<tr><td><p class=MsoNormal>{label}</p></td>"
                    + "".join(_word_cell(values[("disclosure", f"{prefix}.{c}", "")], style) for c in columns) + "</tr>")
    disclosure = ("<table class=MsoNormalTable border=1><tr><td colspan=4>第二十条第（一）项</td></tr>"
                  "<tr><td>信息内容</td><td>本年<br>制发件数</td><td>本年<br>废止件数</td><td>现行<br>有效件数</td></tr>"
                  + "".join(rows))
    for caption, header, entries in [("（五）", "本年处理决定数量", [("licensing", "行政许可")]),
                                     ("（六）", "本年处理决定数量", [("punishment", "行政处罚"), ("coercion", "行政强制")]),
                                     ("（八）", "本年收费金额（单位：万元）", [("fees", "行政事业性收费")])]:
        disclosure += (f"<tr><td colspan=4>第二十条第{caption}项</td></tr>"
                       f"<tr><td>信息内容</td><td colspan=3>{header}</td></tr>")
        suffix = "amount" if caption == "（八）" else "decisions"
        for prefix, label in entries:
            disclosure += (f"<tr><td>{label}</td>"
                           + _word_cell(values[("disclosure", f"{prefix}.{suffix}", "")], style, "colspan=3") + "</tr>")
    disclosure += "</table>"

    header = ("<tr><td colspan=3 rowspan=3><p class=MsoNormal><span>（本列数据的勾稽关系为：第一项加第二项之和，</span>"
              "<br><span>等于第三项加第四项之和）</span></p></td><td colspan=7>申请人情况</td></tr>"
              "<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总<span>&nbsp;</span>计</td></tr>"
              "<tr><td><p>商业</p><p>企业</p></td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td>"
              "<td>其他</td></tr>")
    groups = {"refused": "（三）不予公开", "unable": "（四）无法提供", "not_processed": "（五）不予处理",
              "other": "（六）其他处理"}
    body, opened = [], set()
    for item in [i for i in items.values() if i.section == "applications" and "2021" in i.formats]:
        cells = "".join(_word_cell(values[("applications", item.code, a)], style) for a in applicants)
        group = item.code.split(".")[0] if "." in item.code else None
        if item.code == "granted":
            lead = "<td rowspan=22><span>三、本年度</span><br><span>办理结果</span></td><td colspan=2>" + _label(item.code, style) + "</td>"
        elif group in groups:
            lead = "" if group in opened else f"<td rowspan={sum(c.startswith(group + '.') for c in items)}>{groups[group]}</td>"
            opened.add(group)
            lead += f"<td><p class=MsoNormal>{_label(item.code, style)}</p></td>"
        elif item.code in ("partially_granted", "total"):
            lead = f"<td colspan=2>{_label(item.code, style)}</td>"
        else:
            lead = f"<td colspan=3>{_label(item.code, style)}</td>"
        body.append(f"<tr>{lead}{cells}</tr>")
    applications = f"<table class=MsoNormalTable border=1>{header}{''.join(body)}</table>"

    review_codes = [i.code for i in items.values() if i.section == "review_litigation"]
    review = ("<table border=1><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
              "<tr>" + "".join(f"<td rowspan=2>{w}</td>" for w in ("结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"))
              + "<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr><tr>"
              + "".join(f"<td>{w}</td>" for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2) + "</tr><tr>"
              + "".join(_word_cell(values[("review_litigation", code, "")], style) for code in review_codes) + "</tr></table>")

    received = values[("applications", "received", "total")]
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset={style.encoding}">
<title>示例市人民政府2021年政府信息公开工作年度报告_示例市人民政府门户网站</title>
<script>var hits = "浏览次数：1024";</script></head><body>
<table width="100%" border=0><tr><td class=nav><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></td></tr>
<tr><td><div class=article>
<p class=MsoNormal align=center><b>示例市人民政府<br>2021年政府信息公开工作年度报告</b></p>
<p class=MsoNormal>一、总体情况<o:p></o:p></p>
<p class=MsoNormal><span>全年收到政府信息公开申请</span><span lang=EN-US>{received}</span><span>件。</span></p>
<p class=MsoNormal>二、主动公开政府信息情况</p>{disclosure}
<p class=MsoNormal>三、收到和处理政府信息公开申请情况</p>{applications}
<p class=MsoNormal>四、政府信息公开行政复议、行政诉讼情况</p>{review}
<p class=MsoNormal>五、存在的主要问题及改进情况</p><p>无。</p>
<p class=MsoNormal>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</div></td></tr><tr><td class=footer>主办：示例市人民政府办公室</td></tr></table></body></html>"""
    return page.encode("gb18030" if style.encoding.lower().startswith("gb") else style.encoding)
