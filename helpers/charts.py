"""Chart builders for a few rows: bars labelled directly, stacked shares, heatmaps, small multiples over years.

Each builder takes a tidy table and :class:`~helpers.text.Words`, draws with constrained layout (the figure's height
follows the number of bars, so one bar is not drawn in a 70 % empty 16:9 frame), puts legends outside the axes with
``fig.legend(loc="outside …")`` and returns a :class:`~helpers.figures.Chart` whose ``data`` is the table drawn, with
reader column names. Builders for many rows (distributions, top and bottom) are in :mod:`helpers.distributions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter, PercentFormatter, StrMethodFormatter

THOUSANDS = StrMethodFormatter("{x:,.0f}")

from .figures import WIDTH, Chart, palette
from .text import Words, fmt_n, pct

#: Up to this many rows a chart draws one bar per row; beyond it, distributions and top/bottom lists.
FEW = 20
MAX_PANELS = 6


def figure(rows: int, ncols: int = 1, *, per_row: float = 0.42, extra: float = 2.2, sharey: bool = False):
    """A figure whose height fits ``rows`` bars per panel (between 3.4 and 6.75 inches)."""
    height = float(np.clip(extra + per_row * max(rows, 1), 3.4, 6.75))
    fig, axes = plt.subplots(1, ncols, figsize=(WIDTH, height), squeeze=False, sharey=sharey, layout="constrained")
    return fig, list(axes[0])


def say_empty(ax, words: Words) -> None:
    """An axes with nothing to draw says so in words instead of showing empty axes."""
    ax.text(0.5, 0.5, words("chart.empty"), ha="center", va="center", transform=ax.transAxes, fontsize=12,
            color=palette()["muted"])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def log_axis(ax) -> None:
    """A log x axis labelled 1, 10, 100, 1,000 (mathtext is off, so no 10ⁿ), without minor labels."""
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.xaxis.set_minor_formatter(NullFormatter())


def wrap_label(text: str, chars: int) -> str:
    """A tick label broken into lines of at most ``chars`` characters, at spaces and "（" where it can."""
    lines: list[str] = []
    for part in [p for p in text.replace("（", " （").split(" ") if p]:
        if lines and len(lines[-1]) + len(part) + 1 <= chars:
            lines[-1] += ("" if part.startswith("（") else " ") + part
        else:
            lines += [part[i:i + chars] for i in range(0, len(part), max(chars, 1))]
    return "\n".join(lines)


def legend(fig, handles: Sequence, labels: Sequence[str]) -> None:
    """One legend column right of the axes, placed by the layout engine (title above, source line below)."""
    fig.legend(handles, labels, loc="outside right upper", handlelength=1.2)


def _marks_legend(fig, words: Words, small: bool, contradicted: bool) -> None:
    colours = palette()
    handles, labels = [], []
    if small:
        handles.append(Patch(facecolor="white", edgecolor=colours["neutral"], hatch="///"))
        labels.append(words("mark.small_n"))
    if contradicted:
        handles.append(Patch(facecolor="white", edgecolor=colours["contradicted"], linewidth=2))
        labels.append(words("mark.rests_on"))
    if handles:
        legend(fig, handles, labels)


def rate_bars(rates: pd.DataFrame, labels: Sequence[str], words: Words, *, colours: Sequence[str] | str,
              ax=None, xmax: float = 1.0) -> None:
    """Horizontal bars of rates (num, den, rate, small, rests_on) labelled "53.4 %（87/163）"; marks drawn on the bar.

    A bar over a small denominator is pale and hatched; one resting on a finding is outlined in the contradicted
    colour and its label names the finding; an unknown rate is written, never drawn as 0.
    """
    y = np.arange(len(rates))
    vals = rates["rate"].to_numpy(dtype=float)
    bars = ax.barh(y, np.nan_to_num(vals), color=colours, height=0.62)
    red = palette()["contradicted"]
    for bar, (_, r) in zip(bars, rates.iterrows()):
        if r["small"]:
            bar.set_alpha(0.5)
            bar.set_hatch("///")
        if r.get("rests_on"):
            bar.set_edgecolor(red)
            bar.set_linewidth(2)
        ax.text(bar.get_width() + xmax * 0.01, bar.get_y() + bar.get_height() / 2, words.rate(r, brief=True), va="center",
                fontsize=9.5, color=red if r.get("rests_on") else palette()["neutral"])
    ax.set_yticks(y, list(labels))
    ax.set_ylim(len(rates) - 0.5, -0.5)
    ax.set_xlim(0, xmax * 1.5)
    ax.set_xticks(np.linspace(0, xmax, 3))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)


def measure_bars(rates: pd.DataFrame, words: Words, colours: Sequence[str], reports: Sequence[str] = ()) -> Chart:
    """One report's measures (rows: measure codes with num, den, rate, small, rests_on) as labelled bars."""
    fig, (ax,) = figure(len(rates))
    rate_bars(rates, [words.label(m) for m in rates.index], words, colours=list(colours), ax=ax)
    _marks_legend(fig, words, bool(rates["small"].any()), bool((rates["rests_on"] != "").any()))
    data = pd.DataFrame({words("col.measure"): [words.label(m) for m in rates.index],
                         words("col.value"): [words.rate(r) for _, r in rates.iterrows()]})
    return Chart(fig, data, list(reports))


