"""Every text form a report arrives in, made here by the real tools, read cell for cell or flagged.

Each corpus PDF (and HTML reports printed to PDF by Chromium) goes through each converter, and its pages as images
through OCR (RapidOCR's text lines and its markdown); portal pages go through a tag-stripper that leaves no separator. Expected cells: the hand-checked fixture where there is one,
else the engine's reading of the HTML page the PDF was printed from. No number may differ without a flag.
The table of results is written to build/converter-forms.md and, with NIANBAO_WRITE_README=1, into README.md.
"""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from converter_forms import CONVERTERS, OCR_LINES, SLOW, ocr_texts, print_to_pdf, strip_tags
from nianbao.extract import extract_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
PDFS = ["hongze-district_2023", "hongze-district_2024"]
PRINTED = {"shanghai-gov-office_2019": ROOT / "data" / "raw" / "shanghai-gov-office_2019.html",
           "pingtan-zone_2019": CORPUS / "pingtan-zone_2019.html", "pingtan-zone_2023": CORPUS / "pingtan-zone_2023.html"}
PORTAL_PAGES = {"shanghai-gov-office_2019": PRINTED["shanghai-gov-office_2019"],
                **{f"pingtan-zone_{year}": CORPUS / f"pingtan-zone_{year}.html" for year in range(2019, 2026)}}
STRIPPED = "portal page, tags stripped, no separator"
OWN_READER = "the PDF itself (nianbao's PDF reader)"
# Forms the engine reads whole on the corpus's own PDFs: every cell exactly as the fixture.
READ_WHOLE = set(CONVERTERS) - {"pdfminer.six pdf2txt"} | {OCR_LINES, OWN_READER}
README_START, README_END = "<!-- converter-forms:start -->", "<!-- converter-forms:end -->"

Cells = dict[tuple[str, str, str], tuple[float | None, str]]


@dataclass
class Score:
    form: str
    report_id: str
    cells: int = 0
    exact: int = 0  # value and missing as expected
    exact_flagged: int = 0  # of those, read with a flag (split by arithmetic, placed by column blocks)
    flagged: int = 0  # not read (unreadable or ambiguous) or read with a flag, and different from expected
    wrong: list[str] | None = None  # different from expected and not flagged: must stay empty


def _fixture(report_id: str) -> Cells | None:
    path = EXPECTED / f"{report_id}.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): (float(r["value"]) if r["value"] else None, r["missing"])
                for r in csv.DictReader(handle)}


def _as_read(path: Path) -> Cells:
    return {(v.section, v.item, v.applicant): (v.value, v.missing) for v in extract_file(path).values}


def score(form: str, report_id: str, path: Path, expected: Cells) -> Score:
    result = Score(form, report_id, wrong=[])
    got = {(v.section, v.item, v.applicant): v for v in extract_file(path).values}
    for key, (value, missing) in expected.items():
        if key[0] == "narrative":
            continue
        result.cells += 1
        cell = got.get(key)
        if cell is not None and (cell.value, cell.missing) == (value, missing):
            result.exact += 1
            result.exact_flagged += bool(cell.flag)
        elif cell is None or cell.missing in ("unreadable", "ambiguous") or cell.flag:
            result.flagged += 1
        else:
            result.wrong.append(f"{':'.join(key)} read {cell.printed!r} = {cell.value}, expected {value} {missing}")
    return result


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run installs it")
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> list[Score]:
    for tool in ("pdftotext", "pdftohtml", "pdftoppm", "chromium"):
        _require(tool)
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus folder {CORPUS} is absent")
    out = tmp_path_factory.mktemp("forms")
    pdfs = {report_id: (CORPUS / f"{report_id}.pdf", _fixture(report_id)) for report_id in PDFS}
    for report_id, html in PRINTED.items():
        pdfs[f"{report_id} (printed)"] = (print_to_pdf(html, out / f"{report_id}.pdf"),
                                          _fixture(report_id) or _as_read(html))
    results = []
    for name, (pdf, expected) in pdfs.items():
        results.append(score(OWN_READER, name, pdf, expected))
        for form, convert in CONVERTERS.items():
            if form in SLOW and name not in PDFS:
                continue
            stem = out / f"{name.split()[0]}__{len(results)}"
            results.append(score(form, name, convert(pdf, stem), expected))
    for report_id in PDFS:  # page images of the corpus PDFs, as a scan would give them, through OCR
        for form, path in ocr_texts(CORPUS / f"{report_id}.pdf", out / f"{report_id}__ocr").items():
            results.append(score(form, report_id, path, pdfs[report_id][1]))
    for report_id, html in PORTAL_PAGES.items():
        expected = _fixture(report_id) or _as_read(html)
        results.append(score(STRIPPED, report_id, strip_tags(html, out / f"{report_id}__stripped"), expected))
    return results


def test_no_number_differs_from_the_report_without_a_flag(scores: list[Score]) -> None:
    wrong = [f"{s.form} on {s.report_id}: {w}" for s in scores for w in s.wrong]
    assert wrong == []


def test_the_corpus_pdfs_are_read_whole_through_every_common_converter(scores: list[Score]) -> None:
    for s in scores:
        if s.report_id in PDFS and s.form in READ_WHOLE:
            assert (s.form, s.report_id, s.exact) == (s.form, s.report_id, s.cells)


def test_portal_text_without_separators_is_cut_by_arithmetic(scores: list[Score]) -> None:
    """The 2021-format Pingtan pages: every table-三 and 四 cell is cut from its run of digits by the sums."""
    for s in scores:
        if s.form == STRIPPED and s.report_id.startswith("pingtan-zone") and s.report_id >= "pingtan-zone_2021":
            assert s.exact >= s.cells - 3, s.report_id  # only 行政规范性文件's three cells have no sum to decide


def table(scores: list[Score]) -> str:
    """Share of cells read exactly, flagged and silently wrong, per input form."""
    forms: dict[tuple[str, str], list[Score]] = {}
    for s in scores:
        source = ("corpus PDFs (Hongze)" if s.report_id in PDFS else "HTML pages" if s.form == STRIPPED
                  else "HTML printed to PDF by Chromium")
        forms.setdefault((s.form, source), []).append(s)
    lines = ["| input form | from | reports | cells | read exactly | of which flagged | flagged, not read | silently wrong |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for (form, source), group in forms.items():
        cells = sum(s.cells for s in group)
        exact, exact_flagged = sum(s.exact for s in group), sum(s.exact_flagged for s in group)
        flagged, wrong = sum(s.flagged for s in group), sum(len(s.wrong) for s in group)
        lines.append(f"| {form} | {source} | {len(group)} | {cells} | {exact / cells:.1%} | {exact_flagged / cells:.1%} | "
                     f"{flagged / cells:.1%} | {wrong} |")
    return "\n".join(lines) + "\n"


def test_the_table_of_forms_is_written(scores: list[Score]) -> None:
    text = table(scores)
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    (build / "converter-forms.md").write_text(text, encoding="utf-8")
    if os.environ.get("NIANBAO_WRITE_README"):
        readme = ROOT / "README.md"
        before, rest = readme.read_text(encoding="utf-8").split(README_START)
        _, after = rest.split(README_END)
        readme.write_text(f"{before}{README_START}\n{text}{README_END}{after}", encoding="utf-8")
    assert text.count("\n") > 2 + len({s.form for s in scores})
