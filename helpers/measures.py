"""The field's measures over a :class:`~helpers.data.Corpus` (spec: report-format.md, "Measures used in the field").

Every measure returns one row per report (or per report and applicant) with ``num``, ``den``, ``rate`` (NaN when the
denominator is unknown or not positive), ``small`` (den < :data:`SMALL_N`) and ``rests_on``: the checks whose findings
touch a cell of the numerator or denominator ("I3", "I1 I2"; "" when none), so that a number resting on a
contradiction is marked wherever it is shown. Item groups and review blocks come from the codebook; the numbers are
the engine's ``number`` column (blanks, totals and the （六） merge are derived there, never here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import pandas as pd

from nianbao import codebook

from .data import Corpus
from .quality import contradicted

#: A rate over fewer cases than this is marked as resting on a small number.
SMALL_N = 10
#: The six outcome groups of table 三, in printed order, as the codebook's ``group`` column names them (结转 aside).
OUTCOME_GROUPS = [g for g in dict.fromkeys(i.group for i in codebook.items().values()) if g and g != "carried_forward"]


def group_items(corpus: Corpus, group: str) -> list[str]:
    """Table 三 items of one outcome group (codebook ``group``); a group printed as one row ("other") is that row.

    （六） is the row ``other`` in every report: printed in the 2019 format, derived by the engine from its three 2021
    rows otherwise; its three detail rows are never summed again here.
    """
    cb = corpus.codebook
    items = list(cb.loc[(cb["section"] == "applications") & (cb["group"] == group), "code"])
    return [group] if group in items else items


def block_items(corpus: Corpus, block: str) -> dict[str, str]:
    """Table 四 items of one block (codebook ``block``): result ("upheld", "total", …) → item code."""
    cb = corpus.codebook
    rows = cb[(cb["section"] == "review_litigation") & (cb["block"] == block)]
    if rows.empty:
        raise ValueError(f"no review/litigation block {block!r} in the codebook")
    return dict(zip(rows["result"], rows["code"]))


def review_blocks(corpus: Corpus) -> list[str]:
    """The table 四 blocks in codebook order: review, litigation_direct, litigation_after_review."""
    cb = corpus.codebook
    return list(dict.fromkeys(cb.loc[cb["section"] == "review_litigation", "block"]))


def _sum(table: pd.DataFrame, items: Sequence[str]) -> pd.Series:
    """Σ of items per row, unknown (NaN) when any of them is unknown or absent."""
    cols = table.reindex(columns=list(items))
    return cols.sum(axis=1, min_count=1).where(cols.notna().all(axis=1))


def rests_on(corpus: Corpus, items: Sequence[str]) -> pd.Series:
    """Per report, the checks (space-separated, sorted) whose findings touch one of ``items`` or their whole table."""
    t = corpus.finding_cells
    sections = set(corpus.codebook.loc[corpus.codebook["code"].isin(items), "section"])
    hit = t["item"].isin(items) | ((t["item"] == "") & t["section"].isin(sections))
    checks = t[hit].groupby("report_id", observed=True)["check"].agg(lambda c: " ".join(sorted(set(c))))
    return checks.reindex(corpus.report_ids()).fillna("")


def ratio(corpus: Corpus, num_items: Sequence[str], den_items: Sequence[str], *, by_applicant: bool = False,
          den_minus: Sequence[str] = ()) -> pd.DataFrame:
    """num = Σ num_items, den = Σ den_items − Σ den_minus, over the total cells (or per applicant of table 三)."""
    table = corpus.by_applicant if by_applicant else corpus.cells
    num, den = _sum(table, num_items), _sum(table, den_items)
    if den_minus:
        den = den - _sum(table, den_minus)
    out = pd.DataFrame({"num": num, "den": den})
    out["rate"] = out["num"] / out["den"].where(out["den"] > 0)
    out["small"] = out["den"] < SMALL_N
    marks = rests_on(corpus, [*num_items, *den_items, *den_minus])
    ids = out.index.get_level_values("report_id").astype(str)
    out["rests_on"] = marks.reindex(ids).to_numpy()
    return out


def release_rate_substantive(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """公开率, substantive framing (spec; the US Justice Department's): (予以公开 + 部分公开) / (予以公开 + 部分公开 + 不予公开)."""
    released = ["granted", "partially_granted"]
    return ratio(corpus, released, released + group_items(corpus, "refused"), by_applicant=by_applicant)


def release_rate_strict(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """公开率, strict framing (spec; the Associated Press counter-reading): 予以公开 / （七）总计."""
    return ratio(corpus, ["granted"], ["total"], by_applicant=by_applicant)


def unable_rate(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """无法提供率 (spec): Σ（四）无法提供 1–3 / （七）总计."""
    return ratio(corpus, group_items(corpus, "unable"), ["total"], by_applicant=by_applicant)


def not_held_share(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """本机关不掌握 (spec; the US "no records"): （四）1.本机关不掌握相关政府信息 / （七）总计."""
    return ratio(corpus, ["unable.not_held"], ["total"], by_applicant=by_applicant)


def not_processed_rate(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """不予处理率 (spec): Σ（五）不予处理 1–5 / （七）总计."""
    return ratio(corpus, group_items(corpus, "not_processed"), ["total"], by_applicant=by_applicant)


def other_rate(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """其他处理率 (spec): （六）其他处理 / （七）总计 (（六） as one row in every format)."""
    return ratio(corpus, group_items(corpus, "other"), ["total"], by_applicant=by_applicant)


def completion_rate(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """办结率 (spec): （七）总计 / (一、本年新收 + 二、上年结转)."""
    return ratio(corpus, ["total"], ["received", "carried_over"], by_applicant=by_applicant)


def carry_forward_rate(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """结转率 (spec): 四、结转下年度继续办理 / (一、本年新收 + 二、上年结转)."""
    return ratio(corpus, ["carried_forward"], ["received", "carried_over"], by_applicant=by_applicant)


def correction_rate(corpus: Corpus, block: str = "review") -> pd.DataFrame:
    """复议/诉讼纠错率 (spec) of one table 四 block: 结果纠正 / (总计 − 尚未审结)."""
    b = block_items(corpus, block)
    return ratio(corpus, [b["corrected"]], [b["total"]], den_minus=[b["pending"]])


def dispute_rate(corpus: Corpus) -> pd.DataFrame:
    """争议转化率: (行政复议 + 行政诉讼) / 一、本年新收, 行政诉讼 = 未经复议直接起诉 + 复议后起诉 (table 四 总计)."""
    totals = [block_items(corpus, b)["total"] for b in review_blocks(corpus)]
    return ratio(corpus, totals, ["received"])


def correction_conversion_rate(corpus: Corpus) -> pd.DataFrame:
    """纠错转化率: 结果纠正 (复议 + 两类诉讼) / 一、本年新收."""
    corrected = [block_items(corpus, b)["corrected"] for b in review_blocks(corpus)]
    return ratio(corpus, corrected, ["received"])


#: The per-report measures by name, in the order of every table; their labels are in data/labels.csv.
MEASURES: dict[str, Callable[[Corpus], pd.DataFrame]] = {
    "release_rate_substantive": release_rate_substantive,
    "release_rate_strict": release_rate_strict,
    "unable_rate": unable_rate,
    "not_held_share": not_held_share,
    "not_processed_rate": not_processed_rate,
    "other_rate": other_rate,
    "completion_rate": completion_rate,
    "carry_forward_rate": carry_forward_rate,
    **{f"correction_rate.{block}": partial(correction_rate, block=block) for block in codebook.review_blocks()},
    "dispute_rate": dispute_rate,
    "correction_conversion_rate": correction_conversion_rate,
}


def measure_table(corpus: Corpus, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """Every measure of every report, long: report_id, measure, num, den, rate, small, rests_on, handled."""
    names = list(measures or MEASURES)
    parts = [MEASURES[m](corpus).assign(measure=m) for m in names]
    out = pd.concat(parts).reset_index()
    out["handled"] = out["report_id"].map(corpus.cells["total"]) if "total" in corpus.cells else np.nan
    out["measure"] = pd.Categorical(out["measure"], categories=names, ordered=True)
    return out[["report_id", "measure", "num", "den", "rate", "small", "rests_on", "handled"]]


def group_counts(corpus: Corpus, by_applicant: bool = False) -> pd.DataFrame:
    """Table 三 by outcome group: one column per group (the six and carried_forward), Σ of the group's items."""
    table = corpus.by_applicant if by_applicant else corpus.cells
    groups = OUTCOME_GROUPS + ["carried_forward"]
    return pd.DataFrame({g: _sum(table, group_items(corpus, g)) for g in groups})


def outcome_mix(corpus: Corpus) -> pd.DataFrame:
    """Outcome mix per report: the six groups' counts, ``handled`` = their Σ, and each group's share of it.

    The base is the sum of the six groups so that shares add to 100 %; where the printed （七）总计 differs, the
    report's I1 finding says so (``rests_on``).
    """
    counts = group_counts(corpus)[OUTCOME_GROUPS]
    handled = counts.sum(axis=1, min_count=1).where(counts.notna().all(axis=1))
    shares = counts.div(handled.where(handled > 0), axis=0)
    items = [i for g in OUTCOME_GROUPS for i in group_items(corpus, g)] + ["total"]
    out = pd.concat({"count": counts, "share": shares}, axis=1)
    out[("handled", "")] = handled
    out[("rests_on", "")] = rests_on(corpus, items)
    return out


def reason_shares(corpus: Corpus) -> pd.DataFrame:
    """Each reason of not releasing ((三) 1–8, (四) 1–3, (五) 1–5, (六)) per report: count and share of （七）总计, long."""
    items = [i for g in OUTCOME_GROUPS[2:] for i in group_items(corpus, g)]
    cells = corpus.cells.reindex(columns=items + ["total"])
    long = cells[items].rename_axis(columns="item").stack(future_stack=True).rename("count").reset_index()
    long["handled"] = long["report_id"].map(cells["total"])
    long["share"] = long["count"] / long["handled"].where(long["handled"] > 0)
    groups = corpus.codebook.drop_duplicates("code").set_index("code")["group"]
    long["group"] = long["item"].map(groups)
    long["item"] = pd.Categorical(long["item"], categories=items, ordered=True)
    return long


def pooled_reason_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Reasons ranked by share of all handled requests, pooled: Σ count / Σ （七）总计 (reports with a known 总计)."""
    known = shares[shares["handled"].notna() & shares["count"].notna()]
    handled = known.drop_duplicates("report_id")["handled"].sum()
    out = known.groupby("item", observed=True).agg(count=("count", "sum"), group=("group", "first")).reset_index()
    out["handled"] = handled
    out["share"] = out["count"] / handled if handled else np.nan
    return out.sort_values("share", ascending=False).reset_index(drop=True)


def review_table(corpus: Corpus) -> pd.DataFrame:
    """Table 四 per report and block: upheld, corrected, other, pending, total (long index report_id, block)."""
    parts = {}
    for b in review_blocks(corpus):
        items = block_items(corpus, b)
        parts[b] = corpus.cells.reindex(columns=list(items.values())).set_axis(list(items), axis=1)
    out = pd.concat(parts, names=["block"]).swaplevel().sort_index(level=0, sort_remaining=False)
    return out.reindex(pd.MultiIndex.from_product([corpus.report_ids(), list(parts)], names=["report_id", "block"]))


def pooled_mix(mix: pd.DataFrame) -> pd.Series:
    """Each outcome group's share of all handled requests pooled over reports with a known mix: Σ count / Σ handled."""
    known = mix[mix["handled"].notna()]
    return known["count"].sum() / known["handled"].sum() if len(known) else known["count"].sum() * np.nan


def applicant_pooled(corpus: Corpus) -> pd.DataFrame:
    """Per applicant type, pooled over reports: received (一), total handled (（七）), granted, strict release rate."""
    t = corpus.by_applicant.reindex(columns=["received", "granted", "total"])
    t = t[t.notna().all(axis=1)].groupby(level="applicant", observed=True).sum()
    order = corpus.codebook.loc[corpus.codebook["section"] == "applicant", "code"]
    t = t.reindex([a for a in order if a in t.index and a != "total"])  # codebook order, not alphabetical
    out = t.rename(columns={"granted": "num", "total": "den"})
    out["rate"] = out["num"] / out["den"].where(out["den"] > 0)
    out["small"] = out["den"] < SMALL_N
    out["rests_on"] = ""
    out["share"] = out["received"] / out["received"].sum()
    return out


def review_totals(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 四 总计 per report (rows) and block (columns), and where each total contradicts its parts (bool)."""
    blocks = review_blocks(corpus)
    totals = review_table(corpus)["total"].unstack("block").reindex(index=corpus.report_ids(), columns=blocks)
    bad = pd.DataFrame({b: contradicted(corpus, [block_items(corpus, b)["total"]]) for b in blocks})
    return totals, bad.reindex(totals.index)


def pooled_rates(rates: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each measure pooled over the reports whose numerator and denominator are known and not negative (a total that
    contradicts its parts can make 总计 − 尚未审结 negative): Σ num / Σ den, with the number of reports pooled."""
    rows = {}
    for name, r in rates.items():
        known = r[r["num"].notna() & r["den"].notna() & (r["den"] >= 0)]
        num, den = known["num"].sum(), known["den"].sum()
        rows[name] = {"num": num, "den": den, "rate": num / den if den > 0 else np.nan, "small": den < SMALL_N,
                      "rests_on": "", "reports": len(known)}
    return pd.DataFrame(rows).T.astype({"num": float, "den": float, "rate": float, "small": bool, "reports": int})
