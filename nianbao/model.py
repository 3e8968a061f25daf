"""The tidy records the engine produces: printed cells read to codes, and findings about them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Value:
    """One printed cell, mapped to a codebook item (and applicant column for table 三)."""

    section: str
    item: str
    applicant: str
    printed: str
    value: float | None
    unit: str
    missing: str = ""  # why there is no number: blank, slash, dash, none, unreadable, ambiguous
    flag: str = ""  # how the cell was read when not straightforward, or why it is uncertain
    source: str = ""
    number: float | None = None  # the number every measure uses (nianbao.derive); None when unknown
    derived: str = ""  # "" when ``number`` is the printed value as read; else how it was derived (derive.py)
    confidence: float | None = None  # OCR confidence (0–1) of a cell read from a scan; None otherwise


@dataclass(slots=True)
class Finding:
    """A check the report fails. Findings describe; they never change the printed values."""

    check: str  # S1, I1, I2, I3, I4, I5, N1, structure, metadata, ocr (nianbao/spec/checks.csv)
    severity: str  # error or warning
    cells: str
    expected: str
    found: str
    message_zh: str
    message_en: str


@dataclass
class Report:
    """Everything extracted from one file."""

    report_id: str
    source_file: str
    sha256: str = ""
    body: str = ""
    year: int | None = None
    format: str = ""
    format_variant: str = ""
    level: str = ""
    parent: str = ""
    error: str = ""  # why the file could not be extracted; "" when it was
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        """failed (with its error), findings (the validator found something) or ok; never stored, so never stale."""
        if self.error:
            return "failed"
        return "findings" if self.findings else "ok"
