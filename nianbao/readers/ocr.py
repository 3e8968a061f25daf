"""OCR of one page image: clean the scan (seal, noise, skew, scale), then RapidOCR's boxes as words.

RapidOCR's wheel ships its Chinese detection and recognition models (PP-OCRv6 small, run by onnxruntime on the
CPU), so nothing is downloaded at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np

PAGE_WIDTH = 1654  # pixels: every page is scaled to the width of A4 at 200 dpi, the scale the layout rules use
MAX_SKEW = 3.0  # degrees; a scanner's small rotation, corrected before reading
_SKEW_STEP = 0.1
_RED_EXCESS = 40  # a pixel whose red exceeds both green and blue by this much is seal or stamp ink, not print
_INK_LEVEL = 160  # grey level below which a pixel is ink (for measuring skew)
_RED_INK = 190  # red-channel level of seal ink and lighter: white once the red is taken out


@dataclass(frozen=True)
class Word:
    """One box of text the OCR found, in pixels of the cleaned page (x0, y0, x1, y1)."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


@cache
def engine() -> Any:
    """One RapidOCR per process, on one thread: batches run reports in parallel (--jobs), not pages."""
    from rapidocr import RapidOCR

    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,  # pages are upright after deskewing; the angle classifier only costs time
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        # Detection on the page at most 1400 pixels high (0.6 of 200 dpi): print is still 20 pixels tall.
        "Global.max_side_len": 1400,
        # Recognition pads every box to this width: the default 320 makes a lone digit cost as much as a line.
        "Rec.rec_img_shape": [3, 48, 96],
        "Rec.rec_batch_num": 6,
    })


def suppress_red(rgb: np.ndarray) -> np.ndarray:
    """Grey page without its red ink (seals, stamps, red handwriting); black print under the red stays.

    Where a pixel is red-dominant, its grey level is read from the red channel alone, through which red ink
    is near white while print stays dark (a grey ruling under a seal turns red-dominant, not white).
    """
    r, g, b = (rgb[..., i].astype(np.int32) for i in range(3))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    red = (r - np.maximum(g, b)) > _RED_EXCESS
    grey[red] = np.minimum(255, r[red] * 255 // _RED_INK)
    return grey


def to_page_scale(grey: np.ndarray) -> np.ndarray:
    """Scale a page scanned at any resolution (150–300 dpi) to PAGE_WIDTH pixels wide."""
    height, width = grey.shape
    if width == PAGE_WIDTH:
        return grey
    interpolation = cv2.INTER_AREA if width > PAGE_WIDTH else cv2.INTER_CUBIC
    return cv2.resize(grey, (PAGE_WIDTH, round(height * PAGE_WIDTH / width)), interpolation=interpolation)


def skew_angle(grey: np.ndarray) -> float:
    """The rotation (degrees, within ±MAX_SKEW) that makes text lines and rulings horizontal.

    Projection profile: rotated to the right angle, ink concentrates in few pixel rows, so the variance of
    the row sums peaks. Measured on a half-size copy, coarse then fine.
    """
    small = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA)
    ink = (small < _INK_LEVEL).astype(np.float32)
    center = (ink.shape[1] / 2, ink.shape[0] / 2)

    def score(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_NEAREST)
        return float(np.var(rotated.sum(axis=1)))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=score)
    fine = np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, _SKEW_STEP)
    return round(float(max(fine, key=score)), 2)


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < _SKEW_STEP / 2:
        return grey
    matrix = cv2.getRotationMatrix2D((grey.shape[1] / 2, grey.shape[0] / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (grey.shape[1], grey.shape[0]), flags=cv2.INTER_CUBIC,
                          borderValue=255)


def clean_page(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page upright, at page scale, seal removed: as scanned (for the rulings, which despeckling would
    thin out) and despeckled (for the text, against salt-and-pepper noise; print strokes are wider)."""
    grey = to_page_scale(suppress_red(rgb))
    angle = skew_angle(cv2.medianBlur(grey, 3))
    upright = rotate(grey, angle)
    return upright, cv2.medianBlur(upright, 3)


def recognise(grey: np.ndarray) -> list[Word]:
    """Every box of text on the cleaned page, with RapidOCR's confidence (0–1)."""
    result = engine()(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
    if result.boxes is None:
        return []
    words = []
    for points, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = points[:, 0], points[:, 1]
        box = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
        words.append(Word(text.strip(), round(float(score), 3), box))
    return [word for word in words if word.text]
