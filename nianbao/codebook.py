"""The canonical codes (copied from the format specification), their labels and the rules code needs, read from
package data: each item's outcome group, the formats in which a blank cell counts as 0, which 2021 rows align to
2019's single （六） row, the review blocks, the check definitions and what each missing-number mark means."""

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
    group: str  # outcome group of a table 三 item (granted … other, carried_forward); "" where none
    blank_as_zero: tuple[str, ...]  # formats in which a blank, "/", "—" or "无" in this item counts as 0
    aligns_to: str  # the 2019 item this 2021 row is part of (（六） 1–3 → other); "" where none
    block: str  # table 四 block (review, litigation_direct, litigation_after_review); "" elsewhere
    result: str  # table 四 result within the block (upheld, corrected, other, pending, total)


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
            tuple(row["formats"].split(";")), row["unit"], row["kind"], row["group"],
            tuple(f for f in row["blank_as_zero"].split(";") if f), row["aligns_to"], row["block"], row["result"],
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


@dataclass(frozen=True)
class Check:
    check: str
    severity: str
    label_zh: str
    label_en: str
    meaning_zh: str
    meaning_en: str


@cache
def checks() -> dict[str, Check]:
    """The validator's checks (S1 … metadata), in the order readers see them."""
    return {row["check"]: Check(**row) for row in _rows("checks.csv")}


@cache
def review_blocks() -> dict[str, str]:
    """The three blocks of table 四 and their Chinese names, in printed order."""
    return {block: label_zh for block, (label_zh, _) in review_block_labels().items()}


@cache
def review_block_labels() -> dict[str, tuple[str, str]]:
    """The three blocks of table 四 with their Chinese and English names, in printed order."""
    return {row["block"]: (row["label_zh"], row["label_en"]) for row in _rows("review_blocks.csv")}


@cache
def zero_marks() -> frozenset[str]:
    """The ``missing`` reasons that stand for 0 where the codebook says a blank counts (blank, "/", "—", "无")."""
    return frozenset(row["missing"] for row in _rows("missing.csv") if row["counts_as_zero"] == "yes")


def counts_as_zero(item: str, report_format: str, missing: str) -> bool:
    """True when a cell of ``item`` printed without a number (``missing``) counts as 0 in a report of this format.

    A report whose format could not be told counts the blank as 0 when every format of the item does.
    """
    if missing not in zero_marks():
        return False
    known = items()[item]
    if not report_format:
        return set(known.formats) <= set(known.blank_as_zero)
    return report_format in known.blank_as_zero


def outcome_items(one_row: bool) -> list[str]:
    """The table 三 rows that add up to （七）总计: （六） as the single row ``other`` or as its three rows."""
    return [i.code for i in items().values()
            if i.group and i.group != "carried_forward" and (not i.aligns_to if one_row else i.code != "other")]


@cache
def aligned_rows(item: str) -> tuple[str, ...]:
    """The 2021 rows that together correspond to a 2019 item (``other`` → （六） 1–3)."""
    return tuple(i.code for i in items().values() if i.aligns_to == item)


def numbered_items(group: str) -> list[str]:
    """The numbered rows of a table 三 group in printed order (（三）1–8 …); the group's own single row is not one."""
    return [i.code for i in items().values() if i.group == group and i.code != group]
