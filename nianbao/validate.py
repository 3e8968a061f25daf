"""The identities a report must satisfy (spec: "Identities a validator checks"), as findings.

Validation reads values and never changes them: it checks the printed numbers. A blank, "/", "—" or "无" counts as
0 where the codebook says so (``codebook.counts_as_zero``: the spec's "blank cells meaning 0"); an ambiguous or
unreadable cell makes its identity unknown, so it is skipped. Outcome rows and review blocks come from the codebook.
"""

from __future__ import annotations

from nianbao import codebook
from nianbao.cells import format_value
from nianbao.derive import is_printed
from nianbao.model import Finding, Report, Value

APPLICANTS = list(codebook.applicants())
APPLICANT_COLUMNS = APPLICANTS[:-1]  # every column but 总计


class Cells:
    """Lookup of a report's printed values by (section, item, applicant)."""

    def __init__(self, values: list[Value], report_format: str) -> None:
        # rows the engine adds (derive.py) are not printed cells: identities check what the report prints
        self.values = {(v.section, v.item, v.applicant): v for v in values if is_printed(v)}
        self.format = report_format
        # each cell's number once: the identities look up a few hundred of them
        self.numbers = {key: self._counted(v) for key, v in self.values.items()}

    def _counted(self, value: Value) -> float | None:
        if value.value is not None:
            return value.value
        return 0.0 if codebook.counts_as_zero(value.item, self.format, value.missing) else None

    def get(self, section: str, item: str, applicant: str = "") -> Value | None:
        return self.values.get((section, item, applicant))

    def number(self, section: str, item: str, applicant: str = "") -> float | None:
        """The number a cell counts as in a sum; None when it is absent or uncertain."""
        return self.numbers.get((section, item, applicant))

    def total(self, section: str, items: list[str], applicant: str = "") -> float | None:
        numbers = [self.numbers.get((section, item, applicant)) for item in items]
        return None if None in numbers else sum(numbers)

    def partial(self, section: str, items: list[str], applicant: str = "") -> tuple[float, int]:
        """The sum of the cells that can be counted, and how many cannot (absent, ambiguous or unreadable)."""
        numbers = [self.numbers.get((section, item, applicant)) for item in items]
        return sum(n for n in numbers if n is not None), numbers.count(None)

    def shown(self, section: str, item: str, applicant: str = "") -> str:
        value = self.get(section, item, applicant)
        if value is not None and value.value is None and value.missing == "blank":
            return "blank"
        return format_value(self.number(section, item, applicant))


def _column(applicant: str) -> str:
    return codebook.applicants()[applicant].label_zh


def _label(code: str) -> str:
    return codebook.items()[code].label_zh


