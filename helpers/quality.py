"""How far the numbers can be trusted: cells by how they were read, numbers resting on findings, contradicted totals.

These read the engine's ``missing``, ``flag`` and ``derived`` columns and the validator's findings; they never judge a
number themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .data import Corpus


def marked_reports(*tables: pd.DataFrame) -> list[str]:
    """Reports with a number resting on a finding in any of the tables (their ``rests_on`` is not empty)."""
    ids: dict[str, None] = {}
    for t in tables:
        rows = t[t["rests_on"] != ""]
        key = rows["report_id"] if "report_id" in rows else rows.index.get_level_values(0)
        ids.update(dict.fromkeys(map(str, key)))
    return list(ids)


def contradicted(corpus: Corpus, items: Sequence[str]) -> pd.Series:
    """Per report, True where an error finding names one of ``items`` (a printed total its parts contradict)."""
    t = corpus.finding_cells
    errors = t["severity"] == "error"
    hit = t.loc[errors & t["item"].isin(items), "report_id"].astype(str)
    return pd.Series(corpus.report_ids(), index=corpus.report_ids()).isin(set(hit))


CELL_STATUSES = ["number", "flagged", "zero_mark", "derived", "ambiguous", "other"]


def cell_status(corpus: Corpus) -> pd.DataFrame:
    """Printed cells per report by how they were read: a number, a number read with a flag, a blank or mark counted
    as 0, a number derived by the engine, ambiguous, or other (e.g. a blank that is not 0); columns prefixed
    ``cell_status.``."""
    v = corpus.values
    # Comparisons on the categoricals compare codes, and the counts are a bincount: no string per row.
    derived = v["derived"]
    status = np.select(
        [(v["missing"] == "ambiguous").to_numpy(), v["value"].notna().to_numpy() & (v["flag"] != "").to_numpy(),
         v["value"].notna().to_numpy(), derived.isin(["blank_as_zero", "mark_as_zero"]).to_numpy(),
         (derived != "").to_numpy()],
        [CELL_STATUSES.index(s) for s in ("ambiguous", "flagged", "number", "zero_mark", "derived")],
        default=CELL_STATUSES.index("other"))
    reports = corpus.reports["report_id"]
    counts = np.bincount(v["report_id"].cat.codes.to_numpy().astype(np.int64) * len(CELL_STATUSES) + status,
                         minlength=len(reports) * len(CELL_STATUSES)).reshape(len(reports), len(CELL_STATUSES))
    return pd.DataFrame(counts, index=pd.Index(reports.astype(str), name="report_id"),
                        columns=[f"cell_status.{c}" for c in CELL_STATUSES])


def unknown_cells(corpus: Corpus, section: str) -> pd.Series:
    """Per report, how many of its printed cells in ``section`` carry no number (ambiguous, unreadable)."""
    v = corpus.values
    rows = v[(v["section"] == section) & v["number"].isna()]
    return rows.groupby("report_id", observed=False).size().reindex(corpus.report_ids()).fillna(0).astype(int)
