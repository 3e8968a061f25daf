"""What the site shows, gathered once from the tidy tables through ``helpers``: one row per report with its counts and
measures, the findings each figure rests on, and the corpus-level headline figures.

Everything is computed over the whole corpus in one pass (vectorised), never one report at a time, so that the
index and every briefing cost one load whatever the number of reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: The counts of table 三 the site shows (the 总计 column, （六） aligned across formats).
COUNTS = ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]
#: The request measures the site shows, in helpers.MEASURES order.
RATES = ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_held_share", "not_processed_rate",
         "other_rate", "completion_rate", "carry_forward_rate"]
BLOCKS = ["review", "litigation_direct", "litigation_after_review"]
# The cells each figure is computed from, as (section, item or item prefix): a finding that names one of them, or
# names the whole section, marks the figure. "refused.*" is every 不予公开 row.
FIGURE_CELLS: dict[str, list[tuple[str, str]]] = {
    "received": [("applications", "received")],
    "carried_over": [("applications", "carried_over")],
    "total": [("applications", "total")],
    "granted": [("applications", "granted")],
    "partially_granted": [("applications", "partially_granted")],
    "carried_forward": [("applications", "carried_forward")],
    "release_rate_strict": [("applications", "granted"), ("applications", "total")],
    "release_rate_substantive": [("applications", "granted"), ("applications", "partially_granted"),
                                 ("applications", "refused.*")],
    "unable_rate": [("applications", "unable.*"), ("applications", "total")],
    "not_held_share": [("applications", "unable.not_held"), ("applications", "total")],
    "not_processed_rate": [("applications", "not_processed.*"), ("applications", "total")],
    "other_rate": [("applications", "other*"), ("applications", "total")],
    "completion_rate": [("applications", "total"), ("applications", "received"), ("applications", "carried_over")],
    "carry_forward_rate": [("applications", "carried_forward"), ("applications", "received"),
                           ("applications", "carried_over")],
    **{f"{b}.total": [("review_litigation", b)] for b in BLOCKS},
    **{f"{b}.correction_rate": [("review_litigation", b)] for b in BLOCKS},
}
SECTIONS = ("applications", "review_litigation", "disclosure", "narrative")
CELL_REF = re.compile(r"\b(" + "|".join(SECTIONS) + r")(?::([\w.*]+))?")


@dataclass
class Corpus:
    """The loaded tables: reports (all, failed ones included), values, findings, and helpers bound to them."""

    reports: pd.DataFrame
    values: pd.DataFrame
    findings: pd.DataFrame
    helpers: object


def load(processed: Path) -> Corpus:
    """Load the tidy tables of PROCESSED once, through helpers."""
    import helpers as h

    h.PROCESSED = Path(processed)
    for cached in (h._codebook, h._chart_labels):  # cached tables of another folder
        cached.cache_clear()
    reports = h.load_reports()
    return Corpus(reports, h.load_values(), h.load_findings(), h)


def finding_refs(cells: str) -> list[tuple[str, str | None]]:
    """The (section, item) a finding's ``cells`` names; item None when it names a whole section."""
    return [(m.group(1), m.group(2)) for m in CELL_REF.finditer(cells or "")]


def _names(ref: tuple[str, str | None], cell: tuple[str, str]) -> bool:
    section, item = ref
    if section != cell[0]:
        return False
    if item is None or item == "*":
        return True
    want = cell[1]
    if want.endswith("*"):
        return item.startswith(want[:-1])
    return item == want or item.split(".")[0] == want


def figures_on_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per (report_id, figure) that rests on a finding, with the finding's message in both languages."""
    rows = []
    for f in findings.itertuples(index=False):
        refs = finding_refs(f.cells)
        for figure, cells in FIGURE_CELLS.items():
            if any(_names(ref, cell) for ref in refs for cell in cells):
                rows.append(dict(report_id=str(f.report_id), figure=figure, check=str(f.check),
                                 message_zh=f.message_zh, message_en=f.message_en))
    return pd.DataFrame(rows, columns=["report_id", "figure", "check", "message_zh", "message_en"])


