"""Execute one analysis notebook from a clean kernel with papermill.

    python -m publish.notebooks notebooks/01_corpus_and_data_quality.ipynb build/executed/01_corpus_and_data_quality.ipynb \
        --processed data/processed --figures figures [--lang zh]

The Makefile calls this once per notebook (make decides which are stale). The notebook gets the papermill
parameters ``processed``, ``figures`` and ``lang``; its kernel runs in notebooks/. The executed copy is written to
OUTPUT only when every cell ran: a failed run leaves no OUTPUT (and removes an older one) (so the site, which depends on it, is not built from
it), writes its copy with the traceback to ``failed/`` beside OUTPUT for the developer, and exits 1 with a message
naming the notebook, the cell and the error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

KERNEL = "python3"
CELL_TIMEOUT_S = 900
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Kernel log lines that say nothing about the notebook (ipykernel 7 warns about TCP at every start,
# and may log an interrupt while it is shut down).
KERNEL_NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


class NotebookFailed(RuntimeError):
    pass


def failed_copy(output: Path) -> Path:
    """Where a failed run's executed copy goes: OUTPUT's folder/failed/, never where the site looks."""
    return output.parent / "failed" / output.name


def describe_failure(source: Path, error: Exception, copy: Path) -> str:
    """A message naming the notebook, the cell and the error, with the end of the traceback."""
    cell = getattr(error, "cell_index", None)
    count = getattr(error, "exec_count", None)
    ename, evalue = getattr(error, "ename", type(error).__name__), getattr(error, "evalue", str(error))
    head = f"{source} failed"
    if cell is not None:
        head += f" in cell {cell}" + (f" (In [{count}])" if count else "")
    lines = [f"{head}: {ename}: {ANSI.sub('', str(evalue))}"]
    cell_source = getattr(error, "source", "") or ""
    if cell_source:
        lines += ["  cell source:"] + [f"    {line}" for line in cell_source.splitlines()[:12]]
    tb = [ANSI.sub("", t) for t in getattr(error, "traceback", []) or []]
    if tb:
        lines += ["  traceback (last lines):"] + [f"    {line}" for line in "\n".join(tb).splitlines()[-15:]]
    lines.append(f"  executed copy with the full traceback: {copy}")
    return "\n".join(lines)


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


def drop_own_figures(figures: Path, notebook: str) -> None:
    """Remove the charts a previous run of this notebook wrote (their sidecar names it), so that a chart the
    notebook no longer draws does not linger in the site."""
    for sidecar in figures.glob("*.json"):
        try:
            owner = json.loads(sidecar.read_text(encoding="utf-8")).get("notebook")
        except (OSError, ValueError):
            continue
        if owner == notebook:
            for path in figures.glob(f"{sidecar.stem}.*"):
                path.unlink()


def execute(source: Path, output: Path, parameters: dict) -> tuple[float, list[str]]:
    """Run SOURCE in a fresh kernel into OUTPUT (atomically); returns seconds and the kernel's log lines."""
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.partial.ipynb")
    log: list[str] = []
    start = time.perf_counter()
    try:
        with captured_stderr(log):
            pm.execute_notebook(
                str(source), str(partial), parameters=parameters, kernel_name=KERNEL,
                cwd=str(source.resolve().parent), progress_bar=False, log_output=False,
                execution_timeout=CELL_TIMEOUT_S,
            )
    except Exception as error:  # PapermillExecutionError, a dead kernel, a bad notebook …
        copy = failed_copy(output)
        output.unlink(missing_ok=True)  # an older copy no longer stands for this notebook
        if partial.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            partial.replace(copy)
        message = describe_failure(source, error, copy)
        if log:
            message += "\n  kernel/papermill log:\n" + "\n".join(f"    {line}" for line in log[-20:])
        raise NotebookFailed(message) from error
    partial.replace(output)
    failed_copy(output).unlink(missing_ok=True)
    return time.perf_counter() - start, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the notebook (notebooks/NN_name.ipynb)")
    parser.add_argument("output", type=Path, help="its executed copy (build/executed/NN_name.ipynb)")
    parser.add_argument("--processed", type=Path, required=True, help="the tidy tables (data/processed)")
    parser.add_argument("--figures", type=Path, required=True, help="where the charts go (figures)")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args(argv)

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    args.figures.mkdir(parents=True, exist_ok=True)
    drop_own_figures(args.figures, args.source.stem)
    parameters = {"processed": str(args.processed.resolve()), "figures": str(args.figures.resolve()),
                  "lang": args.lang}
    print(f"{args.source.name} …", end=" ", flush=True)
    try:
        seconds, log = execute(args.source, args.output, parameters)
    except NotebookFailed as failure:
        print("FAILED", flush=True)
        print(failure, file=sys.stderr, flush=True)
        return 1
    print(f"{seconds:.1f} s", flush=True)
    for line in log:  # warnings from papermill or the kernel process
        print(f"    {line}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
