"""Export the executed notebooks to self-contained HTML for readers.

    python scripts/build_site.py                      # every notebook in build/executed/ → site/
    python scripts/build_site.py --force              # re-export pages that look up to date too

One page per executed notebook (site/<name>.html) with the code hidden, and site/index.html with
links to every page and a gallery of every figure in figures/ with its caption (from the sidecar
figures/<name>.json that helpers.save_figure writes). Every image is embedded as a data: URI and
no page loads anything from the network, so the folder can be mailed or served from anywhere.
The pages carry their own font: site/fonts/NotoSansSC-subset.woff, the Noto Sans CJK SC that
mplfonts ships cut down to the characters the pages use (SIL OFL 1.1, notice in site/fonts/OFL.txt),
so Chinese shows on a machine without a CJK font too.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import json
import mimetypes
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
FIGURES = ROOT / "figures"
SITE = ROOT / "site"
REPORTS_CSV = ROOT / "data" / "processed" / "reports.csv"

SITE_TITLE = "政府信息公开工作年度报告：数据分析"
# The font every page carries (relative URL: works from file:// and from any web server).
FONT_FAMILY = "Nianbao Noto Sans SC"
FONT_FILE = "fonts/NotoSansSC-subset.woff"
FONT_LICENSE = "fonts/OFL.txt"
FONT_SOURCE = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")  # package, file in it
# Always in the font, whatever the pages say: printable ASCII, Latin-1 punctuation (·, ×, …), general
# punctuation (–, —, ‘’, “”, …, ‰), CJK symbols and punctuation (、。《》「」【】…), full-width forms (，：；（）…).
FONT_ALWAYS = "".join(
    chr(c) for lo, hi in [(0x20, 0x7E), (0xA0, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2010, 0x2030),
                          (0x2190, 0x2193), (0x3000, 0x303F), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE6)]
    for c in range(lo, hi + 1)
)
FONT_FACE = (
    f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_FILE}") format("woff");'
    " font-weight: 400; font-style: normal; font-display: block; }"
)
FONT_STACK = (
    f'"{FONT_FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
# Code keeps a monospace font for Latin; Chinese in code falls through to the page's font.
MONO_STACK = f'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace, "{FONT_FAMILY}"'
CSS = f"""
{FONT_FACE}
:root {{ --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --accent: #0b5cad; --paper: #ffffff; }}
html {{ background: var(--paper); }}
body {{ font-family: {FONT_STACK}; color: var(--ink); line-height: 1.7; margin: 0; }}
main.nianbao-index {{ max-width: 1100px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }}
h1, h2, h3 {{ line-height: 1.3; }}
h1 {{ font-size: 1.9rem; margin: .5rem 0 1rem; }}
h2 {{ font-size: 1.35rem; margin-top: 2.5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }}
a {{ color: var(--accent); text-decoration: none; }}
a:hover {{ text-decoration: underline; }}
p.intro {{ font-size: 1.05rem; max-width: 48rem; }}
ol.pages li, ul.pages li {{ margin: .35rem 0; }}
ul.pages {{ columns: 2; column-gap: 2.5rem; }}
.muted, .meta {{ color: var(--muted); font-size: .9rem; }}
.gallery {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1.5rem; }}
figure.chart {{ margin: 0; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }}
figure.chart img {{ width: 100%; height: auto; display: block; }}
figure.chart figcaption {{ margin-top: .6rem; font-size: .95rem; }}
figure.chart figcaption strong {{ display: block; }}
figure.chart .source {{ display: block; color: var(--muted); font-size: .85rem; }}
footer {{ margin-top: 3rem; color: var(--muted); font-size: .85rem; }}
code, pre, kbd, samp {{ font-family: {MONO_STACK}; }}
nav.nianbao-nav {{ font-family: {FONT_STACK}; max-width: 1100px; margin: 0 auto; padding: .8rem 1.5rem;
  border-bottom: 1px solid var(--line); font-size: .95rem; }}
@media (max-width: 700px) {{ ul.pages {{ columns: 1; }} .gallery {{ grid-template-columns: 1fr; }} }}
"""
# Extra rules for the nbconvert pages (the lab template's own CSS stays).
PAGE_CSS = f"""
{FONT_FACE}
:root {{ --jp-ui-font-family: {FONT_STACK}; --jp-content-font-family: {FONT_STACK};
  --jp-code-font-family: {MONO_STACK}; --jp-code-font-family-default: {MONO_STACK}; }}
body.jp-Notebook, .jp-RenderedHTMLCommon, .jp-RenderedText, .jp-RenderedMarkdown {{ font-family: {FONT_STACK}; }}
.jp-RenderedHTMLCommon {{ font-size: 15px; line-height: 1.7; }}
body.jp-Notebook {{ max-width: 1100px; margin: 0 auto; padding: 0 1.5rem 4rem; }}
.jp-RenderedImage img {{ max-width: 100%; height: auto; }}
nav.nianbao-nav {{ font-family: {FONT_STACK}; padding: .8rem 0; border-bottom: 1px solid #d8dee4; font-size: .95rem; }}
nav.nianbao-nav a {{ color: #0b5cad; text-decoration: none; }}
"""
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>", re.I)
IMG_SRC = re.compile(r"(<img\b[^>]*?\bsrc=)([\"'])(?!data:)([^\"']+)\2", re.I)
LOOKS_LIKE_ERROR = re.compile(r"Traceback|^\s*\w*(Error|Exception)\b", re.M)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.I | re.S)


@dataclass
class Page:
    """One exported notebook page."""

    name: str  # file stem: 01_corpus_and_data_quality, briefing_jiyuan-city_2021
    title: str
    href: str
    briefing: bool
    body: str = ""
    year: str = ""

    @property
    def label(self) -> str:
        """How the index names the page: the title; for a briefing, also its body and year."""
        if self.briefing and self.body:
            return f"{self.title}：{self.body} {self.year}"
        return self.title


def plain(markdown_text: str) -> str:
    """A heading's text without markdown emphasis, code marks, links or HTML tags."""
    text = re.sub(r"<[^>]+>", "", markdown_text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()


def notebook_title(nb, fallback: str) -> str:
    """The first heading: of a markdown cell, else of a markdown/HTML output (briefings may print theirs)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = HEADING.search(cell.source)
            if m:
                return plain(m.group(1))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                m = HEADING.search("".join(data["text/markdown"]))
                if m:
                    return plain(m.group(1))
            if "text/html" in data:
                m = HTML_HEADING.search("".join(data["text/html"]))
                if m:
                    return plain(html.unescape(m.group(1)))
    return fallback


def data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_local_images(page_html: str, search_dirs: list[Path]) -> tuple[str, list[str]]:
    """Replace <img src="file"> by data: URIs; returns the new HTML and the sources that were not found."""
    missing: list[str] = []

    def replace(m: re.Match) -> str:
        src = html.unescape(m.group(3))
        if re.match(r"^[a-z][a-z0-9+.-]*://", src, re.I) and not src.startswith("file://"):
            missing.append(src)  # a remote image would need the network: the reader may be offline
            return m.group(0)
        rel = src.removeprefix("file://")
        for base in search_dirs:
            candidate = (base / rel).resolve() if not Path(rel).is_absolute() else Path(rel)
            if candidate.is_file():
                return f"{m.group(1)}{m.group(2)}{data_uri(candidate)}{m.group(2)}"
        missing.append(src)
        return m.group(0)

    return IMG_SRC.sub(replace, page_html), missing


def make_self_contained(page_html: str, lang: str, nav: str) -> str:
    """Drop the CDN scripts (require.js, MathJax), set the language, add the CJK CSS and the nav bar."""
    page_html = EXTERNAL_SCRIPT.sub("", page_html)
    page_html = re.sub(r"<html\b[^>]*>", f'<html lang="{lang}">', page_html, count=1)
    page_html = page_html.replace("</head>", f"<style>{PAGE_CSS}</style>\n</head>", 1)
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + nav, page_html, count=1)


def drop_warnings(nb) -> None:
    """Readers need no stderr chatter (warnings, progress bars); errors and anything that looks like one stay."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [
                out for out in cell.outputs
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr"
                        and not LOOKS_LIKE_ERROR.search(out.get("text", "")))
            ]


def page_lang(nb) -> str:
    lang = str(nb.metadata.get("papermill", {}).get("parameters", {}).get("lang", "zh")).lower()
    return "en" if lang.startswith("en") else "zh-CN"


def export_page(executed: Path, site: Path) -> Page:
    """Executed notebook → site/<name>.html, code and prompts hidden, images inlined."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    name = executed.stem
    page = page_of(executed, nb)
    drop_warnings(nb)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {"metadata": {"name": page.label, "path": str(NOTEBOOKS)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    lang = page_lang(nb)
    back = "← 全部分析与图表" if lang == "zh-CN" else "← All notebooks and charts"
    nav = f'<nav class="nianbao-nav"><a href="index.html">{back}</a></nav>'
    body = make_self_contained(body, lang, nav)
    body, missing = inline_local_images(body, [NOTEBOOKS, ROOT, executed.parent])
    for src in missing:
        print(f"warning: {name}.html: image {src!r} could not be embedded", file=sys.stderr)
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{name}.html").write_text(body, encoding="utf-8")
    return page


def page_of(executed: Path, nb=None) -> Page:
    """The index entry for an executed notebook's page."""
    import nbformat

    nb = nb if nb is not None else nbformat.read(executed, as_version=4)
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    return Page(executed.stem, notebook_title(nb, executed.stem), f"{executed.stem}.html",
                executed.stem.startswith("briefing_"), str(params.get("body", "")), str(params.get("year", "")))


def read_figures(figures: Path) -> list[dict]:
    """Every PNG in figures/ with its sidecar metadata (name, title, caption, notebook, source)."""
    items = []
    for png in sorted(figures.glob("*.png")):
        sidecar = png.with_suffix(".json")
        meta: dict = {}
        if sidecar.exists():
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        else:
            print(f"warning: {png.name} has no caption sidecar {sidecar.name}", file=sys.stderr)
        meta.setdefault("name", png.stem)
        meta["png"] = png
        meta["svg"] = png.with_suffix(".svg") if png.with_suffix(".svg").exists() else None
        meta["notebook"] = Path(str(meta.get("notebook") or "")).stem
        items.append(meta)
    return items


def corpus_summary(reports_csv: Path = REPORTS_CSV) -> str:
    if not reports_csv.exists():
        return ""
    with reports_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("status") or "").lower() != "failed"]
    if not rows:
        return ""
    bodies = {r.get("body", "") for r in rows}
    years = sorted({str(r.get("year", "")) for r in rows if r.get("year")})
    span = f"{years[0]}–{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年" if years else ""
    return f"当前数据包含 {len(bodies)} 个机关 {span}的 {len(rows)} 份年度报告。"


def esc(value) -> str:
    return html.escape(str(value or ""), quote=True)


def page_for_figure(fig: dict, pages: dict[str, Page], briefings: list[Page]) -> Page | None:
    """The page a figure belongs to: its sidecar's notebook, or for a briefing the page whose report_id is in its name."""
    if fig["notebook"] in pages:
        return pages[fig["notebook"]]
    if fig["notebook"].startswith("briefing"):
        found = [p for p in briefings if p.name.removeprefix("briefing_") in fig["name"]]
        return max(found, key=lambda p: len(p.name)) if found else None
    return None


def figure_html(fig: dict) -> str:
    title = fig.get("title") or fig["name"]
    page = fig.get("page")
    parts = [f"<strong>{esc(title)}</strong>"]
    if fig.get("caption"):
        parts.append(esc(fig["caption"]))
    source = str(fig.get("source") or "").strip()
    if source:
        label = "" if re.match(r"^(资料)?来源|^sources?\b", source, re.I) else "资料来源："
        parts.append(f'<span class="source">{label}{esc(source)}</span>')
    links = []
    if page:
        links.append(f'<a href="{esc(page.href)}">{esc(page.label)}</a>')
    if fig["svg"] is not None:
        links.append(f'<span class="muted">{esc(fig["svg"].name)} · {esc(fig["png"].name)}</span>')
    if links:
        parts.append(f'<span class="source">{" · ".join(links)}</span>')
    return (
        f'<figure class="chart" id="fig-{esc(fig["name"])}">'
        f'<img src="{data_uri(fig["png"])}" alt="{esc(title)}" loading="eager">'
        f"<figcaption>{' '.join(parts)}</figcaption></figure>"
    )


def build_index(pages: list[Page], figures: list[dict], site: Path) -> Path:
    by_name = {p.name: p for p in pages}
    analyses = [p for p in pages if not p.briefing]
    briefings = sorted((p for p in pages if p.briefing), key=lambda p: (p.body, p.year, p.name))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(SITE_TITLE)}</title><style>{CSS}</style></head><body>",
        '<main class="nianbao-index">',
        f"<h1>{esc(SITE_TITLE)}</h1>",
        '<p class="intro">各级行政机关每年发布《政府信息公开工作年度报告》，按统一表格公布主动公开、'
        "依申请公开的收件与办理结果，以及行政复议和行政诉讼情况。这里的分析笔记本把这些报告中的表格"
        "提取为统一编码的数据，核对报告自身的前后一致性，并比较各机关、各年度的申请结果与主动公开情况。"
        f"{esc(corpus_summary())}每个图表下注明所依据的报告；数字取自报告原文所印，报告前后矛盾之处列为校验发现。</p>",
        "<h2>分析笔记本</h2>",
        '<ol class="pages">' + "".join(f'<li><a href="{esc(p.href)}">{esc(p.title)}</a></li>' for p in analyses) + "</ol>",
    ]
    if briefings:
        out += [
            "<h2>机关年度简报</h2>",
            '<ul class="pages">'
            + "".join(
                f'<li><a href="{esc(p.href)}">{esc(p.body or p.title)} · {esc(p.year)}</a></li>'
                for p in briefings
            )
            + "</ul>",
        ]
    out.append("<h2>图表</h2>")
    if not figures:
        out.append('<p class="muted">figures/ 中尚无图表。</p>')
    groups: dict[str, list[dict]] = {}
    for fig in figures:
        fig["page"] = page_for_figure(fig, by_name, briefings)
        groups.setdefault(fig["page"].name if fig["page"] else fig["notebook"], []).append(fig)
    order = [p.name for p in analyses] + [p.name for p in briefings]
    for key in sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k)):
        out.append(f"<h3>{esc(by_name[key].label if key in by_name else (key or '其他图表'))}</h3>")
        out.append('<div class="gallery">' + "".join(figure_html(f) for f in groups[key]) + "</div>")
    built = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out += [f"<footer>生成于 {esc(built)}，由 <code>make report</code> 从 data/ 中的报告重新计算。</footer>",
            "</main></body></html>"]
    site.mkdir(parents=True, exist_ok=True)
    index = site / "index.html"
    index.write_text("\n".join(out), encoding="utf-8")
    return index


