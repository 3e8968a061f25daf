"""Load the engine's tidy tables once into a :class:`Corpus`; every measure takes it (or a table of it) explicitly.

The tables are read from Parquet when the pipeline wrote it (``reports.parquet``, ``values.parquet``,
``checks.parquet``) and from the CSV files otherwise (UTF-8, with or without BOM). Codes become categoricals, so that
10⁵ reports' 20 million cells load and pivot without per-row Python. The engine writes ``number`` (what every
measure uses) and ``derived`` (how a number not printed as such was obtained); this layer never re-derives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

#: Repository data shipped with the code: label files (data/*.csv), independent of any corpus.
DATA = Path(__file__).resolve().parents[1] / "data"
SECTIONS = ["disclosure", "applications", "review_litigation", "narrative"]
SEVERITIES = ["error", "warning"]
STATUSES = ["ok", "findings", "failed"]
# "applications:granted:total", "review_litigation:review.total", "review_litigation" (the whole table)
_CELL_TOKEN = r"(?P<section>disclosure|applications|review_litigation|narrative)(?::(?P<item>[A-Za-z_.*]+))?"
VALUE_COLUMNS = ["report_id", "section", "item", "applicant", "value", "missing", "flag", "number", "derived"]


def read_table(processed: Path, name: str, columns: list[str] | None = None, categorical: bool = False) -> pd.DataFrame:
    """``processed/NAME.parquet`` if present, else ``NAME.csv``; text as strings ("" for empty), or with
    ``categorical`` every column as a categorical (what makes 20 million cells cheap: work on the categories)."""
    parquet = processed / f"{name}.parquet"
    if parquet.exists():
        t = pd.read_parquet(parquet, columns=columns)
    else:
        csv = processed / f"{name}.csv"
        if not csv.exists():
            raise FileNotFoundError(f"{csv} does not exist: extract the reports first (python -m nianbao extract)")
        t = pd.read_csv(csv, dtype="category" if categorical else str, keep_default_na=False, encoding="utf-8-sig",
                        usecols=columns)
    for col in t.columns:
        if pd.api.types.is_numeric_dtype(t[col].dtype):
            continue
        if categorical or isinstance(t[col].dtype, pd.CategoricalDtype):
            t[col] = _category_strings(t[col])
        else:
            t[col] = t[col].fillna("").astype(str)
    return t


def _category_strings(s: pd.Series) -> pd.Series:
    """A column as a categorical of strings, missing as "" (Parquet may store an empty cell as null)."""
    s = s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype("category")
    s = s.cat.rename_categories([str(c) for c in s.cat.categories])
    if s.isna().any():
        s = (s.cat.add_categories([""]) if "" not in s.cat.categories else s).fillna("")
    return s


def read_labels(name: str) -> pd.DataFrame:
    """A label file of the repository, ``data/NAME.csv``, as strings."""
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _numeric(s: pd.Series) -> pd.Series:
    """Numbers of a text column, "" → NaN; a categorical is converted through its categories, not its rows."""
    if pd.api.types.is_numeric_dtype(s.dtype):  # Parquet keeps numbers as numbers
        return s.astype(float)
    s = _category_strings(s)
    numbers = pd.to_numeric(pd.Series(s.cat.categories).replace("", np.nan), errors="coerce").to_numpy(float)
    codes = s.cat.codes.to_numpy()
    return pd.Series(np.append(numbers, np.nan)[np.where(codes < 0, len(numbers), codes)], index=s.index)


def _ordered(s: pd.Series, categories: list[str]) -> pd.Series:
    """A categorical in the given order (codebook order), codes not listed appended (an engine newer than the labels)."""
    s = _category_strings(s)
    extra = [c for c in s.cat.categories if c not in set(categories)]
    return s.cat.set_categories(list(categories) + extra, ordered=True)


def _reports(processed: Path, bodies: pd.DataFrame) -> pd.DataFrame:
    rep = read_table(processed, "reports")
    rep = rep.astype({c: str for c in rep.columns if isinstance(rep[c].dtype, pd.CategoricalDtype)})
    rep["year"] = _numeric(rep["year"]).astype("Int64")
    short = bodies.set_index("body")
    rep["short_zh"] = rep["body"].map(short["short_zh"]).replace("", np.nan).fillna(rep["body"])
    rep["short_en"] = rep["body"].map(short["short_en"]).replace("", np.nan).fillna(rep["report_id"])
    rep["body_en"] = rep["body"].map(short["name_en"]).replace("", np.nan).fillna(rep["body"])
    for lang in ("zh", "en"):
        rep[f"label_{lang}"] = rep[f"short_{lang}"] + " " + rep["year"].astype(str)
    rep = rep.sort_values(["body", "year", "report_id"]).reset_index(drop=True)
    rep["report_id"] = pd.Categorical(rep["report_id"], categories=list(rep["report_id"]), ordered=True)
    rep["status"] = _ordered(rep["status"], STATUSES)
    return rep


def _values(processed: Path, reports: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    v = read_table(processed, "values", VALUE_COLUMNS, categorical=True)
    v["report_id"] = v["report_id"].cat.set_categories(reports["report_id"].cat.categories, ordered=True)
    v = v[v["report_id"].notna()]  # a value of a report reports.parquet/csv does not list has no body or year
    v["section"] = _ordered(v["section"], SECTIONS)
    items = list(dict.fromkeys(codebook.loc[codebook["section"] != "applicant", "code"]))
    v["item"] = _ordered(v["item"], items)
    applicants = list(codebook.loc[codebook["section"] == "applicant", "code"])
    v["applicant"] = _ordered(v["applicant"], [""] + applicants)
    v["value"] = _numeric(v["value"])
    v["number"] = _numeric(v["number"])
    return v.reset_index(drop=True)


def _findings(processed: Path, reports: pd.DataFrame) -> pd.DataFrame:
    f = read_table(processed, "checks")
    f = f.astype({c: str for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype)})
    f["report_id"] = pd.Categorical(f["report_id"], categories=reports["report_id"].cat.categories, ordered=True)
    f["severity"] = _ordered(f["severity"], SEVERITIES)
    return f.sort_values(["report_id", "severity", "check"]).reset_index(drop=True)


@dataclass(eq=False)
class Corpus:
    """The tidy tables of one extraction, loaded once: pass it to measures, tables and charts.

    ``reports``: one row per report ordered by body and year, with chart labels (``label_zh`` "济源市 2021").
    ``values``: one row per cell, codes categorical in codebook order, ``value`` as printed, ``number`` for measures.
    ``findings``: the validator's findings (``checks``). ``codebook``: codes with labels, group and block.
    ``check_definitions``: each check's name and meaning in both languages, as the engine defines them.
    Derived wide tables (``cells``, ``by_applicant``) are computed on first use and kept on the object.
    """

    reports: pd.DataFrame
    values: pd.DataFrame
    findings: pd.DataFrame
    codebook: pd.DataFrame
    check_definitions: pd.DataFrame
    processed: Path = field(default=Path("."))

    @cached_property
    def cells(self) -> pd.DataFrame:
        """``number`` of every item's total cell: rows report_id (all reports), columns item codes (table 二, 三, 四)."""
        v = self.values[["report_id", "section", "item", "applicant", "number"]]
        keep = (v["section"] != "narrative") & v["applicant"].isin(["", "total"])
        return _pivot(v[keep], "item", self.reports["report_id"])

    @cached_property
    def by_applicant(self) -> pd.DataFrame:
        """Table 三 ``number`` by applicant: rows (report_id, applicant) that have a cell, columns item codes."""
        v = self.values[["report_id", "section", "item", "applicant", "number"]]
        a = v[(v["section"] == "applications") & (v["applicant"] != "")]
        codes, applicants = _used(a["applicant"])
        rows = a["report_id"].cat.codes.to_numpy().astype(np.int64) * len(applicants) + codes
        keys = pd.MultiIndex.from_product([self.reports["report_id"].astype(str), applicants],
                                          names=["report_id", "applicant"])
        wide = _scatter(rows, a["item"], a["number"], len(keys))
        wide.index = keys
        present = np.zeros(len(keys), dtype=bool)
        present[rows] = True
        return wide[present]

    @cached_property
    def finding_cells(self) -> pd.DataFrame:
        """The cells each finding names: report_id, check, section, item ("" for a whole table or every row)."""
        f = self.findings
        tokens = f["cells"].str.extractall(_CELL_TOKEN).reset_index(level=1, drop=True)
        out = f[["report_id", "check", "severity"]].join(tokens, how="inner")
        out["item"] = out["item"].fillna("").replace("*", "")
        return out.reset_index(drop=True)

    def report_ids(self) -> list[str]:
        return [str(r) for r in self.reports["report_id"]]


