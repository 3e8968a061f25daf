"""Notebook-facing helpers: load the processed tables, compute the field's measures, draw charts in house style.

Every measure follows the format specification ("Measures used in the field" in report-format.md, the project's
shared spec, whose codes are those of nianbao/spec) and returns its numerator and denominator next to the rate, so
that a chart can say "n = 163". Paths are relative to this file's folder (the repository root), so notebooks run
from ``notebooks/`` as well as from the root. Chinese and English labels are data: the codebook for the report's
codes, ``data/outcome_groups.csv`` for the outcome groups and their colours, ``data/labels.csv`` for the rest.

Numbers used in measures (column ``number``) follow one rule, documented in :func:`load_values`: a printed number is
used as printed; a cell the report leaves blank counts as 0 in the 2019 format (the spec: "blank cells meaning 0
(common in 2019)"); "/", "—" and "无" count as 0 in every format; an ambiguous cell is unknown (NaN), never 0.
"""

from __future__ import annotations

import importlib.util
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.ticker
import matplotlib.transforms
import numpy as np
import pandas as pd
from matplotlib.layout_engine import ConstrainedLayoutEngine

ROOT = Path(__file__).resolve().parent
PROCESSED = ROOT / "data" / "processed"
FIGURES = ROOT / "figures"
DATA = ROOT / "data"

APPLICANTS: list[str] = [
    "natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total",
]
ORGANISATIONS: list[str] = APPLICANTS[1:-1]
CHECKS: list[str] = ["S1", "I1", "I2", "I3", "I4", "I5", "N1", "structure", "metadata"]
REVIEW_BLOCKS: list[str] = ["review", "litigation_direct", "litigation_after_review"]
#: Missing-value reasons that count as 0, per table format (spec: blank cells mean 0, common in 2019; "/", "—", "无").
ZERO_MARKS: dict[str, frozenset[str]] = {
    "2019": frozenset({"blank", "dash", "none", "slash"}),
    "2021": frozenset({"dash", "none", "slash"}),
}
#: A rate over fewer cases than this is marked as resting on a small number.
SMALL_N = 10


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


# --------------------------------------------------------------------------------------------------------------
# Outcome groups and their colours (one colour per group, in every chart)
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeGroup:
    code: str
    label_zh: str
    label_en: str
    colour: str


OUTCOME_GROUPS: dict[str, OutcomeGroup] = {
    r["code"]: OutcomeGroup(**r) for r in _read_csv(DATA / "outcome_groups.csv").to_dict("records")
}
GROUP_ORDER: list[str] = [g for g in OUTCOME_GROUPS if g != "carried_forward"]


def group_label(group: str, lang: str = "zh") -> str:
    """The label of an outcome group ("予以公开" / "Disclosed in full")."""
    return getattr(OUTCOME_GROUPS[group], f"label_{lang}")


def group_colour(group: str) -> str:
    """The one colour of an outcome group (``granted`` … ``other``, ``carried_forward``)."""
    return OUTCOME_GROUPS[group].colour


# --------------------------------------------------------------------------------------------------------------
# Loading and labels
# --------------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _codebook() -> pd.DataFrame:
    return _read_csv(PROCESSED / "codebook.csv")


def load_codebook() -> pd.DataFrame:
    """The codebook: section, code, label_zh, label_en, formats, unit, kind (applicant codes have section "applicant")."""
    return _codebook().copy()


def _codes(section: str | None = None) -> list[str]:
    """Codebook codes in codebook order: of one section, or of every section but the applicant columns."""
    cb = _codebook()
    rows = cb["section"] == section if section else cb["section"] != "applicant"
    return list(dict.fromkeys(cb.loc[rows, "code"]))


@lru_cache(maxsize=1)
def _chart_labels() -> pd.DataFrame:
    """Labels of codes the codebook does not have: outcome groups, review blocks, measures, chart phrases."""
    groups = _read_csv(DATA / "outcome_groups.csv").drop(columns="colour")
    return pd.concat([groups, _read_csv(DATA / "labels.csv")]).set_index("code")


