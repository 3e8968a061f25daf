"""Reading one printed cell: numbers with their unit, and the marks that stand for no number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.cells import format_value, parse_cell


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
