"""The batch pipeline under attack: outputs are all-or-nothing and locked, inputs that are not files are refused,
one bad report or sources.csv row never costs the batch, the exit status says what happened, and the output is
the same bytes with one process, two, or a Dask cluster."""

from __future__ import annotations

import csv
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from nianbao.batch import extract
from nianbao.batch.inputs import MAX_FILE_BYTES
from nianbao.batch.outputs import OUTPUT_FILES, OutputLock
from nianbao.batch.series import series_findings, series_values
from nianbao.extract import extract_file
from nianbao.sources import read_sources
from nianbao.validate import check_series
from nianbao.write import CHECK_COLUMNS, NUMBER_COLUMNS, REPORT_COLUMNS, VALUE_COLUMNS, read_rows

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"
ATTACKS = ROOT / "tests" / "fixtures" / "attacks"
JIYUAN = RAW / "jiyuan-city_2021.md"
# Text, HTML and transcription reports (with the companion file of the narrative figures).
FORMS = [JIYUAN, RAW / "shanghai-gov-office_2019.html", RAW / "shanghai-gov-office_2025.md",
         RAW / "suqian-city_2023.csv"]


def replicate(folder: Path, count: int) -> Path:
    """``count`` copies of the real reports, round-robin, each under a name of its own."""
    folder.mkdir(parents=True)
    for i in range(count):
        source = FORMS[i % len(FORMS)]
        name = f"{source.stem}-{i:05d}"
        shutil.copyfile(source, folder / f"{name}{source.suffix}")
        companion = source.with_name(source.stem + ".narrative.csv")
        if companion.is_file():
            shutil.copyfile(companion, folder / f"{name}.narrative.csv")
    return folder


