"""Throughput and memory benchmark: ``nianbao extract`` on the real corpus, replicated to 10³, 10⁴ and 10⁵ reports.

For each input kind the real report files are linked round-robin into a temporary folder and the whole command
line is run on it: start-up, reading, parsing, checks and writing the CSV and Parquet files are all in the time.
Each size runs with local processes (``--jobs 1``, ``--jobs 2``) and on a two-worker Dask cluster on this machine
(``--scheduler``). For PDF (at 10³ only) the baseline is pdfplumber alone reading the text of every page of the
same files. Prints Markdown tables and writes the figures to bench/results/latest.json.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--kinds text,transcription,html,pdf]
                             [--runners jobs1,jobs2,dask2] [--pdf-files 1000]
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"  # where the engine itself looks for commit = no files
RESULTS = ROOT / "bench" / "results" / "latest.json"
INPUTS = {
    "text": [RAW / "jiyuan-city_2021.md", RAW / "shanghai-gov-office_2025.md"],
    "transcription": [RAW / "suqian-city_2023.csv", RAW / "suqian-city_2024.csv"],
    "html": [RAW / "shanghai-gov-office_2019.html"],
    "pdf": [CORPUS / "hongze-district_2023.pdf", CORPUS / "hongze-district_2024.pdf"],
}
COMPANION = ".narrative.csv"
RUNNERS = {"jobs1": (1, False), "jobs2": (2, False), "dask2": (2, True)}  # processes, on Dask


@dataclass
class Run:
    kind: str
    files: int
    runner: str
    cores: int
    wall_s: float
    reports_per_s: float
    reports_per_s_per_core: float
    ms_per_report: float
    cpu_s: float  # user + system seconds of the command and its local workers (for Dask: and the Dask workers)
    reports_per_cpu_s: float  # throughput per core that a busy machine does not distort
    peak_rss_mb: float  # the largest single local process: the parent or one worker (for Dask: the client)
    worker_peak_rss_mb: float | None  # Dask: the largest worker
    statuses: dict[str, int]


@dataclass
class Baseline:
    files: int
    pages: int
    wall_s: float
    s_per_page: float
    engine_s_per_page: float  # the --jobs 1 run over the same pages
    ratio: float  # engine / pdfplumber alone


def replicate(sources: list[Path], count: int, folder: Path) -> None:
    """``count`` files round-robin under distinct names (each a report of its own), hard-linked where the file
    system allows (10⁵ copies cost no disk); a transcription brings its narrative companion."""
    folder.mkdir(parents=True)
    width = len(str(count))
    for i in range(count):
        source = sources[i % len(sources)]
        name = f"{source.stem}-{i:0{width}d}"
        _link(source, folder / f"{name}{source.suffix}")
        companion = source.with_name(source.stem + COMPANION)
        if companion.is_file():
            _link(companion, folder / f"{name}{COMPANION}")


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        # copyfile, not copy2: the corpus files are read-only and the temporary folder must stay removable.
        shutil.copyfile(source, target)


def child_env() -> dict[str, str]:
    """The engine is imported from this checkout, however the script was started (``make bench`` sets it too)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@contextmanager
def dask_cluster(workers: int) -> Iterator[str]:
    """A LocalCluster of single-threaded worker processes; yields the scheduler address. The scheduler (in this
    process) and the workers unpickle the engine's tasks, so they import it from this checkout too."""
    from distributed import LocalCluster

    os.environ["PYTHONPATH"] = child_env()["PYTHONPATH"]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def dask_worker_usage(address: str) -> tuple[float, float]:
    """CPU seconds of all Dask workers together and the peak RSS (MB) of the largest one."""
    import resource

    from distributed import Client

    def usage() -> tuple[float, int]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime, own.ru_maxrss

    with Client(address) as client:
        usages = list(client.run(usage).values())
    return sum(cpu for cpu, _ in usages), round(max(peak for _, peak in usages) / 1024, 1)


