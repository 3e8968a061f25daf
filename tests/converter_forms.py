"""Make the text forms users bring, with the real tools: each PDF through each converter, portal pages with tags stripped.

PDFs are the corpus's own (Hongze) and HTML reports printed to PDF by headless Chromium. The converters are
test-time tools (PyMuPDF is AGPL): nianbao never imports them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-pdf-header-footer"]


def print_to_pdf(html: Path, pdf: Path) -> Path:
    """An HTML report as a browser prints it."""
    subprocess.run([shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS, f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)
    return pdf


def _poppler(tool: str, *flags: str) -> Callable[[Path, Path], Path]:
    def convert(pdf: Path, out: Path) -> Path:
        target = out.with_suffix(".html" if tool == "pdftohtml" else ".txt")
        subprocess.run([tool, *flags, str(pdf), str(target)], check=True, capture_output=True, timeout=120)
        return target
    return convert


def pymupdf_text(pdf: Path, out: Path) -> Path:
    import pymupdf

    with pymupdf.open(pdf) as document:
        out.with_suffix(".txt").write_text("".join(page.get_text() for page in document), encoding="utf-8")
    return out.with_suffix(".txt")


def pymupdf4llm_markdown(pdf: Path, out: Path) -> Path:
    import pymupdf4llm

    out.with_suffix(".md").write_text(pymupdf4llm.to_markdown(str(pdf)), encoding="utf-8")
    return out.with_suffix(".md")


def markitdown_markdown(pdf: Path, out: Path) -> Path:
    from markitdown import MarkItDown

    out.with_suffix(".md").write_text(MarkItDown().convert(str(pdf)).text_content, encoding="utf-8")
    return out.with_suffix(".md")


def pdfminer_text(pdf: Path, out: Path) -> Path:
    """What pdfminer.six's pdf2txt.py prints with its defaults."""
    from pdfminer.high_level import extract_text_to_fp
    from pdfminer.layout import LAParams

    with pdf.open("rb") as source, out.with_suffix(".txt").open("wb") as target:
        extract_text_to_fp(source, target, laparams=LAParams(), codec="utf-8")
    return out.with_suffix(".txt")


# Converter name → function(pdf, output stem) → the file it wrote.
CONVERTERS: dict[str, Callable[[Path, Path], Path]] = {
    "pdftotext": _poppler("pdftotext"),
    "pdftotext -layout": _poppler("pdftotext", "-layout"),
    "pdftotext -raw": _poppler("pdftotext", "-raw"),
    "pdftohtml -s -i -noframes": _poppler("pdftohtml", "-s", "-i", "-noframes", "-q"),
    "PyMuPDF page.get_text()": pymupdf_text,
    "pymupdf4llm to_markdown()": pymupdf4llm_markdown,
    "markitdown": markitdown_markdown,
    "pdfminer.six pdf2txt": pdfminer_text,
}
SLOW = {"pymupdf4llm to_markdown()"}  # its layout model takes ~15 s a PDF: run on the corpus's own PDFs only


OCR_LINES = "RapidOCR text lines (page images, 200 dpi)"
OCR_MARKDOWN = "RapidOCR to_markdown() (page images, 200 dpi)"


def ocr_texts(pdf: Path, out: Path) -> dict[str, Path]:
    """A PDF's pages as images (pdftoppm, 200 dpi) through RapidOCR as a user runs it, with its defaults: the text
    lines in the order it returns them, and its own markdown."""
    import numpy as np
    from PIL import Image
    from rapidocr import RapidOCR

    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(out)], check=True, capture_output=True, timeout=300)
    pages = sorted(out.parent.glob(f"{out.name}-*.png"), key=lambda page: int(page.stem.rsplit("-", 1)[1]))
    engine = RapidOCR(params={"Global.log_level": "error"})
    lines, markdown = [], []
    for page in pages:
        result = engine(np.asarray(Image.open(page).convert("RGB")))
        lines.append("\n".join(result.txts or ()))
        markdown.append(result.to_markdown())
    written = {OCR_LINES: out.with_name(out.name + "_lines.txt"), OCR_MARKDOWN: out.with_name(out.name + ".md")}
    written[OCR_LINES].write_text("\n".join(lines) + "\n", encoding="utf-8")
    written[OCR_MARKDOWN].write_text("\n\n".join(markdown) + "\n", encoding="utf-8")
    return written


def strip_tags(html: Path, out: Path) -> Path:
    """A site-archive crawler's text of a page: scripts and styles dropped, tags stripped, no separator left at all."""
    import lxml.html

    tree = lxml.html.fromstring(html.read_bytes())
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    out.with_suffix(".txt").write_text(re.sub(r"\s+", "", tree.text_content()) + "\n", encoding="utf-8")
    return out.with_suffix(".txt")
