"""`make report` benchmark: wall time and peak memory of the whole build (extraction, every notebook, the site with
its briefings and PDFs) at several corpus sizes.

    python benchmarks/report.py [--sizes real,300,3000] [--briefings auto]

"real" is the real corpus (data/raw, read in place); a number N is a generated corpus from
scripts/synthetic_corpus.py (N/3 bodies over three years, N rounded to a multiple of 3), built in a temporary
folder through the same Makefile (RAW=… PROCESSED=… EXECUTED=… FIGURES=… SITE=…, two notebooks at a time as
`make report` runs them), each from scratch. Peak memory
is the largest resident set of any one process of the build (the notebooks' kernels, the site builder, Chromium
included), from getrusage(RUSAGE_CHILDREN) of a fresh child. Prints a Markdown table and writes
bench/results/report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "report.json"
YEARS = "2022,2023,2024"
STEPS = ("extract", "notebooks", "site")


def measured(command: list[str], log: Path) -> tuple[float, float]:
    """Run COMMAND in a child that reports its wall time and its descendants' peak RSS (MB)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        f"with open({str(log)!r}, 'a') as log:\n"
        f"    code = subprocess.run({command!r}, stdout=log, stderr=subprocess.STDOUT).returncode\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(time.perf_counter() - start, peak, code)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    seconds, peak, code = float(out[0]), float(out[1]), int(out[2])
    if code:
        raise SystemExit(f"error: {' '.join(command)} failed (exit {code}); see {log}")
    return seconds, peak


def build(size: str, work: Path, briefings: str) -> dict:
    """Generate (unless "real") and build one corpus; returns the timings of each step."""
    if size == "real":
        raw = ROOT / "data" / "raw"
    else:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "synthetic_corpus.py"), "--bodies", str(int(size) // 3),
                        "--years", YEARS, "--out", str(work)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        raw = work / "raw"
    folders = {name: work / name for name in ("processed", "executed", "figures", "site")}
    make = ["make", "--no-print-directory", "-j2", "--output-sync=target", f"RAW={raw}", f"PROCESSED={folders['processed']}",
            f"EXECUTED={folders['executed']}", f"FIGURES={folders['figures']}", f"SITE={folders['site']}",
            f"BRIEFINGS={briefings}"]
    log = work / "build.log"
    row: dict = {"corpus": size}
    total_s, total_peak = 0.0, 0.0
    for step, target in zip(STEPS, ("data", "notebooks", f"{folders['site']}/index.html")):
        seconds, peak = measured(make + [target], log)
        row[f"{step}_s"], row[f"{step}_peak_mb"] = round(seconds, 1), round(peak)
        total_s, total_peak = total_s + seconds, max(total_peak, peak)
    row["total_s"], row["peak_mb"] = round(total_s, 1), round(total_peak)
    with (folders["processed"] / "reports.csv").open(encoding="utf-8-sig") as f:
        row["reports"] = sum(1 for _ in f) - 1
    row["briefings"] = len(list(folders["site"].glob("briefing_*.zh.html")))
    row["site_mb"] = round(sum(p.stat().st_size for p in folders["site"].rglob("*") if p.is_file()) / 1e6, 1)
    row["index_kb"] = round((folders["site"] / "index.html").stat().st_size / 1e3)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,300,3000", help="corpus sizes (real = the real corpus)")
    parser.add_argument("--briefings", default="auto", help="BRIEFINGS for make (auto, all, none, ids)")
    args = parser.parse_args(argv)
    rows = []
    print("| reports | extract s | notebooks s | site s | total s | peak RSS MB | briefings | site MB | index KB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix=f"nianbao-report-{size}-") as work:
            row = build(size, Path(work), args.briefings)
        rows.append(row)
        print(f"| {row['reports']:,}{' (real)' if size == 'real' else ''} | {row['extract_s']} | {row['notebooks_s']} | {row['site_s']} | {row['total_s']} "
              f"| {row['peak_mb']} | {row['briefings']} | {row['site_mb']} | {row['index_kb']} |", flush=True)
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, "
               f"Python {platform.python_version()}; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"\n{machine}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                   "rows": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
