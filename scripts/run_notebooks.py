"""Execute the project's notebooks from a clean kernel with papermill.

    python scripts/run_notebooks.py                      # every numbered notebook (01_… 06_…)
    python scripts/run_notebooks.py --briefing 济源市人民政府 2021
    python scripts/run_notebooks.py --all-briefings      # one briefing per body-year in reports.csv
    python scripts/run_notebooks.py --numbered --all-briefings --keep-going --if-stale

Executed copies go to build/executed/ (the committed notebooks are never modified): numbered
notebooks under their own name, briefings as briefing_<report_id>.ipynb. Each kernel starts fresh
(kernel python3, working directory notebooks/, the repository root on PYTHONPATH so that
`import helpers` and `import nianbao` work). A failing cell stops with a message naming the
notebook, the cell and the error; the executed copy keeps the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
REPORTS_CSV = ROOT / "data" / "processed" / "reports.csv"
BRIEFING = NOTEBOOKS / "briefing.ipynb"
KERNEL = "python3"
CELL_TIMEOUT_S = 600
# What an executed copy depends on besides its own notebook: when one of these is newer, rerun.
FIGURES = ROOT / "figures"
INPUTS = [ROOT / "helpers.py", ROOT / "nianbao", ROOT / "data"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Kernel log lines that say nothing about the notebook (ipykernel 7 warns about TCP at every start,
# and may log an interrupt while it is shut down).
KERNEL_NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


@dataclass
class Run:
    """One notebook execution: the source notebook, where its executed copy goes, its parameters."""

    source: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # kernel/papermill stderr of the last execution

    @property
    def label(self) -> str:
        if self.parameters:
            shown = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
            return f"{self.source.name} ({shown})"
        return self.source.name


class NotebookFailed(RuntimeError):
    pass


def numbered_notebooks(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The analysis notebooks, in order: notebooks/NN_*.ipynb."""
    return sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))