class _TextOf(HTMLParser):
    """The text a reader sees in an HTML page: text nodes (not scripts or styles) and alt/title/label attributes."""

    SKIP = {"script", "style", "template"}
    SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "value"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping.append(tag)
        self.parts += [v for k, v in attrs if k in self.SHOWN_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def page_text(page_html: str) -> str:
    """Every character a reader can see in a page, images (data: URIs) aside."""
    parser = _TextOf()
    parser.feed(page_html)
    parser.close()
    return "".join(parser.parts)


def font_source() -> Path:
    """The OpenType font the site's font is cut from (mplfonts' Noto Sans CJK SC)."""
    import importlib.util

    package, file = FONT_SOURCE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        raise SystemExit(f"error: the {package} package is missing: pip install -r requirements.txt")
    path = Path(spec.origin).parent / file
    if not path.is_file():
        raise SystemExit(f"error: {path} is missing: reinstall {package}")
    return path


def write_if_changed(path: Path, data: bytes) -> None:
    """Rewrite only when the bytes differ (an unchanged font keeps its date for rsync and the like)."""
    if not (path.is_file() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_font(pages: list[Path], site: Path) -> Path:
    """Cut the font down to the characters of every page (plus FONT_ALWAYS), write it as WOFF with its licence.

    Deterministic: the same pages give the same bytes (fontTools keeps the source's head dates when it
    is not asked to recalculate them, and zlib is deterministic)."""
    from fontTools import subset

    shown: set[str] = set()
    for page in pages:
        shown |= set(page_text(page.read_text(encoding="utf-8")))
    shown = {c for c in shown if unicodedata.category(c) != "Cc"}  # no newlines, tabs or other controls
    options = subset.Options()
    options.flavor = "woff"  # zlib: every browser since 2012, no brotli needed
    options.name_IDs = ["*"]  # keep the copyright, trademark and licence records
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]  # vertical writing: the pages are horizontal
    options.recalc_timestamp = False
    source = font_source()
    font = subset.load_font(str(source), options, dontLoadGlyphNames=True)
    cmap = font.getBestCmap()
    lacking = sorted(c for c in shown if ord(c) not in cmap and not c.isspace() and unicodedata.category(c) != "Cf")
    if lacking:
        print(f"warning: the font has no glyph for {''.join(lacking)!r}: the reader's own fonts show them",
              file=sys.stderr)
    copyright_line = font["name"].getDebugName(0) or "Copyright © Adobe (http://www.adobe.com/)."
    trademark = font["name"].getDebugName(7) or ""
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in shown | set(FONT_ALWAYS) if ord(c) in cmap))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    font.close()
    path = site / FONT_FILE
    write_if_changed(path, out.getvalue())
    notice = (
        f"{FONT_FILE.split('/')[-1]}: a subset of Noto Sans CJK SC Regular ({source.name}, as shipped by the\n"
        f"mplfonts package), cut down by scripts/build_site.py with fontTools to the characters these pages use.\n\n"
        f"{copyright_line.rstrip('.')}, with Reserved Font Name 'Source'.\n{trademark}\n\n{OFL_TEXT}"
    )
    write_if_changed(site / FONT_LICENSE, notice.encode("utf-8"))
    return path


