"""Words as data: labels of codes, chart texts and prose in Chinese and English, numbers formatted for readers.

Labels come from the codebook (report codes), ``data/labels.csv`` (measures, blocks, checks, chart phrases),
``data/outcome_groups.csv`` (groups) and ``data/bodies.csv`` (short names); every sentence a notebook or chart shows
is a template in ``data/texts.csv`` keyed by figure or section, one column per language. Text that comes from a
report or from sources.csv (a body's name) is escaped before it reaches Markdown or HTML: :meth:`Words.md` escapes
the fields it fills in, :func:`escape_md` and :func:`escape_html` escape one string.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from nianbao import codebook

from .data import Corpus, read_labels

LANGS = ("zh", "en")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$])")


def escape_html(text: object) -> str:
    """``<script>`` → ``&lt;script&gt;``; quotes too, so the text is safe in an attribute."""
    return html.escape(str(text), quote=True)


def escape_md(text: object) -> str:
    """Text that renders as itself in Markdown: HTML escaped, Markdown's punctuation backslashed.

    ``[x](javascript:alert(1))`` becomes a literal, unlinked string; ``<script>`` is shown, never run.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)).replace("\n", " ")


def pct(rate: float | None, digits: int = 1) -> str:
    """A rate as a percentage ("53.4 %"); "—" when unknown."""
    return "—" if rate is None or pd.isna(rate) else f"{100 * rate:.{digits}f} %"


def fmt_n(n: float | None) -> str:
    """A count for prose and labels ("3,511"); "—" when unknown."""
    return "—" if n is None or pd.isna(n) else f"{n:,.0f}"


def _label_table(corpus: Corpus) -> tuple[dict[tuple[str, str], dict[str, str]], dict[str, dict[str, str]]]:
    """Labels by (section, code) and by code; for a code in several files the outcome group's label wins ("予以公开"),
    then the codebook's item label, then the label files' ("total" is （七）总计; the applicant column is by section)."""
    by_section: dict[tuple[str, str], dict[str, str]] = {}
    by_code: dict[str, dict[str, str]] = {}
    for r in read_labels("labels").itertuples():
        by_code[r.code] = {"zh": r.label_zh, "en": r.label_en}
    for r in corpus.codebook.itertuples():
        entry = {"zh": r.label_zh, "en": r.label_en}
        by_section[(r.section, r.code)] = entry
        if r.section != "applicant" or r.code not in by_code:
            by_code[r.code] = entry
    for r in corpus.codebook[corpus.codebook["section"] != "applicant"].itertuples():
        by_code[r.code] = by_section[(r.section, r.code)]  # an item's label wins over an applicant column's
    for r in read_labels("outcome_groups").itertuples():
        by_code[r.code] = {"zh": r.label_zh, "en": r.label_en}
    for block, (label_zh, label_en) in codebook.review_block_labels().items():
        by_code[block] = {"zh": label_zh, "en": label_en}
    for r in corpus.check_definitions.itertuples():
        by_code[f"check.{r.check}"] = {"zh": r.label_zh, "en": r.label_en}
    return by_section, by_code


@dataclass(frozen=True)
class Words:
    """Every word a page shows, in one language: ``w("key", n=3)`` fills a template of data/texts.csv."""

    lang: str
    texts: dict[str, str]
    by_section: dict[tuple[str, str], dict[str, str]]
    by_code: dict[str, dict[str, str]]
    report_labels: dict[str, str]
    body_labels: dict[str, str]

    def __call__(self, key: str, **fields: object) -> str:
        """The template ``key`` filled with ``fields`` as plain text (chart titles, axis labels)."""
        if key not in self.texts:
            raise KeyError(f"no text {key!r} in data/texts.csv")
        return self.texts[key].format(**fields)

    def md(self, key: str, **fields: object) -> str:
        """The template ``key`` as Markdown, every field escaped (:func:`escape_md`): safe for names from reports."""
        return self(key, **{k: escape_md(v) for k, v in fields.items()})

    def label(self, code: str, *, short: bool = False, section: str | None = None) -> str:
        """Label of a codebook code, applicant, outcome group, block, measure, check or phrase."""
        entry = self.by_section.get((section, code)) if section else self.by_code.get(code)
        if entry is None:
            raise KeyError(f"unknown code {code!r}")
        text = entry[self.lang]
        return _short_label(text, self.lang) if short else text

    def report(self, report_id: str) -> str:
        """Short label of a report: "济源市 2021" / "Jiyuan 2021"."""
        return self.report_labels.get(str(report_id), str(report_id))

    def body(self, body: str) -> str:
        """Short name of a body: "济源市" / "Jiyuan"."""
        return self.body_labels.get(body, body)

    def checks(self, codes: str) -> str:
        """Space-separated check codes ("I1 I2") as reader words ("总计与各结果之和不符；…")."""
        names = [self.label(f"check.{c}") if f"check.{c}" in self.by_code else c for c in codes.split()]
        return self("sep.list").join(names)

    def rate(self, row: pd.Series | dict, brief: bool = False) -> str:
        """"53.4 %（87/163）", marked when the denominator is small, unknown, zero or rests on a finding.

        The finding is named in full, or, with ``brief`` (chart labels), marked "*" for the chart's legend to explain.
        """
        rate, num, den, rests = row["rate"], row["num"], row["den"], row.get("rests_on", "")
        if pd.isna(rate):
            if rests:
                return self("rate.contradicted_brief") if brief else self("rate.contradicted", checks=self.checks(rests))
            return self("rate.unknown") if pd.isna(den) else self("rate.no_cases")
        key = "rate.small_n" if bool(row.get("small", False)) else "rate.plain"
        text = self(key, rate=pct(rate), num=fmt_n(num), den=fmt_n(den))
        if not rests:
            return text
        return text + (self("rate.mark") if brief else self("rate.rests_on", checks=self.checks(rests)))

    def source(self, report_ids: Iterable[str], reports: pd.DataFrame, limit: int = 6) -> str:
        """The source line of a figure: the reports by body and year, or their count beyond ``limit``."""
        rep = reports.set_index(reports["report_id"].astype(str))
        ids = [i for i in dict.fromkeys(map(str, report_ids)) if i in rep.index]
        rep = rep.loc[ids]
        if len(ids) > limit:
            years = rep["year"].dropna()
            return self("source.many", n=fmt_n(len(ids)), bodies=fmt_n(rep["body"].nunique()),
                        first=years.min(), last=years.max())
        name = rep["body"] if self.lang == "zh" else rep["body_en"]
        listed = [self("source.report", body=b, year=y) for b, y in zip(name, rep["year"])]
        return self("source.few", reports=self("sep.list").join(listed))


def _short_label(text: str, lang: str) -> str:
    # The codebook's labels are "group row" (zh, with the format's numbering) or "Group: row" (en).
    if lang == "zh":
        return re.sub(r"^(（[一二三四五六七]）|[0-9]+[.、]|[一二三四]、)", "", text.split(" ")[-1])
    if ": " not in text:
        return text
    text = text.split(": ", 1)[1]
    return text[0].upper() + text[1:]


def words(corpus: Corpus, lang: str = "zh") -> Words:
    """The :class:`Words` of one language for one corpus (its codebook and its reports' labels)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    texts = read_labels("texts").set_index("key")[lang].to_dict()
    by_section, by_code = _label_table(corpus)
    rep = corpus.reports
    return Words(lang=lang, texts=texts, by_section=by_section, by_code=by_code,
                 report_labels=dict(zip(rep["report_id"].astype(str), rep[f"label_{lang}"])),
                 body_labels=dict(zip(rep["body"], rep[f"short_{lang}"])))
