"""Reading one printed cell: numbers with their unit, and the marks that stand for no number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.cells import format_value, parse_cell
from nianbao.document import Row
from nianbao.parse.narrative import parse_narrative
from nianbao.parse.stream import tokenize


@pytest.mark.parametrize(("printed", "value", "unit"), [
    ("1,234", 1234, ""),
    ("１２", 12, ""),
    ("0.00", 0, ""),
    ("4478.1715", 4478.1715, ""),
    ("251000元", 251000, "元"),
    ("103.3879万元", 103.3879, "万元"),
    ("+3", 3, ""),
    ("-253", -253, ""),
    (" 87 ", 87, ""),
    ("98.2%", 98.2, "%"),
])
def test_numbers_keep_their_unit(printed: str, value: float, unit: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value == value and cell.unit == unit and cell.missing == ""


@pytest.mark.parametrize(("printed", "missing"), [
    ("", "blank"), ("  ", "blank"), ("\u00a0", "blank"), ("/", "slash"), ("／", "slash"),
    ("—", "dash"), ("——", "dash"), ("-", "dash"), ("－", "dash"), ("无", "none"),
])
def test_no_number_marks_are_recorded(printed: str, missing: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value is None and cell.missing == missing


def test_a_note_beside_the_number_is_kept() -> None:
    cell = parse_cell("22（其中修订16件）")
    assert cell is not None and cell.value == 22 and cell.note == "其中修订16件"


@pytest.mark.parametrize("printed", ["规章", "1.属于国家秘密", "12件申请", "1.2.3", "约100"])
def test_label_text_is_not_a_number(printed: str) -> None:
    assert parse_cell(printed) is None


FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@given(st.integers(min_value=0, max_value=10**12))
def test_any_count_reads_back_however_it_is_printed(number: int) -> None:
    for printed in (str(number), f"{number:,}", str(number).translate(FULL_WIDTH), f" {number}件 "):
        cell = parse_cell(printed)
        assert cell is not None and cell.value == number, printed


@given(st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False))
def test_decimal_amounts_read_back_exactly(amount) -> None:  # type: ignore[no-untyped-def]
    cell = parse_cell(f"{amount}万元")
    assert cell is not None and cell.unit == "万元"
    assert cell.value == float(amount)
    assert float(format_value(cell.value)) == float(amount)


MARKS = ["①", "⑳", "㉑", "❶", "⑴", "¹", "²", "³", "⁹", "*", "**", "＊", "※", "†", "注1", "注①", "注¹"]


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(MARKS), st.sampled_from(["", "件", "万元"]))
def test_a_footnote_mark_never_joins_the_number(number: int, mark: str, unit: str) -> None:
    """NFKC reads ① and ¹ as 1: 5309① must be 5309 with its mark kept, never 53091."""
    for printed in (f"{number}{unit}{mark}", f"{number}{mark}{unit}"):
        cell = parse_cell(printed)
        assert cell is not None and cell.value == number and cell.footnote == mark, printed
        assert cell.printed == printed and cell.unit == unit


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=3))
def test_a_count_with_a_leading_zero_is_unreadable(number: int, zeros: int) -> None:
    cell = parse_cell("0" * zeros + str(number))
    assert cell is not None and cell.value is None and cell.missing == "unreadable"
    assert "leading zero" in cell.problem


@pytest.mark.parametrize("printed", ["0", "0.5", "0.00", "-0.25", "10", "100万元"])
def test_a_lone_zero_and_decimals_below_one_are_numbers(printed: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value is not None and cell.missing == ""


@pytest.mark.parametrize("printed", ["1O5", "l2", "I6", "|5", "2O21", "S", "B", "O", "o", "1S件", "〇", "1,0O0", "12.O"])
def test_a_letter_ocr_reads_for_a_digit_is_unreadable(printed: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value is None and cell.missing == "unreadable"


@pytest.mark.parametrize("printed", ["53①09", "①", "*", "※", "①5309"])
def test_a_mark_inside_a_number_or_alone_is_unreadable(printed: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value is None and cell.missing == "unreadable"


@pytest.mark.parametrize("digits", [16, 20, 400, 5000])
def test_a_number_too_long_to_keep_exactly_is_unreadable(digits: int) -> None:
    """A 400-digit amount aborted the run (OverflowError); 16 digits already lose the last ones in a float."""
    for printed in ("9" * digits, "1" + "0" * (digits - 1), "1." + "1" * digits):
        cell = parse_cell(printed)
        assert cell is not None and cell.value is None and cell.missing == "unreadable"
        assert format_value(cell.value) == ""


def test_fifteen_digits_read_exactly() -> None:
    cell = parse_cell("999999999999999")
    assert cell is not None and format_value(cell.value) == "999999999999999"


@pytest.mark.parametrize("printed", ["1\ufffd3", "\ufffd", "12\ufffd", "\ufffd0", "7\ufffd件"])
def test_a_character_the_file_does_not_identify_makes_a_number_unreadable(printed: str) -> None:
    # a PDF glyph mapped to no character: the number it is part of is not known (13 may be 123)
    cell = parse_cell(printed)
    assert cell is not None and cell.value is None and cell.missing == "unreadable"


def test_a_label_with_a_character_the_file_does_not_identify_stays_text() -> None:
    assert parse_cell("1.属于\ufffd家秘密") is None


@pytest.mark.parametrize("printed", ["\ufffd元", "1,\ufffd00", "\ufffd.5"])
def test_an_unidentified_character_that_may_be_a_digit_makes_the_cell_unreadable(printed: str) -> None:
    # left out, the rest is no number ("元", "1,00"); read as a digit, it is one: either way the cell is unknown
    cell = parse_cell(printed)
    assert cell is not None and cell.missing == "unreadable"


def test_digits_against_an_unidentified_character_are_not_read_as_a_number() -> None:
    # "共�5件": the � may be a digit of the count (15, 25 …): the stream keeps it with the 5, and the running text
    # yields no count
    tokens = tokenize([Row(("共\ufffd5件",), "line 1")])
    assert [(token.text, parse_cell(token.text).missing) for token in tokens if token.number] == [
        ("\ufffd5", "unreadable")]
    counts = parse_narrative([Row(("本年度收到\ufffd5件申请，结转下一年度\ufffd2件。",), "line 1")], [], [])
    assert [value.value for value in counts if value.value is not None] == []
