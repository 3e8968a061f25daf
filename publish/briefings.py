"""Briefings: one page per report in Chinese and in English (briefing_<report_id>.zh.html / .en.html) and a PDF of
each printed by headless Chromium, all built in one process over one load of the data.

A briefing is the body and year, its key figures with the change against the body's previous report and a mark
where a figure rests on a finding, the outcome mix, and the report's findings as sentences. Python gathers the
numbers (:func:`gather`); ``templates/briefing.html.j2`` lays them out, for the screen and for A4 paper.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import helpers as h
from publish import data as d

#: With at most this many reports every report gets a briefing (BRIEFINGS=auto); above it, the latest report of
#: the AUTO_LARGEST bodies with the most new requests, so that a corpus of thousands builds in minutes.
AUTO_ALL = 60
AUTO_LARGEST = 20
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
LANGS = ("zh", "en")
PRINT_AT_ONCE = 2  # pages Chromium prints at the same time
KEY_COUNTS = ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]
KEY_RATES = ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate", "other_rate",
             "completion_rate", "correction_rate.review", "dispute_rate"]


@dataclass
class Selection:
    report_ids: list[str]
    how: str  # "all", "largest", "none", "listed"


def select(table: pd.DataFrame, spec: str) -> Selection:
    """The reports that get a briefing: ``auto``, ``all``, ``none`` or report ids separated by commas."""
    spec = (spec or "auto").strip()
    ids = list(table["report_id"])
    if spec == "none":
        return Selection([], "none")
    if spec == "all" or (spec == "auto" and len(ids) <= AUTO_ALL):
        return Selection(ids, "all")
    if spec == "auto":
        latest = table.sort_values("year").groupby("body").tail(1)
        largest = latest.sort_values(["received", "report_id"], ascending=[False, True]).head(AUTO_LARGEST)
        return Selection(sorted(largest["report_id"]), "largest")
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [w for w in wanted if w not in set(ids)]
    if unknown:
        raise SystemExit(f"error: BRIEFINGS names reports that are not in reports.csv: {', '.join(unknown)}")
    return Selection(wanted, "listed")


def _rate(row: pd.Series, measure: str, hw: h.Words) -> str:
    values = {f: row[f"{measure}.{f}"] for f in ("rate", "num", "den", "small")}
    return hw.rate(values) if pd.notna(values["rate"]) else hw.rate({**values, "rests_on": row[f"{measure}.rests_on"]})


def _change(now, then, rate: bool) -> str:
    if pd.isna(now) or pd.isna(then):
        return "—"
    if now == then:
        return "0"
    return f"{100 * (now - then):+.1f} pp" if rate else f"{now - then:+,.0f}"


def figure_label(key: str, hw: h.Words, w) -> str:
    """A count's label: the site's own words for table 三's rows, the block's label for table 四's totals."""
    return hw.label(key.removesuffix(".total")) if key.endswith(".total") else w.t(f"fig_{key}")


def key_figures(row: pd.Series, prev: pd.Series | None, blocks: list[str], hw: h.Words, w) -> list[dict]:
    """The briefing's table: label, this report's figure, the previous report's, the change, and the checks the
    figure rests on (its mark)."""
    rows = []
    for key in KEY_COUNTS + [f"{b}.total" for b in blocks]:
        rows.append(dict(label=figure_label(key, hw, w), value=h.fmt_n(row[key]),
                         previous=h.fmt_n(prev[key]) if prev is not None else "",
                         change=_change(row[key], prev[key], rate=False) if prev is not None else "",
                         rests_on=hw.checks(row[f"{key}.rests_on"]) if row[f"{key}.rests_on"] else ""))
    for m in KEY_RATES:
        rows.append(dict(label=hw.label(m), value=_rate(row, m, hw),
                         previous=_rate(prev, m, hw) if prev is not None else "",
                         change=_change(row[f"{m}.rate"], prev[f"{m}.rate"], rate=True) if prev is not None else "",
                         rests_on=hw.checks(row[f"{m}.rests_on"]) if row[f"{m}.rests_on"] else ""))
    return rows


def outcomes(mix: pd.DataFrame, rid: str, hw: h.Words, w, colours: dict[str, str]) -> list[dict]:
    """The outcome mix of one report as legend items and bar widths."""
    if rid not in mix.index or pd.isna(mix.at[rid, ("handled", "")]):
        return []
    return [dict(text=w.t("legend_item", label=hw.label(g), count=h.fmt_n(mix.at[rid, ("count", g)]),
                          share=h.pct(mix.at[rid, ("share", g)])),
                 colour=colours[g], share=float(mix.at[rid, ("share", g)])) for g in h.OUTCOME_GROUPS]


