"""The command line: the output set, byte-identical reruns, parallel runs, committed tables as fallback."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.batch import extract
from nianbao.batch.outputs import OUTPUT_FILES
from nianbao.derive import is_printed
from nianbao.extract import COMPANION_SUFFIX
from nianbao.template import template_rows, write_template
from nianbao.write import read_reports

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def test_the_command_writes_the_csv_and_parquet_tables(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "nianbao", "extract", str(RAW), "--out", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    with (RAW / "sources.csv").open(encoding="utf-8") as handle:
        listed = sum(not row["file"].endswith(COMPANION_SUFFIX) for row in csv.DictReader(handle))
    assert f"{listed} reports" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)
    with (tmp_path / "codebook.csv").open(encoding="utf-8-sig") as handle:
        codebook = list(csv.DictReader(handle))
    assert len(codebook) == 76 + 7 and all(row["label_zh"] and row["label_en"] for row in codebook)
    assert (tmp_path / "values.csv").read_bytes().startswith("\ufeffreport_id,".encode())
    with (tmp_path / "values.csv").open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert header == ["report_id", "section", "item", "applicant", "printed", "value", "unit", "missing", "flag",
                      "source", "number", "derived"]
    with (tmp_path / "check_definitions.csv").open(encoding="utf-8-sig") as handle:
        checks = [row["check"] for row in csv.DictReader(handle)]
    assert checks == ["S1", "I1", "I2", "I3", "I4", "I5", "N1", "structure", "metadata"]


def test_same_input_gives_byte_identical_output_with_one_or_two_jobs(tmp_path: Path) -> None:
    extract([RAW], tmp_path / "one", jobs=1, corpus=CORPUS)
    extract([RAW], tmp_path / "again", jobs=1, corpus=CORPUS)
    extract([RAW], tmp_path / "two", jobs=2, corpus=CORPUS)
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "again") == _bytes(tmp_path / "two")


def test_the_committed_tables_match_a_fresh_extraction(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: the Hongze PDFs cannot be re-read here")
    extract([RAW], tmp_path, corpus=CORPUS)
    assert _bytes(tmp_path) == _bytes(ROOT / "data" / "processed"), "run `make data` and commit data/processed"


def test_without_the_shared_corpus_the_committed_tables_serve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "processed"
    shutil.copytree(ROOT / "data" / "processed", out)
    extract([RAW], out, corpus=tmp_path / "nowhere")
    assert "could not re-read hongze-district_2023.pdf" in capsys.readouterr().err
    assert _bytes(out) == _bytes(ROOT / "data" / "processed")


def test_a_filled_template_reads_back_like_the_transcription(tmp_path: Path) -> None:
    """A blank template, filled with Suqian 2023's printed cells, gives Suqian 2023's values."""
    blank = tmp_path / "blank.csv"
    write_template(blank, "2021")
    assert len(template_rows("2021")) == 10 + 25 * 7 + 15 + 6
    with (RAW / "suqian-city_2023.csv").open(encoding="utf-8") as handle:
        printed = {(r["section"], r["item"], r["applicant"]): r["printed"] for r in csv.DictReader(handle)}
    with blank.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    filled = tmp_path / "filled" / "suqian-city_2023.csv"
    filled.parent.mkdir()
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(row, printed=printed.get((row["section"], row["item"], row["applicant"]), "")))
    extract([filled.parent], tmp_path / "a")
    extract([RAW / "suqian-city_2023.csv"], tmp_path / "b")
    filled_report, original = read_reports(tmp_path / "a")[0], read_reports(tmp_path / "b")[0]
    assert [(v.item, v.applicant, v.value) for v in filled_report.values if is_printed(v)] == [
        (v.item, v.applicant, v.value) for v in original.values if v.section != "narrative" and is_printed(v)]
