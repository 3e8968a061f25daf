"""Load the engine's tidy tables once into a :class:`Corpus`; every measure takes it (or a table of it) explicitly.

The tables are read from Parquet when the pipeline wrote it (``reports.parquet``, ``values.parquet``,
``checks.parquet``) and from the CSV files otherwise (UTF-8, with or without BOM). Codes become categoricals, so that
10⁵ reports' 20 million cells load and pivot without per-row Python. The engine writes ``number`` (what every
measure uses) and ``derived`` (how a number not printed as such was obtained); this layer never re-derives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import csv as arrow_csv

#: Repository data shipped with the code: label files (data/*.csv), independent of any corpus.
DATA = Path(__file__).resolve().parents[1] / "data"
SECTIONS = ["disclosure", "applications", "review_litigation", "narrative"]
SEVERITIES = ["error", "warning"]
STATUSES = ["ok", "findings", "failed"]
# "applications:granted:total", "review_litigation:review.total", "review_litigation" (the whole table)
_CELL_TOKEN = r"(?P<section>disclosure|applications|review_litigation|narrative)(?::(?P<item>[A-Za-z_.*]+))?"
VALUE_COLUMNS = ["report_id", "section", "item", "applicant", "value", "missing", "flag", "number", "derived"]
NUMBER_COLUMNS = {"value", "number"}


def read_table(processed: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """``processed/NAME.parquet`` if present, else ``NAME.csv``; text as strings ("" for empty), Parquet's dictionary
    columns as categoricals of strings (the values table, 10⁵ reports' 20 million cells, is read by ``_values``)."""
    parquet = processed / f"{name}.parquet"
    if parquet.exists():
        t = pd.read_parquet(parquet, columns=columns)
    else:
        csv = processed / f"{name}.csv"
        if not csv.exists():
            raise FileNotFoundError(f"{csv} does not exist: extract the reports first (python -m nianbao extract)")
        t = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=columns)
    for col in t.columns:
        if pd.api.types.is_numeric_dtype(t[col].dtype):
            continue
        if isinstance(t[col].dtype, pd.CategoricalDtype):
            t[col] = _category_strings(t[col])
        else:
            t[col] = t[col].fillna("").astype(str)
    return t


def _category_strings(s: pd.Series) -> pd.Series:
    """A column as a categorical of strings, missing as "" (Parquet may store an empty cell as null)."""
    s = s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype("category")
    if s.cat.categories.dtype != pd.Index([""]).dtype:  # already pandas' own strings (Parquet): no loop over 10⁵
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
    rep["report_id"] = pd.Categorical.from_codes(  # sorted, so row i is category i: no lookup of 10⁵ strings
        np.arange(len(rep)), dtype=pd.CategoricalDtype(rep["report_id"].to_numpy(), ordered=True))
    rep["status"] = _ordered(rep["status"], STATUSES)
    return rep


def _columns(processed: Path, name: str,
             columns: list[str]) -> Iterator[tuple[str, pa.ChunkedArray | Iterator[pa.Array]]]:
    """The columns of ``processed/NAME`` one at a time as Arrow arrays, text dictionary-encoded, so that at most one
    column is held twice while it becomes a pandas column; from Parquet a number column (``NUMBER_COLUMNS``) comes
    as a stream of batches, copied into its pandas column batch by batch."""
    parquet = processed / f"{name}.parquet"
    if parquet.exists():
        file = pq.ParquetFile(parquet)
        for column in columns:
            if column in NUMBER_COLUMNS and not pa.types.is_dictionary(file.schema_arrow.field(column).type):
                yield column, (b.column(0) for b in file.iter_batches(batch_size=1 << 22, columns=[column]))
            else:
                yield column, file.read(columns=[column]).column(0)
        return
    path = processed / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: extract the reports first (python -m nianbao extract)")
    text = pa.dictionary(pa.int32(), pa.string())
    options = arrow_csv.ConvertOptions(include_columns=columns, column_types={c: text for c in columns},
                                       strings_can_be_null=False)
    table = arrow_csv.read_csv(path, read_options=arrow_csv.ReadOptions(block_size=1 << 24), convert_options=options)
    for column in columns:
        array = table.column(column)
        table = table.drop_columns([column])
        yield column, array


