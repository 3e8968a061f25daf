"""Shared fixtures. Keep this small: fixtures used by one test file live in that file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The build scripts (scripts/run_notebooks.py, scripts/build_site.py) are imported by the tests.
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="session")
def executed_dir(tmp_path_factory) -> Path:
    """Executed copies of every notebook, current with the code and data: build/executed/ after
    `make test`, else a temporary folder where the missing or stale ones were just run."""
    import run_notebooks

    return run_notebooks.current_executed(tmp_path_factory.mktemp("executed"))
