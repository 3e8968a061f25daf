"""What the site shows, gathered once from one :class:`helpers.Corpus`: one row per report with its counts and
measures (each with the checks it rests on), and the corpus-level headline figures.

Everything is computed over the whole corpus in one pass (helpers' vectorised measures), never one report at a
time, so that the index and every briefing cost one load whatever the number of reports.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import helpers as h

#: The counts of table 三 the site shows (the 总计 column, （六） aligned across formats by the engine).
COUNTS = ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]
#: The measures the site shows, by helpers.MEASURES name.
RATES = ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_held_share", "not_processed_rate",
         "other_rate", "completion_rate", "carry_forward_rate", "correction_rate.review", "dispute_rate",
         "correction_conversion_rate"]
FIELDS = ("rate", "num", "den", "small", "rests_on")


def load(processed: Path) -> h.Corpus:
    """The tidy tables of PROCESSED, loaded once."""
    return h.load(processed)


def report_table(corpus: h.Corpus) -> pd.DataFrame:
    """One row per readable report: body, body_en, level, parent, year; each count with ``COUNT.rests_on``; review
    and litigation totals (``BLOCK.total``); each measure as ``MEASURE.rate/num/den/small/rests_on``; ``findings``
    (their number)."""
    rep = corpus.reports[corpus.reports["status"].astype(str) != "failed"]
    ids = rep["report_id"].astype(str)
    out = pd.DataFrame({"report_id": ids.to_numpy()}, index=ids)
    for col in ("body", "body_en", "level", "parent", "format"):
        out[col] = rep[col].astype(str).to_numpy()
    out["year"] = rep["year"].astype(int).to_numpy()
    cells = corpus.cells.reindex(index=ids)
    for c in COUNTS:
        out[c] = cells[c] if c in cells else np.nan
        out[f"{c}.rests_on"] = h.rests_on(corpus, [c]).reindex(ids)
    review = h.review_table(corpus)
    for b in h.review_blocks(corpus):
        out[f"{b}.total"] = review.xs(b, level="block")["total"].reindex(ids)
        out[f"{b}.total.rests_on"] = h.rests_on(corpus, list(h.block_items(corpus, b).values())).reindex(ids)
    measures = h.measure_table(corpus, RATES)
    measures["report_id"] = measures["report_id"].astype(str)
    for field in FIELDS:
        wide = measures.pivot(index="report_id", columns="measure", values=field)
        for m in RATES:
            out[f"{m}.{field}"] = wide[m].reindex(ids) if m in wide else np.nan
    found = corpus.findings["report_id"].astype(str).value_counts()
    out["findings"] = found.reindex(ids).fillna(0).astype(int)
    return out.reset_index(drop=True)


def previous_reports(table: pd.DataFrame) -> dict[str, str | None]:
    """For each report, the same body's latest earlier report (None when there is none)."""
    t = table.sort_values(["body", "year"])
    prev = t.groupby("body")["report_id"].shift(1)
    return {rid: (p if isinstance(p, str) else None) for rid, p in zip(t["report_id"], prev)}


def _checks(column: pd.Series) -> str:
    """The checks a pooled figure rests on: every check any of its reports' figures rests on."""
    return " ".join(sorted({c for text in column.dropna() for c in str(text).split()}))


def pooled(rows: pd.DataFrame) -> dict:
    """Corpus figures over some reports: counts summed (unknown where any report's count is unknown), rates as
    Σ numerator / Σ denominator over the reports where both are known; each with the checks it rests on."""
    out: dict = {"reports": dict(value=len(rows), rests_on="")}
    for c in ["received", "total", "review.total", "litigation_direct.total"]:
        col = rows[c]
        out[c] = dict(value=float(col.sum()) if len(col) and col.notna().all() else np.nan,
                      rests_on=_checks(rows[f"{c}.rests_on"]))
    for m in ["release_rate_strict", "release_rate_substantive", "unable_rate", "not_processed_rate"]:
        known = rows[rows[f"{m}.num"].notna() & rows[f"{m}.den"].notna()]
        num, den = known[f"{m}.num"].sum(), known[f"{m}.den"].sum()
        out[m] = dict(value=num / den if den > 0 else np.nan, num=num, den=den, rests_on=_checks(known[f"{m}.rests_on"]))
    return out


def headline(table: pd.DataFrame) -> dict:
    """The latest year's corpus figures and, over the bodies that also reported the year before, the change."""
    if table.empty:
        return {}
    year = int(table["year"].max())
    this, before = table[table["year"] == year], table[table["year"] == year - 1]
    both = sorted(set(this["body"]) & set(before["body"]))
    result = dict(year=year, prev=year - 1, figures=pooled(this), both=len(both), change={})
    if both:
        now, then = pooled(this[this["body"].isin(both)]), pooled(before[before["body"].isin(both)])
        result["change"] = {k: now[k]["value"] - then[k]["value"] for k in now}
    return result