def _code_dtype(n: int) -> type[np.signedinteger]:
    """The integer type pandas itself keeps codes of ``n`` categories in (no copy when the categorical is made)."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if n < np.iinfo(t).max)


def _categorical(array: pa.ChunkedArray, listed: list[str] | pd.Index | None = None, ordered: bool = False,
                 keep_unlisted: bool = True) -> pd.Categorical:
    """A text column as a categorical made from its Arrow dictionary indices (no string per row): the categories
    ``listed`` in that order, then (``keep_unlisted``) any other in order of appearance, else code -1 for them; null
    as "" (Parquet may store an empty cell as null). Only the dictionaries (one per Parquet row group, a few hundred
    strings each) are looked up in Python; the rows are one ``take`` per chunk."""
    chunks = [c if pa.types.is_dictionary(c.type) else c.dictionary_encode() for c in array.chunks]
    dictionaries = [c.dictionary.to_pylist() for c in chunks]
    code_of = {c: i for i, c in enumerate(dict.fromkeys([] if listed is None else listed))}
    if keep_unlisted:
        for dictionary in dictionaries:
            for category in dictionary:
                code_of.setdefault(category, len(code_of))
        if any(c.null_count for c in chunks):
            code_of.setdefault("", len(code_of))
    dtype = _code_dtype(len(code_of))
    empty = code_of.get("", -1)
    codes = np.empty(len(array), dtype=dtype)
    start = 0
    for chunk, dictionary in zip(chunks, dictionaries):
        positions = np.array([code_of.get(c, -1) for c in dictionary] + [empty], dtype=dtype)
        indices = chunk.indices.fill_null(len(dictionary)) if chunk.null_count else chunk.indices
        np.take(positions, indices.to_numpy(), out=codes[start:start + len(chunk)])
        start += len(chunk)
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(list(code_of), dtype=str), ordered),
                                     validate=False)


def _numbers(chunks: pa.ChunkedArray | Iterator[pa.Array], n_rows: int) -> np.ndarray:
    """A number column as float, NaN where empty, filled chunk by chunk; text (CSV) is converted through each chunk's
    dictionary, not its rows."""
    out = np.empty(n_rows)
    start = 0
    for chunk in chunks.chunks if isinstance(chunks, pa.ChunkedArray) else chunks:
        if pa.types.is_dictionary(chunk.type) or pa.types.is_string(chunk.type):
            chunk = chunk if pa.types.is_dictionary(chunk.type) else chunk.dictionary_encode()
            text = pd.Series(chunk.dictionary.to_numpy(zero_copy_only=False), dtype=object).replace("", np.nan)
            numbers = np.append(pd.to_numeric(text, errors="coerce").to_numpy(float), np.nan)
            indices = chunk.indices.fill_null(len(text)) if chunk.null_count else chunk.indices
            np.take(numbers, indices.to_numpy(), out=out[start:start + len(chunk)])
        else:
            out[start:start + len(chunk)] = chunk.fill_null(np.nan).to_numpy()  # 8× to_numpy's own null handling
        start += len(chunk)
    return out


def _values(processed: Path, reports: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    items = list(dict.fromkeys(codebook.loc[codebook["section"] != "applicant", "code"]))
    applicants = list(codebook.loc[codebook["section"] == "applicant", "code"])
    listed = {"report_id": reports["report_id"].cat.categories, "section": SECTIONS, "item": items,
              "applicant": [""] + applicants}
    columns: dict[str, pd.Categorical | np.ndarray] = {}
    for name, array in _columns(processed, "values", VALUE_COLUMNS):
        if name in NUMBER_COLUMNS:
            columns[name] = _numbers(array, len(columns["report_id"]))  # report_id is read first
        else:  # a value of a report reports.parquet/csv does not list has no body or year: code -1, dropped below
            columns[name] = _categorical(array, listed.get(name), ordered=name in listed,
                                         keep_unlisted=name != "report_id")
    v = pd.DataFrame(columns, copy=False)
    listed_report = v["report_id"].cat.codes.to_numpy() >= 0
    return v if listed_report.all() else v[listed_report].reset_index(drop=True)


def _findings(processed: Path, reports: pd.DataFrame) -> pd.DataFrame:
    f = read_table(processed, "checks")
    # Recoded through its categories, not its rows (a finding of a report not listed: NaN, as before).
    report_id = _category_strings(f["report_id"]).cat.set_categories(reports["report_id"].cat.categories, ordered=True)
    f = f.astype({c: str for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype) and c != "report_id"})
    f["report_id"] = report_id
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
        v = self.values
        keep = ((v["section"] != "narrative") & v["applicant"].isin(["", "total"])).to_numpy()
        wide = _scatter(v["report_id"].cat.codes.to_numpy()[keep], v["item"], v["number"], keep, len(self.reports))
        wide.index = pd.Index(self.reports["report_id"].astype(str), name="report_id")
        return wide

    @cached_property
    def by_applicant(self) -> pd.DataFrame:
        """Table 三 ``number`` by applicant: rows (report_id, applicant) that have a cell, columns item codes."""
        v = self.values
        keep = ((v["section"] == "applications") & (v["applicant"] != "")).to_numpy()
        codes, applicants = _used(v["applicant"].cat.codes.to_numpy()[keep], v["applicant"].cat.categories)
        keys = v["report_id"].cat.codes.to_numpy()[keep].astype(np.int64) * len(applicants) + codes
        present = np.zeros(len(self.reports) * len(applicants), dtype=bool)
        present[keys] = True
        wide = _scatter((np.cumsum(present) - 1)[keys], v["item"], v["number"], keep, int(present.sum()))
        found = np.flatnonzero(present)
        wide.index = pd.MultiIndex(levels=[self.reports["report_id"].astype(str), applicants],
                                   codes=[found // len(applicants), found % len(applicants)],
                                   names=["report_id", "applicant"])
        return wide

    @cached_property
    def finding_cells(self) -> pd.DataFrame:
        """The cells each finding names: report_id, check, section, item ("" for a whole table or every row)."""
        f = self.findings
        # Each distinct ``cells`` text is parsed once (10⁵ reports repeat a few hundred of them).
        cells = pd.Categorical(f["cells"])
        tokens = pd.Series(cells.categories).str.extractall(_CELL_TOKEN).reset_index(level=1, drop=True)
        rows = pd.DataFrame({"row": np.arange(len(f)), "code": cells.codes}).merge(
            tokens, left_on="code", right_index=True, how="inner")  # in the order of the findings, then of the tokens
        out = f[["report_id", "check", "severity"]].iloc[rows["row"].to_numpy()].reset_index(drop=True)
        out[["section", "item"]] = rows[["section", "item"]].to_numpy()
        out["item"] = out["item"].fillna("").replace("*", "")
        return out

    def report_ids(self) -> list[str]:
        return [str(r) for r in self.reports["report_id"]]


def _used(codes: np.ndarray, categories: pd.Index) -> tuple[np.ndarray, list[str]]:
    """Codes renumbered over the categories that occur, and those categories (a count, not a sort)."""
    used = np.bincount(codes, minlength=len(categories)) > 0
    return (np.cumsum(used) - 1)[codes], [str(c) for c, u in zip(categories, used) if u]


def _scatter(rows: np.ndarray, codes: pd.Series, numbers: pd.Series, keep: np.ndarray, n_rows: int) -> pd.DataFrame:
    """A wide table of the kept ``numbers`` placed at (row, code) without a group-by: one column per code present."""
    columns, names = _used(codes.cat.codes.to_numpy()[keep], codes.cat.categories)
    out = np.full((n_rows, len(names)), np.nan)
    out[rows, columns] = numbers.to_numpy()[keep]
    return pd.DataFrame(out, columns=pd.Index(names, name="item"))


def load(processed: str | Path = DATA / "processed") -> Corpus:
    """Read reports, values, checks and the codebook of one ``processed`` folder (Parquet or CSV) into a Corpus."""
    processed = Path(processed)
    codebook = read_table(processed, "codebook")
    reports = _reports(processed, read_labels("bodies"))
    return Corpus(reports=reports, values=_values(processed, reports, codebook),
                  findings=_findings(processed, reports), codebook=codebook,
                  check_definitions=read_table(processed, "check_definitions"), processed=processed)
