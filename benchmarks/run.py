"""Throughput benchmark: reports per second of ``python -m nianbao extract`` on the real corpus, replicated.

For each input kind the real report files are copied round-robin into a temporary folder (1,000 files by default)
and the whole command line is run on it with ``--jobs 1`` and ``--jobs 2``: start-up, reading, parsing, checks and
writing the CSV files are all in the time. For PDF the baseline is pdfplumber alone reading the text of every page
of the same files. Prints a Markdown table and writes the figures to bench/results/latest.json.

    python benchmarks/run.py [--files N] [--kinds text,html,pdf] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"  # where the engine itself looks for commit = no files
RESULTS = ROOT / "bench" / "results" / "latest.json"
INPUTS = {
    "text": [ROOT / "data/raw/jiyuan-city_2021.md", ROOT / "data/raw/shanghai-gov-office_2025.md"],
    "html": [ROOT / "data/raw/shanghai-gov-office_2019.html"],
    "pdf": [CORPUS / "hongze-district_2023.pdf", CORPUS / "hongze-district_2024.pdf"],
}


@dataclass
class Run:
    kind: str
    files: int
    jobs: int
    wall_s: float
    reports_per_s: float
    reports_per_s_per_core: float
    ms_per_report: float
    peak_rss_mb: float  # the largest single process (with --jobs 2: the parent or one worker, not their sum)
    statuses: dict[str, int]


@dataclass
class Baseline:
    files: int
    pages: int
    wall_s: float
    s_per_page: float
    engine_s_per_page: float  # the --jobs 1 run over the same pages
    ratio: float  # engine / pdfplumber alone; the aim is 1.5 or less


def replicate(sources: list[Path], count: int, folder: Path) -> None:
    """Copy the files round-robin to ``count`` files; distinct names keep every copy a report of its own."""
    folder.mkdir(parents=True)
    width = len(str(count))
    for i in range(count):
        source = sources[i % len(sources)]
        # copyfile, not copy2: the corpus files are read-only and the temporary folder must stay removable.
        shutil.copyfile(source, folder / f"{source.stem}-{i:0{width}d}{source.suffix}")


def child_env() -> dict[str, str]:
    """The engine is imported from this checkout, however the script was started (``make bench`` sets it too)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_engine(kind: str, folder: Path, out: Path, jobs: int) -> Run:
    """Time one ``python -m nianbao extract`` and read the peak RSS of it and its workers from wait4."""
    command = [sys.executable, "-m", "nianbao", "extract", str(folder), "--out", str(out), "--jobs", str(jobs)]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=child_env(), stdout=log, stderr=log)
        # wait4 rather than RUSAGE_CHILDREN: the latter is the maximum over every child so far, not this run's.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            log.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{log.read().decode(errors='replace')[-3000:]}")
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        statuses = Counter(row["status"] for row in csv.DictReader(handle))
    files = sum(1 for _ in folder.iterdir())
    if sum(statuses.values()) != files or statuses["failed"]:
        sys.exit(f"{kind}: expected {files} extracted reports, got {dict(statuses)}")
    return Run(kind, files, jobs, round(wall, 3), round(files / wall, 1), round(files / wall / jobs, 1),
               round(1000 * wall / files, 2), round(usage.ru_maxrss / 1024, 1), dict(statuses))  # ru_maxrss is KiB


def pdfplumber_alone(folder: Path) -> tuple[int, int, float]:
    """Files, pages and seconds for pdfplumber opening each file and extracting the text of every page."""
    import pdfplumber  # only the PDF part needs it

    files = pages = 0
    start = time.perf_counter()
    for path in sorted(folder.iterdir()):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
        files += 1
    return files, pages, time.perf_counter() - start


def startup_s() -> float:
    """Seconds for ``python -m nianbao --help``: interpreter start and imports, paid once per batch."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nianbao", "--help"], cwd=ROOT, env=child_env(), check=True,
                   stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 3)


def machine() -> dict[str, object]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), "0")

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)), "memory_gb": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(), "commit": commit.stdout.strip() or "unknown",
        "packages": {name: version(name) for name in ("pdfplumber", "pdfminer.six", "lxml")},
    }


def table(runs: list[Run], baseline: Baseline | None) -> str:
    lines = ["| input | files | --jobs | wall s | reports/s | reports/s per core | ms/report | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.kind} | {r.files} | {r.jobs} | {r.wall_s:.1f} | {r.reports_per_s:.0f} | "
              f"{r.reports_per_s_per_core:.0f} | {r.ms_per_report:.1f} | {r.peak_rss_mb:.0f} |" for r in runs]
    if baseline:
        lines += ["", "| PDF, one core | files | pages | s/page | engine ÷ pdfplumber |", "|---|---:|---:|---:|---:|",
                  f"| pdfplumber `extract_text()` alone | {baseline.files} | {baseline.pages} | "
                  f"{baseline.s_per_page:.3f} | |",
                  f"| nianbao extract --jobs 1 | {baseline.files} | {baseline.pages} | "
                  f"{baseline.engine_s_per_page:.3f} | {baseline.ratio:.2f}× |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000, help="files per input kind (default 1000)")
    parser.add_argument("--kinds", default="text,html,pdf", help="comma-separated: text, html, pdf")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run (default 1,2)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if unknown := set(kinds) - INPUTS.keys():
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    jobs = [int(j) for j in args.jobs.split(",")]

    runs: list[Run] = []
    baseline: Baseline | None = None
    skipped: dict[str, str] = {}
    for kind in kinds:
        missing = [str(p) for p in INPUTS[kind] if not p.is_file()]
        if missing:
            skipped[kind] = f"input not found: {', '.join(missing)}"
            print(f"skipping {kind}: {skipped[kind]} (the PDFs are read from ../shared/corpus)", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix=f"nianbao-bench-{kind}-") as temp:
            folder = Path(temp) / "in"
            replicate(INPUTS[kind], args.files, folder)
            for j in jobs:
                print(f"{kind}: {args.files} files, --jobs {j} …", file=sys.stderr, flush=True)
                runs.append(run_engine(kind, folder, Path(temp) / f"out-{j}", j))
            one_core = next((r for r in runs if r.kind == kind and r.jobs == 1), None)
            if kind == "pdf" and one_core:
                print("pdf: pdfplumber alone, one core …", file=sys.stderr, flush=True)
                files, pages, wall = pdfplumber_alone(folder)
                baseline = Baseline(files, pages, round(wall, 3), round(wall / pages, 4),
                                    round(one_core.wall_s / pages, 4), round(one_core.wall_s / wall, 2))

    about = machine()
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "machine": about, "startup_s": startup_s(),
               "runs": [asdict(r) for r in runs], "pdf_baseline": asdict(baseline) if baseline else None,
               "skipped": skipped}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(runs, baseline))
    print(f"\nMachine: {about['cpu']}, {about['cores']} cores, {about['memory_gb']} GB, {about['platform']}, "
          f"Python {about['python']}, " + ", ".join(f"{k} {v}" for k, v in about["packages"].items())
          + f"; start-up {results['startup_s']} s per batch; commit {about['commit']}")
    print(f"Results: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
