"""Every numbered notebook runs from a clean kernel without error and writes the figures it promises.

A notebook promises figures in its metadata: nb.metadata["nianbao"]["figures"] = ["name", ...] (an empty list when
it draws none); each must exist as figures/<name>.png (≥ 200 dpi), .svg and .json (the caption sidecar that
helpers.save_figure writes).

The executed copies are those make built (build/executed/): make decides whether each is current. Inside `make test`
they have just been built, and one that is missing or stale failed (its copy with the traceback is in
build/executed/failed/, and its error is shown here); run alone, these tests ask make to build them first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from publish import notebooks as runner

ROOT = Path(__file__).resolve().parents[1]
# Every numbered notebook, or the subset NOTEBOOKS names (as the Makefile reads it).
NOTEBOOKS = [ROOT / n for n in os.environ["NOTEBOOKS"].split()] if os.environ.get("NOTEBOOKS") else \
    sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXECUTED = ROOT / "build" / "executed"
FIGURES = ROOT / "figures"
MIN_DPI = 199.5  # 200 dpi is stored as 7874 px/m, which reads back as 199.9994
MAKE_TIMEOUT_S = 3600  # catches a hang, not a slow build


def _make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=MAKE_TIMEOUT_S)


def _errors(nb) -> list[str]:
    return [f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
            for i, cell in enumerate(nb.cells) for out in cell.get("outputs", []) if out.get("output_type") == "error"]


@pytest.fixture(scope="module")
def executed() -> Path:
    """build/executed/, current by make's reckoning (built now when these tests run outside `make test`)."""
    targets = [str(EXECUTED.relative_to(ROOT) / nb.name) for nb in NOTEBOOKS]
    if _make("-q", *targets).returncode and not os.environ.get("MAKELEVEL"):
        _make("-k", *targets)
    return EXECUTED


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[s.name for s in NOTEBOOKS])
def test_notebook_executes_from_a_clean_kernel_without_error(source, executed):
    copy = executed / source.name
    target = str(copy.relative_to(ROOT))
    if _make("-q", target).returncode:
        failed = runner.failed_copy(copy)
        reason = f"its errors: {_errors(nbformat.read(failed, as_version=4))}" if failed.exists() else \
            "see the build log above"
        pytest.fail(f"{source.name} did not execute ({target} is missing or stale); {reason}", pytrace=False)
    nb = nbformat.read(copy, as_version=4)
    assert not _errors(nb), f"{source.name} raised in {copy}: {_errors(nb)}"
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{copy.name}: some code cells did not run"
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    assert parameters.get("processed") == str((ROOT / "data" / "processed").resolve())
    assert parameters.get("figures") == str(FIGURES.resolve()) and parameters.get("lang") == "zh"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[s.name for s in NOTEBOOKS])
def test_notebook_writes_the_figures_it_promises_as_png_and_svg_with_caption(source, executed):
    meta = nbformat.read(source, as_version=4).metadata.get("nianbao", {})
    assert "figures" in meta, (f"{source.name} must list the figures it writes in its metadata: "
                               '"nianbao": {"figures": ["name", ...]} (an empty list if none)')
    for name in meta["figures"]:
        png, svg, sidecar = (FIGURES / f"{name}{ext}" for ext in (".png", ".svg", ".json"))
        assert png.exists() and svg.exists(), f"{source.name} promised {name}: missing {png.name} or {svg.name}"
        with Image.open(png) as image:
            dpi = image.info.get("dpi", (0, 0))
        assert min(dpi) >= MIN_DPI, f"{png.name} is saved at {dpi} dpi, needs ≥ 200"
        caption = json.loads(sidecar.read_text(encoding="utf-8"))
        assert caption.get("title") and "caption" in caption, f"{sidecar.name} needs a title and a caption"
        assert caption.get("notebook") == source.stem, f"{sidecar.name} names {caption.get('notebook')!r}"


def test_a_failing_notebook_leaves_no_executed_copy_and_says_where_it_failed(tmp_path):
    """The runner writes OUTPUT only when every cell ran, so make never builds the site from a failed notebook."""
    broken = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('processed = "../data/processed"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('the table has no 总计 row')"),
    ])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = tmp_path / "99_broken.ipynb"
    nbformat.write(broken, source)
    output = tmp_path / "executed" / "99_broken.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "publish.notebooks", str(source), str(output), "--processed", str(tmp_path),
         "--figures", str(tmp_path / "figures")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert not output.exists()
    # cell 3: papermill puts the parameters it was given in a cell after the parameters cell
    assert "99_broken.ipynb failed in cell 3" in result.stderr and "ValueError: the table has no 总计 row" in result.stderr
    assert _errors(nbformat.read(runner.failed_copy(output), as_version=4))


def test_the_interactive_briefing_notebook_runs_for_its_default_report(tmp_path):
    """notebooks/briefing.ipynb is for JupyterLab (one body and year at a time; the site's briefings are built by
    publish.briefings in one process); it must still run as committed."""
    source = ROOT / "notebooks" / "briefing.ipynb"
    if not source.exists():
        pytest.skip("no briefing notebook")
    output = tmp_path / "briefing.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "publish.notebooks", str(source), str(output), "--processed",
         str(ROOT / "data" / "processed"), "--figures", str(tmp_path / "figures")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not _errors(nbformat.read(output, as_version=4))


def test_there_are_notebooks_to_test():
    assert NOTEBOOKS, "notebooks/ holds no numbered notebook (NN_*.ipynb)"