def check_report(report: Report) -> list[Finding]:
    """S1, I1, I2, I3 and N1 for one report."""
    cells = Cells(report.values, report.format)
    findings: list[Finding] = []
    parts = codebook.outcome_items(one_row=cells.get("applications", "other", "total") is not None)
    for applicant in APPLICANTS:
        column = f"applications:*:{applicant}"
        inflow = cells.total("applications", ["received", "carried_over"], applicant)
        outflow = cells.total("applications", ["total", "carried_forward"], applicant)
        if inflow is None or outflow is None:
            findings += _inflow_outflow_exceeded(cells, applicant)
        elif inflow != outflow:
            findings.append(Finding(
                "S1", "error", f"applications:received+carried_over:{applicant} vs applications:total+carried_forward:{applicant}",
                format_value(inflow), format_value(outflow),
                f"表三“{_column(applicant)}”列：一加二（{format_value(inflow)}）不等于（七）总计加四（{format_value(outflow)}）",
                f"Table 三 column {applicant}: received + carried over ({format_value(inflow)}) differs from "
                f"total handled + carried forward ({format_value(outflow)})"))
        handled = cells.total("applications", parts, applicant)
        total = cells.number("applications", "total", applicant)
        if handled is None and total is not None:
            known, unknown = cells.partial("applications", parts, applicant)
            if known > total:
                shown = cells.shown("applications", "total", applicant)
                findings.append(_partial_finding(
                    "I1", f"applications:total:{applicant} vs sum of outcomes ({column})", known, unknown, shown,
                    f"表三“{_column(applicant)}”列：（七）总计为 {shown}", "各办理结果",
                    f"Table 三 column {applicant}: total handled printed {shown}", "the outcomes"))
        if handled is not None and total is not None and handled != total:
            blank = all(cells.shown("applications", item, applicant) == "blank" for item in parts
                        if cells.get("applications", item, applicant) is not None)
            findings.append(Finding(
                "I1", "error", f"applications:total:{applicant} vs sum of outcomes ({column})",
                format_value(handled), cells.shown("applications", "total", applicant),
                f"表三“{_column(applicant)}”列：（七）总计为 {cells.shown('applications', 'total', applicant)}，"
                + ("而各办理结果行在该列均为空白" if blank else f"各办理结果之和为 {format_value(handled)}"),
                f"Table 三 column {applicant}: total handled printed {cells.shown('applications', 'total', applicant)}, "
                + ("while every outcome row leaves this column blank" if blank
                   else f"outcomes sum to {format_value(handled)}")))
    for item in [i.code for i in codebook.items().values() if i.section == "applications"]:
        if cells.get("applications", item, "total") is None:
            continue
        parts_sum = _sum_columns(cells, item)
        total = cells.number("applications", item, "total")
        if parts_sum is None and total is not None:
            known, unknown = _partial_columns(cells, item)
            if known > total:
                shown = cells.shown("applications", item, "total")
                findings.append(_partial_finding(
                    "I2", f"applications:{item}:total vs applications:{item}:natural_person..other_org", known, unknown,
                    shown, f"表三“{_label(item)}”行：总计为 {shown}", "各申请人",
                    f"Table 三 row {item}: total printed {shown}", "the applicant columns"))
        if parts_sum is not None and total is not None and parts_sum != total:
            shown = cells.shown("applications", item, "total")
            findings.append(Finding(
                "I2", "error", f"applications:{item}:total vs applications:{item}:natural_person..other_org",
                format_value(parts_sum), shown,
                f"表三“{_label(item)}”行：总计为 {shown}，各申请人之和为 {format_value(parts_sum)}",
                f"Table 三 row {item}: total printed {shown}, applicant columns sum to {format_value(parts_sum)}"))
    for block, name in codebook.review_blocks().items():
        block_items = {i.result: i.code for i in codebook.items().values() if i.block == block}
        block_parts = [code for result, code in block_items.items() if result != "total"]
        parts_sum = cells.total("review_litigation", block_parts)
        total = cells.number("review_litigation", block_items["total"])
        if parts_sum is None and total is not None:
            known, unknown = cells.partial("review_litigation", block_parts)
            if known > total:
                shown = cells.shown("review_litigation", block_items["total"])
                findings.append(_partial_finding(
                    "I3", f"review_litigation:{block}.total vs {block}.upheld+corrected+other+pending", known, unknown,
                    shown, f"表四{name}：总计为 {shown}", "维持、纠正、其他、尚未审结",
                    f"Table 四 {block}: total printed {shown}", "its parts"))
        if parts_sum is not None and total is not None and parts_sum != total:
            findings.append(Finding(
                "I3", "error", f"review_litigation:{block}.total vs {block}.upheld+corrected+other+pending",
                format_value(parts_sum), cells.shown("review_litigation", f"{block}.total"),
                f"表四{name}：总计为 {cells.shown('review_litigation', f'{block}.total')}，维持、纠正、其他、尚未审结之和为 {format_value(parts_sum)}",
                f"Table 四 {block}: total printed {cells.shown('review_litigation', f'{block}.total')}, "
                f"its parts sum to {format_value(parts_sum)}"))
    findings += _check_narrative(cells)
    for value in report.values:
        if value.missing == "unreadable":
            findings.append(Finding(
                "structure", "warning", f"{value.section}:{value.item}:{value.applicant}".rstrip(":"), "a number",
                value.printed, f"单元格“{value.printed}”无法读作数字，未采用（{value.source}）",
                f"Cell {value.printed!r} cannot be read as a number{f' ({value.flag})' if value.flag else ''}; "
                f"not used ({value.source})"))
    return findings


