"""Make scanned reports from the real PDFs, as a scanner would: render each page with pdftoppm at 200 dpi,
degrade copies (grey, JPEG quality 60, rotated 1.5°, a red seal over part of table 三, salt-and-pepper noise,
or all of these at once) and keep them as image-only PDFs, or as folders of JPEG pages.

    python scripts/make_scans.py ../shared/corpus/hongze-district_2023.pdf --out build/scans [--pages 2-4]

writes build/scans/<variant>/<report_id>.pdf (and build/scans/<variant>-pages/<report_id>/page-N.jpg). The
scans are generated data: never committed, made again by the tests and the benchmark.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pdfplumber
from PIL import Image, ImageDraw, ImageFont

DPI = 200
SEAL_RED = (205, 30, 38)
TABLE_THREE_HEADING = "收到和处理政府信息公开申请"
Degrade = Callable[[Image.Image, "PageContext"], Image.Image]


class PageContext:
    """What a degradation may need to know of the page: where table 三 starts on it (pixels), if it does."""

    def __init__(self, number: int, table_three: tuple[float, float] | None, seed: int) -> None:
        self.number = number
        self.table_three = table_three
        self.rng = np.random.default_rng(seed)


def render(pdf: Path, folder: Path, pages: list[int] | None = None) -> list[Path]:
    """pdftoppm's PNG pages at DPI, in page order."""
    first, last = (min(pages), max(pages)) if pages else (None, None)
    command = ["pdftoppm", "-r", str(DPI), "-png"]
    if first:
        command += ["-f", str(first), "-l", str(last)]
    subprocess.run([*command, str(pdf), str(folder / "page")], check=True)
    files = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [f for f in files if not pages or int(f.stem.rsplit("-", 1)[1]) in pages]


def table_three_positions(pdf: Path) -> dict[int, tuple[float, float]]:
    """Page number → pixel position (x, y) of table 三's heading, from the PDF's text layer."""
    found = {}
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for line in page.extract_text_lines():
                if TABLE_THREE_HEADING in line["text"].replace(" ", ""):
                    found[number] = (line["x0"] * DPI / 72, line["bottom"] * DPI / 72)
    return found


def grey(image: Image.Image, _: PageContext) -> Image.Image:
    return image.convert("L").convert("RGB")


def jpeg(image: Image.Image, _: PageContext, quality: int = 60) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def rotated(image: Image.Image, _: PageContext, degrees: float = 1.5) -> Image.Image:
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")


def _seal_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return ImageFont.truetype(str(path), size) if path.is_file() else ImageFont.load_default(size)


def seal(image: Image.Image, context: PageContext) -> Image.Image:
    """A red official seal (ring, star, name along the ring) over the number columns of table 三,
    printed like ink: multiplied into the page, so that black print under it stays black."""
    if context.table_three is None:
        return image
    x, y = context.table_three
    center = (x + 900, y + 420)  # over the applicant columns of the first outcome rows
    radius = 190
    stamp = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(stamp)
    cx, cy = center
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=SEAL_RED, width=12)
    star = [(cx + 70 * np.cos(np.pi / 2 + k * 4 * np.pi / 5), cy - 70 * np.sin(np.pi / 2 + k * 4 * np.pi / 5))
            for k in range(5)]  # a pentagram: every second point of five
    draw.polygon(star, fill=SEAL_RED)
    font = _seal_font(44)
    name = "淮安市洪泽区人民政府办公室"
    for index, char in enumerate(name):
        angle = np.pi * (1.15 - 1.3 * index / (len(name) - 1))
        draw.text((cx + 140 * np.cos(angle), cy - 140 * np.sin(angle)), char, fill=SEAL_RED, font=font,
                  anchor="mm")
    draw.text((cx, cy + 110), "政务公开专用章", fill=SEAL_RED, font=_seal_font(34), anchor="mm")
    page = np.asarray(image, dtype=np.float32) * np.asarray(stamp, dtype=np.float32) / 255
    return Image.fromarray(page.round().astype(np.uint8))


def noisy(image: Image.Image, context: PageContext, amount: float = 0.01) -> Image.Image:
    """Salt-and-pepper noise: ``amount`` of the pixels turned black or white at random."""
    pixels = np.asarray(image).copy()
    hit = context.rng.random(pixels.shape[:2])
    pixels[hit < amount / 2] = 0
    pixels[(hit >= amount / 2) & (hit < amount)] = 255
    return Image.fromarray(pixels)


def combined(image: Image.Image, context: PageContext) -> Image.Image:
    """Seal, rotation, noise and JPEG on one page, in the order a real colour scan suffers them."""
    for step in (seal, rotated, noisy, jpeg):
        image = step(image, context)
    return image


VARIANTS: dict[str, Degrade] = {
    "clean": lambda image, _: image,
    "grey": grey,
    "jpeg60": jpeg,
    "rotated": rotated,
    "seal": seal,
    "noise": noisy,
    "combined": combined,
}


def make_scans(pdf: Path, out: Path, variants: list[str], pages: list[int] | None = None,
               as_pages: bool = False) -> dict[str, Path]:
    """Degraded scans of one PDF: variant → image-only PDF (or, with ``as_pages``, folder of JPEG pages)."""
    positions = table_three_positions(pdf)
    made = {}
    with tempfile.TemporaryDirectory() as scratch:
        files = render(pdf, Path(scratch), pages)
        numbers = [int(f.stem.rsplit("-", 1)[1]) for f in files]
        for variant in variants:
            images = []
            for number, file in zip(numbers, files):
                context = PageContext(number, positions.get(number), seed=number)
                with Image.open(file) as page:
                    images.append(VARIANTS[variant](page.convert("RGB"), context))
            if as_pages:
                folder = out / f"{variant}-pages" / pdf.stem
                folder.mkdir(parents=True, exist_ok=True)
                for number, image in zip(numbers, images):
                    image.save(folder / f"page-{number:02d}.jpg", "JPEG", quality=90)
                made[variant] = folder
            else:
                target = out / variant / f"{pdf.stem}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                images[0].save(target, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
                made[variant] = target
    return made


def _pages(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--pages", type=_pages, default=None, help="a page range, e.g. 2-4 (default: all)")
    parser.add_argument("--as-pages", action="store_true", help="folders of JPEG pages instead of PDFs")
    args = parser.parse_args()
    for pdf in args.pdfs:
        for variant, path in make_scans(pdf, args.out, args.variants.split(","), args.pages, args.as_pages).items():
            print(f"{variant}: {path}")


if __name__ == "__main__":
    main()
