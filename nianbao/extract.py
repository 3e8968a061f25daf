"""One report file in, one Report out: read → parse → validate. A failure is recorded, never raised."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nianbao import codebook
from nianbao.derive import derive_numbers
from nianbao.document import ReadError
from nianbao.model import Finding, Report, Value
from nianbao.parse import parse_document
from nianbao.parse.labels import level_of_body
from nianbao.parse.transcription import parse_transcription
from nianbao.readers import read
from nianbao.readers.scan import page_files
from nianbao.scanned import attach_scan, scan_findings
from nianbao.sources import Source
from nianbao.validate import check_report

SECTION_ORDER = ["disclosure", "applications", "review_litigation", "narrative"]
APPLICANT_ORDER = ["", *codebook.applicants()]
_SECTION_RANK = {section: rank for rank, section in enumerate(SECTION_ORDER)}
_ITEM_RANK = {code: codebook.order(code) for code in codebook.items()}
_APPLICANT_RANK = {applicant: rank for rank, applicant in enumerate(APPLICANT_ORDER)}


def value_order(value: Value) -> tuple[int, int, int]:
    return _SECTION_RANK[value.section], _ITEM_RANK[value.item], _APPLICANT_RANK[value.applicant]


def extract_file(path: Path, source: Source | None = None) -> Report:
    """Extract one report; any error reading it becomes status "failed" with the reason."""
    report = Report(report_id=path.stem, source_file=path.name)
    try:
        report.sha256 = _sha256(path)
        _extract(path, source, report)
    except ReadError as error:
        report.error = str(error)
        report.values, report.findings = [], []
    except OSError as error:
        report.error = f"{path.name}: cannot read the file ({error.strerror})"
        report.values, report.findings = [], []
    except Exception as error:  # a damaged file can break a library in any way; the batch goes on
        report.error = f"{path.name}: unreadable ({type(error).__name__}: {error})"
        report.values, report.findings = [], []
    if source is not None:
        report.body = source.body or report.body
        report.level, report.parent = source.level or report.level, source.parent or report.parent
        report.year = source.year or report.year
    return report


def _sha256(path: Path) -> str:
    """The file's sha256; for a folder of page images, that of its pages in page order."""
    digest = hashlib.sha256()
    for file in page_files(path) if path.is_dir() else [path]:
        digest.update(file.read_bytes())
    return digest.hexdigest()


COMPANION_SUFFIX = ".narrative.csv"


def companion_of(path: Path) -> Path:
    """A transcription's narrative figures may come in a companion file: X.csv with X.narrative.csv."""
    return path.with_name(path.stem + COMPANION_SUFFIX)


def _extract(path: Path, source: Source | None, report: Report) -> None:
    content = read(path)
    companion = companion_of(path)
    if isinstance(content, list) and companion.is_file():
        extra = read(companion)
        if not isinstance(extra, list) or any(cell.section != "narrative" for cell in extra):
            raise ReadError(companion, "a companion file holds only section narrative rows of a transcription")
        content = content + extra
    if isinstance(content, list):
        parsed = parse_transcription(content)
    else:
        parsed = parse_document(content, source.format if source else "")
        if parsed.tables_found == 0:
            how = " in the text the OCR read from the scanned pages" if content.ocr_pages else ""
            raise ReadError(path, "not an annual report: none of tables 二, 三, 四 (主动公开, 收到和处理申请, "
                                  f"行政复议/行政诉讼) was found{how}")
        if content.ocr_pages:
            attach_scan(parsed.values, content.rows)
        report.body, report.year = parsed.title_body, parsed.title_year
        report.level, report.parent = level_of_body(parsed.title_body)
        parsed.findings += _check_metadata(path, source, parsed.title_body, parsed.title_year)
    report.values, report.findings = parsed.values, parsed.findings
    report.format, report.format_variant = parsed.format, parsed.format_variant
    if source is not None:
        if source.sha256 and source.sha256 != report.sha256:
            report.findings.append(Finding(
                "metadata", "error", "sha256", source.sha256, report.sha256,
                "文件与 sources.csv 记录的版本不同（sha256 不符）",
                "The file differs from the version recorded in sources.csv (sha256 mismatch)"))
        if source.format and report.format and source.format != report.format:
            report.findings.append(Finding(
                "metadata", "warning", "format", source.format, report.format,
                f"sources.csv 记为 {source.format} 格式，表格为 {report.format} 格式",
                f"sources.csv records the {source.format} format; the tables are in the {report.format} format"))
        report.format = report.format or source.format
    report.values.sort(key=value_order)
    report.findings += check_report(report)
    report.findings += scan_findings(report)
    printed = len(report.values)
    report.values = derive_numbers(report.values, report.format)
    if len(report.values) > printed:  # rows added by the derivation: put in their places
        report.values.sort(key=value_order)


def _check_metadata(path: Path, source: Source | None, body: str, year: int | None) -> list[Finding]:
    """The title against sources.csv: a body or year that disagrees is a finding."""
    findings = []
    if source is None:
        return findings
    if body and source.body and body not in source.body and source.body not in body:
        findings.append(Finding(
            "metadata", "warning", "body", source.body, body,
            f"标题中的机关“{body}”与 sources.csv 的“{source.body}”不一致",
            f"The title names the body {body!r}; sources.csv says {source.body!r}"))
    if year and source.year and year != source.year:
        findings.append(Finding(
            "metadata", "error", "year", str(source.year), str(year),
            f"标题年度 {year} 与 sources.csv 的 {source.year} 不一致",
            f"The title gives the year {year}; sources.csv says {source.year}"))
    return findings