def _used(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """A categorical's codes renumbered over the categories that occur, and those categories (a count, not a sort)."""
    codes = s.cat.codes.to_numpy()
    used = np.bincount(codes, minlength=len(s.cat.categories)) > 0
    return (np.cumsum(used) - 1)[codes], [str(c) for c, u in zip(s.cat.categories, used) if u]


def _scatter(rows: np.ndarray, codes: pd.Series, numbers: pd.Series, n_rows: int) -> pd.DataFrame:
    """A wide table of ``numbers`` placed at (row, code) without a group-by: one column per code present."""
    columns, names = _used(codes)
    out = np.full((n_rows, len(names)), np.nan)
    out[rows, columns] = numbers.to_numpy()
    return pd.DataFrame(out, columns=pd.Index(names, name="item"))


def _pivot(v: pd.DataFrame, column: str, index: pd.Series) -> pd.DataFrame:
    """One row per report (every report, in order), one column per code present; NaN where no cell."""
    wide = _scatter(v["report_id"].cat.codes.to_numpy(), v[column], v["number"], len(index))
    wide.index = pd.Index(index.astype(str), name="report_id")
    return wide


def load(processed: str | Path = DATA / "processed") -> Corpus:
    """Read reports, values, checks and the codebook of one ``processed`` folder (Parquet or CSV) into a Corpus."""
    processed = Path(processed)
    codebook = read_table(processed, "codebook")
    reports = _reports(processed, read_labels("bodies"))
    return Corpus(reports=reports, values=_values(processed, reports, codebook),
                  findings=_findings(processed, reports), codebook=codebook,
                  check_definitions=read_table(processed, "check_definitions"), processed=processed)
