"""No input can hang the engine: every pathological kind of text, at 1 MB, is read in a second or two.

Most kinds once broke a pattern or a loop (exponential or quadratic backtracking, a quadratic placement of rows);
the others attack the cell rules (footnote marks, confusable letters). At 1 MB a super-linear reading takes
minutes to hours; a linear one takes about a second of CPU at most here. The limit (3 s of CPU) catches hangs;
it is not a benchmark (benchmarks/ measures speed).
"""

from __future__ import annotations

import csv
import importlib
import pkgutil
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import nianbao
from nianbao.derive import is_printed
from nianbao.extract import extract_file
from nianbao.model import Report

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
ATTACKS = ROOT / "tests" / "fixtures" / "attacks"
JIYUAN = RAW / "jiyuan-city_2021.md"
SIZE = 1 << 20
SECONDS = 3

TABLE_THREE_ROWS = "| （一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n| | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"


def _repeat(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit.encode()))


# name: (what it attacks, and how it once failed; text of about 1 MB)
KINDS: dict[str, tuple[str, Callable[[], str]]] = {
    "empty_comments.html": ("the page-detection pattern (exponential)", lambda: _repeat("<!---->")),
    "digits.md": ("title and narrative patterns (quadratic)", lambda: _repeat("1")),
    "chinese_numerals.md": ("the title pattern (quadratic)", lambda: _repeat("一二三四五六七八九十")),
    "enumeration.md": ("the title pattern (quadratic)", lambda: "".join(f"{i % 10}、" for i in range(SIZE // 4))),
    "repeated_year.md": ("the title pattern (cubic)", lambda: _repeat("2021年")),
    "paragraph_then_blank_lines.html": ("the pipe-row pattern (quadratic)", lambda: "<p>" + "\n" * SIZE),
    "repeated_title_phrase.md": ("the title search", lambda: _repeat("政府信息公开工作年度报告")),
    "digit_groups.md": ("the narrative number (quadratic)", lambda: _repeat("1,")),
    "requests_and_digits.md": ("the narrative patterns", lambda: _repeat("收到申请" + "1" * 60)),
    "spaced_digits.md": ("the cell parser", lambda: _repeat("1 ")),
    "confusable_letters.md": ("the cell parser", lambda: _repeat("1O")),
    "footnote_marks.md": ("the cell parser", lambda: _repeat("5309①")),
    "note_marks.md": ("the cell parser", lambda: _repeat("注1")),
    "one_huge_table_cell.md": ("the cell parser", lambda: "| 行政许可 | " + _repeat("1 O ①") + " |"),
    "unclosed_comment.html": ("page detection", lambda: "<!--" + "-" * SIZE),
    "table_three_unlabelled_rows.md": ("placing unlabelled rows (quadratic)",
                                       lambda: "三、收到和处理政府信息公开申请情况\n" + _repeat(TABLE_THREE_ROWS)),
}


@contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the test once the process has used ``seconds`` of CPU in the block.

    CPU time, not wall time: the machine's load does not count, and a runaway pattern is all CPU (the regex
    engine checks for signals as it runs).
    """
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s of CPU")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _extract_in_time(path: Path) -> Report:
    with _cpu_limit(SECONDS):
        return extract_file(path)


def _expected(report_id: str) -> dict[tuple[str, str, str], tuple[float | None, str]]:
    with (ROOT / "tests" / "fixtures" / "expected" / f"{report_id}.csv").open(encoding="utf-8") as handle:
        return {(r["section"], r["item"], r["applicant"]): (float(r["value"]) if r["value"] else None, r["missing"])
                for r in csv.DictReader(handle)}


@pytest.mark.parametrize("name", KINDS)
def test_a_pathological_file_of_1_mb_is_read_in_linear_time(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(KINDS[name][1](), encoding="utf-8")
    assert path.stat().st_size > SIZE * 0.9
    report = _extract_in_time(path)
    if name.startswith("table_three"):
        granted = {v.applicant: v.value for v in report.values if v.item == "granted"}
        assert granted["total"] == 1 and report.status == "findings"
    elif name == "one_huge_table_cell.md":  # a label of table 二 is printed: a report whose tables are named broken
        missing = {f.cells for f in report.findings if f.check == "structure" and f.found == "missing"}
        assert report.status == "findings" and {"table 三", "table 四"} <= missing
        assert all(v.value is None for v in report.values if v.item == "licensing.decisions")
    else:
        assert report.status == "failed" and report.error.startswith(f"{name}:")


@pytest.mark.parametrize("name", [name for name in KINDS if name.endswith(".md") and not name.startswith("table")])
def test_a_real_report_behind_a_1_mb_line_still_reads_cell_for_cell(tmp_path: Path, name: str) -> None:
    """The pathological line first (where the title is looked for), then the Jiyuan report as published."""
    path = tmp_path / f"jiyuan-city_2021_{name}"
    path.write_text(KINDS[name][1]() + "\n" + JIYUAN.read_text(encoding="utf-8"), encoding="utf-8")
    report = _extract_in_time(path)
    got = {(v.section, v.item, v.applicant): (v.value, v.missing) for v in report.values if v.section != "narrative" and is_printed(v)}
    expected = {key: cell for key, cell in _expected("jiyuan-city_2021").items() if key[0] != "narrative"}
    assert got == expected
    assert got[("applications", "received", "total")] == (165, "")


def test_the_211_byte_file_of_30_empty_comments_fails_at_once() -> None:
    path = ATTACKS / "html_30_empty_comments.html"
    assert path.stat().st_size == 211
    report = _extract_in_time(path)
    assert report.status == "failed" and "not an annual report" in report.error


def _nested(text: str, depth: int, before: str) -> str:
    """``text`` with ``depth`` nested <span> opened just before ``before`` (and never closed)."""
    cut = text.index(before)
    return text[:cut] + "<span>" * depth + text[cut:]


def test_a_page_nested_300_deep_is_read_to_the_end(tmp_path: Path) -> None:
    """libxml2 stops at depth 256 without an error unless told otherwise: table 四 was lost."""
    page = (RAW / "shanghai-gov-office_2019.html").read_text(encoding="utf-8")
    path = tmp_path / "shanghai-gov-office_2019.html"
    path.write_text(_nested(page, 300, "四、"), encoding="utf-8")
    report = _extract_in_time(path)
    got = {(v.section, v.item, v.applicant): (v.value, v.missing) for v in report.values if is_printed(v)}
    assert got == _expected("shanghai-gov-office_2019")
    assert not [f for f in report.findings if f.cells == "table 四"]


def test_a_page_nested_deeper_than_the_parser_goes_says_it_was_cut(tmp_path: Path) -> None:
    page = (RAW / "shanghai-gov-office_2019.html").read_text(encoding="utf-8")
    path = tmp_path / "deep.html"
    path.write_text(_nested(page, SIZE // 6, "四、"), encoding="utf-8")
    report = _extract_in_time(path)
    assert report.status == "failed"
    assert report.error.startswith("deep.html: the page was cut") and "2048" in report.error


def _engine_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern the engine defines at module level, also inside lists, tuples and dicts."""
    found: dict[str, re.Pattern] = {}

    def collect(name: str, value: object) -> None:
        if isinstance(value, re.Pattern):
            found[name] = value
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(f"{name}[{key!r}]", item)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                collect(f"{name}[{index}]", item)

    for module_info in pkgutil.walk_packages(nianbao.__path__, "nianbao."):
        if module_info.name.endswith("__main__"):  # runs the command line when imported
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            collect(f"{module_info.name}.{name}", value)
    return found


# Runs of what the patterns look for: digits and their separators, years, headings, markup, marks, keywords.
ATTACK_UNITS = ["1", "1,", "1.", "1 ", "12 ", "一", "一二三", "2021年", "1、", "<!---->", "<!--", "\n", " ", " \n",
                "|", "| 1 ", "收到申请", "申请1", "政府信息公开报告", "2021年政府信息公开", "（", "(1", "1（", "①",
                "5309①", "注", "O", "1O", "-", "—", "第", "第1页", "市区", "省市区", "<meta ", "display ", "年度",
                "结转下年度1", "办结率1", "行政复议1", "收取1", "1件申请", "<?xml"]
PATTERN_SIZE = 1 << 15  # a quadratic pattern runs for tens of seconds on it; small enough to try every pair


@pytest.mark.parametrize("name", sorted(_engine_patterns()))
def test_every_pattern_of_the_engine_runs_in_linear_time(name: str) -> None:
    """Each pattern, searched and matched over 32 KB runs of each unit, within a CPU-time limit."""
    pattern = _engine_patterns()[name]
    for unit in ATTACK_UNITS:
        text: str | bytes = unit * (PATTERN_SIZE // len(unit))
        if isinstance(pattern.pattern, bytes):
            text = text.encode()
        with _cpu_limit(1):
            pattern.search(text)
            pattern.match(text)
            pattern.search(text + text[:1] + "\u2603" if isinstance(text, str) else text + b"\xff")