def _sum_columns(cells: Cells, item: str) -> float | None:
    numbers = [cells.numbers.get(("applications", item, applicant)) for applicant in APPLICANT_COLUMNS]
    return None if None in numbers else sum(numbers)


def _partial_columns(cells: Cells, item: str) -> tuple[float, int]:
    numbers = [cells.number("applications", item, applicant) for applicant in APPLICANT_COLUMNS]
    return sum(n for n in numbers if n is not None), sum(n is None for n in numbers)


def _partial_finding(check: str, cells_ref: str, known: float, unknown: int, shown: str, total_zh: str, parts_zh: str,
                     total_en: str, parts_en: str) -> Finding:
    """Some parts of a sum are missing or uncertain, and those that are known already exceed the printed total.

    Counts are not negative, so the missing parts could only add to the excess: the identity is broken whatever
    they are.
    """
    return Finding(
        check, "error", cells_ref, f"at least {format_value(known)}", shown,
        f"{total_zh}，而可读出的{parts_zh}之和已为 {format_value(known)}（另有 {unknown} 个单元格缺失或无法读取）",
        f"{total_en}, but {parts_en} that can be read already sum to {format_value(known)} "
        f"({unknown} more {'cell is' if unknown == 1 else 'cells are'} missing or unreadable)")


def _inflow_outflow_exceeded(cells: Cells, applicant: str) -> list[Finding]:
    """S1 when one side is only partly known: its known cells must not exceed the other side's total."""
    sides = {"inflow": (["received", "carried_over"], "一加二", "received + carried over"),
             "outflow": (["total", "carried_forward"], "（七）总计加四", "total handled + carried forward")}
    totals = {side: cells.total("applications", items, applicant) for side, (items, _, _) in sides.items()}
    for partial_side, complete_side in (("inflow", "outflow"), ("outflow", "inflow")):
        complete = totals[complete_side]
        if totals[partial_side] is not None or complete is None:
            continue
        known, unknown = cells.partial("applications", sides[partial_side][0], applicant)
        if known > complete:
            shown = format_value(complete)
            return [_partial_finding(
                "S1", f"applications:received+carried_over:{applicant} vs applications:total+carried_forward:{applicant}",
                known, unknown, shown, f"表三“{_column(applicant)}”列：{sides[complete_side][1]}为 {shown}",
                sides[partial_side][1], f"Table 三 column {applicant}: {sides[complete_side][2]} is {shown}",
                f"the cells of {sides[partial_side][2]}")]
    return []


def _check_narrative(cells: Cells) -> list[Finding]:
    """N1: figures stated in the text against the tables. Text and table may differ in scope: report it."""
    findings = []
    received = cells.number("applications", "received", "total")
    carried_over = cells.number("applications", "carried_over", "total")
    handled = cells.number("applications", "total", "total")
    litigation = cells.total("review_litigation", ["litigation_direct.total", "litigation_after_review.total"])
    comparisons = [
        ("narrative.received", received, "applications:received:total"),
        ("narrative.carried_forward", cells.number("applications", "carried_forward", "total"),
         "applications:carried_forward:total"),
        ("narrative.review_cases", cells.number("review_litigation", "review.total"), "review_litigation:review.total"),
        ("narrative.litigation_cases", litigation,
         "review_litigation:litigation_direct.total+litigation_after_review.total"),
    ]
    for item, table_value, table_cells in comparisons:
        stated = cells.get("narrative", item)
        if stated is None or stated.value is None:
            continue
        if table_value is not None and table_value == stated.value:
            continue
        found = "ambiguous" if table_value is None else format_value(table_value)
        table_zh = "表格数值不确定或缺失，无法比较" if table_value is None else f"表格为 {found}"
        table_en = "the table cannot be compared (ambiguous or missing)" if table_value is None else f"the table has {found}"
        scope = (item == "narrative.received" and None not in (received, carried_over)
                 and stated.value == received + carried_over)
        findings.append(Finding(
            "N1", "warning", f"narrative:{item.split('.', 1)[1]} vs {table_cells}", format_value(stated.value), found,
            f"正文称“{stated.printed}”，{table_zh}" + ("（正文数字等于新收加上年结转）" if scope else ""),
            f"The text states {format_value(stated.value)}" + (f" ({stated.printed})" if stated.printed != format_value(stated.value) else "")
            + f"; {table_en}" + (" (the text counts new plus carried-over requests)" if scope else "")))
    rate = cells.get("narrative", "narrative.completion_rate")
    if rate is not None and rate.value is not None and None not in (received, carried_over, handled):
        if received + carried_over:
            decimals = len(rate.printed.split("%")[0].split(".")[1]) if "." in rate.printed else 0
            computed = round(100 * handled / (received + carried_over), decimals)
            if computed != rate.value:
                findings.append(Finding(
                    "N1", "warning", "narrative:completion_rate vs applications:total/(received+carried_over)",
                    format_value(rate.value), format_value(computed),
                    f"正文办结率 {format_value(rate.value)}%，按表三计算为 {format_value(computed)}%",
                    f"The text states a completion rate of {format_value(rate.value)}%; table 三 gives {format_value(computed)}%"))
    return findings


