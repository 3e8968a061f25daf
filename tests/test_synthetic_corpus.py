"""The generated corpus of scripts/synthetic_corpus.py keeps the identities of the format, except where told not to."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from nianbao.batch import extract
from nianbao.write import read_reports

# scripts/ is not a package: load the script as the module it is, by its path.
_spec = importlib.util.spec_from_file_location(
    "synthetic_corpus", Path(__file__).resolve().parents[1] / "scripts" / "synthetic_corpus.py")
synthetic_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic_corpus)


def test_generated_reports_keep_every_identity_across_years(tmp_path: Path) -> None:
    files = synthetic_corpus.generate(tmp_path, bodies=10, years=[2022, 2023, 2024], contradictions=0.0)
    assert len(files) == 30
    extract([tmp_path / "raw"], tmp_path / "processed")
    reports = read_reports(tmp_path / "processed")
    assert [r.status for r in reports] == ["ok"] * 30, [f.message_en for r in reports for f in r.findings][:5]
    with (tmp_path / "raw" / "sources.csv").open(encoding="utf-8") as handle:
        bodies = {row["body"] for row in csv.DictReader(handle)}
    assert bodies == {f"测试市第{n:04d}区人民政府" for n in range(1, 11)}


def test_a_contradiction_is_found_by_the_validator(tmp_path: Path) -> None:
    synthetic_corpus.generate(tmp_path, bodies=4, years=[2023], contradictions=1.0)
    extract([tmp_path / "raw"], tmp_path / "processed")
    reports = read_reports(tmp_path / "processed")
    assert len(reports) == 4 and all({"I1", "I2", "S1"} <= {f.check for f in r.findings} for r in reports)


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first = synthetic_corpus.generate(tmp_path / "a", bodies=3, years=[2023, 2024])
    second = synthetic_corpus.generate(tmp_path / "b", bodies=3, years=[2023, 2024])
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