def run(*args: object, timeout: float = 120, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nianbao", "extract", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def rows(folder: Path, table: str = "reports") -> dict[str, dict[str, str]]:
    return {row["report_id"]: row for row in read_rows(folder / f"{table}.csv")}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*") if not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good output set from data/raw, to be kept through every failed run."""
    out = tmp_path_factory.mktemp("previous") / "out"
    extract([RAW], out, corpus=CORPUS, progress=False)
    return out


@pytest.fixture
def out(previous: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(previous, copy)
    return copy


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return replicate(tmp_path_factory.mktemp("many") / "in", 200)


# --- atomic output set, lock, workers ---------------------------------------------------------------------

def _kill_when(process: subprocess.Popen[str], ready: callable, timeout: float = 60) -> bool:
    """SIGKILL the process as soon as ``ready()``; False if it ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and process.poll() is None:
        if ready():
            process.kill()
            process.wait()
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("moment", ["extracting", "writing values.csv", "writing values.parquet"])
def test_kill_9_at_any_moment_leaves_the_previous_output_set_whole(many: Path, out: Path, moment: str) -> None:
    before = outputs(out)
    stage = lambda name: any(out.parent.glob(f".{out.name}.new-*/{name}"))  # noqa: E731
    ready = {"extracting": lambda: stage("parts/values.part"), "writing values.csv": lambda: stage("values.csv"),
             "writing values.parquet": lambda: stage("values.parquet")}[moment]
    process = subprocess.Popen([sys.executable, "-m", "nianbao", "extract", str(many), "--out", str(out)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    assert _kill_when(process, ready), f"the run ended before {moment}"
    assert outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    # The next run clears the killed run's staging folder and writes its own set.
    assert leftovers(out) != []
    assert run(JIYUAN, "--out", out).returncode == 0
    assert leftovers(out) == []
    assert list(rows(out)) == ["jiyuan-city_2021"]


def test_ctrl_c_leaves_the_previous_outputs_and_no_staging_folder(many: Path, out: Path) -> None:
    before = outputs(out)
    process = subprocess.Popen([sys.executable, "-m", "nianbao", "extract", str(many), "--out", str(out)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not any(out.parent.glob(f".{out.name}.new-*/parts/values.part")):
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "interrupted: nothing was written" in stderr
    assert outputs(out) == before and leftovers(out) == []


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_the_parent_of_two_workers_leaves_no_orphans(many: Path, out: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "nianbao", "extract", str(many), "--out", str(out),
                                "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while len(workers := _children(process.pid)) < 2 and time.monotonic() < end:
        time.sleep(0.01)
    assert len(workers) >= 2
    process.kill()
    process.wait()
    end = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(map(_alive, workers)), "worker processes outlived their parent"


def test_a_second_run_into_the_same_out_waits_for_the_first(tmp_path: Path, out: Path) -> None:
    before = outputs(out)
    with OutputLock(out.resolve()):
        process = subprocess.Popen([sys.executable, "-m", "nianbao", "extract", str(JIYUAN), "--out", str(out)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([process.stderr], [], [], 60)
        assert ready, "the second run said nothing within a minute"
        said = process.stderr.readline()
        assert said == f"{out.resolve()} is being written by nianbao extract (pid {os.getpid()}); waiting for it to finish\n"
        time.sleep(1)
        assert process.poll() is None and outputs(out) == before
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0
    assert list(rows(out)) == ["jiyuan-city_2021"]


def test_a_full_disk_keeps_the_previous_outputs(many: Path, out: Path) -> None:
    """A file-size limit makes the write fail as a full disk does (EFBIG, as ENOSPC), past the first megabyte."""
    before = outputs(out)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    result = run(many, "--out", out, preexec_fn=limit)
    assert result.returncode == 2
    assert "cannot write the outputs" in result.stderr and "nothing was written" in result.stderr
    assert outputs(out) == before and leftovers(out) == []


def test_files_a_user_keeps_in_out_are_carried_over(out: Path) -> None:
    (out / "NOTES.txt").write_text("mine", encoding="utf-8")
    assert run(JIYUAN, "--out", out).returncode == 0
    assert (out / "NOTES.txt").read_text(encoding="utf-8") == "mine"


# --- an unwritable --out is refused before any work -------------------------------------------------------

def test_a_read_only_out_is_refused_before_any_work(out: Path) -> None:
    before = outputs(out)
    out.chmod(0o555)
    try:
        result = run(RAW, "--out", out)
    finally:
        out.chmod(0o755)
    assert result.returncode == 2
    assert f"--out {out.resolve()} is read-only; nothing was written" in result.stderr
    assert "extracting" not in result.stderr
    assert outputs(out) == before and leftovers(out) == []


def test_out_naming_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "values.csv"
    file.write_text("keep me", encoding="utf-8")
    result = run(RAW, "--out", file)
    assert result.returncode == 2
    assert "is a file, not a folder" in result.stderr and "extracting" not in result.stderr
    assert file.read_text(encoding="utf-8") == "keep me"


def test_an_out_inside_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = run(JIYUAN, "--out", parent / "out")
    finally:
        parent.chmod(0o755)
    assert result.returncode == 2 and "is read-only" in result.stderr
    assert list(parent.iterdir()) == []


# --- inputs that are not files ----------------------------------------------------------------------------

def test_a_fifo_on_the_command_line_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = run(fifo, JIYUAN, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    reports = rows(tmp_path / "out")
    assert reports["pipe"]["status"] == "failed"
    assert reports["pipe"]["error"] == "pipe.md: a named pipe (FIFO): only regular files are read"
    assert reports["jiyuan-city_2021"]["status"] == "findings"


def test_a_link_to_dev_zero_is_refused_unread(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "zero.md").symlink_to("/dev/zero")
    shutil.copyfile(JIYUAN, folder / "good.md")
    result = run(folder, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    assert rows(tmp_path / "out")["zero"]["error"] == (
        "zero.md: a link to /dev/zero, a character device: only regular files are read")


def test_a_fifo_a_dangling_link_and_a_folder_inside_a_data_folder_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    os.mkfifo(folder / "pipe.html")
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (folder / "archive").mkdir()
    shutil.copyfile(JIYUAN, folder / "good.md")
    result = run(folder, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    reports = rows(tmp_path / "out")
    assert reports["pipe"]["error"] == "pipe.html: a named pipe (FIFO): only regular files are read"
    assert reports["gone"]["error"] == f"gone.pdf: a link to {tmp_path / 'nowhere.pdf'}, which does not exist"
    assert f"warning: {folder / 'archive'}: a folder inside {folder}; not searched" in result.stderr
    assert "archive" not in reports and reports["good"]["status"] == "findings"


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "huge.md"
    with big.open("wb") as handle:  # sparse: no disk space, no reading
        handle.truncate(MAX_FILE_BYTES + 1)
    result = run(big, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    assert rows(tmp_path / "out")["huge"]["error"] == "huge.md: 200 MB, above the 200 MB limit for a report file: not read"


def test_a_good_report_keeps_its_stem_when_a_bad_file_shares_it(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copyfile(JIYUAN, folder / "x.md")
    shutil.copyfile(ATTACKS / "garbage.html", folder / "x.html")  # sorts first: read before the good one
    result = run(folder, "--out", tmp_path / "out")
    assert result.returncode == 1
    with (tmp_path / "out" / "reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        reports = list(csv.DictReader(handle))
    assert [(r["source_file"], r["status"]) for r in reports] == [("x.md", "findings"), ("x.html", "failed")]
    assert reports[1]["error"] == "x.html: report_id x is taken by x.md; rename one of the files"
    granted = [r for r in read_rows(tmp_path / "out" / "values.csv")
               if r["item"] == "granted" and r["applicant"] == "natural_person"]
    assert [(r["report_id"], r["value"]) for r in granted] == [("x", "83")]  # Jiyuan 2021, table 三


# --- sources.csv ------------------------------------------------------------------------------------------

def _folder_with_sources(tmp_path: Path, text: str, encoding: str) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copyfile(JIYUAN, folder / "jiyuan-city_2021.md")
    shutil.copyfile(RAW / "shanghai-gov-office_2025.md", folder / "shanghai-gov-office_2025.md")
    (folder / "sources.csv").write_bytes(text.encode(encoding))
    return folder


SOURCES_HEADER = "file,commit,body,level,parent,year,format,sha256,source,notes\n"


def test_a_short_sources_row_is_a_warning_naming_its_line_and_the_other_rows_apply(tmp_path: Path) -> None:
    folder = _folder_with_sources(tmp_path, SOURCES_HEADER + "shanghai-gov-office_2025.md,yes,上海\n"
                                  "jiyuan-city_2021.md,yes,济源市人民政府,city,河南省,2021,2021,,,\n", "utf-8")
    result = run(folder, "--out", tmp_path / "out")
    assert result.returncode == 0
    assert (f"warning: {folder / 'sources.csv'} line 2: 3 fields where the header has 10; the row is not used"
            in result.stderr)
    reports = rows(tmp_path / "out")
    assert (reports["jiyuan-city_2021"]["level"], reports["jiyuan-city_2021"]["parent"]) == ("city", "河南省")
    assert reports["shanghai-gov-office_2025"]["body"] == "上海市人民政府办公厅"  # from the title


def test_a_gbk_sources_csv_is_read(tmp_path: Path) -> None:
    folder = _folder_with_sources(tmp_path, SOURCES_HEADER + "jiyuan-city_2021.md,yes,济源市人民政府,city,河南省,"
                                  "2021,2021,,,转换自 PDF\n", "gbk")
    assert read_sources(folder)["jiyuan-city_2021.md"].notes == "转换自 PDF"
    result = run(folder, "--out", tmp_path / "out")
    assert result.returncode == 0 and "warning" not in result.stderr
    assert rows(tmp_path / "out")["jiyuan-city_2021"]["parent"] == "河南省"


def test_a_sources_csv_that_is_not_text_is_refused_with_one_message(tmp_path: Path) -> None:
    folder = _folder_with_sources(tmp_path, "", "utf-8")
    (folder / "sources.csv").write_bytes(SOURCES_HEADER.encode() + b"\xff\xff\xff\x00\x81\n")
    result = run(folder, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {folder / 'sources.csv'}: not UTF-8 or GB18030 (GBK) text; save it as "
                                     "UTF-8 CSV; nothing was written")
    assert not (tmp_path / "out").exists()


def test_a_sources_csv_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    os.mkfifo(folder / "sources.csv")
    result = run(folder, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 2
    assert f"error: {folder / 'sources.csv'}: not a regular file; nothing was written" in result.stderr


# --- one bad report fails alone; exit status ---------------------------------------------------------------

def test_a_400_digit_amount_never_costs_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    text = JIYUAN.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "本机关不掌握" in line)
    (folder / "huge.md").write_text(text.replace(line, line.replace("32", "9" * 400, 1)), encoding="utf-8")
    shutil.copyfile(RAW / "shanghai-gov-office_2025.md", folder / "good.md")
    result = run(folder, "--out", tmp_path / "out")
    assert result.returncode in (0, 1)
    reports = rows(tmp_path / "out")
    values = [r for r in read_rows(tmp_path / "out" / "values.csv")]
    assert reports["good"]["status"] == "findings" and sum(r["report_id"] == "good" for r in values) > 100
    huge = [r for r in values if r["report_id"] == "huge" and "9" * 400 in r["printed"]]
    # Either the cell is kept as printed and carries no number, or the report alone fails, saying why.
    assert [r["value"] for r in huge] == [""] or (
        reports["huge"]["status"] == "failed" and reports["huge"]["error"].startswith("huge.md: "))


def test_a_report_whose_rows_cannot_be_written_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.batch import parts

    def value_lines(report_id: str, values: list[object]) -> bytes:
        if report_id == "bad":
            raise OverflowError("cannot convert float infinity to integer")
        return write_value_lines(report_id, values)

    write_value_lines = parts.value_lines
    monkeypatch.setattr(parts, "value_lines", value_lines)
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copyfile(JIYUAN, folder / "bad.md")
    shutil.copyfile(JIYUAN, folder / "good.md")
    result = extract([folder], tmp_path / "out", progress=False)
    assert result.exit_code == 1 and result.statuses == {"ok": 0, "findings": 1, "failed": 1}
    reports = rows(tmp_path / "out")
    assert reports["bad"]["error"] == "bad.md: cannot be written (OverflowError: cannot convert float infinity to integer)"
    values = list(read_rows(tmp_path / "out" / "values.csv"))
    assert {r["report_id"] for r in values} == {"good"} and len(values) == len(extract_file(JIYUAN).values)


def test_exit_status_0_when_every_file_was_read(tmp_path: Path) -> None:
    assert run(RAW, "--out", tmp_path / "out").returncode == 0


def test_exit_status_1_when_some_files_failed_and_the_outputs_are_written(tmp_path: Path) -> None:
    result = run(JIYUAN, ATTACKS / "garbage.html", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "1 failed" in result.stderr and "failed: garbage.html:" in result.stderr
    assert {r: row["status"] for r, row in rows(tmp_path / "out").items()} == {
        "jiyuan-city_2021": "findings", "garbage": "failed"}


def test_exit_status_2_when_nothing_could_be_written(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert run(JIYUAN, "--out", tmp_path / "file").returncode == 2
    assert run(tmp_path / "missing.md", "--out", tmp_path / "out").returncode == 2  # argparse's usage error


# --- the tables: streamed, same bytes everywhere ----------------------------------------------------------

def test_the_cross_year_checks_over_summaries_equal_those_over_whole_reports() -> None:
    """I4/I5 from the few cells each report keeps, against check_series over fully extracted reports."""
    sources = read_sources(CORPUS)
    reports = [extract_file(CORPUS / name, source) for name, source in sorted(sources.items())]
    # A second copy of every report (the same body-years twice), and a carry-over that breaks the chain: Suqian
    # 2024 as read carries over one request more than the copy of 2023 carried forward.
    copies = [replace(r, report_id=f"{r.report_id}-copy") for r in reports]
    suqian_2024 = next(r for r in reports if r.report_id == "suqian-city_2024")
    broken = next(v for v in suqian_2024.values if v.item == "carried_over" and v.applicant == "total")
    broken.value += 1
    whole = check_series(reports + copies)
    assert series_findings(reports + copies, series_values) == whole
    assert {f.check for findings in whole.values() for f in findings} == {"I4", "I5"}


def test_the_parquet_tables_hold_the_csv_rows_typed(previous: Path) -> None:
    def text(name: str, cell: object) -> str:
        if cell is None or cell == "":
            return ""
        return f"{float(cell):g}" if name in NUMBER_COLUMNS else str(cell)

    for name, columns in (("reports", REPORT_COLUMNS), ("values", VALUE_COLUMNS), ("checks", CHECK_COLUMNS)):
        table = pq.read_table(previous / f"{name}.parquet")
        assert table.column_names == columns
        assert [{k: text(k, v) for k, v in row.items()} for row in table.to_pylist()] == [
            {k: text(k, v) for k, v in row.items()} for row in read_rows(previous / f"{name}.csv")]
    values = pq.read_table(previous / "values.parquet")
    assert str(values.schema.field("value").type) == str(values.schema.field("number").type) == "double"
    assert str(values.schema.field("item").type) == "dictionary<values=string, indices=int32, ordered=0>"
    assert str(pq.read_table(previous / "reports.parquet").schema.field("year").type) == "int32"


def test_the_same_bytes_with_one_or_two_local_workers(many: Path, tmp_path: Path) -> None:
    assert run(many, "--out", tmp_path / "one").returncode == 0
    assert run(many, "--out", tmp_path / "two", "--jobs", "2").returncode == 0
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_the_same_bytes_on_a_two_worker_dask_cluster(many: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    extract([many], tmp_path / "local", progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        extract([many], tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert len(rows(tmp_path / "dask")) == 200
