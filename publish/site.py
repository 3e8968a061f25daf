"""Build the reader site: one folder that can be mailed or served, with its own font and no network access.

    python -m publish.site --notebooks build/executed/*.ipynb --processed data/processed --figures figures --out site \
        [--briefings auto|all|none|ID,ID]

Pages, each from its template in publish/templates/ (Python here only gathers what they show):
- index.html: the bulletin (date, the corpus in one sentence, headline figures with the change on the previous
  year, downloads, a sortable and filterable table of every report's measures, the notebook pages, the briefings,
  small thumbnails of every chart);
- definitions.html: every measure's formula, what each check means, the 2019 → 2021 format change;
- NN_name.html: each executed notebook (nbconvert's lab template, input hidden, outputs cleaned of scripts);
- briefing_<report_id>.zh.html / .en.html and their PDFs (publish.briefings).
Files: static/ (site.css, the offline DataTables bundle of itables), fonts/ (the font subset and its licence),
figures/ (each chart as PNG, SVG and the CSV behind it; thumbs/ the small WebP the index shows), downloads/ (the
tidy tables and measures.csv, UTF-8 with BOM so that Excel opens the Chinese). The site is built in a folder beside
OUT and moved into place at the end, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

import helpers as h
from publish import briefings as br
from publish import data as d
from publish import fonts

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
WORDS = HERE / "words.csv"
NOTEBOOK_TEMPLATE = "nianbao_notebook"
TABLES = ["reports", "values", "checks", "check_definitions", "codebook"]
BOM = "\ufeff"
THUMB_WIDTH = 600  # px: sharp at the gallery's ~300 CSS px on a 2× screen
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


class Words:
    """The site's own words in one language (publish/words.csv), filled with values: ``w.t(key, **values)``."""

    def __init__(self, lang: str, table: dict[str, str]) -> None:
        self.lang = lang
        self.table = table

    def t(self, key: str, **values) -> str:
        return self.table[key].format(**values)


def load_words(path: Path = WORDS) -> dict[str, Words]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {lang: Words(lang, {r["key"]: r[lang] for r in rows}) for lang in br.LANGS}


def environment() -> jinja2.Environment:
    """Jinja2 over publish/templates, escaping every value that reaches the HTML."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass
class Page:
    name: str
    title: str
    href: str


def notebook_title(nb, fallback: str) -> str:
    """The first Markdown heading of a markdown cell or, when the notebook says its title itself, of an output."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    sources += ["".join(out.get("data", {}).get("text/markdown", "")) for cell in nb.cells
                for out in cell.get("outputs", [])]
    for source in sources:
        m = HEADING.search(source)
        if m:
            text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))
            return re.sub(r"[*_`\\]+|<[^>]+>", "", text).strip()
    return fallback


def export_notebook(executed: Path, site: Path, chrome: dict) -> Page:
    """Executed notebook → SITE/<name>.html with nbconvert's lab template (publish/templates/nianbao_notebook)."""
    import nbformat
    from nbconvert import HTMLExporter

    from publish.sanitize import SafeOutputs

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:  # readers need no stderr chatter (warnings, progress bars)
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    title = notebook_title(nb, executed.stem)
    exporter = HTMLExporter(template_name=NOTEBOOK_TEMPLATE, extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    exporter.register_preprocessor(SafeOutputs(), enabled=True)
    exporter.language_code = "zh-CN"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}, "site": chrome})
    (site / f"{executed.stem}.html").write_text(body, encoding="utf-8")
    return Page(executed.stem, title, f"{executed.stem}.html")


