"""Chart builders for many reports: distributions by group, histograms, top and bottom with their n.

Their size is bounded by the number of groups (levels, the largest parents), measures or bins, never by the number of
reports, so the same notebook reads at 7 and at 3,000 reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from .charts import THOUSANDS, figure, log_axis, say_empty
from .figures import Chart, palette
from .text import Words, fmt_n, pct

MAX_GROUPS = 10
STRIP_POINTS = 1500  # points of a strip plot beyond which a sample is drawn (the box still uses every value)


def grouping(reports: pd.DataFrame, by: str, words: Words, limit: int = MAX_GROUPS) -> pd.Series:
    """Each report's group label by ``by`` (level, parent or year): the ``limit`` − 1 largest groups, the rest pooled.

    ``by="auto"`` takes the first of level, parent and year that splits the reports into two or more groups.
    """
    if by == "auto":
        by = next((c for c in ("level", "parent", "year") if reports[c].nunique() > 1), "level")
    key = reports.set_index(reports["report_id"].astype(str))[by].astype(str).replace("", np.nan)
    key = key.fillna(words("group.unknown"))
    if by == "level":
        key = key.map(lambda v: words.label(f"level.{v}") if f"level.{v}" in words.by_code else v)
    top = key.value_counts()
    keep = set(top.index[: limit - 1]) if len(top) > limit else set(top.index)
    return key.where(key.isin(keep), words("group.rest"))


def _box_strip(ax, groups: list[np.ndarray], colours: Sequence[str], seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    kept = [g[np.isfinite(g)] for g in groups]
    ax.boxplot([g if g.size else [np.nan] for g in kept], orientation="horizontal", widths=0.55, showfliers=False,
               medianprops={"color": "black"}, boxprops={"color": palette()["muted"]},
               whiskerprops={"color": palette()["muted"]}, capprops={"color": palette()["muted"]})
    for i, (g, c) in enumerate(zip(kept, colours), start=1):
        pts = g if g.size <= STRIP_POINTS else rng.choice(g, STRIP_POINTS, replace=False)
        ax.scatter(pts, i + rng.uniform(-0.18, 0.18, pts.size), s=9, alpha=0.45, color=c, linewidths=0, zorder=3)


def value_distribution(table: pd.DataFrame, words: Words, *, xlabel: str, percent: bool = False,
                       colours: dict[str, str] | None = None) -> Chart:
    """One row per column of ``table`` (codes with a palette colour): box and strip of its values across reports.

    Counts (``percent=False``) use a log axis when they spread over more than a factor of 30; zeros are counted in
    the data table but cannot be drawn on it. ``colours``: column → colour (default: the palette's colour of the code).
    """
    colours = colours or palette()
    cols = list(table.columns)
    fig, (ax,) = figure(len(cols))
    vals = table.to_numpy(dtype=float)
    positive = vals[np.isfinite(vals) & (vals > 0)]
    log = not percent and positive.size > 0 and positive.max() / positive.min() > 30
    drawn = [table[c].to_numpy(dtype=float) for c in cols]
    _box_strip(ax, [np.where(v > 0, v, np.nan) for v in drawn] if log else drawn, [colours[c] for c in cols])
    ax.set_yticks(range(1, len(cols) + 1), [words.label(c) for c in cols])
    ax.set_ylim(len(cols) + 0.5, 0.5)
    if log:
        log_axis(ax)
    if not log:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0) if percent else THOUSANDS)
    ax.set_xlabel(xlabel + (" " + words("axis.log") if log else ""))
    ax.grid(axis="y", visible=False)
    return Chart(fig, _summary({words.label(c): table[c] for c in cols}, words, percent=percent),
                 [str(i) for i in table.index])


def _summary(series: dict[str, pd.Series], words: Words, *, percent: bool) -> pd.DataFrame:
    f = pct if percent else fmt_n
    rows = [{words("col.item"): k, words("col.n_reports"): fmt_n(s.notna().sum()),
             words("col.q1"): f(s.quantile(0.25)), words("col.median"): f(s.median()),
             words("col.q3"): f(s.quantile(0.75))} for k, s in series.items()]
    return pd.DataFrame(rows)


def rate_distribution(rates: dict[str, pd.DataFrame], group: pd.Series, words: Words, colours: dict[str, str]) -> Chart:
    """One panel per measure: rows are groups of reports (``group``: report_id → label), box and strip of rates.

    Rates over a small denominator are left out of the box and strip (their count is in the data table).
    """
    labels = list(group.value_counts().index)
    fig, axes = figure(len(labels), len(rates), sharey=True)
    rows = []
    for ax, (measure, r) in zip(axes, rates.items()):
        r = r[~r["small"]]
        by = group.reindex(r.index.astype(str)).to_numpy()
        values = [r["rate"].to_numpy(dtype=float)[by == g] for g in labels]
        _box_strip(ax, values, [colours[measure]] * len(labels))
        ax.set_title(words.label(measure))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(-0.02, 1.02)
        ax.grid(axis="y", visible=False)
        rows += [{words("col.measure"): words.label(measure), words("col.group"): g,
                  words("col.n_reports"): fmt_n(np.isfinite(v).sum()),
                  words("col.median"): pct(np.nanmedian(v) if np.isfinite(v).any() else np.nan)}
                 for g, v in zip(labels, values)]
    axes[0].set_yticks(range(1, len(labels) + 1),
                       [words("axis.group_n", group=g, n=fmt_n((group == g).sum())) for g in labels])
    axes[0].set_ylim(len(labels) + 0.5, 0.5)
    return Chart(fig, pd.DataFrame(rows), list(group.index))


def histogram(values: dict[str, pd.Series], words: Words, *, xlabel: Sequence[str], colours: Sequence[str],
              percent: Sequence[bool], bins: int = 30) -> Chart:
    """One histogram panel per series (the year-on-year changes, the carry-over gaps), a line at 0."""
    fig, axes = figure(8, len(values), extra=0)
    rows = []
    for ax, (name, s), xl, c, p in zip(axes, values.items(), xlabel, colours, percent):
        s = s.dropna().astype(float)
        if not len(s):
            say_empty(ax, words)
        else:
            lo, hi = np.nanpercentile(s, [1, 99]) if len(s) > 50 else (s.min(), s.max())
            if hi - lo < 1e-9:  # every pair alike (all 0): a visible bar around the value
                lo, hi = lo - (0.05 if p else 1), hi + (0.05 if p else 1)
            span = hi - lo
            ax.hist(s.clip(lo, hi), bins=min(bins, max(5, len(s))), range=(lo - span * 0.05, hi + span * 0.05),
                    color=palette()[c])
            ax.axvline(0, color=palette()["marker"], ls="--", lw=1)
        ax.set_title(name)
        ax.set_xlabel(xl)
        ax.set_ylabel(words("axis.pairs"))
        if p:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(axis="x", visible=False)
        f = pct if p else fmt_n
        rows.append({words("col.item"): name, words("col.n_pairs"): fmt_n(len(s)), words("col.median"): f(s.median()),
                     words("col.up"): fmt_n((s > 0).sum()), words("col.down"): fmt_n((s < 0).sum())})
    return Chart(fig, pd.DataFrame(rows))


def pooled_bars(table: pd.DataFrame, words: Words, *, colours: dict[str, str], label: str, value: str,
                text: str, percent: bool = False) -> Chart:
    """A few pooled totals (stages of a funnel, applicant types), one labelled bar each, on a log axis if spread."""
    fig, (ax,) = figure(len(table))
    y = np.arange(len(table))
    vals = table[value].to_numpy(dtype=float)
    ax.barh(y, np.where(vals > 0, vals, np.nan), color=[colours[k] for k in table.index], height=0.6)
    positive = vals[np.isfinite(vals) & (vals > 0)]
    log = not percent and positive.size > 1 and positive.max() / positive.min() > 30
    for i, (v, t) in enumerate(zip(vals, table[text])):
        ax.text(v if v > 0 else (1 if log else 0), i, "  " + t, va="center", fontsize=10)
    if log:
        log_axis(ax)
        ax.set_xlim(0.8, positive.max() * 8)
        ax.set_xlabel(words("axis.log"))
    else:
        ax.set_xlim(0, (positive.max() if positive.size else 1) * 1.35)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0) if percent else THOUSANDS)
    ax.set_yticks(y, list(table[label]))
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    return Chart(fig, table[[label, text]].rename(columns={label: words("col.item"), text: words("col.value")}))
