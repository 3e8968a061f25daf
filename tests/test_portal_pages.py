"""End to end on report pages as portals publish them: every number read back, whatever the markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.derive import is_printed
from nianbao.extract import extract_file
from portal_page import Style, build_page, expected_values

EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected"


def _values() -> dict[tuple[str, str, str], str]:
    """Tables 二 and 三 of Jiyuan 2021 and table 四 of Hongze 2024, as hand-checked."""
    values = expected_values(EXPECTED / "jiyuan-city_2021.csv")
    values.update({key: printed for key, printed in expected_values(EXPECTED / "hongze-district_2024.csv").items()
                   if key[0] == "review_litigation"})
    return values


@pytest.mark.parametrize("style", [
    Style(),
    Style(encoding="utf-8", numbering="、", quotes=("「", "」")),
    Style(encoding="gbk", kangxi=True, full_width_digits=True),
], ids=["gb2312-word", "utf8-commas-corner-quotes", "gbk-kangxi-fullwidth"])
def test_every_number_of_a_portal_page_is_read(tmp_path: Path, style: Style) -> None:
    values = _values()
    page = tmp_path / "portal.html"
    page.write_bytes(build_page(values, style))
    report = extract_file(page)
    assert report.status == "ok", [f.message_en for f in report.findings]
    assert (report.body, report.year, report.format) == ("示例市人民政府", 2021, "2021")
    got = {(v.section, v.item, v.applicant): v.value for v in report.values if v.section != "narrative" and is_printed(v)}
    assert got == {key: float(printed) for key, printed in values.items() if key[0] != "narrative"}
    narrative = {v.item: v.value for v in report.values if v.section == "narrative"}
    assert narrative == {"narrative.received": 165, "narrative.processing_fee": 0}