def with_bom(source: Path, target: Path) -> None:
    """Copy a UTF-8 CSV, adding the byte-order mark Excel needs to read it as UTF-8."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as out:
        head = src.read(3)
        if head != BOM.encode("utf-8"):
            out.write(BOM.encode("utf-8"))
        out.write(head)
        shutil.copyfileobj(src, out)


def size_text(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} KB"


def gather_figures(figures: Path, notebooks: dict[str, Page], site: Path) -> list[dict]:
    """Every chart of an executed notebook (its sidecar JSON names it): copied into SITE/figures with its CSV, and a
    small WebP thumbnail."""
    from PIL import Image

    out = []
    (site / "figures" / "thumbs").mkdir(parents=True, exist_ok=True)
    for sidecar in sorted(figures.glob("*.json")):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        page = notebooks.get(Path(str(meta.get("notebook") or "")).stem)
        png = sidecar.with_suffix(".png")
        if page is None or not png.exists():
            continue
        name = sidecar.stem
        item = dict(name=name, title=meta.get("title") or name, caption=meta.get("caption") or "",
                    source=meta.get("source") or "", page=page, png=f"figures/{name}.png", svg=f"figures/{name}.svg",
                    csv=None, thumb=f"figures/thumbs/{name}.webp",
                    definitions=[str(code) for code in meta.get("definitions") or []])
        shutil.copyfile(png, site / item["png"])
        if sidecar.with_suffix(".svg").exists():
            shutil.copyfile(sidecar.with_suffix(".svg"), site / item["svg"])
        if sidecar.with_suffix(".csv").exists():
            with_bom(sidecar.with_suffix(".csv"), site / f"figures/{name}.csv")
            item["csv"] = f"figures/{name}.csv"
        with Image.open(png) as image:
            image = image.convert("RGB")
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 4))
            image.save(site / item["thumb"], "WEBP", quality=80, method=4)
            item["thumb_size"] = image.size
        out.append(item)
    return out


#: The measures the index's table shows (measures.csv has every one).
SHOWN_MEASURES = ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate",
                  "completion_rate", "correction_rate.review", "dispute_rate"]


def shown_table(frame: pd.DataFrame, hw: h.Words) -> tuple[pd.DataFrame, list[str]]:
    """helpers.measures_for_readers cut to the index's columns (every other column, SHOWN_MEASURES of the rates),
    the year as text; and the names of the rate columns (fractions)."""
    rates = [hw.label(m) for m in h.MEASURES]
    shown = [hw.label(m) for m in SHOWN_MEASURES]
    keep = [c for c in frame.columns if c not in rates or c in shown]
    table = frame[keep].copy()
    year = hw("col.year")
    table[year] = table[year].astype(str)
    return table, [c for c in keep if c in rates]


def _cell_text(value, rate: bool) -> str:
    """A cell as the reader sees it: empty when unknown, rates as percentages, counts with thousands separators
    (DataTables still sorts both as numbers)."""
    if value is None or pd.isna(value):
        return ""
    if rate:
        return f"{100 * value:.1f}"
    if isinstance(value, (int, float)) or hasattr(value, "is_integer"):
        return f"{value:,.0f}"
    return str(value)


DATATABLE_WORDS = {"search": "table_search", "lengthMenu": "table_length", "info": "table_info",
                   "infoEmpty": "table_info_empty", "infoFiltered": "table_info_filtered",
                   "zeroRecords": "table_no_match", "emptyTable": "table_empty"}  # DataTables option: words key


def measures_html(frame: pd.DataFrame, rates: list[str], w: Words) -> str:
    """The table as an offline DataTable (itables, which escapes every cell): sortable, searchable, paged; rate
    columns shown as percentages ("%" added to their heading); its controls in the page's language."""
    from itables import to_html_datatable

    shown = pd.DataFrame({col: [_cell_text(v, col in rates) for v in frame[col]] for col in frame.columns})
    shown = shown.rename(columns={col: f"{col} %" for col in rates})
    # Not itables' default layout, which hides the search box when the rows fit on one page.
    layout = {"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"}
    return to_html_datatable(shown, table_id="measures-table", connected=False, showIndex=False, maxBytes=0,
                             lengthMenu=[25, 100, 500], pageLength=25, layout=layout, scrollX=True,
                             classes="display compact", text_in_header_can_be_selected=False,
                             language={option: w.t(key) for option, key in DATATABLE_WORDS.items()})


def itables_script() -> str:
    """The offline DataTables bundle of itables, as the classic script the index loads from static/itables.js."""
    import itables

    from itables.javascript import generate_init_offline_itables_html

    bundle = Path(itables.__file__).parent / "html" / "dt_bundle.js"
    snippet = generate_init_offline_itables_html(bundle)
    return re.search(r"<script[^>]*>(.*)</script>", snippet, re.S).group(1)


def corpus_sentence(reports: pd.DataFrame, table: pd.DataFrame, hw: h.Words, w: Words) -> str:
    """"This bulletin draws on N reports of M bodies (2019–2025): city 2, county 2, …" from reports.csv."""
    if table.empty:
        return ""
    first, last = int(table["year"].min()), int(table["year"].max())
    span = w.t("span_years", first=first, last=last) if first != last else w.t("span_year", first=first)
    levels = table["level"].map(lambda level: level_label(level, hw)).value_counts()
    level_text = w.t("levels_sep").join(w.t("level_count", level=level, n=f"{n:,}") for level, n in levels.items())
    text = w.t("corpus", bodies=f"{table['body'].nunique():,}", reports=f"{len(table):,}", span=span, levels=level_text)
    failed = int((reports["status"].astype(str) == "failed").sum())
    return text + (w.t("failed_reports", n=failed) if failed else "")


