"""Notebook-facing helpers: load the processed tables, compute the field's measures, draw charts in house style.

Every measure follows ``/work/shared/spec/report-format.md`` ("Measures used in the field") and returns its numerator
and denominator next to the rate, so that a chart can say "n = 163". Paths are relative to this file's folder (the
repository root), so notebooks run from ``notebooks/`` as well as from the root.

Numbers used in measures (column ``number``) follow one rule, documented in :func:`load_values`: a printed number is
used as printed; a cell the report leaves blank counts as 0 in the 2019 format (the spec: "blank cells meaning 0
(common in 2019)"); "—" and "无" count as 0 in every format; an ambiguous cell is unknown (NaN), never 0.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent
#: Where ``nianbao`` writes its tables; ``NIANBAO_PROCESSED`` overrides it (for a stand-in during development).
PROCESSED = Path(os.environ.get("NIANBAO_PROCESSED", ROOT / "data" / "processed"))
FIGURES = Path(os.environ.get("NIANBAO_FIGURES", ROOT / "figures"))
DATA = ROOT / "data"

APPLICANTS: list[str] = [
    "natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total",
]
ORGANISATIONS: list[str] = ["commercial", "research", "social_welfare", "legal_services", "other_org"]
CHECKS: list[str] = ["S1", "I1", "I2", "I3", "I4", "I5", "N1", "structure", "metadata"]
REVIEW_BLOCKS: list[str] = ["review", "litigation_direct", "litigation_after_review"]
#: Missing-value reasons that count as 0, per table format (spec: blank cells mean 0, common in 2019; "—", "无").
ZERO_MARKS: dict[str, frozenset[str]] = {
    "2019": frozenset({"blank", "dash", "none", "slash"}),
    "2021": frozenset({"dash", "none", "slash"}),
}
#: A rate over fewer cases than this is marked as resting on a small number.
SMALL_N = 10


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
    g.code: g
    for g in [
        OutcomeGroup("granted", "予以公开", "Disclosed in full", "#1a7f4b"),
        OutcomeGroup("partially_granted", "部分公开", "Disclosed in part", "#8cc9a0"),
        OutcomeGroup("refused", "不予公开", "Refused", "#c0392b"),
        OutcomeGroup("unable", "无法提供", "Unable to provide", "#e59a1c"),
        OutcomeGroup("not_processed", "不予处理", "Not processed", "#7b68b5"),
        OutcomeGroup("other", "其他处理", "Other handling", "#9a9a9a"),
        OutcomeGroup("carried_forward", "结转下年度", "Carried forward", "#3a78c2"),
    ]
}
GROUP_ORDER: list[str] = list(OUTCOME_GROUPS)[:6]


def _group_of(item: str) -> str | None:
    head = item.split(".")[0]
    if item in ("granted", "partially_granted", "carried_forward"):
        return item
    if head in ("refused", "unable", "not_processed", "other"):
        return head
    return None


def group_label(group: str, lang: str = "zh") -> str:
    """The label of an outcome group ("予以公开" / "Disclosed in full")."""
    g = OUTCOME_GROUPS[group]
    return g.label_zh if lang == "zh" else g.label_en


def group_colour(group: str) -> str:
    """The one colour of an outcome group (``granted`` … ``other``, ``carried_forward``)."""
    return OUTCOME_GROUPS[group].colour


# --------------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------------

def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def _codebook_cached() -> pd.DataFrame:
    path = PROCESSED / "codebook.csv"
    if path.exists():
        cb = _read_csv(path)
        if "code" not in cb.columns and "item" in cb.columns:
            cb = cb.rename(columns={"item": "code"})
    else:  # before the first extraction run: the codebook the package ships
        folder = next(p for p in (ROOT / "nianbao" / "spec", ROOT / "nianbao" / "codebook") if p.exists())
        items = _read_csv(folder / "codebook.csv").rename(columns={"item": "code"})
        apps = _read_csv(folder / "applicants.csv").rename(columns={"applicant": "code"})
        apps["section"] = "applicant"
        cb = pd.concat([items, apps], ignore_index=True).fillna("")
    return cb.reset_index(drop=True)


def load_codebook() -> pd.DataFrame:
    """The codebook: section, code, label_zh, label_en, formats, unit, kind (applicant codes have section "applicant")."""
    cb = _codebook_cached().copy()
    cb["code"] = pd.Categorical(cb["code"], categories=list(dict.fromkeys(cb["code"])), ordered=True)
    return cb


def _item_order() -> list[str]:
    cb = _codebook_cached()
    return list(dict.fromkeys(cb.loc[cb["section"] != "applicant", "code"]))


@lru_cache(maxsize=1)
def _bodies() -> pd.DataFrame:
    return _read_csv(DATA / "bodies.csv").set_index("body")


def load_reports() -> pd.DataFrame:
    """One row per report (``reports.csv``), ordered by body and year, with chart labels ``label_zh``/``label_en``."""
    rep = _read_csv(PROCESSED / "reports.csv")
    rep["year"] = rep["year"].astype(int)
    bodies = _bodies()
    short_zh = rep["body"].map(bodies["short_zh"]).fillna(rep["body"])
    short_en = rep["body"].map(bodies["short_en"]).fillna(rep["report_id"])
    rep["body_en"] = rep["body"].map(bodies["name_en"]).fillna(rep["body"])
    rep["label_zh"] = short_zh + " " + rep["year"].astype(str)
    rep["label_en"] = short_en + " " + rep["year"].astype(str)
    rep = rep.sort_values(["body", "year"], key=lambda s: s.map(_body_rank) if s.name == "body" else s)
    rep["report_id"] = pd.Categorical(rep["report_id"], categories=list(rep["report_id"]), ordered=True)
    rep["status"] = pd.Categorical(rep["status"], categories=["ok", "findings", "failed"], ordered=True)
    return rep.reset_index(drop=True)


def _body_rank(body: str) -> int:
    order = list(_bodies().index)
    return order.index(body) if body in order else len(order)


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


def _numbers(v: pd.DataFrame) -> pd.DataFrame:
    """Add ``number`` (the value measures use) and ``derived`` (True where the number is not printed)."""
    value = pd.to_numeric(v["value"], errors="coerce")
    zero = [m in ZERO_MARKS.get(f, ZERO_MARKS["2021"]) for m, f in zip(v["missing"], v["format"])]
    number = value.where(value.notna(), np.where(zero, 0.0, np.nan))
    v = v.assign(number=number.astype(float), derived=False)
    # Table 三 with a blank 总计 cell but numbers in the applicant columns (Shanghai 2019 leaves the 总计 column blank
    # for the outcome rows): the total is the sum of the six applicant columns, marked as derived.
    apps = v[(v["section"] == "applications") & (v["applicant"].isin(APPLICANTS[:-1]))]
    col_sum = apps.groupby(["report_id", "item"], observed=True)["number"].sum(min_count=1)
    col_any = apps.assign(has=pd.to_numeric(apps["value"], errors="coerce").notna()).groupby(
        ["report_id", "item"], observed=True)["has"].any()
    is_blank_total = (v["section"] == "applications") & (v["applicant"] == "total") & (v["missing"] == "blank")
    for idx in v.index[is_blank_total]:
        key = (v.at[idx, "report_id"], v.at[idx, "item"])
        if col_any.get(key, False):
            v.at[idx, "number"] = float(col_sum[key])
            v.at[idx, "derived"] = True
    return v


def load_values(wide: bool = False) -> pd.DataFrame:
    """The printed cells (``values.csv``) with report metadata and the measure-ready ``number``.

    Long form (default): one row per printed cell, with ``item``/``applicant``/``section`` categorical in codebook
    order, ``value`` (the number as printed, NaN when none), ``number`` (what measures use: ``value``; 0 for a blank
    cell in the 2019 format and for "—"/"无"; NaN for an ambiguous cell) and ``derived`` (True for a 总计 cell left
    blank and taken as the sum of the applicant columns).

    ``wide=True``: table 三 only, rows (report_id, item), columns the seven applicant codes, cells ``number``.
    """
    v = _read_csv(PROCESSED / "values.csv")
    rep = _read_csv(PROCESSED / "reports.csv")[["report_id", "body", "year", "format"]]
    v = v.merge(rep, on="report_id", how="left")
    v["year"] = pd.to_numeric(v["year"]).astype("Int64")
    v["value"] = pd.to_numeric(v["value"], errors="coerce")
    v = _numbers(v)
    order = load_reports()["report_id"].cat.categories
    v["report_id"] = pd.Categorical(v["report_id"], categories=order, ordered=True)
    items = _item_order()
    items += [c for c in dict.fromkeys(v["item"]) if c not in items]
    v["item"] = pd.Categorical(v["item"], categories=items, ordered=True)
    v["applicant"] = pd.Categorical(v["applicant"].replace("", np.nan), categories=APPLICANTS, ordered=True)
    v["section"] = pd.Categorical(
        v["section"], categories=["disclosure", "applications", "review_litigation", "narrative"], ordered=True)
    v = v.sort_values(["report_id", "section", "item", "applicant"]).reset_index(drop=True)
    if wide:
        return to_wide(v)
    return v


def to_wide(values: pd.DataFrame) -> pd.DataFrame:
    """Table 三 as rows (report_id, item) × the seven applicant columns of ``number``."""
    a = values[values["section"] == "applications"]
    w = a.pivot_table(index=["report_id", "item"], columns="applicant", values="number", aggfunc="sum",
                      observed=True, dropna=False, min_count=1)
    w = w.dropna(how="all").reindex(columns=APPLICANTS)
    w.columns = pd.CategoricalIndex(w.columns, categories=APPLICANTS, ordered=True, name="applicant")
    return w


def load_findings() -> pd.DataFrame:
    """Validation findings (``checks.csv``) with ``check`` and ``severity`` categorical, joined to report labels."""
    ch = _read_csv(PROCESSED / "checks.csv")
    checks = CHECKS + [c for c in dict.fromkeys(ch["check"]) if c not in CHECKS]
    ch["check"] = pd.Categorical(ch["check"], categories=checks, ordered=True)
    ch["severity"] = pd.Categorical(ch["severity"], categories=["error", "warning"], ordered=True)
    rep = load_reports()
    ch["report_id"] = pd.Categorical(ch["report_id"], categories=rep["report_id"].cat.categories, ordered=True)
    return ch.sort_values(["report_id", "check", "severity"]).reset_index(drop=True)


def load_plain_words() -> pd.DataFrame:
    """Plain-words explanation of each refusal/handling reason, ``data/reasons_plain.csv`` (code, plain_zh, plain_en)."""
    return _read_csv(DATA / "reasons_plain.csv").set_index("code")


_BLOCK_LABELS = {
    "review": ("行政复议", "Administrative review"),
    "litigation_direct": ("行政诉讼（未经复议直接起诉）", "Litigation without prior review"),
    "litigation_after_review": ("行政诉讼（复议后起诉）", "Litigation after review"),
}


def label(code: str, lang: str = "zh", *, short: bool = False, section: str | None = None) -> str:
    """The label of a codebook item, applicant column, outcome group or review/litigation block.

    ``short=True`` drops the group prefix ("（三）不予公开 4.保护第三方合法权益" → "保护第三方合法权益",
    "Refused: third-party rights" → "Third-party rights"). ``section="applicant"`` picks the applicant column when a
    code is both ("total").
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    cb = _codebook_cached()
    rows = cb[cb["code"] == code]
    if section is not None:
        rows = rows[rows["section"] == section]
    if len(rows):
        text = str(rows.iloc[0][f"label_{lang}"])
        if short:
            if lang == "zh":
                text = text.split(" ")[-1]
                text = re.sub(r"^(（[一二三四五六七]）|[0-9]+[.、])", "", text).split("（区分")[0]
            elif ": " in text:
                text = text.split(": ", 1)[1]
                text = text[0].upper() + text[1:]
        return text
    if code in OUTCOME_GROUPS:
        g = OUTCOME_GROUPS[code]
        return g.label_zh if lang == "zh" else g.label_en
    if code in _BLOCK_LABELS:
        return _BLOCK_LABELS[code][0 if lang == "zh" else 1]
    if code == "organisations":
        return "法人或其他组织" if lang == "zh" else "Organisations"
    raise KeyError(f"unknown code {code!r}")


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
outcome_groups: dict[str, str] = {c: g for c in _item_order() if (g := _group_of(c)) is not None}


