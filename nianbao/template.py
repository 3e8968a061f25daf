"""A blank transcription (``section,item,applicant,printed``) for entering a scanned report by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from nianbao import codebook

HEADER = ["section", "item", "applicant", "printed", "label_zh"]


def template_rows(fmt: str) -> list[list[str]]:
    """One row per cell a report of this format prints, in printed order; narrative figures last."""
    rows = []
    for item in codebook.items().values():
        if fmt not in item.formats:
            continue
        applicants = list(codebook.applicants()) if item.section == "applications" else [""]
        for applicant in applicants:
            label = item.label_zh + (f" · {codebook.applicants()[applicant].label_zh}" if applicant else "")
            rows.append([item.section, item.code, applicant, "", label])
    return rows


def write_template(path: Path, fmt: str) -> None:
    """Write the template; the label_zh column helps the transcriber and is ignored when read back."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(template_rows(fmt))