def gather(corpus: h.Corpus, table: pd.DataFrame, selection: Selection, words) -> list[dict]:
    """Everything each selected briefing shows, in both languages: {report_id, body, year, zh: {...}, en: {...}}."""
    by_id = table.set_index("report_id", drop=False)
    prev_of = d.previous_reports(table)
    mix = h.outcome_mix(corpus)
    mix.index = mix.index.astype(str)
    colours = h.palette()
    blocks = h.review_blocks(corpus)
    helper_words = {lang: h.words(corpus, lang) for lang in LANGS}
    wanted = set(selection.report_ids)
    findings = corpus.findings.assign(report_id=corpus.findings["report_id"].astype(str))
    findings = {rid: f for rid, f in findings[findings["report_id"].isin(wanted)].groupby("report_id")}
    out = []
    for rid in selection.report_ids:
        row = by_id.loc[rid]
        prev = by_id.loc[prev_of[rid]] if prev_of.get(rid) else None
        item = dict(report_id=rid, body=row["body"], year=int(row["year"]))
        for lang in LANGS:
            w, hw = words[lang], helper_words[lang]
            name = {"zh": "body", "en": "body_en"}[lang]
            figures = key_figures(row, prev, blocks, hw, w)
            item[lang] = dict(
                title=w.t("briefing_title", body=row[name], year=int(row["year"])),
                subtitle=(w.t("briefing_sub", year=int(row["year"]), prev=f"{prev[name]} {int(prev['year'])}")
                          if prev is not None else w.t("briefing_no_prev", year=int(row["year"]))),
                year=int(row["year"]), prev_year=int(prev["year"]) if prev is not None else None,
                figures=figures, any_marked=any(f["rests_on"] for f in figures),
                handled=h.fmt_n(mix.at[rid, ("handled", "")]) if rid in mix.index else "—",
                outcomes=outcomes(mix, rid, hw, w, colours),
                findings=[dict(severity=str(f.severity), severity_label=w.t(f"severity_{f.severity}"),
                               message=getattr(f, f"message_{lang}")) for f in
                          findings.get(rid, pd.DataFrame()).itertuples()],
                other_lang={"zh": "en", "en": "zh"}[lang],
                other_href=page_name(rid, {"zh": "en", "en": "zh"}[lang]),
            )
        out.append(item)
    return out


def page_name(report_id: str, lang: str) -> str:
    return f"briefing_{report_id}.{lang}.html"


def pdf_name(report_id: str, lang: str) -> str:
    return f"briefing_{report_id}.{lang}.pdf"


def render(env, briefings: list[dict], words, site: Path, built: str) -> list[Path]:
    """Write briefing_<id>.zh.html and .en.html for every briefing; returns the pages."""
    template = env.get_template("briefing.html.j2")
    pages = []
    for b in briefings:
        for lang in LANGS:
            page = site / page_name(b["report_id"], lang)
            page.write_text(template.render(b=b[lang], w=words[lang], built=built,
                                            html_lang="zh-CN" if lang == "zh" else "en"), encoding="utf-8")
            pages.append(page)
    return pages


def can_print() -> bool:
    """Whether the PDFs can be printed (Debian's chromium is installed); says so when not."""
    if not CHROMIUM.exists():
        print(f"warning: {CHROMIUM} is missing (apt-get install chromium): the briefings have no PDF",
              file=sys.stderr)
    return CHROMIUM.exists()


def print_pdfs(pages: list[Path], at_once: int = PRINT_AT_ONCE) -> list[Path]:
    """Print each page to an A4 PDF beside it with headless Chromium: one browser, AT_ONCE pages printing together."""
    import asyncio

    from playwright.async_api import async_playwright

    async def run() -> list[Path]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            queue = list(pages)

            async def printer() -> list[Path]:
                page, done = await browser.new_page(), []
                while queue:
                    html_page = queue.pop(0)
                    await page.goto(html_page.resolve().as_uri(), wait_until="load")
                    await page.evaluate("async () => { await document.fonts.ready; }")
                    pdf = html_page.with_suffix(".pdf")
                    await page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
                    done.append(pdf)
                return done

            printed = await asyncio.gather(*(printer() for _ in range(min(at_once, len(pages)))))
            await browser.close()
        return [pdf for batch in printed for pdf in batch]

    return asyncio.run(run()) if pages else []
