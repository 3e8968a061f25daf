"""Instructions per report of ``nianbao extract --jobs 1`` (text reports), counted by valgrind's callgrind.

Reports per second depend on how fast the machine happens to be: on this project's shared 2-core machine the same
loop takes from 1× to 2× as long within minutes, and an older engine measured a week apart halved its own speed.
Instruction counts do not move with the load, so they compare two engines (this checkout, and a git revision
checked out beside it with ``--against``) whenever they are measured.

The whole command runs twice, on the real text reports replicated to a small and a larger batch (as in run.py);
the difference gives the instructions per report, the rest the fixed cost of a batch (interpreter start-up,
imports, opening the outputs). Prints a Markdown table and writes bench/results/instructions.json.

    python benchmarks/instructions.py [--small 50] [--large 300] [--against REV ...]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from run import INPUTS, ROOT, replicate

RESULTS = ROOT / "bench" / "results" / "instructions.json"
_COLLECTED = re.compile(r"Collected : (\d+)")


@dataclass
class Count:
    engine: str  # "this checkout" or the revision measured
    commit: str
    small: int
    large: int
    fixed_minstr: float  # millions of instructions of a batch besides its reports
    per_report_minstr: float
    per_1000_reports_ginstr: float  # a batch of 1,000 reports, fixed cost included


def instructions(checkout: Path, folder: Path, out: Path, env: dict[str, str]) -> int:
    """Instructions of one ``nianbao extract`` run from ``checkout``."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "nianbao",
               "extract", str(folder), "--out", str(out), "--jobs", "1"]
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True, env=env)
    found = _COLLECTED.findall(done.stderr)
    if done.returncode not in (0, 1) or not found:
        sys.exit(f"{' '.join(command)} failed in {checkout}:\n{done.stderr[-3000:]}")
    return int(found[-1])


def count(engine: str, checkout: Path, commit: str, small: int, large: int, temp: Path) -> Count:
    # Bytecode (of every module imported, site-packages included) is compiled by a first run, uncounted, and kept
    # out of the checkout: the counted runs then load it alike.
    env = {"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin", "PYTHONPYCACHEPREFIX": str(temp / f"pyc-{commit}")}
    folders = {size: temp / f"in-{size}" for size in (small, large)}
    for size, folder in folders.items():
        if not folder.exists():
            replicate(INPUTS["text"], size, folder)
    subprocess.run([sys.executable, "-m", "nianbao", "extract", str(folders[small]), "--out",
                    str(temp / f"out-{commit}-warm"), "--jobs", "1"], cwd=checkout, env=env, capture_output=True)
    runs = {size: instructions(checkout, folder, temp / f"out-{commit}-{size}", env) for size, folder in folders.items()}
    per_report = (runs[large] - runs[small]) / (large - small)
    fixed = runs[small] - small * per_report
    return Count(engine, commit, small, large, round(fixed / 1e6), round(per_report / 1e6, 2),
                 round((fixed + 1000 * per_report) / 1e9, 2))


def revision(rev: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=50, help="reports in the small batch (default 50)")
    parser.add_argument("--large", type=int, default=300, help="reports in the large batch (default 300)")
    parser.add_argument("--against", action="append", default=[], metavar="REV",
                        help="also measure this git revision, checked out in a temporary worktree")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("skipping: valgrind is not installed (Debian package valgrind)", file=sys.stderr)
        return 0
    counts = []
    with tempfile.TemporaryDirectory(prefix="nianbao-instructions-") as temp:
        counts.append(count("this checkout", ROOT, revision("HEAD"), args.small, args.large, Path(temp)))
        for rev in args.against:
            tree = Path(temp) / f"rev-{revision(rev)}"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                counts.append(count(rev, tree, revision(rev), args.small, args.large, Path(temp)))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "python": sys.version.split()[0],
                                     "counts": [asdict(c) for c in counts]}, indent=2) + "\n", encoding="utf-8")
    print("| engine | commit | fixed, M instructions | per report, M | 1,000 reports, G |")
    print("|---|---|---:|---:|---:|")
    for c in counts:
        print(f"| {c.engine} | {c.commit} | {c.fixed_minstr:.0f} | {c.per_report_minstr:.2f} | "
              f"{c.per_1000_reports_ginstr:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