def label(code: str, lang: str = "zh", *, short: bool = False, section: str | None = None) -> str:
    """The label of a codebook code, applicant column, outcome group, review/litigation block, measure or phrase.

    The codebook comes first (``label("other")`` is the table row "（六）其他处理"). ``short=True`` drops a codebook
    label's group prefix ("（三）不予公开 4.保护第三方合法权益" → "保护第三方合法权益", "Refused: third-party rights" →
    "Third-party rights"). ``section="applicant"`` picks the applicant column when a code is both ("total").
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    cb = _codebook()
    rows = cb[cb["code"] == code]
    if section is not None:
        rows = rows[rows["section"] == section]
    if len(rows):
        text = str(rows.iloc[0][f"label_{lang}"])
        return _short_label(text, lang) if short else text
    if code in _chart_labels().index:
        return str(_chart_labels().at[code, f"label_{lang}"])
    raise KeyError(f"unknown code {code!r}")


def _short_label(text: str, lang: str) -> str:
    # The codebook's labels are "group row" (zh, with the format's numbering) or "Group: row" (en).
    if lang == "zh":
        return re.sub(r"^(（[一二三四五六七]）|[0-9]+[.、])", "", text.split(" ")[-1])
    if ": " not in text:
        return text
    text = text.split(": ", 1)[1]
    return text[0].upper() + text[1:]


def reason_label(item: str, lang: str = "zh") -> str:
    """Chart label of a reason for not releasing: "不予公开 · 保护第三方合法权益"; （六） as its group alone."""
    group = group_label(outcome_groups[item], lang)
    return group if item == "other" else f"{group} · {label(item, lang, short=True)}"


@lru_cache(maxsize=1)
def _bodies() -> pd.DataFrame:
    return _read_csv(DATA / "bodies.csv").set_index("body")


def load_reports() -> pd.DataFrame:
    """One row per report (``reports.csv``), ordered by body and year.

    Adds the body's English name ``body_en``, its short chart names ``short_zh``/``short_en`` (``data/bodies.csv``)
    and the report's chart labels ``label_zh``/``label_en`` ("济源市 2021" / "Jiyuan 2021").
    """
    rep = _read_csv(PROCESSED / "reports.csv")
    rep["year"] = rep["year"].astype(int)
    bodies = _bodies()
    rep["short_zh"] = rep["body"].map(bodies["short_zh"]).fillna(rep["body"])
    rep["short_en"] = rep["body"].map(bodies["short_en"]).fillna(rep["report_id"])
    rep["body_en"] = rep["body"].map(bodies["name_en"]).fillna(rep["body"])
    rep["label_zh"] = rep["short_zh"] + " " + rep["year"].astype(str)
    rep["label_en"] = rep["short_en"] + " " + rep["year"].astype(str)
    order = list(bodies.index)  # a body missing from bodies.csv goes last
    rep = rep.sort_values(["body", "year"], key=lambda s: s.map(
        lambda b: order.index(b) if b in order else len(order)) if s.name == "body" else s)
    rep["report_id"] = pd.Categorical(rep["report_id"], categories=list(rep["report_id"]), ordered=True)
    rep["status"] = pd.Categorical(rep["status"], categories=["ok", "findings", "failed"], ordered=True)
    return rep.reset_index(drop=True)


def report_order() -> list[str]:
    """All report ids, ordered by body and year (the order of every table and chart)."""
    return [str(r) for r in load_reports()["report_id"]]


def as_report_category(ids: pd.Series) -> pd.Series:
    """Report ids as an ordered categorical in :func:`report_order`."""
    return pd.Categorical(ids.astype(str), categories=report_order(), ordered=True)


def report_label(report_id: str, lang: str = "zh") -> str:
    """Short chart label of a report, e.g. "济源市 2021" / "Jiyuan 2021"."""
    rep = load_reports().set_index("report_id")
    return str(rep.loc[report_id, f"label_{lang}"]) if report_id in rep.index else str(report_id)


def body_label(body: str, lang: str = "zh") -> str:
    """Short chart name of a body, e.g. "济源市" / "Jiyuan"."""
    rep = load_reports()
    return str(rep.loc[rep["body"] == body, f"short_{lang}"].iloc[0])


def _numbers(v: pd.DataFrame) -> pd.DataFrame:
    """Add ``number`` (the value measures use) and ``derived`` (True where the number is not printed)."""
    zero = [m in ZERO_MARKS[f] for m, f in zip(v["missing"], v["format"])]
    v = v.assign(number=v["value"].where(v["value"].notna(), np.where(zero, 0.0, np.nan)), derived=False)
    # Table 三 with a blank 总计 cell but numbers in the applicant columns (Shanghai 2019 leaves the 总计 column blank
    # for the outcome rows): the total is the sum of the six applicant columns, marked as derived.
    apps = v[(v["section"] == "applications") & v["applicant"].isin(APPLICANTS[:-1])].groupby(["report_id", "item"])
    # an unknown applicant cell leaves the total unknown: skipping it would make the total too small
    col_sum = apps["number"].sum(min_count=1).mask(apps["number"].apply(lambda n: n.isna().any()))
    col_any = apps["value"].count() > 0
    is_blank_total = (v["section"] == "applications") & (v["applicant"] == "total") & (v["missing"] == "blank")
    for idx in v.index[is_blank_total]:
        key = (v.at[idx, "report_id"], v.at[idx, "item"])
        if col_any.get(key, False):
            v.at[idx, "number"] = float(col_sum[key]) if pd.notna(col_sum[key]) else np.nan
            v.at[idx, "derived"] = True
    return v


def load_values(wide: bool = False) -> pd.DataFrame:
    """The printed cells (``values.csv``) with report metadata and the measure-ready ``number``.

    Long form (default): one row per printed cell, with ``item``/``applicant``/``section`` categorical in codebook
    order, ``value`` (the number as printed, NaN when none), ``number`` (what measures use: ``value``; 0 for a blank
    cell in the 2019 format and for "/", "—", "无"; NaN for an ambiguous cell) and ``derived`` (True for a 总计 cell
    left blank and taken as the sum of the applicant columns).

    ``wide=True``: table 三 only, rows (report_id, item), columns the seven applicant codes, cells ``number``.
    """
    v = _read_csv(PROCESSED / "values.csv")
    rep = _read_csv(PROCESSED / "reports.csv")[["report_id", "body", "year", "format"]]
    v = v.merge(rep, on="report_id", how="left")
    v["year"] = pd.to_numeric(v["year"]).astype("Int64")
    v["value"] = pd.to_numeric(v["value"], errors="coerce")
    v = _numbers(v)
    v["report_id"] = as_report_category(v["report_id"])
    v["item"] = pd.Categorical(v["item"], categories=_codes(), ordered=True)
    v["applicant"] = pd.Categorical(v["applicant"].replace("", np.nan), categories=APPLICANTS, ordered=True)
    v["section"] = pd.Categorical(
        v["section"], categories=["disclosure", "applications", "review_litigation", "narrative"], ordered=True)
    v = v.sort_values(["report_id", "section", "item", "applicant"]).reset_index(drop=True)
    return to_wide(v) if wide else v


def to_wide(values: pd.DataFrame) -> pd.DataFrame:
    """Table 三 as rows (report_id, item) × the seven applicant columns of ``number``."""
    a = values[values["section"] == "applications"]
    w = a.pivot_table(index=["report_id", "item"], columns="applicant", values="number", aggfunc="sum",
                      observed=True, dropna=False, min_count=1)
    w = w.dropna(how="all").reindex(columns=APPLICANTS)
    w.columns = pd.CategoricalIndex(w.columns, categories=APPLICANTS, ordered=True, name="applicant")
    return w


def load_findings() -> pd.DataFrame:
    """Validation findings (``checks.csv``) with ``check`` and ``severity`` categorical, ordered by report."""
    ch = _read_csv(PROCESSED / "checks.csv")
    ch["check"] = pd.Categorical(ch["check"], categories=CHECKS, ordered=True)
    ch["severity"] = pd.Categorical(ch["severity"], categories=["error", "warning"], ordered=True)
    ch["report_id"] = as_report_category(ch["report_id"])
    return ch.sort_values(["report_id", "check", "severity"]).reset_index(drop=True)


def load_plain_words() -> pd.DataFrame:
    """Plain-words explanation of each refusal/handling reason, ``data/reasons_plain.csv`` (code, plain_zh, plain_en)."""
    return _read_csv(DATA / "reasons_plain.csv").set_index("code")


# --------------------------------------------------------------------------------------------------------------
# 2019 ↔ 2021 alignment and the outcome groups
# --------------------------------------------------------------------------------------------------------------

OTHER_ROWS_2021 = ["other.no_correction", "other.unpaid_fee", "other.other"]
#: Table 二 cells comparable across the 2020→2021 format change (spec: only these pairs); 2019 code → 2021 code.
DISCLOSURE_COMPARABLE: dict[str, str] = {
    "regulations.made": "regulations.issued",
    "normative_documents.made": "normative_documents.issued",
    "licensing.decisions": "licensing.decisions",
    "punishment.decisions": "punishment.decisions",
    "coercion.decisions": "coercion.decisions",
}

#: Each table 三 outcome item → its outcome group (``granted`` … ``other``, and ``carried_forward``).
outcome_groups: dict[str, str] = {
    c: c.split(".")[0] for c in _codes("applications") if c.split(".")[0] in OUTCOME_GROUPS
}


def _sum_of_three(s: pd.Series) -> float:
    return s.sum() if len(s) == len(OTHER_ROWS_2021) and s.notna().all() else np.nan


def align_formats(values: pd.DataFrame, keep_detail: bool = False) -> pd.DataFrame:
    """Make 2019 and 2021 reports comparable: one ``other`` row (（六）其他处理) per report and applicant.

    Spec, table 三: "treat 2019's （六） as the sum of the three 2021 rows; ``other.unpaid_fee`` has no 2019
    counterpart". For a report without an ``other`` row, ``other`` = other.no_correction + other.unpaid_fee +
    other.other (unknown if any of the three is unknown); a report that prints （六） as one row (2019 format, the
    Hongze variant) keeps its own ``other``. The three detail rows are dropped unless ``keep_detail``, so that sums over
    items never count （六） twice.
    """
    v = values
    apps = v["section"] == "applications"
    has_other = v.loc[apps & (v["item"] == "other"), "report_id"]
    a = v[apps & v["item"].isin(OTHER_ROWS_2021) & ~v["report_id"].isin(has_other)]
    if len(a):
        keys = ["report_id", "applicant"]
        summed = a.groupby(keys, observed=True).agg(
            number=("number", _sum_of_three), value=("value", _sum_of_three)).reset_index()
        new = a.drop_duplicates(keys).drop(columns=["number", "value"]).merge(summed, on=keys, how="left")
        new = new.assign(item="other", printed="", source="sum of （六） 1–3 (align_formats)", derived=True)
        v = pd.concat([v, new[v.columns]], ignore_index=True)
        for col in ["item", "report_id", "applicant"]:
            v[col] = pd.Categorical(v[col], categories=values[col].cat.categories, ordered=True)
    if not keep_detail:
        v = v[~v["item"].isin(OTHER_ROWS_2021)]
    return v.sort_values(["report_id", "section", "item", "applicant"]).reset_index(drop=True)


def _table3(values: pd.DataFrame | None) -> pd.DataFrame:
    return to_wide(align_formats(load_values() if values is None else values))


def _known_sum(groups: pd.core.groupby.DataFrameGroupBy) -> pd.DataFrame:
    """Sum per group, unknown (NaN) where any summand is unknown."""
    return groups.sum(min_count=1).mask(groups.apply(lambda d: d.isna().any()))


def group_counts(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 三 by outcome group: rows (report_id, group) for the six groups and ``carried_forward``, columns applicants.

    A group is the sum of its items (unknown if any item is unknown); （六） after :func:`align_formats`.
    """
    w = _table3(values)
    group = pd.Categorical(w.index.get_level_values("item").astype(str).map(outcome_groups),
                           categories=list(OUTCOME_GROUPS), ordered=True)
    keep = ~pd.isna(group)
    out = _known_sum(w[keep].groupby([w.index.get_level_values("report_id")[keep], group[keep]], observed=True))
    out.index = pd.MultiIndex.from_arrays([out.index.get_level_values(i).astype(str) for i in (0, 1)],
                                          names=["report_id", "group"])
    return out


