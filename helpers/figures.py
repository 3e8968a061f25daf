"""House style and saving: one palette, a CJK font, constrained layout, and figures written with their data.

:func:`save_figure` writes ``NAME.png`` (200 dpi), ``NAME.svg``, ``NAME.csv`` (the data behind the chart, UTF-8 with
BOM so that Excel opens Chinese) and ``NAME.json`` ({name, title, caption, notebook, source, definitions, axes}); the
``axes`` entry counts each axes' bars and tick labels, so that a test can bound what a reader is asked to read.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from .data import read_labels
from .text import Words

SYSTEM_CJK_FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"]
WIDTH = 12.0  # inches: a 16:9 slide at full height is 12 × 6.75


@dataclass
class Chart:
    """A drawn figure, the reader-grade table it draws (written as NAME.csv) and the reports it rests on."""

    fig: Figure
    data: pd.DataFrame
    reports: Sequence[str] = field(default_factory=list)


def palette() -> dict[str, str]:
    """The one palette: outcome groups (data/outcome_groups.csv) and the other roles (data/palette.csv)."""
    colours = {}
    for name in ("outcome_groups", "palette"):
        t = read_labels(name)
        colours.update(zip(t["code"], t["colour"]))
    return colours


def _cjk_font() -> Path | None:
    """mplfonts' NotoSansCJKsc-Regular.otf, located without importing (and so without configuring) the package."""
    spec = importlib.util.find_spec("mplfonts")
    for loc in (spec.submodule_search_locations or []) if spec else []:
        path = Path(loc) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.exists():
            return path
    return None


def use_style() -> list[str]:
    """Seaborn's white grid, a CJK font registered at runtime, constrained layout, no mathtext; returns the fonts."""
    import seaborn as sns
    from matplotlib import font_manager

    sns.set_theme(context="notebook", style="whitegrid")
    fonts: list[str] = []
    path = _cjk_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        fonts.append(font_manager.FontProperties(fname=str(path)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts += [f for f in SYSTEM_CJK_FONTS if f in installed and f not in fonts] + ["DejaVu Sans"]
    matplotlib.rcParams.update({
        "font.family": "sans-serif", "font.sans-serif": fonts, "axes.unicode_minus": False,
        "text.parse_math": False,  # a "$" in a body's name is a character, not mathtext
        "figure.figsize": (WIDTH, 6.75), "figure.dpi": 100, "savefig.dpi": 200,
        "figure.constrained_layout.use": True, "figure.titlesize": 17, "figure.titleweight": "normal",
        "axes.titlesize": 12, "axes.titlelocation": "left", "axes.labelsize": 11,
        "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "grid.color": palette()["grid"],
        "svg.fonttype": "path",
    })
    return fonts


def _axis_counts(fig: Figure) -> list[dict[str, int]]:
    """Per axes: bars (rectangles of bar containers), visible non-empty x and y tick labels, lines, texts (as last
    drawn: call after saving)."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        bars = sum(len(c.patches) for c in ax.containers if hasattr(c, "patches"))
        ticks = {a: sum(1 for t in getattr(ax, f"get_{a}ticklabels")() if t.get_visible() and t.get_text())
                 for a in ("x", "y")}
        out.append({"bars": bars, "xticklabels": ticks["x"], "yticklabels": ticks["y"], "lines": len(ax.lines),
                    "texts": len(ax.texts)})
    return out


def _wrap(text: str, width_in: float, size: float) -> str:
    """Lines that fit ``width_in`` inches at ``size`` points: a CJK character is one em, other characters about half."""
    room = width_in * 72 / size * 0.95
    lines, line, used = [], "", 0.0
    for word in text.replace(" ", " \0").split("\0"):  # break at spaces, or between CJK characters
        for piece in ([word] if word.isascii() else list(word)):
            w = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in piece)
            if used + w > room and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0.0
            line, used = line + piece, used + w
    return "\n".join(lines + [line.rstrip()])


def save_figure(chart: Chart, name: str, *, figures: str | Path, words: Words, reports: pd.DataFrame, title: str,
                caption: str, notebook: str = "", definitions: Iterable[str] = ()) -> Path:
    """Title (``fig.suptitle``) and source line (``fig.supxlabel``) on the figure; write PNG, SVG, CSV and JSON.

    ``reports`` is the corpus' report table (for the source line); ``definitions`` names the anchors of the
    definitions page the caption refers to (measure and check codes). Returns the PNG path.
    """
    fig, lang = chart.fig, words.lang
    if not len(chart.reports):  # a chart pooled over the whole corpus
        chart.reports = list(reports["report_id"].astype(str))
    fig.suptitle(_wrap(title, fig.get_figwidth(), 17), x=0.01, ha="left")
    fig.supxlabel(_wrap(words.source(chart.reports, reports), fig.get_figwidth(), 9), x=0.01, ha="left",
                  fontsize=9, color=palette()["muted"])
    out = Path(figures)
    out.mkdir(parents=True, exist_ok=True)
    png = out / f"{name}.png"
    fig.savefig(png, dpi=200, facecolor="white")
    fig.savefig(out / f"{name}.svg", facecolor="white")
    chart.data.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    meta = {"name": name, "title": title, "caption": caption, "notebook": notebook,
            "source": words.source(chart.reports, reports), "lang": lang, "data": f"{name}.csv",
            "definitions": list(definitions), "axes": _axis_counts(fig)}
    (out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return png