def align_formats(values: pd.DataFrame, keep_detail: bool = False) -> pd.DataFrame:
    """Make 2019 and 2021 reports comparable: one ``other`` row (（六）其他处理) per report and applicant.

    Spec, table 三: "treat 2019's （六） as the sum of the three 2021 rows; ``other.unpaid_fee`` has no 2019
    counterpart". For a report without an ``other`` row, ``other`` = other.no_correction + other.unpaid_fee +
    other.other (unknown if any of the three is unknown); a report that prints （六） as one row (2019 format, the
    Hongze variant) keeps its own ``other``. The three detail rows are dropped unless ``keep_detail``, so that sums over
    items never count （六） twice.
    """
    v = values
    a = v[(v["section"] == "applications") & v["item"].isin(OTHER_ROWS_2021)]
    has_other = set(v.loc[(v["section"] == "applications") & (v["item"] == "other"), "report_id"].astype(str))
    a = a[~a["report_id"].astype(str).isin(has_other)]
    if len(a):
        keys = ["report_id", "applicant"]
        summed = a.groupby(keys, observed=True).agg(
            number=("number", lambda s: s.sum(min_count=len(OTHER_ROWS_2021)) if len(s) == 3 and s.notna().all()
                    else np.nan),
            value=("value", lambda s: s.sum() if s.notna().all() and len(s) == 3 else np.nan),
            derived=("derived", "any"),
        ).reset_index()
        first = a.drop_duplicates(keys).drop(columns=["number", "value", "derived"])
        new = first.merge(summed, on=keys, how="left")
        new["item"] = "other"
        new["printed"] = ""
        new["source"] = "sum of （六） 1–3 (align_formats)"
        new["derived"] = True
        v = pd.concat([v, new[v.columns]], ignore_index=True)
        v["item"] = pd.Categorical(v["item"].astype(str), categories=values["item"].cat.categories, ordered=True)
        v["report_id"] = pd.Categorical(v["report_id"].astype(str), categories=values["report_id"].cat.categories,
                                        ordered=True)
        v["applicant"] = pd.Categorical(v["applicant"], categories=APPLICANTS, ordered=True)
    if not keep_detail:
        v = v[~v["item"].isin(OTHER_ROWS_2021)]
    return v.sort_values(["report_id", "section", "item", "applicant"]).reset_index(drop=True)