def outcome_mix(values: pd.DataFrame | None = None, applicant: str = "total") -> pd.DataFrame:
    """Outcome mix per report: report_id, group, count, handled (Σ of the six groups), share = count / handled.

    The denominator is the sum of the six groups, so that shares add to 100 %; where a report's printed （七）总计
    differs, the validator's I1 finding says so.
    """
    g = group_counts(values)[applicant].rename("count").reset_index()
    g = g[g["group"].isin(GROUP_ORDER)]
    g["handled"] = g.groupby("report_id", observed=True)["count"].transform(lambda s: s.sum(min_count=len(s)))
    g["share"] = g["count"] / g["handled"]
    g["group"] = pd.Categorical(g["group"], categories=GROUP_ORDER, ordered=True)
    g["report_id"] = as_report_category(g["report_id"])
    return g.sort_values(["report_id", "group"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------------
# Measures (spec: "Measures used in the field")
# --------------------------------------------------------------------------------------------------------------

def _ratio(num: pd.DataFrame | pd.Series, den: pd.DataFrame | pd.Series, by_applicant: bool) -> pd.DataFrame:
    if isinstance(num, pd.DataFrame):
        if not by_applicant:
            num, den = num["total"], den["total"]
        else:
            num, den = num.stack(future_stack=True), den.stack(future_stack=True)
    out = pd.DataFrame({"num": num, "den": den})
    out["rate"] = out["num"] / out["den"].where(out["den"] > 0)
    out["small"] = out["den"] < SMALL_N
    return out


def _rows(w: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    """Sum of items per report (unknown when any of them is unknown); rows report_id, columns applicants."""
    return _known_sum(w[w.index.get_level_values("item").isin(items)].groupby(level="report_id", observed=True))


def _items(group: str) -> list[str]:
    return [c for c, g in outcome_groups.items() if g == group and c != group]


def release_rate_substantive(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """Substantive release rate (spec, 公开率, the US Justice Department framing).

    rate = (予以公开 + 部分公开) / (予以公开 + 部分公开 + 不予公开), 不予公开 = Σ（三）1–8.
    Returns num, den, rate, small (den < 10), indexed by report_id (and applicant when ``by_applicant``).
    """
    w = _table3(values)
    num = _rows(w, ["granted", "partially_granted"])
    return _ratio(num, num + _rows(w, _items("refused")), by_applicant)


def release_rate_strict(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """Strict release rate (spec, 公开率, the Associated Press counter-reading): 予以公开 / （七）总计."""
    w = _table3(values)
    return _ratio(_rows(w, ["granted"]), _rows(w, ["total"]), by_applicant)


def unable_rate(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """无法提供率 (spec): Σ（四）无法提供 1–3 / （七）总计."""
    w = _table3(values)
    return _ratio(_rows(w, _items("unable")), _rows(w, ["total"]), by_applicant)


def not_held_share(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """Share "not held" (spec: 本机关不掌握, the US "no records"): （四）1.本机关不掌握相关政府信息 / （七）总计."""
    w = _table3(values)
    return _ratio(_rows(w, ["unable.not_held"]), _rows(w, ["total"]), by_applicant)


def not_processed_rate(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """不予处理率 (spec): Σ（五）不予处理 1–5 / （七）总计."""
    w = _table3(values)
    return _ratio(_rows(w, _items("not_processed")), _rows(w, ["total"]), by_applicant)


def other_rate(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """其他处理率 (spec): （六）其他处理 / （七）总计, （六） as aligned by :func:`align_formats` (2021: Σ of 1–3)."""
    w = _table3(values)
    return _ratio(_rows(w, ["other"]), _rows(w, ["total"]), by_applicant)


def completion_rate(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """办结率 (spec): （七）总计 / (一、本年新收 + 二、上年结转)."""
    w = _table3(values)
    return _ratio(_rows(w, ["total"]), _rows(w, ["received", "carried_over"]), by_applicant)


def carry_forward_rate(values: pd.DataFrame | None = None, by_applicant: bool = False) -> pd.DataFrame:
    """结转率 (spec): 四、结转下年度继续办理 / (一、本年新收 + 二、上年结转)."""
    w = _table3(values)
    return _ratio(_rows(w, ["carried_forward"]), _rows(w, ["received", "carried_over"]), by_applicant)


#: The request measures by name, in the order of every table; ``label(name)`` is a measure's chart label.
MEASURES: dict[str, Callable[..., pd.DataFrame]] = {f.__name__: f for f in [
    release_rate_substantive, release_rate_strict, unable_rate, not_held_share, not_processed_rate, other_rate,
    completion_rate, carry_forward_rate,
]}


def rate_table(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """All request measures for the 总计 column in one long table: report_id, measure, num, den, rate, small."""
    v = load_values() if values is None else values
    out = [fn(v).assign(measure=name).reset_index() for name, fn in MEASURES.items()]
    return pd.concat(out, ignore_index=True)[["report_id", "measure", "num", "den", "rate", "small"]]


def review_table(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 四 as rows (report_id, block) × columns upheld, corrected, other, pending, total (``number``)."""
    v = load_values() if values is None else values
    r = v[v["section"] == "review_litigation"]
    parts = r["item"].astype(str).str.split(".", n=1, expand=True)
    r = r.assign(report_id=r["report_id"].astype(str), block=parts[0], result=parts[1])
    t = r.pivot_table(index=["report_id", "block"], columns="result", values="number", aggfunc="sum", min_count=1)
    ids = [rid for rid in report_order() if rid in set(r["report_id"])]
    return t.reindex(columns=["upheld", "corrected", "other", "pending", "total"]).reindex(
        pd.MultiIndex.from_product([ids, REVIEW_BLOCKS], names=["report_id", "block"]))


def correction_rate(block: str, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Correction rate of one table 四 block (spec: 复议纠错率 and the same for each litigation block).

    rate = 结果纠正 / (总计 − 尚未审结), for ``block`` in review, litigation_direct, litigation_after_review.
    Returns num, den, rate, small (den < 10) by report_id; the rate is NaN when no case was decided.
    """
    if block not in REVIEW_BLOCKS:
        raise ValueError(f"block must be one of {REVIEW_BLOCKS}")
    t = review_table(values).xs(block, level="block")
    return _ratio(t["corrected"], t["total"] - t["pending"], by_applicant=False)


def applicant_volumes(values: pd.DataFrame | None = None, item: str = "received") -> pd.DataFrame:
    """One table 三 row split natural persons vs organisations: report_id, natural_person, organisations, total."""
    w = to_wide(load_values() if values is None else values).xs(item, level="item")
    return pd.DataFrame({
        "natural_person": w["natural_person"],
        "organisations": w[ORGANISATIONS].sum(axis=1, min_count=1).mask(w[ORGANISATIONS].isna().any(axis=1)),
        "total": w["total"],
    })


def applicant_group_rates(by_applicant: pd.DataFrame) -> pd.DataFrame:
    """A measure's per-applicant result (``by_applicant=True``) regrouped: natural_person vs organisations.

    Numerators and denominators add, so the organisations' rate is Σ num / Σ den over the five organisation columns.
    """
    df = by_applicant.reset_index()
    df = df[df["applicant"].astype(str) != "total"].copy()
    df["who"] = np.where(df["applicant"].astype(str) == "natural_person", "natural_person", "organisations")
    g = _known_sum(df.groupby(["report_id", "who"], observed=True)[["num", "den"]])
    g["rate"] = g["num"] / g["den"].where(g["den"] > 0)
    g["small"] = g["den"] < SMALL_N
    return g


def carry_over_chain(values: pd.DataFrame | None = None, applicant: str = "total") -> pd.DataFrame:
    """Identity I4 per pair of consecutive years of one body: 四、结转下年度 (N) against 二、上年结转 (N+1).

    Columns: body, year, next_year, report_from, report_to, carried_forward (N), carried_over (N+1),
    gap = carried_over − carried_forward, broken (gap ≠ 0).
    """
    w = to_wide(load_values() if values is None else values)[applicant]
    rows = []
    for body, r in load_reports().groupby("body"):
        years = r.set_index("year")["report_id"].astype(str)
        for y in years.index:
            if y + 1 in years.index:
                a, b = years[y], years[y + 1]
                cf, co = w.get((a, "carried_forward"), np.nan), w.get((b, "carried_over"), np.nan)
                rows.append(dict(body=body, year=y, next_year=y + 1, report_from=a, report_to=b,
                                 carried_forward=cf, carried_over=co, gap=co - cf,
                                 broken=bool(pd.notna(cf) and pd.notna(co) and cf != co)))
    return pd.DataFrame(rows)


def findings_for(report_ids: Iterable[str] | str, lang: str = "zh") -> pd.DataFrame:
    """The findings of some reports as a readable table: report, check, severity, cells, expected, found, message."""
    ids = [report_ids] if isinstance(report_ids, str) else list(report_ids)
    f = load_findings()
    f = f[f["report_id"].astype(str).isin(ids)]
    return f.assign(report=f["report_id"].astype(str).map(lambda r: report_label(r, lang)))[
        ["report", "check", "severity", "cells", "expected", "found", f"message_{lang}"]
    ].rename(columns={f"message_{lang}": "message"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------------
# Tables the notebooks share
# --------------------------------------------------------------------------------------------------------------

#: The reasons of table 三 that are not a release: （三）1–8, （四）1–3, （五）1–5, and （六） as aligned.
REASON_ITEMS: list[str] = [c for c in outcome_groups
                           if c.startswith(("refused.", "unable.", "not_processed.")) or c == "other"]


def reason_shares(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each reason of not releasing, per report: report_id, item, group, count, handled (（七）总计), share.

    share = count / （七）总计 (spec: rates of 不予公开 / 无法提供 / 不予处理 / 其他处理 are over the total handled);
    （六） is one item ``other`` after :func:`align_formats`, so that 2019 and 2021 reports compare.
    """
    t = _table3(values)["total"].rename("count").reset_index()
    t = t.astype({"report_id": str, "item": str})
    handled = t[t["item"] == "total"].set_index("report_id")["count"]
    out = t[t["item"].isin(REASON_ITEMS)].reset_index(drop=True)
    out.insert(2, "group", out["item"].map(outcome_groups))
    out["handled"] = out["report_id"].map(handled).astype(float)
    out["share"] = out["count"] / out["handled"].where(out["handled"] > 0)
    out["report_id"] = as_report_category(out["report_id"])
    out["item"] = pd.Categorical(out["item"], categories=REASON_ITEMS, ordered=True)
    return out


def pooled_reason_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Reasons ranked by their share of all handled requests pooled over the reports: Σ count / Σ （七）总计."""
    shares = shares[shares["handled"].notna()]  # a report whose 总计 is unknown can be in neither sum
    handled = shares.drop_duplicates("report_id")["handled"].sum()
    out = shares.groupby("item", observed=True).agg(count=("count", "sum"), group=("group", "first")).reset_index()
    out["handled"] = handled
    out["share"] = out["count"] / handled
    return out.sort_values("share", ascending=False).reset_index(drop=True)


def key_figures(report_id: str, values: pd.DataFrame | None = None, lang: str = "zh") -> pd.DataFrame:
    """Headline figures of one report: counts (table 三, 四) and every request measure with its n."""
    v = load_values() if values is None else values
    counts = to_wide(align_formats(v))["total"]
    cases = review_table(v)["total"]
    rates = rate_table(v)
    rows = [dict(key=c, label=label(c, lang, short=True), kind="count", value=counts.get((report_id, c), np.nan))
            for c in ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]]
    rows += [dict(key=r.measure, label=label(r.measure, lang), kind="rate", value=r.rate, num=r.num, den=r.den)
             for r in rates[rates["report_id"].astype(str) == report_id].itertuples()]
    rows += [dict(key=f"{b}.total", label=label(b, lang), kind="count", value=cases.get((report_id, b), np.nan))
             for b in REVIEW_BLOCKS]
    out = pd.DataFrame(rows, columns=["key", "label", "kind", "value", "num", "den"])
    out["rate"] = out["value"].where(out["kind"] == "rate")
    return out


def previous_report(report_id: str) -> str | None:
    """The same body's latest report before this one, or None."""
    rep = load_reports()
    this = rep[rep["report_id"] == report_id].iloc[0]
    earlier = rep[(rep["body"] == this["body"]) & (rep["year"] < this["year"])]
    return None if earlier.empty else str(earlier["report_id"].iloc[-1])


# --------------------------------------------------------------------------------------------------------------
# Style and figures
# --------------------------------------------------------------------------------------------------------------

SYSTEM_CJK_FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"]
FIGSIZE = (12.0, 6.75)  # 16:9
_STATE: dict[str, str | None] = {"notebook": None, "lang": "zh"}


def _mplfonts_font() -> Path | None:
    """mplfonts' NotoSansCJKsc-Regular.otf, located without importing (and so without configuring) the package."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        path = Path(loc) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.exists():
            return path
    return None


def use_style(notebook: str | None = None, lang: str = "zh") -> list[str]:
    """House style: seaborn theme, a CJK font registered at runtime, unicode minus off.

    Registers mplfonts' NotoSansCJKsc-Regular.otf with matplotlib's font manager; system CJK fonts (PingFang SC,
    Microsoft YaHei, Noto Sans CJK SC, …) follow as fallbacks when installed. ``notebook`` and ``lang`` are remembered
    for :func:`save_figure`. Returns the sans-serif font list in use.
    """
    import seaborn as sns
    from matplotlib import font_manager

    _STATE["notebook"] = notebook
    _STATE["lang"] = lang
    sns.set_theme(context="notebook", style="whitegrid")
    fonts: list[str] = []
    path = _mplfonts_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        fonts.append(font_manager.FontProperties(fname=str(path)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts += [f for f in SYSTEM_CJK_FONTS if f in installed and f not in fonts]
    fonts.append("DejaVu Sans")
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": fonts,
        "axes.unicode_minus": False,
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "axes.titlesize": 13,
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "axes.labelsize": 11,
        "xtick.labelsize": 10.5,
        "ytick.labelsize": 10.5,
        "legend.fontsize": 10.5,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "grid.color": "#e3e3e3",
        "svg.fonttype": "path",
    })
    return fonts


def source_line(report_ids: Iterable[str], lang: str = "zh") -> str:
    """The source line of a figure: the reports it draws on, by body and year."""
    rep = load_reports().set_index("report_id")
    reports = [label("text.source_report", lang).format(**rep.loc[str(r), ["body", "body_en", "year"]])
               for r in report_ids]
    return label("text.source", lang).format(reports=label("text.source_separator", lang).join(reports))


def save_figure(fig: matplotlib.figure.Figure, name: str, *, title: str, caption: str, reports: Iterable[str],
                subtitle: str = "", lang: str | None = None, notebook: str | None = None) -> Path:
    """Put title, subtitle and source line on ``fig``; write figures/NAME.png (200 dpi), NAME.svg and NAME.json.

    The sidecar JSON is {"name", "title", "caption", "notebook", "source"} for the site's gallery. ``notebook``
    defaults to the name given to :func:`use_style`. Returns the PNG path.
    """
    lang = lang or _STATE["lang"] or "zh"
    notebook = notebook or _STATE["notebook"] or ""
    source = source_line(reports, lang)
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained")
    width, height = fig.get_figwidth(), fig.get_figheight()
    title_lines = textwrap.wrap(title, int(width * (5.2 if lang == "zh" else 9.5))) or [""]
    top = 1 - (0.045 + 0.055 * len(title_lines) + (0.05 if subtitle else 0)) * 6.75 / height
    src_lines = textwrap.wrap(source, int(width * (9 if lang == "zh" else 14)))
    bottom = (0.02 + 0.03 * len(src_lines)) * 6.75 / height
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, top - bottom))
    fig.text(0.012, 0.985, "\n".join(title_lines), ha="left", va="top", fontsize=19, color="#1a1a1a")
    if subtitle:
        fig.text(0.012, 0.985 - 0.062 * len(title_lines) * 6.75 / height, subtitle, ha="left", va="top",
                 fontsize=12, color="#555555")
    fig.text(0.012, 0.012, "\n".join(src_lines), ha="left", va="bottom", fontsize=9, color="#666666")
    settle_layout(fig)
    FIGURES.mkdir(parents=True, exist_ok=True)
    png = FIGURES / f"{name}.png"
    fig.savefig(png, dpi=200, facecolor="white")
    fig.savefig(FIGURES / f"{name}.svg", facecolor="white")
    meta = {"name": name, "title": title, "caption": caption, "notebook": notebook, "source": source}
    (FIGURES / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return png


def _text_width(renderer, text: str, prop) -> float:
    return renderer.get_text_width_height_descent(text, prop, ismath=False)[0]


_NAME_ENDS = "省市区县州"


def _split_at_spaces(line: str, avail: float, width: Callable[[str], float]) -> list[str]:
    """One tick-label line broken at spaces into pieces of at most ``avail`` pixels where the words allow."""
    if width(line) <= avail:
        return [line]
    pieces: list[str] = []
    cur = ""
    for part in line.split(" "):
        cand = f"{cur} {part}" if cur else part
        if cur and width(cand) > avail:
            pieces.append(cur)
            cur = part
        else:
            cur = cand
    pieces.append(cur)
    return pieces


def _wrap_line(line: str, avail: float, width: Callable[[str], float]) -> list[str]:
    """A tick-label line broken to fit ``avail`` pixels: at spaces, then at a name's parts, then between characters."""
    out: list[str] = []
    for piece in _split_at_spaces(line, avail, width):
        while width(piece) > avail:  # a name breaks best before "（" or after 省/市/区/县/州: "上海市 | 政府办公厅"
            cuts = [i for i in range(1, len(piece)) if (piece[i] == "（" or piece[i - 1] in _NAME_ENDS)
                    and piece[i] not in "）)" and width(piece[:i]) <= avail]
            if not cuts:
                break
            out.append(piece[:cuts[-1]])
            piece = piece[cuts[-1]:]
        if width(piece) <= avail:
            out.append(piece)
            continue
        chunk = ""
        for ch in piece:
            if chunk and width(chunk + ch) > avail:
                out.append(chunk)
                chunk = ch
            else:
                chunk += ch
        out.append(chunk)
    return out


def fit_xticklabels(ax: matplotlib.axes.Axes, renderer=None, gap: float = 6.0) -> bool:
    """Break an axis' fixed x tick labels onto more lines when neighbours overlap; True if any label changed.

    Labels are broken at spaces ("上海市政府办公厅 2019" → two lines); if a word is still too wide, the labels are set
    up to 15 % smaller, and only beyond that a word is broken before "（" or after 省/市/区/县/州 (or, failing that,
    between characters), so that each line is
    narrower than the distance between ticks less ``gap`` points. Only labels set as text (a categorical axis, a
    heatmap) are touched; :func:`save_figure` calls this for every axes of a figure.
    """
    locator = ax.xaxis.get_major_locator()
    if not isinstance(locator, matplotlib.ticker.FixedLocator) or not ax.xaxis.get_visible():
        return False
    renderer = renderer or ax.figure.canvas.get_renderer()
    texts = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    if len(texts) < 2 or any(t.get_rotation() not in (0, 0.0) for t in texts):
        return False
    gap_px = gap * ax.figure.dpi / 72
    boxes = sorted((t.get_window_extent(renderer) for t in texts), key=lambda b: b.x0 + b.x1)
    if all(b.x0 - a.x1 >= gap_px / 2 for a, b in zip(boxes, boxes[1:])):
        return False
    centres = [(b.x0 + b.x1) / 2 for b in boxes]
    avail = min(b - a for a, b in zip(centres, centres[1:])) - gap_px
    if avail <= 0:
        return False
    prop = texts[0].get_fontproperties()
    width = lambda text: _text_width(renderer, text, prop)  # noqa: E731
    old = list(ax.xaxis.get_major_formatter().format_ticks(locator.locs))
    split = [[p for line in str(s).split("\n") for p in _split_at_spaces(line, avail, width)] for s in old]
    widest = max(width(p) for lines in split for p in lines)
    if widest > avail and avail / widest >= 0.85:  # a little smaller rather than a word broken in two
        size = texts[0].get_fontsize() * avail / widest * 0.98
        ax.tick_params(axis="x", labelsize=size)
        ax.xaxis.set_ticklabels(["\n".join(lines) for lines in split])
        return True
    new = ["\n".join(part for line in str(s).split("\n") for part in _wrap_line(line, avail, width)) for s in old]
    if new == old:
        return False
    ax.xaxis.set_ticklabels(new)
    return True


def _axis_depth(ax: matplotlib.axes.Axes, renderer) -> float:
    """How far, in points, the x axis (tick labels and axis label) reaches below the bottom of the axes."""
    bb = ax.xaxis.get_tightbbox(renderer)
    if bb is None:
        return 0.0
    return max(0.0, (ax.get_window_extent(renderer).y0 - bb.y0) * 72 / ax.figure.dpi)


def _anchor_below(ax: matplotlib.axes.Axes, legend, renderer=None) -> None:
    renderer = renderer or ax.figure.canvas.get_renderer()
    depth = _axis_depth(ax, renderer) + 6
    offset = matplotlib.transforms.ScaledTranslation(0, -depth / 72, ax.figure.dpi_scale_trans)
    legend.set_bbox_to_anchor((0, 0), transform=ax.transAxes + offset)


def legend_below(ax: matplotlib.axes.Axes, *args, ncol: int | None = None, **kwargs):
    """A one-row legend under the axes, below its tick labels and axis label (never on the bars or their labels).

    Arguments are those of ``ax.legend``. The distance is measured from the x axis as drawn, and measured again by
    :func:`save_figure` once tick labels have their final form, so that the legend never covers them.
    """
    handles, labels = args if len(args) == 2 else ax.get_legend_handles_labels()
    kwargs.setdefault("handlelength", 1.2)
    kwargs.setdefault("columnspacing", 1.4)
    leg = ax.legend(handles, labels, loc="upper left", ncol=ncol or len(labels), **kwargs)
    leg._house_below = True  # re-anchored by settle_layout
    _anchor_below(ax, leg)
    return leg


def settle_layout(fig: matplotlib.figure.Figure) -> None:
    """Lay the figure out, break overlapping x tick labels (:func:`fit_xticklabels`), re-place legends under axes."""
    for _ in range(2):
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        changed = False
        for ax in fig.axes:
            changed |= fit_xticklabels(ax, renderer)
        for ax in fig.axes:
            leg = ax.get_legend()
            if leg is not None and getattr(leg, "_house_below", False):
                _anchor_below(ax, leg, renderer)
        if not changed:
            break


# --------------------------------------------------------------------------------------------------------------
# Formatting and chart building blocks
# --------------------------------------------------------------------------------------------------------------

def pct(rate: float, digits: int = 1) -> str:
    """A rate as a percentage string ("53.4 %"); "—" when unknown."""
    return "—" if rate is None or pd.isna(rate) else f"{100 * rate:.{digits}f} %"


def fmt_n(n: float) -> str:
    """A count for prose and labels ("3,511"); "—" when unknown."""
    return "—" if n is None or pd.isna(n) else f"{n:,.0f}"


def rate_text(row: pd.Series | dict, lang: str = "zh") -> str:
    """"53.4 %（87/163）" with a small-number mark when the denominator is under 10."""
    if pd.isna(row["rate"]):
        return "—" if lang == "zh" else "n/a"
    template = label("text.rate_small_n" if row["den"] < SMALL_N else "text.rate", lang)
    return template.format(rate=pct(row["rate"]), num=fmt_n(row["num"]), den=fmt_n(row["den"]))


def plot_outcome_mix(mix: pd.DataFrame, lang: str = "zh", ax: matplotlib.axes.Axes | None = None,
                     min_label: float = 0.025) -> matplotlib.axes.Axes:
    """100 % stacked horizontal bars, one per report, one colour per outcome group; shares labelled, n on the right."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=FIGSIZE)
    m = mix.assign(report_id=mix["report_id"].astype(str))
    reports = [r for r in report_order() if r in set(m["report_id"])]
    shares = m.pivot(index="report_id", columns="group", values="share").reindex(index=reports, columns=GROUP_ORDER)
    left = np.zeros(len(reports))
    for g in GROUP_ORDER:
        share = shares[g].fillna(0).to_numpy()
        ax.barh(range(len(reports)), share, left=left, color=group_colour(g), label=group_label(g, lang),
                edgecolor="white", linewidth=0.8)
        for i, (l, s) in enumerate(zip(left, share)):
            if s >= min_label:
                ax.text(l + s / 2, i, f"{100 * s:.0f}%", ha="center", va="center", fontsize=10,
                        color="white" if g in ("granted", "refused", "not_processed") else "#1a1a1a")
        left += share
    handled = m.drop_duplicates("report_id").set_index("report_id")["handled"]
    ax.set_yticks(range(len(reports)), [f"{report_label(r, lang)}\nn = {fmt_n(handled[r])}" for r in reports])
    pad = max(0.0, (3 - len(reports)) / 2)  # one or two bars are not drawn a third of the figure high
    ax.set_ylim(len(reports) - 0.5 + pad, -0.5 - pad)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    legend_below(ax, ncol=len(GROUP_ORDER))
    return ax


def bar_labels(ax: matplotlib.axes.Axes, fmt: str = "{:,.0f}", **kw) -> None:
    """Write each bar's value at its end (for charts with few bars); nothing for an unknown value."""
    for cont in ax.containers:
        ax.bar_label(cont, labels=[fmt.format(v) if pd.notna(v) and v != 0 else ("0" if v == 0 else "")
                                   for v in cont.datavalues], padding=3, fontsize=10, **kw)


def plot_rate_bars(rates: pd.DataFrame, labels: Sequence[str], ax: matplotlib.axes.Axes, colour: str,
                   lang: str = "zh", xmax: float | None = None) -> matplotlib.axes.Axes:
    """Horizontal bars of rates (columns num, den, rate, small), labelled "53.4 % (87/163)".

    A bar over a denominator under 10 is drawn hatched and pale and its label says "small n"; a rate whose
    denominator is unknown or 0 is written so instead of a bar. Bars start at zero.
    """
    y = np.arange(len(rates))
    vals = rates["rate"].fillna(0).to_numpy()
    bars = ax.barh(y, vals, color=colour, edgecolor=colour)
    for b, s in zip(bars, rates["small"]):
        if s:
            b.set_alpha(0.45)
            b.set_hatch("///")
    for i, (_, r) in enumerate(rates.iterrows()):
        if pd.isna(r["den"]):
            text = label("text.rate_unknown_number", lang)
        elif pd.isna(r["rate"]):
            text = label("text.rate_denominator_zero", lang)
        else:
            text = rate_text(r, lang)
        ax.text(vals[i] + 0.01, i, text, va="center", fontsize=10, color="#333333")
    ax.set_yticks(y, list(labels))
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlim(0, xmax if xmax is not None else min(1.0, max(0.25, float(np.nanmax(vals)) * 1.45 + 0.05)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    return ax


def plot_heatmap(table: pd.DataFrame, ax: matplotlib.axes.Axes, *, fmt: str = ".0f", cmap: str = "Reds",
                 cbar_label: str = "", percent: bool = False, annot: pd.DataFrame | None = None,
                 vmax: float | None = None) -> matplotlib.axes.Axes:
    """An annotated heatmap (rows and columns as given); ``percent`` writes shares as "12.3%"."""
    import seaborn as sns

    if annot is None and percent:
        annot = table.map(lambda x: "" if pd.isna(x) else (f"{100 * x:.1f}%" if x else "0"))
        fmt = ""
    sns.heatmap(table.astype(float), ax=ax, cmap=cmap, annot=annot if annot is not None else True, fmt=fmt,
                linewidths=0.6, linecolor="white", vmin=0, vmax=vmax,
                cbar_kws={"label": cbar_label, "shrink": 0.8, "fraction": 0.04, "pad": 0.02}, annot_kws={"fontsize": 10})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    return ax


def markdown(text: str) -> None:
    """Display a paragraph of prose whose numbers were formatted in code."""
    from IPython.display import Markdown, display

    display(Markdown(text))