def report_table(corpus: Corpus) -> pd.DataFrame:
    """One row per readable report: body, level, parent, year, the counts, every measure as rate/num/den/small,
    review and litigation totals with their correction rates, the number of findings, and ``marked`` (the set of
    figures that rest on a finding)."""
    h, v = corpus.helpers, corpus.values
    rep = corpus.reports[corpus.reports["status"].astype(str) != "failed"].copy()
    rep["report_id"] = rep["report_id"].astype(str)
    out = rep.set_index("report_id")[["body", "body_en", "level", "parent", "year", "format", "status"]].copy()
    counts = h.to_wide(h.align_formats(v))["total"].unstack("item")
    counts.index = counts.index.astype(str)
    for c in COUNTS:
        out[c] = counts[c] if c in counts else np.nan
    rates = h.rate_table(v)
    rates["report_id"] = rates["report_id"].astype(str)
    for field in ("rate", "num", "den", "small"):
        wide = rates.pivot(index="report_id", columns="measure", values=field)
        for m in RATES:
            out[f"{m}.{field}"] = wide[m] if m in wide else np.nan
    cases = h.review_table(v)
    for b in BLOCKS:
        block = cases.xs(b, level="block")
        out[f"{b}.total"] = block["total"]
        decided = block["total"] - block["pending"]
        out[f"{b}.correction_rate.num"] = block["corrected"]
        out[f"{b}.correction_rate.den"] = decided
        out[f"{b}.correction_rate.rate"] = block["corrected"] / decided.where(decided > 0)
        out[f"{b}.correction_rate.small"] = decided < h.SMALL_N
    findings = corpus.findings.assign(report_id=corpus.findings["report_id"].astype(str))
    out["findings"] = findings.groupby("report_id").size().reindex(out.index).fillna(0).astype(int)
    marks = figures_on_findings(findings).groupby("report_id")["figure"].agg(frozenset)
    out["marked"] = [marks.get(r, frozenset()) for r in out.index]
    return out.reset_index()


def previous_reports(table: pd.DataFrame) -> dict[str, str | None]:
    """For each report, the same body's latest earlier report (None when there is none)."""
    t = table.sort_values(["body", "year"])
    prev = t.groupby("body")["report_id"].shift(1)
    return {rid: (p if isinstance(p, str) else None) for rid, p in zip(t["report_id"], prev)}


def pooled(rows: pd.DataFrame) -> dict:
    """Corpus figures over some reports: counts summed (unknown where any report's count is unknown), rates as
    Σ numerator / Σ denominator over the reports where both are known."""
    out: dict = {"reports": len(rows)}
    for c in ["received", "total"] + [f"{b}.total" for b in BLOCKS]:
        col = rows[c]
        out[c] = float(col.sum()) if col.notna().all() and len(col) else np.nan
    for m in ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate"]:
        known = rows[rows[f"{m}.num"].notna() & rows[f"{m}.den"].notna()]
        num, den = known[f"{m}.num"].sum(), known[f"{m}.den"].sum()
        out[m] = dict(rate=num / den if den > 0 else np.nan, num=num, den=den, reports=len(known))
    out["marked"] = frozenset().union(*rows["marked"]) if len(rows) else frozenset()
    return out


def headline(table: pd.DataFrame) -> dict:
    """The latest year's corpus figures and, over the bodies that also reported the year before, the change."""
    if table.empty:
        return {}
    year = int(table["year"].max())
    this = table[table["year"] == year]
    before = table[table["year"] == year - 1]
    both = sorted(set(this["body"]) & set(before["body"]))
    result = dict(year=year, prev=year - 1, figures=pooled(this), both=len(both))
    if both:
        now, then = pooled(this[this["body"].isin(both)]), pooled(before[before["body"].isin(both)])
        result["change"] = {k: _difference(now[k], then[k]) for k in now if k not in ("marked",)}
        result["change_marked"] = now["marked"] | then["marked"]
    return result


def _difference(now, then):
    if isinstance(now, dict):
        return now["rate"] - then["rate"]
    return now - then