def _table3(values: pd.DataFrame | None) -> pd.DataFrame:
    v = load_values() if values is None else values
    return to_wide(align_formats(v))


def group_counts(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 三 by outcome group: rows (report_id, group) for the six groups and ``carried_forward``, columns applicants.

    A group is the sum of its items (unknown if any item is unknown); （六） after :func:`align_formats`.
    """
    w = _table3(values)
    rows = []
    for rid in w.index.get_level_values(0).unique():
        sub = w.loc[rid]
        for g in list(OUTCOME_GROUPS):
            items = [i for i in sub.index if outcome_groups.get(str(i)) == g]
            if not items:
                continue
            s = sub.loc[items].sum(min_count=1)
            s[sub.loc[items].isna().any()] = np.nan
            rows.append(pd.Series(s, name=(rid, g)))
    out = pd.DataFrame(rows)
    out.index = pd.MultiIndex.from_tuples(out.index, names=["report_id", "group"])
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
    out["rate"] = np.where(out["den"] > 0, out["num"] / out["den"].where(out["den"] > 0), np.nan)
    out["small"] = out["den"] < SMALL_N
    return out


def _rows(w: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    """Sum of items per report (unknown when any of them is unknown); rows report_id, columns applicants."""
    sub = w[w.index.get_level_values("item").isin(items)]
    grp = sub.groupby(level="report_id", observed=True)
    s = grp.sum(min_count=1)
    s[grp.apply(lambda d: d.isna().any())] = np.nan
    return s


def _items(prefix: str) -> list[str]:
    return [c for c in _item_order() if c.startswith(prefix + ".")]


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


def review_table(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 四 as rows (report_id, block) × columns upheld, corrected, other, pending, total (``number``)."""
    v = load_values() if values is None else values
    r = v[v["section"] == "review_litigation"].copy()
    parts = r["item"].astype(str).str.split(".", n=1, expand=True)
    r["block"], r["result"] = parts[0], parts[1]
    t = r.pivot_table(index=["report_id", "block"], columns="result", values="number", aggfunc="sum",
                      observed=True, min_count=1)
    t = t.reindex(columns=["upheld", "corrected", "other", "pending", "total"])
    present = set(r["report_id"].astype(str))
    ids = [rid for rid in report_order() if rid in present]
    t.index = t.index.set_levels(t.index.levels[0].astype(str), level=0) if len(t) else t.index
    return t.reindex(pd.MultiIndex.from_product([ids, REVIEW_BLOCKS], names=["report_id", "block"]))


def correction_rate(block: str, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Correction rate of one table 四 block (spec: 复议纠错率 and the same for each litigation block).

    rate = 结果纠正 / (总计 − 尚未审结), for ``block`` in review, litigation_direct, litigation_after_review.
    Returns num, den, rate, small (den < 10) by report_id; the rate is NaN when no case was decided.
    """
    if block not in REVIEW_BLOCKS:
        raise ValueError(f"block must be one of {REVIEW_BLOCKS}")
    t = review_table(values).xs(block, level="block")
    return _ratio(t["corrected"], t["total"] - t["pending"], by_applicant=False)


def rate_table(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """All request measures for the 总计 column in one long table: report_id, measure, num, den, rate, small."""
    fns = {
        "release_rate_substantive": release_rate_substantive, "release_rate_strict": release_rate_strict,
        "unable_rate": unable_rate, "not_held_share": not_held_share, "not_processed_rate": not_processed_rate,
        "other_rate": other_rate, "completion_rate": completion_rate, "carry_forward_rate": carry_forward_rate,
    }
    v = load_values() if values is None else values
    out = [fn(v).assign(measure=name).reset_index() for name, fn in fns.items()]
    return pd.concat(out, ignore_index=True)[["report_id", "measure", "num", "den", "rate", "small"]]


MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "release_rate_substantive": ("公开率（实质口径）", "Release rate (substantive)"),
    "release_rate_strict": ("公开率（严格口径）", "Release rate (strict)"),
    "unable_rate": ("无法提供率", "Unable to provide"),
    "not_held_share": ("本机关不掌握占比", "Not held"),
    "not_processed_rate": ("不予处理率", "Not processed"),
    "other_rate": ("其他处理率", "Other handling"),
    "completion_rate": ("办结率", "Completion rate"),
    "carry_forward_rate": ("结转率", "Carried forward"),
}


def measure_label(measure: str, lang: str = "zh") -> str:
    """Chart label of a measure name (``release_rate_strict`` → "公开率（严格口径）")."""
    return MEASURE_LABELS[measure][0 if lang == "zh" else 1]


def applicant_volumes(values: pd.DataFrame | None = None, item: str = "received") -> pd.DataFrame:
    """One table 三 row split natural persons vs organisations: report_id, natural_person, organisations, total."""
    w = to_wide(load_values() if values is None else values).xs(item, level="item")
    out = pd.DataFrame({
        "natural_person": w["natural_person"],
        "organisations": w[ORGANISATIONS].sum(axis=1, min_count=1),
        "total": w["total"],
    })
    return out


def carry_over_chain(values: pd.DataFrame | None = None, applicant: str = "total") -> pd.DataFrame:
    """Identity I4 per pair of consecutive years of one body: 四、结转下年度 (N) against 二、上年结转 (N+1).

    Columns: body, year, next_year, carried_forward (N), carried_over (N+1), gap = carried_over − carried_forward,
    broken (gap ≠ 0).
    """
    v = load_values() if values is None else values
    w = to_wide(v)[applicant]
    rep = load_reports().set_index("report_id")
    rows = []
    for body, r in rep.groupby("body", observed=True):
        years = r.reset_index().set_index("year")["report_id"].astype(str)
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
    ids = [str(r) for r in report_ids]
    if lang == "zh":
        names = "；".join(f"{rep.loc[r, 'body']} {rep.loc[r, 'year']} 年" if r in rep.index else r for r in ids)
        return f"来源：政府信息公开工作年度报告（{names}）"
    names = "; ".join(f"{rep.loc[r, 'body_en']} {rep.loc[r, 'year']}" if r in rep.index else r for r in ids)
    return f"Source: government information disclosure annual reports ({names})"


def save_figure(fig: matplotlib.figure.Figure, name: str, *, title: str, caption: str, reports: Iterable[str],
                subtitle: str = "", lang: str | None = None, notebook: str | None = None) -> Path:
    """Put title, subtitle and source line on ``fig``; write figures/NAME.png (200 dpi), NAME.svg and NAME.json.

    The sidecar JSON is {"name", "title", "caption", "notebook", "source"} for the site's gallery. ``notebook``
    defaults to the name given to :func:`use_style`. Returns the PNG path.
    """
    lang = lang or _STATE["lang"] or "zh"
    notebook = notebook or _STATE["notebook"] or ""
    reports = [str(r) for r in reports]
    source = source_line(reports, lang)
    if fig.get_layout_engine() is None or type(fig.get_layout_engine()).__name__ != "ConstrainedLayoutEngine":
        fig.set_layout_engine("constrained")
    width = fig.get_figwidth()
    wrap_title = int(width * (5.2 if lang == "zh" else 9.5))
    title_lines = textwrap.wrap(title, wrap_title) or [""]
    top = 1 - (0.045 + 0.055 * len(title_lines) + (0.05 if subtitle else 0)) * 6.75 / fig.get_figheight()
    src_lines = textwrap.wrap(source, int(width * (9 if lang == "zh" else 17)))
    bottom = (0.02 + 0.03 * len(src_lines)) * 6.75 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, top - bottom))
    fig.text(0.012, 0.985, "\n".join(title_lines), ha="left", va="top", fontsize=19,
             color="#1a1a1a")
    if subtitle:
        fig.text(0.012, 0.985 - 0.062 * len(title_lines) * 6.75 / fig.get_figheight(), subtitle, ha="left",
                 va="top", fontsize=12, color="#555555")
    fig.text(0.012, 0.012, "\n".join(src_lines), ha="left", va="bottom", fontsize=9, color="#666666")
    FIGURES.mkdir(parents=True, exist_ok=True)
    png = FIGURES / f"{name}.png"
    fig.savefig(png, dpi=200, facecolor="white")
    fig.savefig(FIGURES / f"{name}.svg", facecolor="white")
    meta = {"name": name, "title": title, "caption": caption, "notebook": notebook, "source": source}
    (FIGURES / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return png


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
    r = row["rate"]
    if pd.isna(r):
        return "—" if lang == "zh" else "n/a"
    mark = ("，样本小" if lang == "zh" else ", small n") if row["den"] < SMALL_N else ""
    return f"{pct(r)}（{fmt_n(row['num'])}/{fmt_n(row['den'])}{mark}）" if lang == "zh" else \
        f"{pct(r)} ({fmt_n(row['num'])}/{fmt_n(row['den'])}{mark})"


def plot_outcome_mix(mix: pd.DataFrame, lang: str = "zh", ax: matplotlib.axes.Axes | None = None,
                     min_label: float = 0.04) -> matplotlib.axes.Axes:
    """100 % stacked horizontal bars, one per report, one colour per outcome group; shares labelled, n on the right."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=FIGSIZE)
    reports = [r for r in report_order() if r in set(mix["report_id"].astype(str))]
    ylabels = [report_label(r, lang) for r in reports]
    left = np.zeros(len(reports))
    for g in GROUP_ORDER:
        sub = mix[mix["group"] == g].set_index(mix[mix["group"] == g]["report_id"].astype(str))
        share = sub["share"].reindex(reports).fillna(0).to_numpy()
        ax.barh(range(len(reports)), share, left=left, color=group_colour(g), label=group_label(g, lang),
                edgecolor="white", linewidth=0.8)
        for i, (l, s) in enumerate(zip(left, share)):
            if s >= min_label:
                ax.text(l + s / 2, i, f"{100 * s:.0f}%", ha="center", va="center", fontsize=10,
                        color="white" if g in ("granted", "refused", "not_processed") else "#1a1a1a")
        left += share
    first = mix.drop_duplicates("report_id")
    handled = first.set_index(first["report_id"].astype(str))["handled"]
    ylabels = [f"{y}\nn = {fmt_n(handled[r])}" for y, r in zip(ylabels, reports)]
    ax.set_yticks(range(len(reports)), ylabels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.legend(ncol=6, loc="upper left", bbox_to_anchor=(0, -0.06), handlelength=1.2, columnspacing=1.2)
    return ax


def bar_labels(ax: matplotlib.axes.Axes, fmt: str = "{:,.0f}", **kw) -> None:
    """Write each bar's value at its end (for charts with few bars)."""
    for cont in ax.containers:
        ax.bar_label(cont, labels=[fmt.format(v) if pd.notna(v) and v != 0 else ("0" if v == 0 else "")
                                   for v in cont.datavalues], padding=3, fontsize=10, **kw)


def plot_rate_bars(rates: pd.DataFrame, labels: Sequence[str], ax: matplotlib.axes.Axes, colour: str,
                   lang: str = "zh", xmax: float | None = None) -> matplotlib.axes.Axes:
    """Horizontal bars of rates (columns num, den, rate, small), labelled "53.4 % (87/163)".

    A bar over a denominator under 10 is drawn hatched and pale and its label says "small n"; a rate with no
    denominator is written "no cases" instead of a bar. Bars start at zero.
    """
    y = np.arange(len(rates))
    vals = rates["rate"].fillna(0).to_numpy()
    small = rates["small"].to_numpy()
    bars = ax.barh(y, vals, color=colour, edgecolor=colour)
    for b, s in zip(bars, small):
        if s:
            b.set_alpha(0.45)
            b.set_hatch("///")
    for i, (_, r) in enumerate(rates.iterrows()):
        if pd.isna(r["den"]):
            text = "数字无法确定" if lang == "zh" else "unknown"
        elif pd.isna(r["rate"]):
            text = "分母为 0" if lang == "zh" else "denominator 0"
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
                cbar_kws={"label": cbar_label, "shrink": 0.8}, annot_kws={"fontsize": 10})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    return ax


def markdown(text: str) -> None:
    """Display a paragraph of prose whose numbers were formatted in code."""
    from IPython.display import Markdown, display

    display(Markdown(text))


# --------------------------------------------------------------------------------------------------------------
# Tables the notebooks share
# --------------------------------------------------------------------------------------------------------------

#: The reasons of table 三 that are not a release: （三）1–8, （四）1–3, （五）1–5, and （六） as aligned.
REASON_ITEMS: list[str] = [c for c in _item_order()
                           if c.startswith(("refused.", "unable.", "not_processed.")) or c == "other"]


def reason_shares(values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each reason of not releasing, per report: report_id, item, group, count, handled (（七）总计), share.

    share = count / （七）总计 (spec: rates of 不予公开 / 无法提供 / 不予处理 / 其他处理 are over the total handled);
    （六） is one item ``other`` after :func:`align_formats`, so that 2019 and 2021 reports compare.
    """
    w = _table3(values)["total"]
    rows = []
    for rid in w.index.get_level_values(0).unique():
        sub = w.loc[rid]
        total = sub.get("total", np.nan)
        for item in REASON_ITEMS:
            if item in sub.index:
                rows.append(dict(report_id=rid, item=item, group=outcome_groups[item], count=sub[item],
                                 handled=total))
    out = pd.DataFrame(rows)
    out["share"] = out["count"] / out["handled"].where(out["handled"] > 0)
    out["report_id"] = as_report_category(out["report_id"])
    out["item"] = pd.Categorical(out["item"].astype(str), categories=REASON_ITEMS, ordered=True)
    return out


def pooled_reason_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Reasons ranked by their share of all handled requests pooled over the reports: Σ count / Σ （七）总计."""
    handled = shares.drop_duplicates("report_id")["handled"].sum()
    out = shares.groupby("item", observed=True).agg(count=("count", "sum"), group=("group", "first")).reset_index()
    out["handled"] = handled
    out["share"] = out["count"] / handled
    return out.sort_values("share", ascending=False).reset_index(drop=True)


def applicant_group_rates(by_applicant: pd.DataFrame) -> pd.DataFrame:
    """A measure's per-applicant result (``by_applicant=True``) regrouped: natural_person vs organisations.

    Numerators and denominators add, so the organisations' rate is Σ num / Σ den over the five organisation columns.
    """
    df = by_applicant.reset_index()
    df = df[df["applicant"].astype(str) != "total"].copy()
    df["who"] = np.where(df["applicant"].astype(str) == "natural_person", "natural_person", "organisations")
    g = df.groupby(["report_id", "who"], observed=True)[["num", "den"]].sum(min_count=1)
    g["rate"] = g["num"] / g["den"].where(g["den"] > 0)
    g["small"] = g["den"] < SMALL_N
    return g


def key_figures(report_id: str, values: pd.DataFrame | None = None, lang: str = "zh") -> pd.DataFrame:
    """Headline figures of one report: counts (table 三, 四) and every request measure with its n."""
    v = load_values() if values is None else values
    w = to_wide(align_formats(v))["total"]
    t4 = review_table(v)
    rows: list[dict] = []

    def count(code: str, n: float) -> None:
        rows.append(dict(key=code, label=label(code, lang, short=True) if code in _item_order() else label(code, lang),
                         kind="count", value=n, num=np.nan, den=np.nan))

    for code in ["received", "carried_over", "total", "granted", "partially_granted", "carried_forward"]:
        count(code, w.get((report_id, code), np.nan))
    rt = rate_table(v)
    for _, r in rt[rt["report_id"].astype(str) == report_id].iterrows():
        rows.append(dict(key=r["measure"], label=measure_label(r["measure"], lang), kind="rate", value=r["rate"],
                         num=r["num"], den=r["den"]))
    for block in REVIEW_BLOCKS:
        n = t4.loc[(report_id, block), "total"] if (report_id, block) in t4.index else np.nan
        rows.append(dict(key=f"{block}.total", label=label(block, lang), kind="count", value=n, num=np.nan,
                         den=np.nan))
    out = pd.DataFrame(rows)
    out["rate"] = out["value"].where(out["kind"] == "rate")
    return out


def previous_report(report_id: str) -> str | None:
    """The same body's latest report before this one, or None."""
    rep = load_reports()
    this = rep[rep["report_id"].astype(str) == report_id].iloc[0]
    earlier = rep[(rep["body"] == this["body"]) & (rep["year"] < this["year"])]
    return None if earlier.empty else str(earlier.sort_values("year").iloc[-1]["report_id"])
