"""Every Chinese string a chart can show renders with a real glyph after helpers.use_style()."""

from __future__ import annotations

import csv
import io
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import helpers as h  # noqa: E402


def strings_to_render() -> list[str]:
    texts: list[str] = list(h.load_codebook()["label_zh"])  # items and applicant columns
    with open(ROOT / "data" / "raw" / "sources.csv", encoding="utf-8") as f:
        texts += [r["body"] for r in csv.DictReader(f)]
    texts += [g.label_zh for g in h.OUTCOME_GROUPS.values()]
    with open(ROOT / "data" / "labels.csv", encoding="utf-8") as f:
        texts += [r["label_zh"] for r in csv.DictReader(f)]  # review blocks, measures, chart phrases
    texts += ["−1 −2", "“三安全一稳定”「」（）—％"]
    return texts


def test_use_style_registers_a_cjk_font():
    fonts = h.use_style()
    assert fonts[0] in {"Noto Sans CJK SC", *h.SYSTEM_CJK_FONTS}
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_every_label_and_body_renders_without_missing_glyphs():
    h.use_style()
    texts = strings_to_render()
    fig, ax = plt.subplots(figsize=(12, 0.3 * len(texts)))
    for i, t in enumerate(texts):
        ax.text(0, i, t)
    ax.set_ylim(-1, len(texts))
    ax.set_title("标题 " + texts[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fmt in ("png", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)
    plt.close(fig)
