"""Every notebook in notebooks/ runs from a clean kernel without error and writes the figures it promises.

A notebook promises figures in its metadata: nb.metadata["nianbao"]["figures"] = ["name", ...]
(an empty list when it draws none); each must exist as figures/<name>.png (≥ 200 dpi), .svg and
.json (the caption sidecar that helpers.save_figure writes). In briefing.ipynb the names may
contain {report_id}, {body} and {year}, filled in for each body-year it ran for.

The executed copies that `make test` / `make report` leave in build/executed/ are reused when they
are current (same notebook, run after helpers.py, nianbao/ and data/processed/ last changed; a copy
that failed shows its recorded error); otherwise the notebooks are executed into a temporary
folder (fixture executed_dir in conftest.py).
"""

from __future__ import annotations

import json

import nbformat
import pytest
from PIL import Image

import run_notebooks as rn

SOURCES = rn.numbered_notebooks() + ([rn.BRIEFING] if rn.BRIEFING.exists() else [])
FIGURES = rn.ROOT / "figures"
MIN_DPI = 199.5  # 200 dpi is stored as 7874 px/m, which reads back as 199.9994


@pytest.fixture(scope="session")
def executed(executed_dir):
    """source notebook -> its executed copies (one per body-year for the briefing)."""

    def get(source):
        if source == rn.BRIEFING:
            copies = sorted(executed_dir.glob("briefing_*.ipynb"))
        else:
            copies = [executed_dir / source.name] if (executed_dir / source.name).exists() else []
        if not copies:
            pytest.fail(f"{source.name} left no executed copy in {executed_dir}: it could not be run (see the log above)",
                        pytrace=False)
        return copies

    return get


def _errors(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def _promised_figures(source, copy) -> list[str]:
    meta = nbformat.read(source, as_version=4).metadata.get("nianbao", {})
    assert "figures" in meta, (
        f"{source.name} must list the figures it writes in its metadata: "
        '"nianbao": {"figures": ["name", ...]} (an empty list if none)'
    )
    params = nbformat.read(copy, as_version=4).metadata.get("papermill", {}).get("parameters", {}) or {}
    fields = {"body": params.get("body", ""), "year": params.get("year", ""),
              "report_id": copy.stem.removeprefix("briefing_")}
    return [name.format(**fields) for name in meta["figures"]]


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_notebook_executes_from_a_clean_kernel_without_error(source, executed):
    for copy in executed(source):
        nb = nbformat.read(copy, as_version=4)
        assert not _errors(nb), f"{source.name} raised in {copy}: {_errors(nb)}"
        assert nb.metadata.get("papermill", {}).get("exception") in (None, False)
        code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        assert all(c.get("execution_count") for c in code), f"{copy.name}: some code cells did not run"


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_notebook_writes_the_figures_it_promises_as_png_and_svg_with_caption(source, executed):
    for copy in executed(source):
        for name in _promised_figures(source, copy):
            png, svg, sidecar = (FIGURES / f"{name}{ext}" for ext in (".png", ".svg", ".json"))
            assert png.exists() and svg.exists(), f"{source.name} promised {name}: missing {png.name} or {svg.name}"
            with Image.open(png) as image:
                dpi = image.info.get("dpi", (0, 0))
            assert min(dpi) >= MIN_DPI, f"{png.name} is saved at {dpi} dpi, needs ≥ 200"
            assert sidecar.exists(), f"{name}: no caption sidecar {sidecar.name} (helpers.save_figure writes it)"
            caption = json.loads(sidecar.read_text(encoding="utf-8"))
            assert caption.get("title") and "caption" in caption, f"{sidecar.name} needs a title and a caption"


def test_there_are_notebooks_to_test():
    assert rn.numbered_notebooks(), "notebooks/ holds no numbered notebook (NN_*.ipynb)"
