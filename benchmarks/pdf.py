"""PDF reading speed: seconds per page of nianbao's PDF reader against PyMuPDF and pdfplumber, in one run.

The corpus PDFs (../shared/corpus/hongze-district_2023.pdf and _2024.pdf, 5 pages each) are copied round-robin
into a temporary folder (1,000 files by default) and read, one core, in this one process, by:

- ``nianbao read_pdf``: the reader alone (PDFium through pypdfium2: characters, ruled-table grid, rows);
- ``nianbao read_pdf, ctypes only``: the same without its compiled part (``_pdfium_bulk``), as it runs where
  no C compiler built it: the same PDFium calls one at a time through ctypes;
- ``nianbao extract_file``: the whole per-file engine (read, parse, validate), to show what parsing adds;
- ``PyMuPDF get_text()``: opening each file and taking the plain text of every page (the speed limit);
- ``pdfplumber extract_text()``: the same with pdfplumber (pdfminer), the engine this reader replaced.

Each engine runs in its own worker process, as it runs for its users (in one process, pdfplumber's leftovers
slowed whatever ran after it by a sixth). The machine may be shared, so the workers take turns, one at a time, on
blocks of files (each engine reads every file once, and a change of load falls on all of them alike); the figures
are CPU seconds of each worker (wall seconds beside them). Every nianbao read of a copy must give the same rows as the first read of its source. Prints a
Markdown table and writes bench/results/pdf.json.

    python benchmarks/pdf.py [--files N] [--block N]

Instructions, which a busy machine does not change, are counted by callgrind over ``--reads N --engine NAME``:
one engine reads each corpus PDF once (imports and first calls), then N more times, untimed. The difference
between N=2 and N=0, divided by 4, is the engine's instructions per PDF:

    valgrind --tool=callgrind python benchmarks/pdf.py --engine "PyMuPDF get_text()" --reads 2
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the engine from this checkout, however the script is started

from nianbao.extract import extract_file  # noqa: E402
from nianbao.readers import pdf as pdf_reader  # noqa: E402
from nianbao.readers.pdf import read_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = [CORPUS / "hongze-district_2023.pdf", CORPUS / "hongze-district_2024.pdf"]
RESULTS = ROOT / "bench" / "results" / "pdf.json"


@dataclass
class Timing:
    engine: str
    files: int
    pages: int
    cpu_s: float
    wall_s: float
    s_per_page: float  # CPU
    ms_per_file: float  # CPU
    times_pymupdf: float  # s_per_page / PyMuPDF's


def replicate(sources: list[Path], count: int, folder: Path) -> list[Path]:
    """Copy the files round-robin to ``count`` files with distinct names."""
    folder.mkdir(parents=True)
    width = len(str(count))
    paths = []
    for i in range(count):
        source = sources[i % len(sources)]
        path = folder / f"{source.stem}-{i:0{width}d}{source.suffix}"
        shutil.copyfile(source, path)  # not copy2: the corpus is read-only, the copies must stay removable
        paths.append(path)
    return paths


def pymupdf_pages(path: Path) -> int:
    import pymupdf  # a benchmark baseline only: nianbao never imports it (AGPL)

    with pymupdf.open(path) as pdf:
        return len([page.get_text() for page in pdf])


def pdfplumber_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len([page.extract_text() for page in pdf.pages])


def engine(name: str, pages: dict[str, int]) -> Callable[[Path], int]:
    """The engine ``name`` reading one file and returning its page count (nianbao's checked row for row)."""
    def source(path: Path) -> str:
        return path.stem.rsplit("-", 1)[0]

    if name in ("nianbao read_pdf", "nianbao read_pdf, ctypes only"):
        if name.endswith("ctypes only"):
            pdf_reader._bulk = None  # this worker process only
        elif pdf_reader._bulk is None:
            sys.exit("nianbao.readers._pdfium_bulk is not built (pip install -e . with a C compiler)")
        rows = {stem: [(row.cells, row.where, row.tabular) for row in read_pdf(CORPUS / f"{stem}.pdf").rows]
                for stem in pages}

        def nianbao_read(path: Path) -> int:
            document = read_pdf(path)
            if [(row.cells, row.where, row.tabular) for row in document.rows] != rows[source(path)]:
                sys.exit(f"{path.name}: read differently from its source")
            return pages[source(path)]
        return nianbao_read
    if name == "nianbao extract_file":
        def nianbao_extract(path: Path) -> int:
            report = extract_file(path)
            if report.status == "failed":
                sys.exit(f"{path.name}: {report.error}")
            return pages[source(path)]
        return nianbao_extract
    return {"PyMuPDF get_text()": pymupdf_pages, "pdfplumber extract_text()": pdfplumber_pages}[name]


ENGINES = ("nianbao read_pdf", "nianbao read_pdf, ctypes only", "nianbao extract_file", "PyMuPDF get_text()",
           "pdfplumber extract_text()")


def serve(name: str, pages: dict[str, int], connection: Connection) -> None:
    """A worker process for one engine: reads each block of files it is sent, answers (CPU s, wall s, pages).

    One process per engine, so that no engine runs after another's leftovers (pdfminer's caches, a heap that
    pdfplumber has grown slow down whatever runs next in its process): each is timed as it runs for a user.
    """
    run = engine(name, pages)
    while (paths := connection.recv()) is not None:
        began_cpu, began_wall = time.process_time(), time.perf_counter()
        counted = sum(run(path) for path in paths)
        connection.send((time.process_time() - began_cpu, time.perf_counter() - began_wall, counted))


def measure(paths: list[Path], block: int) -> list[Timing]:
    pages = {source.stem: pymupdf_pages(source) for source in SOURCES}
    context = multiprocessing.get_context("spawn")
    workers = {}
    for name in ENGINES:
        ours, theirs = context.Pipe()
        process = context.Process(target=serve, args=(name, pages, theirs), daemon=True)
        process.start()
        theirs.close()  # only the worker holds its end: when it dies, recv() here ends with EOFError, not a hang
        workers[name] = (process, ours)
    cpu = dict.fromkeys(ENGINES, 0.0)
    wall = dict.fromkeys(ENGINES, 0.0)
    counted = dict.fromkeys(ENGINES, 0)
    try:
        for _, connection in workers.values():  # warm up: imports and first-call costs stay out of the figures
            connection.send(paths[:1])
            connection.recv()
        # the workers take turns, one at a time, on blocks of files (a change of load falls on all alike)
        for start in range(0, len(paths), block):
            for name, (_, connection) in workers.items():
                connection.send(paths[start: start + block])
                block_cpu, block_wall, block_pages = connection.recv()
                cpu[name] += block_cpu
                wall[name] += block_wall
                counted[name] += block_pages
            print(f"  {min(start + block, len(paths))}/{len(paths)} files", file=sys.stderr, flush=True)
    except EOFError:
        sys.exit("a worker stopped (its error is above)")
    finally:
        for process, connection in workers.values():
            if process.is_alive():
                connection.send(None)
            process.join()
    limit = cpu["PyMuPDF get_text()"] / counted["PyMuPDF get_text()"]
    return [Timing(name, len(paths), counted[name], round(cpu[name], 2), round(wall[name], 2),
                   round(cpu[name] / counted[name], 5), round(1000 * cpu[name] / len(paths), 1),
                   round(cpu[name] / counted[name] / limit, 2)) for name in ENGINES]


def machine() -> dict[str, object]:
    import os

    packages = ("pypdfium2", "pymupdf", "pdfplumber", "pdfminer.six")
    return {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()],
            "packages": {name: metadata.version(name) for name in packages}}