def check_series(reports: list[Report]) -> dict[str, list[Finding]]:
    """I4 and I5 between consecutive years of the same body; findings go to the later report."""
    findings: dict[str, list[Finding]] = {}
    by_body: dict[str, list[Report]] = {}
    for report in reports:
        if report.status != "failed" and report.body and report.year:
            by_body.setdefault(report.body, []).append(report)
    for series in by_body.values():
        series.sort(key=lambda r: r.year)
        for earlier, later in zip(series, series[1:]):
            if later.year != earlier.year + 1:
                continue
            findings[later.report_id] = _carry_over(earlier, later) + _documents_in_force(earlier, later)
    return findings


def _carry_over(earlier: Report, later: Report) -> list[Finding]:
    before, after = Cells(earlier.values, earlier.format), Cells(later.values, later.format)
    findings = []
    for applicant in APPLICANTS:
        forward = before.number("applications", "carried_forward", applicant)
        over = after.number("applications", "carried_over", applicant)
        if forward is not None and over is not None and forward != over:
            findings.append(Finding(
                "I4", "warning",
                f"{earlier.report_id} applications:carried_forward:{applicant} vs {later.report_id} applications:carried_over:{applicant}",
                format_value(forward), format_value(over),
                f"“{_column(applicant)}”列：{earlier.year} 年结转下年度 {format_value(forward)} 件，{later.year} 年上年结转 {format_value(over)} 件",
                f"Column {applicant}: {earlier.year} carried forward {format_value(forward)}, {later.year} carried over {format_value(over)}"))
    return findings


def _documents_in_force(earlier: Report, later: Report) -> list[Finding]:
    before, after = Cells(earlier.values, earlier.format), Cells(later.values, later.format)
    findings = []
    for prefix in ("regulations", "normative_documents"):
        previous = before.number("disclosure", f"{prefix}.in_force")
        change = after.number("disclosure", f"{prefix}.issued")
        repealed = after.number("disclosure", f"{prefix}.repealed")
        now = after.number("disclosure", f"{prefix}.in_force")
        if None in (previous, change, repealed, now):
            continue
        expected = previous + change - repealed
        if expected != now:
            findings.append(Finding(
                "I5", "warning",
                f"{earlier.report_id} disclosure:{prefix}.in_force + {later.report_id} disclosure:{prefix}.issued-repealed"
                f" vs {later.report_id} disclosure:{prefix}.in_force",
                format_value(expected), format_value(now),
                f"{_label(prefix + '.in_force')}：上年 {format_value(previous)} 件加本年制发 {format_value(change)} 件减废止 {format_value(repealed)} 件应约为 {format_value(expected)} 件，报告为 {format_value(now)} 件（修订、机构调整可致差异）",
                f"{prefix} in force: last year {format_value(previous)} + issued {format_value(change)} - repealed {format_value(repealed)} = "
                f"{format_value(expected)}, printed {format_value(now)} (amendments and reorganisations can explain a gap)"))
    return findings
