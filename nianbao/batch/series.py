"""The cross-year checks (I4, I5: ``validate.check_series``) over a batch too large to hold: each report keeps
only the cells those checks read, and only the reports that meet a consecutive year of the same body are loaded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Protocol

from nianbao.model import Finding, Report, Value
from nianbao.validate import check_series

# The cells check_series reads (carry-over of requests, documents in force); tests/test_pipeline.py asserts that
# the checks over these alone equal the checks over whole reports.
_SERIES_ITEMS = {("applications", "carried_forward"), ("applications", "carried_over")} | {
    ("disclosure", f"{kind}.{state}") for kind in ("regulations", "normative_documents")
    for state in ("in_force", "issued", "repealed")}
SERIES_CHECKS = ("I4", "I5")


def series_values(report: Report) -> list[Value]:
    return [v for v in report.values if (v.section, v.item) in _SERIES_ITEMS]


class Summary(Protocol):
    report_id: str
    source_file: str
    status: str
    body: str
    year: int | None


def series_findings(summaries: Sequence[Summary], values_of: Callable[[Summary], list[Value]]
                    ) -> dict[str, list[Finding]]:
    """I4/I5 findings by report_id, as check_series gives them over the whole batch.

    ``summaries`` describe the batch's reports in batch order, without their values; ``values_of`` loads a
    report's series cells. check_series compares, per body, neighbours in a stable sort by year, so only the last
    report of a year and the first of the next can meet: those alone are loaded.
    """
    by_body: dict[str, list[Summary]] = {}
    for summary in summaries:
        if summary.status != "failed" and summary.body and summary.year:
            by_body.setdefault(summary.body, []).append(summary)
    findings: dict[str, list[Finding]] = {}
    for series in by_body.values():
        ordered = sorted(series, key=lambda s: s.year)
        meeting = {id(s) for pair in pairwise(ordered) if pair[1].year == pair[0].year + 1 for s in pair}
        loaded = [Report(s.report_id, s.source_file, body=s.body, year=s.year, values=values_of(s))
                  for s in series if id(s) in meeting]
        findings.update(check_series(loaded))
    return findings
