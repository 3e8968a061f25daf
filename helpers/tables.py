"""Reader-grade tables: labels in the page's language, no codes, no NaN, findings as sentences, bounded length.

Every function returns a DataFrame of display strings; :func:`html_table` renders one with every cell escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .compare import MIN_RANKED
from .data import Corpus
from .text import Words, escape_html, fmt_n, pct

MAX_ROWS = 15


def html_table(table: pd.DataFrame, note: str = "") -> str:
    """A table as HTML without its index, every cell and header escaped, "—" for a missing value."""
    body = table.fillna("—").astype(str).to_html(index=False, escape=True, border=0, classes="reader-table")
    return body + (f'<p class="table-note">{escape_html(note)}</p>' if note else "")


def _label(words: Words, prefix: str, code: str) -> str:
    key = f"{prefix}.{code}"
    return words.label(key) if key in words.by_code else (code or words("value.unknown"))


def reports_table(corpus: Corpus, words: Words, limit: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
    """The reports (body, level, parent, year, format, status) up to ``limit`` rows, and a note on the rest."""
    r = corpus.reports
    t = pd.DataFrame({
        words("col.body"): r["body"] if words.lang == "zh" else r["body_en"],
        words("col.level"): [_label(words, "level", v) for v in r["level"]],
        words("col.parent"): r["parent"].replace("", "—"),
        words("col.year"): r["year"].astype(str),
        words("col.format"): [_label(words, "format", v) for v in r["format"]],
        words("col.status"): [_label(words, "status", str(v)) for v in r["status"]],
    })
    return t.head(limit), (words("table.more", n=fmt_n(len(t) - limit)) if len(t) > limit else "")


def findings_table(corpus: Corpus, words: Words, report_ids: Iterable[str] | None = None,
                   limit: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
    """Findings as sentences, one row per report and check (the first message, and how many alike), errors first."""
    f = corpus.findings
    if report_ids is not None:
        f = f[f["report_id"].astype(str).isin(set(map(str, report_ids)))]
    f = f.astype({"report_id": str, "severity": str})
    g = f.groupby(["report_id", "check", "severity"], sort=False)[f"message_{words.lang}"].agg(["first", "size"])
    g = g.reset_index().sort_values(["severity", "report_id"], key=lambda s: s.map(
        {"error": 0, "warning": 1}).fillna(2) if s.name == "severity" else s, kind="stable")
    t = pd.DataFrame({
        words("col.report"): [words.report(r) for r in g["report_id"]],
        words("col.severity"): [_label(words, "severity", s) for s in g["severity"]],
        words("col.check"): [words.checks(c) for c in g["check"]],
        words("col.finding"): [m + (words("table.alike", n=fmt_n(n - 1)) if n > 1 else "")
                               for m, n in zip(g["first"], g["size"])],
    })
    return t.head(limit), (words("table.more", n=fmt_n(len(t) - limit)) if len(t) > limit else "")


def findings_by_check(corpus: Corpus, words: Words) -> pd.DataFrame:
    """Per check: how many reports have an error or a warning finding of it (the chart's data, long form)."""
    f = corpus.findings.astype({"severity": str, "report_id": str})
    n = f.drop_duplicates(["report_id", "check", "severity"]).groupby(["check", "severity"]).size()
    t = n.unstack("severity").reindex(columns=["error", "warning"]).fillna(0).astype(int)
    t = t.loc[t.sum(axis=1).sort_values(ascending=False).index]
    t.index = [words.checks(c) for c in t.index]
    return t.rename(columns=lambda s: f"severity.{s}")


def ranking_table(ranked: pd.DataFrame, words: Words, n: int = 5) -> tuple[pd.DataFrame, str]:
    """Top and bottom ``n`` of one peer group with rank, rate and n; and a note on the reports shown, not ranked."""
    r = ranked[ranked["ranked"]].sort_values("rank")
    shown = pd.concat([r.head(n), r.tail(n)]).drop_duplicates("report_id") if len(r) > 2 * n else r
    t = pd.DataFrame({words("col.rank"): shown["rank"].astype(int).astype(str).to_numpy(),
                      words("col.report"): [words.report(x) for x in shown["report_id"]],
                      words("col.value"): [words.rate(x) for _, x in shown.iterrows()],
                      words("col.handled"): shown["handled"].map(fmt_n).to_numpy()})
    unranked = int((~ranked["ranked"]).sum())
    return t, (words("table.unranked", n=fmt_n(unranked), min=fmt_n(MIN_RANKED)) if unranked else "")


def key_figures_table(kf: pd.DataFrame, words: Words, year: int) -> pd.DataFrame:
    """Key figures of one report and its previous report, with the change and the mark of any finding."""
    def shown(r: pd.Series) -> str:
        return words.rate(r.rename({"value": "rate"})) if r["kind"] == "rate" else (
            fmt_n(r["value"]) + (words("rate.rests_on", checks=words.checks(r["rests_on"])) if r["rests_on"] else ""))

    def change(r: pd.Series) -> str:
        if pd.isna(r["change"]):
            return "—"
        return words("change.points", d=f"{100 * r['change']:+.1f}") if r["kind"] == "rate" else f"{r['change']:+,.0f}"

    t = pd.DataFrame({words("col.figure"): [words.label(k, short=True) for k in kf["key"]],
                      str(year): kf.apply(shown, axis=1)})
    if kf["previous_year"].notna().any():
        prev = int(kf["previous_year"].iloc[0])
        t[str(prev)] = [pct(v) if k == "rate" else fmt_n(v) for k, v in zip(kf["kind"], kf["previous"])]
        t[words("col.change")] = kf.apply(change, axis=1)
    return t


def reason_labels(table: pd.DataFrame, words: Words) -> list[str]:
    """Chart labels of reasons ("不予公开 · 保护第三方合法权益"; （六） as its group alone) from item and group columns."""
    return [words.label(g) if i == g else f"{words.label(g)} · {words.label(i, short=True)}"
            for i, g in zip(table["item"].astype(str), table["group"])]


def reason_grid(shares: pd.DataFrame, pooled: pd.DataFrame, words: Words, groups: pd.Series | None = None,
                rows: int = 12) -> pd.DataFrame:
    """Reasons (the ``rows`` most used) × reports, or × groups of reports (``groups``: report_id → label, pooled
    shares Σ count / Σ handled); column labels carry their n."""
    top = pooled[pooled["count"] > 0].head(rows)
    s = shares[shares["item"].isin(top["item"]) & shares["handled"].notna()].copy()
    s["item"] = s["item"].astype(str)
    s["column"] = s["report_id"].astype(str) if groups is None else s["report_id"].astype(str).map(groups)
    agg = s.groupby(["item", "column"], observed=True)[["count"]].sum()
    handled = s.drop_duplicates(["report_id"]).groupby("column")["handled"].sum()
    grid = (agg["count"] / agg.index.get_level_values("column").map(handled).to_numpy()).unstack("column")
    grid = grid.reindex(index=list(top["item"].astype(str)))
    if groups is None:
        grid = grid.reindex(columns=[r for r in dict.fromkeys(shares["report_id"].astype(str)) if r in grid.columns])
    names = [words.report(col) if groups is None else col for col in grid.columns]
    grid.columns = [words("axis.report_n", report=n, n=fmt_n(handled[col])) for n, col in zip(names, grid.columns)]
    grid.index = reason_labels(top, words)
    grid.index.name = words("col.reason")
    return grid


def plain_words_table(reasons: pd.DataFrame, words: Words) -> pd.DataFrame:
    """Reasons (item, group, share) with their plain-words reading from data/reasons_plain.csv."""
    from .data import read_labels

    plain = read_labels("reasons_plain").set_index("code")[f"plain_{words.lang}"]
    return pd.DataFrame({words("col.reason"): reason_labels(reasons, words),
                         words("col.share"): reasons["share"].map(pct).to_numpy(),
                         words("col.plain"): reasons["item"].astype(str).map(plain).fillna("—").to_numpy()})


def series_story(series: pd.DataFrame, body: str, changes: pd.DataFrame, words: Words) -> dict[str, str]:
    """The fields of a year-over-year headline for one body: its first and last report's new requests and strict
    release rate, whether the series crosses the format change, and the corpus' number of series and pairs."""
    own = series[series["body"] == body].sort_values("year")
    first, last = own.iloc[0], own.iloc[-1]
    per_body = series.groupby("body")["year"].nunique()
    return {"multi": fmt_n((per_body > 1).sum()), "pairs": fmt_n(len(changes)), "median": pct(changes["change"].median()),
            "body": words.body(body), "first": str(first["year"]), "last": str(last["year"]), "n": fmt_n(len(own)),
            "a": fmt_n(first["received"]), "b": fmt_n(last["received"]),
            "ra": pct(first["release_rate_strict"]), "rb": pct(last["release_rate_strict"]),
            "across": words("04.across") if own["format"].nunique() > 1 else ""}


def changes_table(changes: pd.DataFrame, words: Words, k: int) -> pd.DataFrame:
    """The ``k`` largest year-on-year changes of a rate: body, years, before, after, change in points."""
    top = changes.assign(size=changes["change"].abs()).dropna(subset=["size"]).nlargest(k, "size")
    return pd.DataFrame({words("col.body"): [words.body(b) for b in top["body"]],
                         words("col.years"): [f"{y - 1}→{y}" for y in top["year"]],
                         words("col.before"): top["before"].map(pct).to_numpy(),
                         words("col.after"): top["after"].map(pct).to_numpy(),
                         words("col.change"): [words("change.points", d=f"{100 * d:+.1f}") for d in top["change"]]})


def review_story(totals: pd.DataFrame, bad: pd.DataFrame, pooled: pd.DataFrame, stages: pd.DataFrame) -> dict[str, str]:
    """Headline fields of table 四: cases where the totals hold, reports with any case, the pooled review
    correction rate, and the funnel (challenged and corrected per 1,000 new requests)."""
    clean = totals.mask(bad)
    review = pooled.loc["correction_rate.review"] if "correction_rate.review" in pooled.index else None
    received, challenged, corrected = stages["count"].to_numpy()
    return {"cases": fmt_n(clean.sum().sum()), "with_cases": fmt_n((clean.fillna(0).sum(axis=1) > 0).sum()),
            "reports": fmt_n(len(totals)), "contradicted": fmt_n(bad.any(axis=1).sum()),
            "review_rate": pct(review["rate"]) if review is not None else "—",
            "challenged": fmt_n(1000 * challenged / received) if received else "—",
            "corrected": fmt_n(1000 * corrected / received) if received else "—"}


def funnel_table(funnel_table: pd.DataFrame, words: Words, n: int) -> pd.DataFrame:
    """The ``n`` reports with most reviews and lawsuits: new requests → challenged → corrected, with both rates."""
    top = funnel_table.dropna(subset=["challenged"]).nlargest(n, "challenged")
    rate = lambda num, den: pd.Series({"num": num, "den": den, "rate": num / den if den else float("nan"),  # noqa: E731
                                       "small": den < 10, "rests_on": ""})
    return pd.DataFrame({words("col.report"): [words.report(r) for r in top.index],
                         words("col.received"): top["received"].map(fmt_n).to_numpy(),
                         words("col.challenged"): top["challenged"].map(fmt_n).to_numpy(),
                         words("col.corrected"): top["corrected"].map(fmt_n).to_numpy(),
                         words.label("dispute_rate"): [words.rate(rate(a, b)) for a, b in zip(top["challenged"], top["received"])]})


def comparability_table(corpus: Corpus, words: Words, section: str = "disclosure") -> tuple[pd.DataFrame, str]:
    """The items of a table printed in both formats (comparable across the change), and a note on the others."""
    cb = corpus.codebook[corpus.codebook["section"] == section]
    both = cb["formats"].str.contains("2019") & cb["formats"].str.contains("2021")
    t = pd.DataFrame({words("col.item"): [words.label(code) for code in cb.loc[both, "code"]],
                      words("col.comparable"): words("value.comparable")})
    only = cb.loc[~both, "formats"].value_counts()
    return t, words("table.one_format", n2019=fmt_n(only.get("2019", 0)), n2021=fmt_n(only.get("2021", 0)))


def briefing_story(kf: pd.DataFrame, words: Words) -> dict[str, str]:
    """Headline fields of one report's key figures (:func:`helpers.compare.key_figures`, indexed by key)."""
    prev_year = kf["previous_year"].iloc[0]
    return {"received": fmt_n(kf.at["received", "value"]), "total": fmt_n(kf.at["total", "value"]),
            "strict": words.rate(kf.loc["release_rate_strict"].rename({"value": "rate"})),
            "subst": words.rate(kf.loc["release_rate_substantive"].rename({"value": "rate"})),
            "prev_year": "" if pd.isna(prev_year) else str(prev_year),
            "prev_received": fmt_n(kf.at["received", "previous"]), "prev_strict": pct(kf.at["release_rate_strict", "previous"])}


def measures_for_readers(corpus: Corpus, words: Words) -> pd.DataFrame:
    """Bodies × years × measures for a sortable table: body, year, level, parent, requests handled, each measure's
    rate (a fraction, 4 decimals, empty when unknown) and the findings its numbers rest on, in reader words."""
    from .measures import measure_table

    mt = measure_table(corpus)
    rates = mt.pivot(index="report_id", columns="measure", values="rate").round(4)
    marks = mt[mt["rests_on"] != ""].groupby("report_id")["rests_on"].agg(lambda r: " ".join(sorted(set(" ".join(r).split()))))
    rep = corpus.reports.set_index(corpus.reports["report_id"].astype(str))
    t = pd.DataFrame({words("col.body"): rep["body"] if words.lang == "zh" else rep["body_en"],
                      words("col.year"): rep["year"],
                      words("col.level"): [_label(words, "level", v) for v in rep["level"]],
                      words("col.parent"): rep["parent"], words("col.handled"): corpus.cells.get("total")})
    t = t.join(rates.rename(columns=lambda m: words.label(str(m))))
    t[words("col.finding")] = [words.checks(m) if isinstance(m, str) else "" for m in marks.reindex(t.index)]
    return t.reset_index(drop=True)