def up_to_date(page: Path, executed: Path) -> bool:
    """The page was exported after the executed notebook and after this script last changed."""
    return page.exists() and page.stat().st_mtime >= max(executed.stat().st_mtime, Path(__file__).stat().st_mtime)


def build_site(executed: Path = EXECUTED, figures: Path = FIGURES, site: Path = SITE, force: bool = False) -> Path:
    """Export every executed notebook not yet exported, drop the pages of vanished notebooks, write the index."""
    notebooks = sorted(executed.glob("*.ipynb"), key=lambda p: (p.stem.startswith("briefing_"), p.stem))
    if not notebooks:
        raise SystemExit(f"error: no executed notebooks in {executed}: run `make notebooks` first")
    pages = []
    for i, nb in enumerate(notebooks, 1):
        if not force and up_to_date(site / f"{nb.stem}.html", nb):
            pages.append(page_of(nb))
            continue
        print(f"[{i}/{len(notebooks)}] {nb.stem}.html", flush=True)
        pages.append(export_page(nb, site))
    names = {p.name for p in pages}
    for old in site.glob("*.html"):  # pages of notebooks that are gone
        if old.name != "index.html" and old.stem not in names:
            old.unlink()
    index = build_index(pages, read_figures(figures), site)
    font = write_font([index, *(site / p.href for p in pages)], site)
    print(f"font: {font.relative_to(site)} ({font.stat().st_size // 1024} KB)")
    return index