def level_label(level: str, hw: h.Words) -> str:
    """A body's level in reader words (data/labels.csv), or as recorded when the labels do not know it."""
    return hw.label(f"level.{level}") if f"level.{level}" in hw.by_code else (level or "?")


def headline_cards(table: pd.DataFrame, hw: h.Words, w: Words) -> dict | None:
    """The index's headline figures: the latest year pooled, and the change on the year before over the bodies
    that reported both years; each marked with the checks it rests on."""
    top = d.headline(table)
    if not top:
        return None
    figures, change = top["figures"], top["change"]

    def delta(key: str, rate: bool) -> str:
        if key not in change or pd.isna(change[key]):
            return ""
        return f"{100 * change[key]:+.1f} pp" if rate else f"{change[key]:+,.0f}"

    cards = [dict(key="reports", label=w.t("reports_n"), value=f"{figures['reports']['value']:,}", detail="",
                  change="", rests_on="")]
    for key in ["received", "total", "review.total", "litigation_direct.total"]:
        cards.append(dict(key=key, label=br.figure_label(key, hw, w), value=h.fmt_n(figures[key]["value"]),
                          detail="", change=delta(key, False), rests_on=hw.checks(figures[key]["rests_on"])
                          if figures[key]["rests_on"] else ""))
    for m in ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate"]:
        r = figures[m]
        cards.append(dict(key=m, label=hw.label(m), value=h.pct(r["value"]),
                          detail=f"{h.fmt_n(r['num'])}/{h.fmt_n(r['den'])}", change=delta(m, True),
                          rests_on=hw.checks(r["rests_on"]) if r["rests_on"] else ""))
    return dict(year=top["year"], prev=top["prev"], both=top["both"], cards=cards,
                any_marked=any(c["rests_on"] for c in cards))


def definitions(corpus: h.Corpus, hw: h.Words) -> dict:
    """Every measure's formula (helpers' docstrings), every check as the engine defines it (check_definitions), and
    the 2019 → 2021 format change (the engine's derivation rules and the codes only one format has)."""
    import nianbao.derive

    measures = []
    for name, fn in h.MEASURES.items():
        doc_of = h.correction_rate if name.startswith("correction_rate.") else fn
        measures.append(dict(code=name, label=hw.label(name), label_en=h.words(corpus, "en").label(name),
                             formula=_doc_paragraphs(doc_of)))
    examples = corpus.findings.drop_duplicates("check").set_index("check")
    checks = [dict(code=r.check, label=getattr(r, f"label_{hw.lang}"), description=getattr(r, f"meaning_{hw.lang}"),
                   example=str(examples.at[r.check, f"message_{hw.lang}"]) if r.check in examples.index else "")
              for r in corpus.check_definitions.itertuples()]
    cb = corpus.codebook
    one_format = cb[(cb["section"] != "applicant") & ~cb["formats"].astype(str).str.contains(";")]
    groups = [dict(code=g, label=hw.label(g), items=[hw.label(i, short=True) for i in h.group_items(corpus, g)])
              for g in h.OUTCOME_GROUPS]
    return dict(measures=measures, checks=checks, groups=groups,
                format_change=dict(text=_doc_paragraphs(nianbao.derive),
                                   rows=[dict(code=r.code, label=getattr(r, f"label_{hw.lang}"),
                                              formats=str(r.formats)) for r in one_format.itertuples()]))


def _doc_paragraphs(documented) -> list[str]:
    """A docstring as paragraphs of plain text (reST marks dropped, its "Returns …" line aside)."""
    text = re.sub(r":func:`([^`]+)`|``([^`]+)``", lambda m: m.group(1) or m.group(2), documented.__doc__ or "")
    paras = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return [p for p in paras if p and not p.startswith("Returns")]


def chart_groups(figures: list[dict], notebooks: list[Page]) -> list[dict]:
    order = {p.name: i for i, p in enumerate(notebooks)}
    groups: dict[str, dict] = {}
    for f in sorted(figures, key=lambda f: (order[f["page"].name], f["name"])):
        page = f["page"]
        groups.setdefault(page.name, dict(title=page.title, href=page.href, figures=[]))["figures"].append(f)
    return list(groups.values())