def table(timings: list[Timing], about: dict[str, object]) -> str:
    lines = ["| engine, one core | files | pages | s/page (CPU) | ms/file (CPU) | wall s | ÷ PyMuPDF |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {t.engine} | {t.files} | {t.pages} | {t.s_per_page:.4f} | {t.ms_per_file:.1f} | {t.wall_s:.1f} | "
              f"{t.times_pymupdf:.2f}× |" for t in timings]
    packages = ", ".join(f"{name} {version}" for name, version in about["packages"].items())
    lines += ["", f"{about['date']}: Python {about['python']}, {about['platform']}, {about['cpus']} CPUs, "
                  f"load average at the end {about['load_average']}; {packages}"]
    return "\n".join(lines)


def count_instructions(name: str, reads: int) -> None:
    """Read each corpus PDF 1 + ``reads`` times with the engine ``name``, for callgrind to count (nothing is timed)."""
    run = engine(name, {source.stem: pymupdf_pages(source) for source in SOURCES})
    with tempfile.TemporaryDirectory() as temporary:
        paths = replicate(SOURCES, len(SOURCES), Path(temporary) / "pdf")
        for _ in range(1 + reads):
            for path in paths:
                run(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="copies of the corpus PDFs to read (default 1000)")
    parser.add_argument("--block", type=int, default=20, help="files each engine reads before the next takes over")
    parser.add_argument("--engine", help="with --reads: the one engine to run (for callgrind), e.g. 'nianbao read_pdf'")
    parser.add_argument("--reads", type=int, help="with --engine: read each corpus PDF 1 + N times, untimed")
    args = parser.parse_args()
    missing = [path for path in SOURCES if not path.is_file()]
    if missing:
        sys.exit(f"the corpus PDFs are not on this machine ({', '.join(map(str, missing))}): nothing to measure")
    if args.engine:
        count_instructions(args.engine, args.reads or 0)
        return
    with tempfile.TemporaryDirectory() as temporary:
        paths = replicate(SOURCES, args.files, Path(temporary) / "pdf")
        timings = measure(paths, args.block)
    about = machine()
    print(table(timings, about))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": about, "timings": [asdict(t) for t in timings]}, ensure_ascii=False,
                                  indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
