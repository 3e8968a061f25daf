"""Shared fixtures. Keep this small: fixtures used by one test file live in that file."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus: the real reports kept outside the repository (may not exist on every machine)."""
    return ROOT.parent / "shared" / "corpus"
