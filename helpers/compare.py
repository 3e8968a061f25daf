"""Comparisons: rankings among peers, year-on-year changes, the carry-over chain, the funnel, one report's key figures.

Peers are bodies of the same level and parent in the same year. A rate over fewer than :data:`MIN_RANKED` handled
requests is shown but not ranked (transparency offices' practice: a body with 5 requests is not "first").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Corpus
from .measures import MEASURES, block_items, ratio, rests_on, review_blocks

MIN_RANKED = 30
KEY_COUNTS = ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]
KEY_RATES = ["release_rate_substantive", "release_rate_strict", "unable_rate", "not_held_share", "not_processed_rate",
             "other_rate", "completion_rate", "carry_forward_rate", "correction_rate.review", "dispute_rate"]


def _with_reports(table: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    rep = corpus.reports[["report_id", "body", "year", "level", "parent", "format"]].astype({"report_id": str})
    return table.reset_index().astype({"report_id": str}).merge(rep, on="report_id", how="left")


def ranking(corpus: Corpus, measure: str, min_handled: int = MIN_RANKED) -> pd.DataFrame:
    """One measure for every report with its rank among peers (same level, parent, year; 1 = highest rate).

    Columns: report_id, body, year, level, parent, num, den, rate, small, rests_on, handled, ranked, rank, peers.
    ``ranked`` is False (rank NaN) under ``min_handled`` handled requests or when the rate is unknown.
    """
    r = _with_reports(MEASURES[measure](corpus), corpus)
    r["handled"] = r["report_id"].map(corpus.cells.get("total", pd.Series(dtype=float)))
    r["ranked"] = (r["handled"] >= min_handled) & r["rate"].notna()
    peers = ["level", "parent", "year"]
    r["rank"] = r["rate"].where(r["ranked"]).groupby([r[c] for c in peers]).rank(ascending=False, method="min")
    r["peers"] = r.groupby(peers)["ranked"].transform("sum").astype(int)
    return r


def largest_peer_group(ranked: pd.DataFrame) -> pd.DataFrame:
    """The rows of the peer group with most ranked reports (latest year first among equals)."""
    if not ranked["ranked"].any():
        return ranked.iloc[0:0]
    sizes = ranked[ranked["ranked"]].groupby(["level", "parent", "year"]).size().reset_index(name="n")
    best = sizes.sort_values(["n", "year"], ascending=False).iloc[0]
    return ranked[(ranked["level"] == best["level"]) & (ranked["parent"] == best["parent"])
                  & (ranked["year"] == best["year"])]


def yearly(corpus: Corpus, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Per report: body, year, format and the given per-report series (counts or rates), ordered by body and year."""
    t = pd.DataFrame(columns).reindex(corpus.report_ids())
    t.index.name = "report_id"
    return _with_reports(t, corpus)


def yoy_changes(series: pd.DataFrame, column: str, *, relative: bool) -> pd.DataFrame:
    """Changes between a body's reports of consecutive years: before, after, change (relative or difference).

    Only consecutive years pair (a 2019 and a 2025 report are not a year-on-year change); ``format_change`` says
    when the pair spans the 2019 → 2021 formats.
    """
    s = series.sort_values(["body", "year"])
    prev = s.groupby("body")[[column, "year", "format"]].shift()
    pair = s["year"] - prev["year"] == 1
    out = pd.DataFrame({"body": s["body"], "year": s["year"], "before": prev[column], "after": s[column],
                        "format_change": prev["format"] != s["format"]})[pair]
    out["change"] = (out["after"] / out["before"].where(out["before"] > 0) - 1) if relative else out["after"] - out["before"]
    return out.reset_index(drop=True)


