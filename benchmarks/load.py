"""Load benchmark: ``helpers.load`` on the output of ``nianbao extract`` over the real text reports replicated to
10³ and 10⁵ reports (about 211 value rows each, so 10⁵ reports are 21 million rows).

Each size is extracted once (``--jobs 2``, the inputs of benchmarks/run.py's "text" kind); then every load runs in
a fresh interpreter, as a notebook kernel does: the seconds of ``import helpers`` and of ``helpers.load(out)``
are timed inside it, and its peak RSS is read from ``wait4``. Each load is repeated (the median and the spread
are shown: the machine may be shared). ``--formats parquet,csv`` also loads the CSV files alone (the fallback when
no Parquet was written). ``--work DIR`` keeps the extracted folders there and reuses them on the next run.
Prints a Markdown table and writes bench/results/load.json.

    python benchmarks/load.py [--sizes 1000,100000] [--repeat 3] [--formats parquet] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from run import INPUTS, ROOT, _list, child_env, machine, replicate

RESULTS = ROOT / "bench" / "results" / "load.json"
# Runs in the fresh interpreter: prints the seconds of the import and of the load (wall and CPU, every thread), the
# reports and rows loaded and the RSS after import.
PROBE = """
import resource, sys, time
start = time.perf_counter()
import helpers
imported = time.perf_counter()
rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu = time.process_time()
corpus = helpers.load(sys.argv[1])
loaded = time.perf_counter()
print(imported - start, loaded - imported, time.process_time() - cpu, len(corpus.reports), len(corpus.values),
      rss_import / 1024)
"""


@dataclass
class Load:
    reports: int
    format: str
    rows: int
    import_s: list[float]
    load_s: list[float]
    load_cpu_s: list[float]  # CPU seconds of the load, all threads: what a busy machine does not distort
    peak_rss_mb: list[float]  # the whole process: interpreter, pandas, matplotlib and the loaded corpus
    import_rss_mb: float  # after ``import helpers``, before the load


def extracted(size: int, work: Path) -> Path:
    """``work/out-N``: the engine's output for N replicated text reports, extracted now unless already there."""
    out = work / f"out-{size}"
    if (out / "values.parquet").is_file():
        return out
    folder = work / f"in-{size}"
    if not folder.is_dir():
        replicate(INPUTS["text"], size, folder)
    print(f"extracting {size} reports …", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "nianbao", "extract", str(folder), "--out", str(out), "--jobs", "2"],
                   cwd=ROOT, env=child_env(), check=True, stdout=subprocess.DEVNULL)
    return out


def csv_only(out: Path) -> Path:
    """A sibling folder with the CSV files of ``out`` alone (hard links), so that helpers reads CSV."""
    folder = out.with_name(out.name + "-csv")
    folder.mkdir(exist_ok=True)
    for path in out.glob("*.csv"):
        if not (folder / path.name).exists():
            os.link(path, folder / path.name)
    return folder


def load_once(processed: Path) -> tuple[float, float, float, int, int, float, float]:
    """Seconds of the import, of the load (wall, CPU), reports, value rows, RSS after import and peak RSS (MB)."""
    child = subprocess.Popen([sys.executable, "-c", PROBE, str(processed)], cwd=ROOT, env=child_env(),
                             stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"helpers.load({processed}) failed")
    import_s, load_s, load_cpu_s, reports, rows, import_rss = output.split()
    return (float(import_s), float(load_s), float(load_cpu_s), int(reports), int(rows), float(import_rss),
            usage.ru_maxrss / 1024)


def measure(size: int, fmt: str, processed: Path, repeat: int) -> Load:
    runs = [load_once(processed) for _ in range(repeat)]
    if {r[3] for r in runs} != {size}:
        sys.exit(f"{processed}: expected {size} reports, loaded {sorted({r[3] for r in runs})}")
    return Load(size, fmt, runs[0][4], [round(r[0], 2) for r in runs], [round(r[1], 2) for r in runs],
                [round(r[2], 2) for r in runs], [round(r[6]) for r in runs], round(min(r[5] for r in runs)))


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):g} ({min(values):g}–{max(values):g})"


def table(loads: list[Load]) -> str:
    lines = ["| reports | value rows | format | `helpers.load` s | load CPU s | `import helpers` s | peak RSS MB | "
             "RSS after import MB |", "|---:|---:|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {x.reports} | {x.rows:,} | {x.format} | {_spread(x.load_s)} | {_spread(x.load_cpu_s)} | "
              f"{_spread(x.import_s)} | "
              f"{_spread(x.peak_rss_mb)} | {x.import_rss_mb:g} |" for x in loads]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000", help="replicated text reports (default 1000,100000)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh loads per size and format (default 3)")
    parser.add_argument("--formats", default="parquet", help="comma-separated: parquet, csv (default parquet)")
    parser.add_argument("--work", type=Path, help="keep the extracted folders here and reuse them (default: temporary)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    formats = _list(args.formats)
    if unknown := set(formats) - {"parquet", "csv"}:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")

    loads: list[Load] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-load-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in _list(args.sizes)):
            out = extracted(size, work)
            for fmt in formats:
                print(f"loading {size} reports ({fmt}) ×{args.repeat} …", file=sys.stderr, flush=True)
                loads.append(measure(size, fmt, out if fmt == "parquet" else csv_only(out), args.repeat))

    about = machine()
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "machine": about, "loads": [asdict(x) for x in loads]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(loads))
    print(f"\nMedian (min–max) of {args.repeat} fresh processes. Machine: {about['cpu']}, {about['cores']} cores, "
          f"{about['memory_gb']} GB, Python {about['python']}, commit {about['commit']}")
    print(f"Results: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
