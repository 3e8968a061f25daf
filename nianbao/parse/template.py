"""Tables 二, 三 and 四 as templates: their rows in printed order, each row's cells, and the sums inside a row.

Derived from the codebook and the column layouts of ``labels.py``; nothing here names a label of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao import codebook
from nianbao.parse.labels import DEFAULT_COLUMNS

APPLICANTS = tuple(codebook.applicants())
TOTAL_SUFFIX = "total"


@dataclass(frozen=True)
class TemplateRow:
    """One printed row: the item and applicant of each of its cells, left to right."""

    name: str  # the code (table 三), the item prefix (table 二), or the section (table 四's one row)
    items: tuple[str, ...]
    applicants: tuple[str, ...]
    sums: tuple[tuple[tuple[int, ...], int], ...] = ()  # (positions of the parts, position of their total)

    @property
    def width(self) -> int:
        return len(self.items)


def disclosure_rows(fmt: str) -> list[TemplateRow]:
    """Table 二's rows in the format's printed order, each with its columns."""
    return [TemplateRow(prefix, tuple(f"{prefix}.{s}" for s in suffixes), ("",) * len(suffixes))
            for prefix, suffixes in DEFAULT_COLUMNS[fmt].items()]


def application_rows(codes: list[str]) -> list[TemplateRow]:
    """Table 三's rows: seven applicant columns whose first six add up to 总计."""
    total = APPLICANTS.index(TOTAL_SUFFIX)
    parts = tuple(i for i in range(len(APPLICANTS)) if i != total)
    return [TemplateRow(code, (code,) * len(APPLICANTS), APPLICANTS, ((parts, total),)) for code in codes]


def review_rows() -> list[TemplateRow]:
    """Table 四's one row of blocks (行政复议, two kinds of 行政诉讼), each block's parts adding up to its 总计."""
    codes = tuple(item.code for item in codebook.items().values() if item.section == "review_litigation")
    sums = []
    for position, code in enumerate(codes):
        block, _, suffix = code.rpartition(".")
        if suffix == TOTAL_SUFFIX:
            sums.append((tuple(i for i, c in enumerate(codes) if c.startswith(block + ".") and i != position), position))
    return [TemplateRow("review_litigation", codes, ("",) * len(codes), tuple(sums))]