def default_bodies(series: pd.DataFrame, changes: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` bodies to draw year by year when the reader picks none: most years first, and among equally long
    series the largest single year-on-year change (``changes`` from :func:`yoy_changes`)."""
    years = series.groupby("body")["year"].nunique().rename("years")
    moved = changes.assign(size=changes["change"].abs()).groupby("body")["size"].max().rename("moved")
    t = pd.concat([years, moved], axis=1).fillna({"moved": -1.0})
    return list(t.sort_values(["years", "moved"], ascending=False).head(k).index)


def carry_over_chain(corpus: Corpus) -> pd.DataFrame:
    """Identity I4 per consecutive-year pair of one body: 四、结转下年度 of year N against 二、上年结转 of N + 1.

    Columns: body, year (N), carried_forward (N), carried_over (N + 1), gap = carried_over − carried_forward, broken.
    """
    s = yearly(corpus, {"carried_forward": corpus.cells.get("carried_forward"),
                        "carried_over": corpus.cells.get("carried_over")}).sort_values(["body", "year"])
    nxt = s.groupby("body")[["year", "carried_over"]].shift(-1)
    pair = nxt["year"] - s["year"] == 1
    out = pd.DataFrame({"body": s["body"], "year": s["year"], "carried_forward": s["carried_forward"],
                        "carried_over": nxt["carried_over"]})[pair].reset_index(drop=True)
    out["gap"] = out["carried_over"] - out["carried_forward"]
    out["broken"] = out["gap"].fillna(0) != 0
    return out


def funnel(corpus: Corpus) -> pd.DataFrame:
    """Per report: requests received → challenged (行政复议 + 行政诉讼 总计) → corrected (结果纠正, all three blocks).

    With 争议转化率 = challenged / received and 纠错转化率 = corrected / received, and ``rests_on`` for the cells used.
    """
    blocks = review_blocks(corpus)
    totals = [block_items(corpus, b)["total"] for b in blocks]
    corrected = [block_items(corpus, b)["corrected"] for b in blocks]
    disputes = ratio(corpus, totals, ["received"])
    fixed = ratio(corpus, corrected, ["received"])
    return pd.DataFrame({"received": disputes["den"], "challenged": disputes["num"], "corrected": fixed["num"],
                         "dispute_rate": disputes["rate"], "correction_conversion_rate": fixed["rate"],
                         "rests_on": rests_on(corpus, totals + corrected + ["received"])})


def previous_report(corpus: Corpus, report_id: str) -> str | None:
    """The same body's latest report before this one, or None."""
    rep = corpus.reports
    this = rep[rep["report_id"].astype(str) == report_id]
    if this.empty:
        raise KeyError(f"no report {report_id!r} in the corpus")
    earlier = rep[(rep["body"] == this["body"].iloc[0]) & (rep["year"] < this["year"].iloc[0])]
    return None if earlier.empty else str(earlier["report_id"].iloc[-1])


def key_figures(corpus: Corpus, report_id: str) -> pd.DataFrame:
    """Headline figures of one report beside its previous report: key, kind (count/rate), value, num, den, small,
    rests_on, previous, change (difference; points for rates) and previous_year."""
    prev = previous_report(corpus, report_id)
    ids = [report_id] + ([prev] if prev else [])
    rows = []
    counts = corpus.cells.reindex(index=ids, columns=KEY_COUNTS)
    marks = {c: rests_on(corpus, [c]) for c in KEY_COUNTS}
    for c in KEY_COUNTS:
        rows.append({"key": c, "kind": "count", "value": counts.at[report_id, c], "num": np.nan, "den": np.nan,
                     "small": False, "rests_on": marks[c].get(report_id, ""),
                     "previous": counts.at[prev, c] if prev else np.nan})
    for m in KEY_RATES:
        r = MEASURES[m](corpus)
        this = r.loc[report_id]
        rows.append({"key": m, "kind": "rate", "value": this["rate"], "num": this["num"], "den": this["den"],
                     "small": bool(this["small"]), "rests_on": this["rests_on"],
                     "previous": r.at[prev, "rate"] if prev else np.nan})
    out = pd.DataFrame(rows)
    out["change"] = out["value"] - out["previous"]
    rep = corpus.reports.set_index(corpus.reports["report_id"].astype(str))
    out["previous_year"] = rep.at[prev, "year"] if prev else pd.NA
    return out


def funnel_stages(funnel_table: pd.DataFrame) -> pd.DataFrame:
    """The funnel pooled over reports where all three stages are known: stage code → count (received, challenged,
    corrected), and each stage's share of the first."""
    known = funnel_table.dropna(subset=["received", "challenged", "corrected"])
    counts = known[["received", "challenged", "corrected"]].sum()
    out = pd.DataFrame({"count": counts.to_numpy()}, index=[f"stage.{s}" for s in counts.index])
    out["share"] = out["count"] / out["count"].iloc[0] if out["count"].iloc[0] else np.nan
    out["reports"] = len(known)
    return out


def report_of(corpus: Corpus, body: str, year: int) -> str:
    """The report id of one body and year; a clear error naming what is available when there is none."""
    rep = corpus.reports
    hit = rep[(rep["body"] == body) & (rep["year"] == int(year))]
    if hit.empty:
        have = ", ".join(f"{b} {y}" for b, y in zip(rep["body"], rep["year"]))
        raise KeyError(f"no report of {body!r} for {year} in {corpus.processed}; available: {have}")
    return str(hit["report_id"].iloc[0])
