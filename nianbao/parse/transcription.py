"""A hand transcription (readers/transcribed.py) parsed like a printed report: each cell through the same cell
reading, codes checked against the codebook, and the tables, rows and cells its format prints checked present."""

from __future__ import annotations

from nianbao import codebook
from nianbao.model import Finding, Value
from nianbao.parse import ONE_ROW_VARIANT, THREE_ROW_VARIANT, Parsed
from nianbao.parse.applications import expected_codes
from nianbao.parse.table import make_value
from nianbao.readers.transcribed import TranscribedCell

TABLES = {"disclosure": "二", "applications": "三", "review_litigation": "四"}


def parse_transcription(cells: list[TranscribedCell]) -> Parsed:
    """Transcribed cells go through the same cell reading as printed ones."""
    parsed = Parsed()
    seen = set()
    applicants = codebook.applicants()
    for cell in cells:
        if cell.section == "narrative" and not cell.printed:
            continue  # the report's text does not state this figure
        item = codebook.items().get(cell.item)
        known_applicant = (cell.applicant in applicants) if cell.section == "applications" else cell.applicant == ""
        if item is None or item.section != cell.section or not known_applicant:
            parsed.findings.append(Finding(
                "structure", "error", f"{cell.section}:{cell.item}:{cell.applicant} ({cell.where})", "a codebook code",
                cell.printed, f"转录文件 {cell.where} 的代码不在代码表中，未采用",
                f"Transcription {cell.where}: not a codebook code; not used"))
            continue
        key = (cell.section, cell.item, cell.applicant)
        if key in seen:
            parsed.findings.append(Finding(
                "structure", "error", f"{cell.section}:{cell.item}:{cell.applicant}", "one cell", f"again at {cell.where}",
                "转录文件中同一单元格出现两次，仅采用第一次", "The same cell is transcribed twice; the first is used"))
            continue
        seen.add(key)
        parsed.values.append(make_value(cell.section, cell.item, cell.applicant, cell.printed, True, "", cell.where))
    items = {value.item for value in parsed.values}
    only_2019 = {i.code for i in codebook.items().values() if i.section == "disclosure" and i.formats == ("2019",)}
    parsed.format = "2019" if items & only_2019 else "2021"
    three_rows = bool(items & set(codebook.aligned_rows("other")))
    if parsed.format == "2021" and "other" in items and not three_rows:
        parsed.format_variant = ONE_ROW_VARIANT
    elif parsed.format == "2019" and three_rows:
        parsed.format_variant = THREE_ROW_VARIANT
    parsed.findings += _missing_cells(parsed.values, parsed.format, one_row="other" in items and not three_rows)
    return parsed


def _missing_cells(values: list[Value], fmt: str, one_row: bool) -> list[Finding]:
    """A transcription is checked for the tables, rows and cells a printed report of its format has."""
    present = {(v.section, v.item, v.applicant) for v in values}
    expected = {
        "disclosure": [(i.code, "") for i in codebook.items().values() if i.section == "disclosure" and fmt in i.formats],
        "applications": [(code, a) for code in expected_codes(one_row) for a in codebook.applicants()],
        "review_litigation": [(i.code, "") for i in codebook.items().values() if i.section == "review_litigation"],
    }
    findings = []
    for section, cells in expected.items():
        missing = [(item, applicant) for item, applicant in cells if (section, item, applicant) not in present]
        if len(missing) == len(cells):
            findings.append(Finding(
                "structure", "error", f"table {TABLES[section]}", "table present", "missing",
                f"转录文件中没有表{TABLES[section]}", f"The transcription has no table {TABLES[section]}"))
        elif missing:
            names = ", ".join(f"{item}:{applicant}".rstrip(":") for item, applicant in missing)
            findings.append(Finding(
                "structure", "error", f"{section}: {names}", "every cell of the table", f"{len(missing)} cells missing",
                f"转录文件的表{TABLES[section]}缺少 {len(missing)} 个单元格", f"Table {TABLES[section]} of the "
                f"transcription lacks {len(missing)} cells"))
    return findings
