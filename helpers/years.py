"""Charts over calendar years: which bodies report which years, and small multiples of one body per panel.

Every year of the span has its slot, so a missing year is a gap, never a line joining 2019 to 2025; the 2019 → 2021
format change is marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .charts import FEW, MAX_PANELS, THOUSANDS, figure, legend
from .figures import WIDTH, Chart, palette
from .text import Words, fmt_n, pct


def coverage(reports: pd.DataFrame, words: Words) -> Chart:
    """Which bodies report which years: a body × year grid of dots (≤ :data:`FEW` bodies, marker and colour by
    format), else the number of reports per year stacked by format."""
    colours = palette()
    bodies = list(dict.fromkeys(reports["body"]))
    years = np.arange(int(reports["year"].min()), int(reports["year"].max()) + 1)
    formats = sorted(reports["format"].unique())
    if len(bodies) <= FEW:
        fig, (ax,) = figure(len(bodies), per_row=0.5)
        for fmt in formats:
            sub = reports[reports["format"] == fmt]
            ax.scatter(sub["year"], [bodies.index(b) for b in sub["body"]], s=160, color=colours[f"format.{fmt}"],
                       marker="s" if fmt == "2019" else "o", label=words.label(f"format.{fmt}"), zorder=3)
        ax.set_yticks(range(len(bodies)), [words.body(b) for b in bodies])
        ax.set_ylim(len(bodies) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
    else:
        fig, (ax,) = figure(8, extra=0)
        counts = pd.crosstab(reports["year"], reports["format"]).reindex(index=years, fill_value=0)
        bottom = np.zeros(len(years))
        for fmt in formats:
            ax.bar(years, counts[fmt], bottom=bottom, color=colours[f"format.{fmt}"], label=words.label(f"format.{fmt}"))
            bottom += counts[fmt].to_numpy()
        ax.set_ylabel(words("col.n_reports"))
        ax.grid(axis="x", visible=False)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
    legend(fig, *ax.get_legend_handles_labels())
    table = pd.crosstab(reports["body"], reports["year"]).reindex(columns=years, fill_value=0)
    data = pd.DataFrame({words("col.year"): years, words("col.n_reports"): table.sum().to_numpy(),
                         words("col.body"): (table > 0).sum().to_numpy()})
    return Chart(fig, data, list(reports["report_id"].astype(str)))


def year_panels(series: pd.DataFrame, words: Words, *, kind: str, values: dict[str, str], percent: bool = False,
                bodies: Sequence[str] = (), change_year: float = 2020.5) -> Chart:
    """Small multiples, one panel per body (≤ :data:`MAX_PANELS`), x = every calendar year of the span.

    ``series``: body, year, format and one column per key of ``values`` (column → palette colour). ``kind="bar"``
    draws bars (a missing year is an empty slot); ``"line"`` draws lines that break at a missing year instead of
    joining 2019 to 2025. The 2019 → 2021 format change is a dashed line with its label. Panels follow ``bodies``
    (default: the order of ``series``); rates share one 0–100 % axis, counts each have their own.
    """
    colours = palette()
    bodies = [b for b in (bodies or dict.fromkeys(series["body"])) if b in set(series["body"])][:MAX_PANELS]
    ncols = min(3, len(bodies))
    nrows = int(np.ceil(len(bodies) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, min(6.75, 2.2 + 2.6 * nrows)), squeeze=False,
                             sharey=percent, layout="constrained")
    years = np.arange(int(series["year"].min()), int(series["year"].max()) + 1)
    for ax, body in zip(axes.flat, bodies):
        s = series[series["body"] == body].set_index("year").reindex(years)
        width = 0.8 / len(values)
        for k, (col, colour) in enumerate(values.items()):
            v = s[col].to_numpy(dtype=float)
            if kind == "bar":
                bars = ax.bar(years - 0.4 + width * (k + 0.5), v, width=width * 0.92, color=colours[colour],
                              label=words.label(col))
                ax.bar_label(bars, labels=["" if np.isnan(x) else fmt_n(x) for x in v], fontsize=8, padding=2)
            else:
                ax.plot(years, v, marker="o", color=colours[colour], label=words.label(col), lw=2)
        ax.set_title(words.body(body))
        ax.set_xticks(years, [str(y) if len(years) <= 8 or y % 2 == 0 else "" for y in years])
        ax.set_xlim(years.min() - 0.6, years.max() + 0.6)  # the whole span, even for a body with one report
        if years.min() < change_year < years.max():
            ax.axvline(change_year, color=colours["marker"], ls="--", lw=1)
            ax.annotate(words("mark.format_change"), (change_year, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", va="top", fontsize=8.5, color=colours["muted"])
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_formatter(THOUSANDS)
        ax.margins(y=0.15)
        if percent:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_ylim(0, 1.05)
        ax.grid(axis="x", visible=False)
    for ax in list(axes.flat)[len(bodies):]:
        ax.set_visible(False)
    legend(fig, *axes.flat[0].get_legend_handles_labels())
    data = series[series["body"].isin(bodies)][["body", "year", *values]].copy()
    for col in values:
        data[col] = data[col].map(pct if percent else fmt_n)
    data = data.rename(columns={"body": words("col.body"), "year": words("col.year"), **{c: words.label(c) for c in values}})
    return Chart(fig, data)