# The SIL Open Font License 1.1 (https://openfontlicense.org), copied into site/fonts/OFL.txt.
OFL_TEXT = """This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org


-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE
The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font creation
efforts of academic and linguistic communities, and to provide a free and
open framework in which fonts may be shared and improved in partnership
with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply
to any document created using the fonts or their derivatives.

DEFINITIONS
"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components as
distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to, deleting,
or substituting -- in part or in whole -- any of the components of the
Original Version, by changing formats or by porting the Font Software to a
new environment.

"Author" refers to any designer, engineer, programmer, technical
writer or other person who contributed to the Font Software.

PERMISSION & CONDITIONS
Permission is hereby granted, free of charge, to any person obtaining
a copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components,
in Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the corresponding
Copyright Holder. This restriction only applies to the primary font name as
presented to the users.

4) The name(s) of the Copyright Holder(s) or the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole,
must be distributed entirely under this license, and must not be
distributed under any other license. The requirement for fonts to
remain under this license does not apply to any document created
using the Font Software.

TERMINATION
This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER
THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executed", type=Path, default=EXECUTED)
    parser.add_argument("--figures", type=Path, default=FIGURES)
    parser.add_argument("--out", type=Path, default=SITE)
    parser.add_argument("--force", action="store_true", help="re-export every page (the index is always rebuilt)")
    args = parser.parse_args(argv)
    index = build_site(args.executed, args.figures, args.out, args.force)
    print(f"site: {index.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
