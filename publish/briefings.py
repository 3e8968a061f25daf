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

from publish import data as d

#: With at most this many reports every report gets a briefing (BRIEFINGS=auto); above it, the latest report of
#: the AUTO_LARGEST bodies with the most new requests, so that a corpus of thousands builds in minutes.
AUTO_ALL = 60
AUTO_LARGEST = 20
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
LANGS = ("zh", "en")
KEY_COUNTS = ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]
KEY_RATES = ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate", "other_rate",
             "completion_rate"]


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


def _count(n) -> str:
    return "—" if pd.isna(n) else f"{n:,.0f}"


def _rate(row: pd.Series, measure: str, h, lang: str) -> str:
    rate = row[f"{measure}.rate"]
    if pd.isna(rate):
        return "—"
    return h.rate_text({"rate": rate, "num": row[f"{measure}.num"], "den": row[f"{measure}.den"]}, lang)


def _count_change(now, then) -> str:
    return "—" if pd.isna(now) or pd.isna(then) else f"{now - then:+,.0f}"


def _rate_change(now, then) -> str:
    return "—" if pd.isna(now) or pd.isna(then) else f"{100 * (now - then):+.1f} pp"


def figure_label(key: str, h, w) -> str:
    """A count's label: the site's own words for table 三's rows, the block's label for table 四's totals."""
    if "." in key:
        return h.label(key.split(".")[0], w.lang)
    return w.t(f"fig_{key}")


def key_figures(row: pd.Series, prev: pd.Series | None, h, w) -> list[dict]:
    """The briefing's table: label, this report's figure, the previous report's, the change, and the mark."""
    lang = w.lang
    rows = []
    for key in KEY_COUNTS + [f"{b}.total" for b in d.BLOCKS]:
        label = figure_label(key, h, w)
        rows.append(dict(label=label, value=_count(row[key]), previous=_count(prev[key]) if prev is not None else "",
                         change=_count_change(row[key], prev[key]) if prev is not None else "",
                         marked=key in row["marked"]))
    for m in KEY_RATES:
        rows.append(dict(label=h.label(m, lang), value=_rate(row, m, h, lang),
                         previous=_rate(prev, m, h, lang) if prev is not None else "",
                         change=_rate_change(row[f"{m}.rate"], prev[f"{m}.rate"]) if prev is not None else "",
                         marked=m in row["marked"]))
    return rows


def gather(corpus: d.Corpus, table: pd.DataFrame, selection: Selection, words) -> list[dict]:
    """Everything each selected briefing shows, in both languages: {report_id, body, year, zh: {...}, en: {...}}."""
    h = corpus.helpers
    by_id = table.set_index("report_id", drop=False)
    prev_of = d.previous_reports(table)
    mix = h.outcome_mix(corpus.values)
    mix = mix.assign(report_id=mix["report_id"].astype(str))
    mix = mix[mix["report_id"].isin(selection.report_ids)]
    mixes = {rid: m for rid, m in mix.groupby("report_id")}
    findings = corpus.findings.assign(report_id=corpus.findings["report_id"].astype(str))
    findings = {rid: f for rid, f in findings[findings["report_id"].isin(selection.report_ids)].groupby("report_id")}
    out = []
    for rid in selection.report_ids:
        row = by_id.loc[rid]
        prev_id = prev_of.get(rid)
        prev = by_id.loc[prev_id] if prev_id else None
        item = dict(report_id=rid, body=row["body"], body_en=row["body_en"], year=int(row["year"]))
        for lang in LANGS:
            w = words[lang]
            body = row["body"] if lang == "zh" else row["body_en"]
            own = mixes.get(rid, pd.DataFrame(columns=["group", "count", "share", "handled"]))
            item[lang] = dict(
                title=w.t("briefing_title", body=body, year=int(row["year"])),
                subtitle=(w.t("briefing_sub", year=int(row["year"]),
                              prev=f"{prev['body'] if lang == 'zh' else prev['body_en']} {int(prev['year'])}")
                          if prev is not None else w.t("briefing_no_prev", year=int(row["year"]))),
                year=int(row["year"]), prev_year=int(prev["year"]) if prev is not None else None,
                figures=key_figures(row, prev, h, w),
                handled=_count(own["handled"].iloc[0]) if len(own) else "—",
                outcomes=[dict(text=w.t("legend_item", label=h.group_label(str(o.group), lang), count=_count(o.count),
                                        share=h.pct(o.share)),
                               colour=h.group_colour(str(o.group)),
                               share=0.0 if pd.isna(o.share) else float(o.share)) for o in own.itertuples()],
                findings=[dict(severity=str(f.severity), severity_label=w.t(f"severity_{f.severity}"),
                               message=getattr(f, f"message_{lang}")) for f in
                          findings.get(rid, pd.DataFrame()).itertuples()],
                other_lang="en" if lang == "zh" else "zh",
                other_href=page_name(rid, "en" if lang == "zh" else "zh"),
            )
            item[lang]["any_marked"] = any(f["marked"] for f in item[lang]["figures"])
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


def print_pdfs(pages: list[Path]) -> list[Path]:
    """Print each page to an A4 PDF beside it with headless Chromium (one browser for all pages)."""
    from playwright.sync_api import sync_playwright

    printed = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for html_page in pages:
            page.goto(html_page.resolve().as_uri(), wait_until="load")
            page.evaluate("async () => { await document.fonts.ready; }")
            pdf = html_page.with_suffix(".pdf")
            page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
            printed.append(pdf)
        browser.close()
    return printed
