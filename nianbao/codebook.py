"""The canonical codes (copied from the format specification) and their labels, read from package data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Item:
    section: str
    code: str
    label_zh: str
    label_en: str
    formats: tuple[str, ...]
    unit: str
    kind: str


@dataclass(frozen=True)
class Applicant:
    code: str
    label_zh: str
    label_en: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("nianbao.spec").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def items() -> dict[str, Item]:
    """Every item code, in the codebook's order."""
    return {
        row["item"]: Item(
            row["section"], row["item"], row["label_zh"], row["label_en"],
            tuple(row["formats"].split(";")), row["unit"], row["kind"],
        )
        for row in _rows("codebook.csv")
    }


@cache
def applicants() -> dict[str, Applicant]:
    """The seven columns of table 三, in printed order."""
    return {row["applicant"]: Applicant(row["applicant"], row["label_zh"], row["label_en"]) for row in _rows("applicants.csv")}


@cache
def _positions() -> dict[str, int]:
    return {code: position for position, code in enumerate(items())}


def order(code: str) -> int:
    """Position of an item code in the codebook, for sorting."""
    return _positions()[code]
