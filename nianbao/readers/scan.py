"""Read scanned pages by OCR: page images (PNG, JPEG, one file or a folder of one report's pages) and the pages
of a PDF that have no text layer. Each page becomes rows placed by position (see ``layout``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.document import Document, ReadError, Row

if TYPE_CHECKING:  # NumPy, Pillow and OpenCV are imported only when a page is scanned: text batches start faster
    import numpy as np

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
RENDER_DPI = 200


def is_image(head: bytes) -> bool:
    return head.startswith(IMAGE_SIGNATURES)


def page_files(folder: Path) -> list[Path]:
    """A folder's page images in page order (by file name); empty when it holds anything but page images."""
    files = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    if not files or any(not p.is_file() or p.suffix.lower() not in IMAGE_SUFFIXES for p in files):
        return []
    return files


def scan_page(rgb: np.ndarray, page: int) -> list[Row]:
    """The rows of one page image (RGB array)."""
    from nianbao.readers.layout import find_grids, ink_mask, page_rows, rulings  # OpenCV only when scanning
    from nianbao.readers.ocr import clean_page, recognise

    scanned, despeckled = clean_page(rgb)
    horizontal, vertical = rulings(ink_mask(scanned))
    return page_rows(recognise(despeckled), find_grids(horizontal, vertical), ink_mask(despeckled), page)


def _pages(label: str, numbers: list[int], load: Callable[[int], np.ndarray]) -> Iterable[tuple[int, list[Row]]]:
    """OCR each page in turn, with a progress bar on stderr (shown on a terminal only)."""
    from tqdm import tqdm

    for number in tqdm(numbers, desc=f"OCR {label}", unit="page", file=sys.stderr, leave=False, disable=None):
        yield number, scan_page(load(number), number)


def read_images(path: Path) -> Document:
    """A report from page images: one image file, or a folder of one report's pages."""
    files = page_files(path) if path.is_dir() else [path]
    if not files:
        raise ReadError(path, "a folder read as one scanned report holds only its page images (PNG, JPEG)")

    import numpy as np
    from PIL import Image, UnidentifiedImageError

    def load(number: int) -> np.ndarray:
        file = files[number - 1]
        try:
            with Image.open(file) as image:
                return np.asarray(image.convert("RGB"))
        except (UnidentifiedImageError, OSError) as error:
            raise ReadError(file, f"not a readable image ({error})") from error

    numbers = list(range(1, len(files) + 1))
    rows = [row for _, page in _pages(path.name, numbers, load) for row in page]
    return Document(path=path, kind="scan", rows=rows, ocr_pages=tuple(numbers))


def scan_pdf_pages(path: Path, numbers: list[int]) -> dict[int, list[Row]]:
    """OCR the given pages (1-based) of a PDF, rendered at RENDER_DPI with pdfium."""
    if not numbers:
        return {}
    import numpy as np
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        def load(number: int) -> np.ndarray:
            bitmap = pdf[number - 1].render(scale=RENDER_DPI / 72)
            return np.asarray(bitmap.to_pil().convert("RGB"))

        return dict(_pages(path.name, numbers, load))
    finally:
        pdf.close()