def rate_panels(tables: dict[str, pd.DataFrame], words: Words, colours: dict[str, str]) -> Chart:
    """One panel per measure (``tables``: measure → rates by report), one bar per report, shared report axis."""
    first = next(iter(tables.values()))
    fig, axes = figure(len(first), len(tables), sharey=True)
    for ax, (measure, rates) in zip(axes, tables.items()):
        rate_bars(rates, [words.report(r) for r in rates.index], words, colours=colours[measure], ax=ax)
        ax.set_title(words.label(measure))
    _marks_legend(fig, words, any(t["small"].any() for t in tables.values()),
                  any((t["rests_on"] != "").any() for t in tables.values()))
    data = pd.concat({words.label(m): t.apply(words.rate, axis=1) for m, t in tables.items()}, axis=1)
    data.insert(0, words("col.report"), [words.report(r) for r in data.index])
    return Chart(fig, data, list(first.index))


def stacked_bars(counts: pd.DataFrame, labels: Sequence[str], words: Words, *, marked: Sequence[bool] = (),
                 reports: Sequence[str] | None = None) -> Chart:
    """100 % stacked horizontal bars, one per row of ``counts`` (≤ :data:`FEW`), one palette colour per column.

    Each bar is labelled with its n (the row's sum); shares of 4 % or more are written on the bar; ``marked`` rows
    (resting on a finding) get a "*" after their label.
    """
    colours = palette()
    n = counts.sum(axis=1, min_count=1)
    shares = counts.div(n.where(n > 0), axis=0)
    fig, (ax,) = figure(len(counts))
    left = np.zeros(len(counts))
    y = np.arange(len(counts))
    dark = {"granted", "refused", "not_processed", "cell_status.number", "cell_status.ambiguous"}
    for col in counts.columns:
        share = shares[col].fillna(0).to_numpy()
        ax.barh(y, share, left=left, color=colours[col], label=words.label(col), edgecolor="white", height=0.66)
        for i, (l, v) in enumerate(zip(left, share)):
            if v >= 0.04:
                ax.text(l + v / 2, i, f"{100 * v:.0f}%", ha="center", va="center", fontsize=9.5,
                        color="white" if col in dark else "black")
        left += share
    marks = list(marked) or [False] * len(counts)
    ax.set_yticks(y, [words("axis.report_n", report=lab, n=fmt_n(k)) + (words("rate.mark") if m else "")
                      for lab, k, m in zip(labels, n, marks)])
    ax.set_ylim(len(counts) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    legend(fig, *ax.get_legend_handles_labels())
    data = pd.DataFrame({words.label(c): shares[c].map(pct).to_numpy() for c in counts.columns})
    data.insert(0, words("col.count"), n.map(fmt_n).to_numpy())
    data.insert(0, words("col.item"), list(labels))
    return Chart(fig, data, list(reports) if reports is not None else [str(i) for i in counts.index])


def count_bars(counts: pd.DataFrame, words: Words, colours: dict[str, str], *, contradicted: pd.DataFrame | None = None,
               xlabel: str = "", labels: Sequence[str] | None = None, reports: Sequence[str] | None = None,
               zeros: bool = True) -> Chart:
    """Grouped horizontal bars: rows of ``counts`` (≤ :data:`FEW`) × its columns, values written at the bar ends.

    A log axis is used when the largest count is more than 30 times the smallest non-zero one, so that small counts
    stay visible beside large ones; zeros are written, not drawn. ``contradicted`` (same shape, bool) outlines counts
    whose total contradicts its parts.
    """
    cols = list(counts.columns)
    fig, (ax,) = figure(len(counts) * max(1, len(cols) * 0.55))
    if counts.empty:
        say_empty(ax, words)
        return Chart(fig, counts, list(reports or []))
    y = np.arange(len(counts))
    h = 0.8 / len(cols)
    vals = counts.to_numpy(dtype=float)
    positive = vals[np.isfinite(vals) & (vals > 0)]
    log = positive.size > 0 and positive.max() / positive.min() > 30
    red = palette()["contradicted"]
    for k, c in enumerate(cols):
        pos = y - 0.4 + h * (k + 0.5)
        v = counts[c].to_numpy(dtype=float)
        bars = ax.barh(pos, np.where(v > 0, v, np.nan), height=h * 0.92, color=colours[c], label=words.label(c))
        for bar, value, p, flag in zip(bars, v, pos, (contradicted[c] if contradicted is not None else [False] * len(v))):
            if flag:
                bar.set_edgecolor(red)
                bar.set_linewidth(2)
            text = fmt_n(value) + (" " + words("mark.contradicted_total") if flag else "")
            if value == 0 and not zeros:
                continue
            ax.text(value if value > 0 else (1 if log else 0), p, " " + text, va="center", fontsize=9,
                    color=red if flag else palette()["neutral"])
    if log:
        log_axis(ax)
        ax.set_xlim(0.8, positive.max() * 4)
    else:
        ax.set_xlim(0, max(1.0, np.nanmax(vals) if np.isfinite(vals).any() else 1.0) * 1.3)
        ax.xaxis.set_major_formatter(THOUSANDS)
    labels = list(labels) if labels is not None else [words.report(r) for r in counts.index]
    ax.set_yticks(y, labels)
    ax.set_ylim(len(counts) - 0.5, -0.5)
    ax.set_xlabel(xlabel + (" " + words("axis.log") if log else ""))
    ax.grid(axis="y", visible=False)
    legend(fig, *ax.get_legend_handles_labels())
    data = counts.rename(columns=words.label).map(fmt_n)
    data.insert(0, words("col.item"), labels)
    return Chart(fig, data, list(reports) if reports is not None else [str(i) for i in counts.index])


def ranked_bars(table: pd.DataFrame, words: Words, *, value: str, label: str, colour: str | Sequence[str],
                text: Sequence[str], xlabel: str = "", percent: bool = False, reports: Sequence[str] = ()) -> Chart:
    """Bars of ``table[value]`` in the given order (bounded by the caller), each labelled with ``text``."""
    fig, (ax,) = figure(len(table))
    y = np.arange(len(table))
    vals = table[value].to_numpy(dtype=float)
    ax.barh(y, np.nan_to_num(vals), color=colour, height=0.62)
    top = np.nanmax(vals) if np.isfinite(vals).any() and np.nanmax(vals) > 0 else 1.0
    for i, (v, t) in enumerate(zip(np.nan_to_num(vals), text)):
        ax.text(v + top * 0.01, i, t, va="center", fontsize=9.5)
    ax.set_yticks(y, list(table[label]))
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.35)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0) if percent else THOUSANDS)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    data = pd.DataFrame({words("col.item"): table[label].to_numpy(), words("col.value"): list(text)})
    return Chart(fig, data, reports)


def heatmap(table: pd.DataFrame, words: Words, *, colorbar: str) -> Chart:
    """Shares as an annotated heatmap (rows and columns as given, each ≤ :data:`FEW`)."""
    import seaborn as sns

    fig, (ax,) = figure(len(table), per_row=0.34, extra=2.6)
    annot = table.map(lambda x: "" if pd.isna(x) else (f"{100 * x:.1f}%" if x else "0"))
    sns.heatmap(table.astype(float), ax=ax, cmap="Reds", annot=annot, fmt="", linewidths=0.6, linecolor="white",
                vmin=0, cbar_kws={"label": colorbar, "shrink": 0.8, "format": PercentFormatter(1.0)},
                annot_kws={"fontsize": 9})
    ax.set_xlabel("")
    ax.set_ylabel("")
    per_column = 8.5 / max(1, table.shape[1])  # inches of axis per column
    ax.set_xticklabels([wrap_label(str(c), int(per_column * 72 / 9.5)) for c in table.columns])
    ax.tick_params(axis="x", rotation=0, labelsize=9)
    ax.tick_params(axis="y", rotation=0, labelsize=9)
    data = table.map(pct).reset_index().rename(columns={table.index.name or "index": words("col.item")})
    return Chart(fig, data)
