"""Every Chinese string a chart can show renders with a real glyph after helpers.use_style()."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import helpers as h  # noqa: E402
from helpers.figures import SYSTEM_CJK_FONTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def strings_to_render() -> list[str]:
    """The codebook's labels, every body of data/raw, and every Chinese word of the label and text files."""
    texts = _column(ROOT / "nianbao" / "spec" / "codebook.csv", "label_zh")
    texts += _column(ROOT / "nianbao" / "spec" / "applicants.csv", "label_zh")
    texts += _column(ROOT / "nianbao" / "spec" / "checks.csv", "label_zh")
    texts += _column(ROOT / "nianbao" / "spec" / "review_blocks.csv", "label_zh")
    texts += _column(DATA / "raw" / "sources.csv", "body")
    for name in ("labels", "outcome_groups", "bodies", "reasons_plain"):
        path = DATA / f"{name}.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            row = next(csv.DictReader(handle))
        column = next(c for c in ("label_zh", "short_zh", "plain_zh") if c in row)
        texts += _column(path, column)
    texts += _column(DATA / "texts.csv", "zh")
    return texts + ["−1 −2", "“三安全一稳定”「」（）—％"]


def test_use_style_registers_a_cjk_font():
    fonts = h.use_style()
    assert fonts[0] in {"Noto Sans CJK SC", *SYSTEM_CJK_FONTS}
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_every_label_and_body_renders_without_missing_glyphs():
    h.use_style()
    texts = [t for t in strings_to_render() if t]
    assert len(texts) > 300
    fig, ax = plt.subplots(figsize=(12, 0.3 * len(texts)))
    for i, t in enumerate(texts):
        ax.text(0, i, t)
    ax.set_ylim(-1, len(texts))
    ax.set_title("标题 " + texts[0])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
        for fmt in ("png", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)
    plt.close(fig)