def run_engine(kind: str, folder: Path, out: Path, runner: str) -> Run:
    """Time one ``nianbao extract`` and read the peak RSS of it and its workers from wait4."""
    processes, on_dask = RUNNERS[runner]
    command = [sys.executable, "-m", "nianbao", "extract", str(folder), "--out", str(out), "--jobs", str(processes)]
    with dask_cluster(processes) if on_dask else _no_cluster() as address:
        if address:
            command += ["--scheduler", address]
            cpu_before = dask_worker_usage(address)[0]
        with tempfile.TemporaryFile() as log:
            start = time.perf_counter()
            child = subprocess.Popen(command, cwd=ROOT, env=child_env(), stdout=log, stderr=log)
            # wait4 rather than RUSAGE_CHILDREN: the latter is the maximum over every child so far, not this run's.
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                log.seek(0)
                sys.exit(f"{' '.join(command)} failed:\n{log.read().decode(errors='replace')[-3000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        workers_peak = None
        if address:
            workers_cpu, workers_peak = dask_worker_usage(address)
            cpu += workers_cpu - cpu_before
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        statuses = Counter(row["status"] for row in csv.DictReader(handle))
    files = sum(1 for p in folder.iterdir() if not p.name.endswith(COMPANION))
    if sum(statuses.values()) != files or statuses["failed"]:
        sys.exit(f"{kind}: expected {files} extracted reports, got {dict(statuses)}")
    return Run(kind, files, runner, processes, round(wall, 3), round(files / wall, 1),
               round(files / wall / processes, 1), round(1000 * wall / files, 3), round(cpu, 2),
               round(files / cpu, 1), round(usage.ru_maxrss / 1024, 1), workers_peak, dict(statuses))  # KiB


@contextmanager
def _no_cluster() -> Iterator[str]:
    yield ""


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


def pdf_baseline(folder: Path, one_core: Run) -> Baseline:
    files, pages, wall = pdfplumber_alone(folder)
    return Baseline(files, pages, round(wall, 3), round(wall / pages, 4), round(one_core.wall_s / pages, 4),
                    round(one_core.wall_s / wall, 2))


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
        "packages": {name: version(name) for name in ("pdfplumber", "pdfminer.six", "lxml", "pyarrow", "distributed")},
    }


def table(runs: list[Run], baseline: Baseline | None) -> str:
    lines = ["| input | reports | runner | wall s | reports/s | reports/s per core | CPU s | reports per CPU s "
             "| peak RSS MB | Dask worker peak MB |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.kind} | {r.files} | {r.runner} | {r.wall_s:.1f} | {r.reports_per_s:.0f} | "
              f"{r.reports_per_s_per_core:.0f} | {r.cpu_s:.1f} | {r.reports_per_cpu_s:.0f} | {r.peak_rss_mb:.0f} | "
              f"{'' if r.worker_peak_rss_mb is None else f'{r.worker_peak_rss_mb:.0f}'} |" for r in runs]
    if baseline:
        lines += ["", "| PDF, one core | files | pages | s/page | engine ÷ pdfplumber |", "|---|---:|---:|---:|---:|",
                  f"| pdfplumber `extract_text()` alone | {baseline.files} | {baseline.pages} | "
                  f"{baseline.s_per_page:.3f} | |",
                  f"| nianbao extract --jobs 1 | {baseline.files} | {baseline.pages} | "
                  f"{baseline.engine_s_per_page:.3f} | {baseline.ratio:.2f}× |"]
    return "\n".join(lines)


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="reports per kind (default 1000,10000,100000)")
    parser.add_argument("--kinds", default="text,transcription,html,pdf", help="comma-separated: " + ", ".join(INPUTS))
    parser.add_argument("--runners", default="jobs1,jobs2,dask2", help="comma-separated: " + ", ".join(RUNNERS))
    parser.add_argument("--pdf-files", type=int, default=1000, help="PDF reports (one size only; default 1000)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    kinds, runners, sizes = _list(args.kinds), _list(args.runners), [int(s) for s in _list(args.sizes)]
    if unknown := (set(kinds) - INPUTS.keys()) | (set(runners) - RUNNERS.keys()):
        parser.error(f"unknown kinds or runners: {', '.join(sorted(unknown))}")

    runs: list[Run] = []
    baseline: Baseline | None = None
    skipped: dict[str, str] = {}
    for kind in kinds:
        missing = [str(p) for p in INPUTS[kind] if not p.is_file()]
        if missing:
            skipped[kind] = f"input not found: {', '.join(missing)}"
            print(f"skipping {kind}: {skipped[kind]} (the PDFs are read from ../shared/corpus)", file=sys.stderr)
            continue
        for size in [args.pdf_files] if kind == "pdf" else sizes:
            with tempfile.TemporaryDirectory(prefix=f"nianbao-bench-{kind}-") as temp:
                folder = Path(temp) / "in"
                replicate(INPUTS[kind], size, folder)
                for runner in runners:
                    print(f"{kind}: {size} reports, {runner} …", file=sys.stderr, flush=True)
                    runs.append(run_engine(kind, folder, Path(temp) / f"out-{runner}", runner))
                    shutil.rmtree(Path(temp) / f"out-{runner}")
                one_core = next((r for r in runs if r.kind == kind and r.runner == "jobs1"), None)
                if kind == "pdf" and one_core:
                    print("pdf: pdfplumber alone, one core …", file=sys.stderr, flush=True)
                    baseline = pdf_baseline(folder, one_core)

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
