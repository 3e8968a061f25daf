"""OCR benchmark: seconds per scanned page on one core, and how each degraded variant comes out.

The real Hongze PDFs (../shared/corpus) are rendered at 200 dpi and degraded (scripts/make_scans.py), kept as
image-only PDFs, and each is extracted whole with ``nianbao.extract.extract_file`` in this process (one
onnxruntime thread, so one core). Per variant: CPU seconds per page (``time.process_time``, which a busy
machine does not inflate), wall seconds per page, and the hand-checked cells right / flagged / absent /
silently wrong (tests/fixtures/expected). The model is loaded once, before timing.

    python benchmarks/ocr.py [--variants clean,combined] [--reports hongze-district_2023,...]
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

import pypdfium2  # noqa: E402

from nianbao.extract import extract_file  # noqa: E402
from nianbao.readers.ocr import engine  # noqa: E402
from tests.test_scans import TABLES, _make_scans, outcome  # noqa: E402

REPORTS = ["hongze-district_2023", "hongze-district_2024"]
VARIANTS = ["clean", "grey", "jpeg60", "rotated", "seal", "noise", "combined"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--reports", default=",".join(REPORTS))
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: the Hongze PDFs are read from {CORPUS}, absent here", file=sys.stderr)
        return 0
    make_scans = _make_scans()
    engine()
    print("| variant | report | pages | CPU s/page | wall s/page | right | flagged | absent | silently wrong |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = {"cpu": 0.0, "wall": 0.0, "pages": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for variant in args.variants.split(","):
            for report_id in args.reports.split(","):
                pdf = make_scans.make_scans(CORPUS / f"{report_id}.pdf", Path(scratch), [variant])[variant]
                cpu, wall = time.process_time(), time.perf_counter()
                report = extract_file(pdf)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                counts, _ = outcome(report, TABLES | {"narrative"})
                pages = len(pypdfium2.PdfDocument(pdf))
                totals["cpu"] += cpu
                totals["wall"] += wall
                totals["pages"] += pages
                print(f"| {variant} | {report_id} | {pages} | {cpu / pages:.2f} | {wall / pages:.2f} | "
                      f"{counts['right']} | {counts['flagged']} | {counts['absent']} | {counts['silently wrong']} |",
                      flush=True)
    per_page = totals["cpu"] / totals["pages"]
    print(f"\nall variants: {totals['pages']} pages, {per_page:.2f} CPU s/page, "
          f"{totals['wall'] / totals['pages']:.2f} wall s/page; a 5-page scanned report ≈ {5 * per_page:.0f} s "
          "on one core")
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"rapidocr {metadata.version('rapidocr')}, onnxruntime {metadata.version('onnxruntime')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