def build(notebooks: list[Path], processed: Path, figures: Path, out: Path, briefings: str = "auto") -> Path:
    """Build the whole site from the executed NOTEBOOKS into a folder beside OUT, then put it in OUT's place;
    returns OUT/index.html."""
    missing = [nb for nb in notebooks if not nb.is_file()]
    if not notebooks or missing:
        raise SystemExit(f"error: executed notebooks missing: {', '.join(map(str, missing)) or 'none given'}: "
                         "run `make notebooks` first")
    out = out.resolve()
    stage = out.with_name(f".{out.name}.partial")
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "static").mkdir(parents=True)
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    words = load_words()
    w = words["zh"]
    env = environment()

    shutil.copyfile(STATIC / "site.css", stage / "static" / "site.css")
    (stage / "static" / "itables.js").write_text(itables_script(), encoding="utf-8")

    chrome = dict(home=w.t("home"), definitions=w.t("definitions"), built=w.t("built", date=built))
    pages = [export_notebook(nb, stage, chrome) for nb in notebooks]
    print(f"{len(pages)} notebook pages", flush=True)

    corpus = d.load(processed)
    hw = h.words(corpus, "zh")
    table = d.report_table(corpus)
    charts = gather_figures(figures, {p.name: p for p in pages}, stage)

    downloads = stage / "downloads"
    tables = []
    for name in TABLES:
        source = processed / f"{name}.csv"
        if source.exists():
            with_bom(source, downloads / f"{name}.csv")
            tables.append(dict(name=f"{name}.csv", href=f"downloads/{name}.csv", label=w.t(f"table_{name}"),
                               size=size_text(downloads / f"{name}.csv")))
    frame = h.measures_for_readers(corpus, hw)
    frame.to_csv(downloads / "measures.csv", index=False, encoding="utf-8-sig")
    tables.append(dict(name="measures.csv", href="downloads/measures.csv", label=w.t("table_measures"),
                       size=size_text(downloads / "measures.csv")))

    selection = br.select(table, briefings)
    items = br.gather(corpus, table, selection, words)
    briefing_pages = br.render(env, items, words, stage, built)
    printing = br.can_print()
    listed = [dict(body=b["body"], year=b["year"], zh=br.page_name(b["report_id"], "zh"),
                   en=br.page_name(b["report_id"], "en"),
                   pdf_zh=br.pdf_name(b["report_id"], "zh") if printing else None,
                   pdf_en=br.pdf_name(b["report_id"], "en") if printing else None)
              for b in sorted(items, key=lambda b: (b["body"], b["year"]))]
    note = {"all": "", "none": w.t("briefings_none"),
            "largest": w.t("briefings_selection", n=len(items), how=w.t("briefings_how_latest", n=len(items))),
            "listed": ""}[selection.how]

    common = dict(w=w, built=built, html_lang="zh-CN")
    (stage / "index.html").write_text(env.get_template("index.html.j2").render(
        **common, corpus_sentence=corpus_sentence(corpus.reports, table, hw, w), headline=headline_cards(table, hw, w),
        tables=tables, figures=charts, chart_groups=chart_groups(charts, pages),
        measures_table=Markup(measures_html(*shown_table(frame, hw), w)),
        notebooks=pages, briefings=listed, briefings_note=note), encoding="utf-8")
    (stage / "definitions.html").write_text(env.get_template("definitions.html.j2").render(
        **common, **definitions(corpus, hw)), encoding="utf-8")

    font = fonts.write_font(sorted(stage.glob("*.html")), stage)
    print(f"font: {font.relative_to(stage)} ({font.stat().st_size // 1024} KB)", flush=True)
    # Printed last: the PDFs need the font the pages load.
    pdfs = br.print_pdfs(briefing_pages) if printing else []
    print(f"{len(items)} briefings ({selection.how}), {len(pdfs)} PDFs", flush=True)
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        stage.rename(out)
        shutil.rmtree(old)
    else:
        stage.rename(out)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, nargs="+", required=True,
                        help="the executed notebooks (build/executed/NN_*.ipynb), in their order on the index")
    parser.add_argument("--processed", type=Path, required=True, help="the tidy tables (data/processed)")
    parser.add_argument("--figures", type=Path, required=True, help="the charts and their sidecars (figures)")
    parser.add_argument("--out", type=Path, required=True, help="the site folder (site)")
    parser.add_argument("--briefings", default="auto", help="auto (default), all, none, or report ids: id,id")
    args = parser.parse_args(argv)
    index = build(args.notebooks, args.processed, args.figures, args.out, args.briefings)
    print(f"site: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