def slugify(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", str(text), flags=re.ASCII).strip("-") or "report"


def read_reports(reports_csv: Path = REPORTS_CSV) -> list[dict]:
    """Rows of data/processed/reports.csv whose status is not 'failed'."""
    if not reports_csv.exists():
        raise NotebookFailed(
            f"{reports_csv.relative_to(ROOT)} does not exist: run `make data` first "
            "(briefings are made for the body-years it lists)."
        )
    with reports_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    missing = {"report_id", "body", "year"} - set(rows[0] if rows else {"report_id", "body", "year"})
    if missing:
        raise NotebookFailed(f"{reports_csv} lacks the columns {sorted(missing)}")
    return [r for r in rows if (r.get("status") or "").strip().lower() != "failed"]


def briefing_run(body: str, year: int | str, reports: list[dict], executed: Path, lang: str | None = None) -> Run:
    """The briefing for one body-year; its slug is the report_id from reports.csv."""
    matches = [r for r in reports if r["body"].strip() == body.strip() and str(r["year"]).strip() == str(year).strip()]
    if not matches:
        known = "\n".join(f"  {r['body']} {r['year']}" for r in reports) or "  (none)"
        raise NotebookFailed(f"No report for body {body!r} and year {year} in reports.csv. Known body-years:\n{known}")
    parameters: dict = {"body": matches[0]["body"].strip(), "year": int(str(matches[0]["year"]).strip())}
    if lang:
        parameters["lang"] = lang
    return Run(BRIEFING, executed / f"briefing_{slugify(matches[0]['report_id'])}.ipynb", parameters)


def all_briefing_runs(reports: list[dict], executed: Path, lang: str | None = None) -> list[Run]:
    seen: set[tuple[str, str]] = set()
    runs = []
    for r in reports:
        key = (r["body"].strip(), str(r["year"]).strip())
        if key not in seen:
            seen.add(key)
            runs.append(briefing_run(key[0], key[1], reports, executed, lang))
    return runs


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def newest_input_mtime(inputs: list[Path] = INPUTS) -> float:
    """Latest modification time among helpers.py, nianbao/ and data/ (tables and label files; 0 when none exist)."""
    times = [0.0]
    for p in inputs:
        if p.is_file():
            times.append(p.stat().st_mtime)
        elif p.is_dir():
            times += [q.stat().st_mtime for q in p.rglob("*") if q.is_file() and "__pycache__" not in q.parts]
    return max(times)


def is_fresh(executed: Path, source: Path, parameters: dict | None = None, allow_failed: bool = False) -> bool:
    """An executed copy can stand for a new run: it ran this very notebook with the same parameters after its
    inputs last changed, without error (or, with allow_failed, with the error it recorded: a new run would fail
    the same way)."""
    import nbformat

    if not executed.exists():
        return False
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return False
    stamp = nb.metadata.get("nianbao_build", {})
    return (
        stamp.get("status") in (("ok", "failed") if allow_failed else ("ok",))
        and stamp.get("source_sha256") == sha256(source)
        and (stamp.get("parameters") or {}) == (parameters or {})
        and executed.stat().st_mtime >= newest_input_mtime()
    )


def kernel_environment() -> None:
    """The kernel inherits this process's environment: put the repository root on PYTHONPATH."""
    paths = [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def describe_failure(run: Run, error: Exception) -> str:
    """A message naming the notebook, the cell and the error, with the end of the traceback."""
    where = run.source.relative_to(ROOT) if run.source.is_relative_to(ROOT) else run.source
    cell = getattr(error, "cell_index", None)
    count = getattr(error, "exec_count", None)
    ename, evalue = getattr(error, "ename", type(error).__name__), getattr(error, "evalue", str(error))
    head = f"{where} failed"
    if run.parameters:
        head += f" (parameters {run.parameters})"
    if cell is not None:
        head += f" in cell {cell}" + (f" (In [{count}])" if count else "")
    lines = [f"{head}: {ename}: {ANSI.sub('', str(evalue))}"]
    source = getattr(error, "source", "") or ""
    if source:
        lines.append("  cell source:")
        lines += [f"    {line}" for line in source.splitlines()[:12]]
    tb = [ANSI.sub("", t) for t in getattr(error, "traceback", []) or []]
    if tb:
        lines.append("  traceback (last lines):")
        lines += [f"    {line}" for line in "\n".join(tb).splitlines()[-15:]]
    lines.append(f"  executed copy with the full traceback: {run.output}")
    return "\n".join(lines)


def stamp(run: Run, status: str, seconds: float) -> None:
    """Record what was run in the executed copy's metadata (read by is_fresh and by the tests)."""
    import nbformat

    if not run.output.exists():
        return
    nb = nbformat.read(run.output, as_version=4)
    nb.metadata["nianbao_build"] = {
        "source": run.source.name,
        "source_sha256": sha256(run.source),
        "parameters": run.parameters,
        "status": status,
        "seconds": round(seconds, 1),
    }
    nbformat.write(nb, run.output)


@contextlib.contextmanager
def captured_stderr(lines: list[str]):
    """Collect what the kernel process and papermill write to stderr (file descriptor 2), less known noise."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            log.seek(0)
            text = log.read().decode("utf-8", "replace")
            lines += [line for line in text.splitlines() if line.strip() and not any(n in line for n in KERNEL_NOISE)]


def execute(run: Run) -> float:
    """Run one notebook in a fresh kernel; returns seconds, raises NotebookFailed with a readable message."""
    import papermill as pm

    run.output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    log = run.log = []
    try:
        with captured_stderr(log):
            pm.execute_notebook(
                str(run.source),
                str(run.output),
                parameters=run.parameters or None,
                kernel_name=KERNEL,
                cwd=str(run.source.parent),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT_S,
            )
    except Exception as error:  # PapermillExecutionError, a dead kernel, a bad notebook …
        seconds = time.perf_counter() - start
        stamp(run, "failed", seconds)
        message = describe_failure(run, error)
        if log:
            message += "\n  kernel/papermill log:\n" + "\n".join(f"    {line}" for line in log[-20:])
        raise NotebookFailed(message) from error
    seconds = time.perf_counter() - start
    stamp(run, "ok", seconds)
    return seconds


def run_all(runs: list[Run], keep_going: bool = False) -> list[str]:
    """Execute runs in order, printing progress; returns the failure messages."""
    kernel_environment()
    failures: list[str] = []
    total = len(runs)
    for i, run in enumerate(runs, 1):
        print(f"[{i}/{total}] {run.label} …", end=" ", flush=True)
        try:
            seconds = execute(run)
        except NotebookFailed as failure:
            print("FAILED", flush=True)
            print(failure, file=sys.stderr, flush=True)
            failures.append(str(failure).splitlines()[0])
            if not keep_going:
                break
        else:
            print(f"{seconds:.1f} s", flush=True)
            for line in run.log:  # warnings from papermill or the kernel process
                print(f"    {line}", file=sys.stderr, flush=True)
    return failures


def planned_runs(out: Path = EXECUTED) -> list[Run]:
    """What `make report` runs: every numbered notebook, then one briefing per body-year
    (or, without data/processed/reports.csv, the briefing with its default parameters)."""
    runs = [Run(nb, out / nb.name) for nb in numbered_notebooks()]
    if BRIEFING.exists():
        if REPORTS_CSV.exists():
            runs += all_briefing_runs(read_reports(), out)
        else:
            runs.append(Run(BRIEFING, out / "briefing_default.ipynb"))
    return runs


def current_executed(scratch: Path) -> Path:
    """A folder of executed copies that reflect the current notebooks, code and data, for the tests.

    build/executed/ itself when every copy there is current (as after `make test`); otherwise
    `scratch`, holding the current copies and fresh runs of the others (of the stale briefings,
    only the first, to keep the tests short). A run that fails keeps its error in its copy."""
    runs = planned_runs(EXECUTED)
    stale = [r for r in runs if not is_fresh(r.output, r.source, r.parameters, allow_failed=True)]
    if not stale:
        return EXECUTED
    scratch.mkdir(parents=True, exist_ok=True)
    for run in runs:
        if run not in stale:
            shutil.copy2(run.output, scratch / run.output.name)
    todo = [r for r in stale if r.source != BRIEFING] + [r for r in stale if r.source == BRIEFING][:1]
    print(f"\n{len(stale)} executed copies are missing or out of date: running {len(todo)} into {scratch}")
    run_all([Run(r.source, scratch / r.output.name, r.parameters) for r in todo], keep_going=True)
    return scratch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbered", action="store_true", help="run every numbered notebook (the default)")
    parser.add_argument("--briefing", nargs=2, metavar=("BODY", "YEAR"), help="run the briefing for one body-year")
    parser.add_argument("--all-briefings", action="store_true", help="one briefing per body-year in reports.csv")
    parser.add_argument("--lang", help="briefing language parameter (e.g. zh, en); the notebook's default if omitted")
    parser.add_argument("--keep-going", action="store_true", help="run the rest after a failure (still exits 1)")
    parser.add_argument("--if-stale", action="store_true",
                        help="skip notebooks whose executed copy is fresh (same notebook, newer than helpers.py, nianbao/, data/processed/)")
    parser.add_argument("--out", type=Path, default=EXECUTED, help="folder for executed copies (build/executed)")
    args = parser.parse_args(argv)

    numbered = args.numbered or not (args.briefing or args.all_briefings)
    runs: list[Run] = []
    try:
        if numbered:
            found = numbered_notebooks()
            if not found:
                raise NotebookFailed(f"no numbered notebooks (NN_*.ipynb) in {NOTEBOOKS}")
            runs += [Run(nb, args.out / nb.name) for nb in found]
        if args.briefing or args.all_briefings:
            if not BRIEFING.exists():
                raise NotebookFailed(f"{BRIEFING.relative_to(ROOT)} does not exist")
            reports = read_reports()
            if args.briefing:
                runs.append(briefing_run(*args.briefing, reports, args.out, args.lang))
            if args.all_briefings:
                briefings = all_briefing_runs(reports, args.out, args.lang)
                keep = {r.output for r in briefings}
                for stale in args.out.glob("briefing_*.ipynb"):  # reports no longer in the data
                    if stale not in keep:
                        stale.unlink()
                        for figure in FIGURES.glob(f"{stale.stem}_*.*"):  # and their charts in the gallery
                            figure.unlink()
                runs += [r for r in briefings if r not in runs]
    except NotebookFailed as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2

    if args.if_stale:
        fresh = [r for r in runs if is_fresh(r.output, r.source, r.parameters)]
        if fresh:
            print(f"{len(fresh)} of {len(runs)} executed copies are up to date; running the other {len(runs) - len(fresh)}")
        runs = [r for r in runs if r not in fresh]
    start = time.perf_counter()
    failures = run_all(runs, keep_going=args.keep_going)
    elapsed = time.perf_counter() - start
    if failures:
        print(f"\n{len(failures)} of {len(runs)} notebooks failed ({elapsed:.0f} s):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    where = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"{len(runs)} notebooks executed in {elapsed:.0f} s → {where}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
