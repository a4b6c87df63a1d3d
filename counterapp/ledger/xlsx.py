"""The ledger as an XLSX workbook (XlsxWriter), for the county: 台账 (every figure with its
rule, target and verdict; a rule not met in red), 事项办理时间 (handling time per item
against its limit) and 逐日 (the chosen figures day by day)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from counterapp.ledger.figures import Figure
from counterapp.ledger.report import DAILY_KEYS, KIND_LABELS, Ledger, Progress, verdict


def write_xlsx(ledger: Ledger, path: Path, progress: Progress | None = None) -> None:
    report = progress or (lambda percent, step: None)
    workbook = xlsxwriter.Workbook(str(path))
    try:
        styles = _styles(workbook)
        report(60, "写入台账表")
        _figures_sheet(workbook, styles, ledger)
        report(75, "写入事项办理时间")
        _items_sheet(workbook, styles, ledger)
        report(90, "写入逐日统计")
        _days_sheet(workbook, styles, ledger)
    finally:
        workbook.close()
    report(100, "已保存")


def _styles(workbook: Any) -> dict[str, Any]:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "head": workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1}),
        "cell": workbook.add_format({"border": 1}),
        "bad": workbook.add_format({"border": 1, "font_color": "#C00000", "bold": True}),
        "number": workbook.add_format({"border": 1, "num_format": "0.0"}),
        "bad_number": workbook.add_format(
            {"border": 1, "num_format": "0.0", "font_color": "#C00000", "bold": True}
        ),
    }


def _heading(sheet: Any, styles: dict[str, Any], ledger: Ledger, name: str) -> None:
    sheet.write(0, 0, f"{ledger.title} {name}", styles["title"])
    sheet.write(1, 0, f"统计期间：{ledger.period.label}（截至 {ledger.as_of:%Y-%m-%d %H:%M}）")


def _table(
    sheet: Any, styles: dict[str, Any], head: list[str], rows: list[tuple[list[Any], bool]]
) -> None:
    """Header in row 4, then the rows; a row whose flag is set is red."""
    for col, text in enumerate(head):
        sheet.write(3, col, text, styles["head"])
    for r, (values, bad) in enumerate(rows, start=4):
        for col, value in enumerate(values):
            if isinstance(value, float) and value.is_integer():
                sheet.write_number(r, col, int(value), styles["bad" if bad else "cell"])
            elif isinstance(value, float):
                sheet.write_number(r, col, value, styles["bad_number" if bad else "number"])
            elif value is None:
                sheet.write_blank(r, col, None, styles["bad" if bad else "cell"])
            else:
                sheet.write(r, col, value, styles["bad" if bad else "cell"])


def _figure_row(figure: Figure) -> tuple[list[Any], bool]:
    value = None if figure.value is None else float(figure.value)
    return (
        [
            figure.group,
            figure.label,
            value,
            figure.unit,
            figure.target,
            verdict(figure.met),
            figure.detail,
            figure.rule,
        ],
        figure.met is False,
    )


def _figures_sheet(workbook: Any, styles: dict[str, Any], ledger: Ledger) -> None:
    sheet = workbook.add_worksheet("台账")
    _heading(sheet, styles, ledger, "台账")
    head = ["类别", "指标", "数值", "单位", "要求", "是否达标", "计算依据", "制度要求"]
    _table(sheet, styles, head, [_figure_row(f) for f in ledger.figures])
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 5, 10)
    sheet.set_column(6, 6, 14)
    sheet.set_column(7, 7, 44)


def _items_sheet(workbook: Any, styles: dict[str, Any], ledger: Ledger) -> None:
    sheet = workbook.add_worksheet("事项办理时间")
    _heading(sheet, styles, ledger, "事项办理时间")
    head = ["事项编码", "事项名称", "类型", "时限", "事项数", "本站办结", "按时", "超时"]
    head += ["平均用时（分钟）", "是否达标"]
    rows = [
        (
            [
                row.item_code,
                row.title,
                KIND_LABELS.get(row.kind, row.kind),
                row.limit,
                row.items,
                row.finished_here,
                row.on_time,
                row.late,
                row.mean_minutes,
                verdict(row.met),
            ],
            row.met is False,
        )
        for row in ledger.items
    ]
    _table(sheet, styles, head, rows)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 9, 10)


def _days_sheet(workbook: Any, styles: dict[str, Any], ledger: Ledger) -> None:
    sheet = workbook.add_worksheet("逐日")
    _heading(sheet, styles, ledger, "逐日统计")
    labels = {f.key: f"{f.label}（{f.unit}）" for f in ledger.figures}
    rows = []
    for day, figures in ledger.days:
        by_key = {f.key: f for f in figures}
        cells: list[Any] = [day.isoformat()]
        cells += [_number(by_key[key]) for key in DAILY_KEYS]
        rows.append((cells, any(by_key[key].met is False for key in DAILY_KEYS)))
    _table(sheet, styles, ["日期", *(labels[key] for key in DAILY_KEYS)], rows)
    sheet.set_column(0, len(DAILY_KEYS), 14)


def _number(figure: Figure) -> float | None:
    return None if figure.value is None else float(figure.value)
