"""The ledger as a PDF (reportlab, A4), set in the slips' embedded CJK font: the figures
with their rules and verdicts (not met in red), then the handling time per item and the
days. The same `Ledger` the XLSX export and the window show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from counterapp.ledger.figures import Figure
from counterapp.ledger.report import DAILY_KEYS, KIND_LABELS, Ledger, Progress, verdict
from counterapp.slips.fonts import SlipFonts, slip_fonts

RED = colors.HexColor("#C00000")
HEAD = colors.HexColor("#DDE4EE")


def write_pdf(ledger: Ledger, path: Path, progress: Progress | None = None) -> None:
    report = progress or (lambda percent, step: None)
    fonts = slip_fonts()
    text = _Text(fonts)
    report(60, "排版台账")
    story: list[Any] = [
        text.para(f"{ledger.title} 台账", 15, bold=True),
        text.para(f"统计期间：{ledger.period.label}（截至 {ledger.as_of:%Y-%m-%d %H:%M}）", 9),
        Spacer(1, 4 * mm),
        _figures_table(text, ledger.figures),
    ]
    if ledger.reasons:
        reasons = "，".join(f"{reason} {n}" for reason, n in ledger.reasons.items())
        story += [Spacer(1, 2 * mm), text.para(f"仅咨询原因：{reasons}", 8)]
    report(75, "排版事项办理时间")
    story += [
        Spacer(1, 5 * mm),
        text.para("事项办理时间", 12, bold=True),
        _items_table(text, ledger),
    ]
    report(90, "排版逐日统计")
    story += [Spacer(1, 5 * mm), text.para("逐日统计", 12, bold=True), _days_table(text, ledger)]
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{ledger.title} 台账 {ledger.period.label}",
    )
    document.build(story)
    report(100, "已保存")


class _Text:
    def __init__(self, fonts: SlipFonts) -> None:
        self.fonts = fonts

    def para(self, text: str, size: float, *, bold: bool = False, red: bool = False) -> Paragraph:
        style = ParagraphStyle(
            "ledger",
            fontName=self.fonts.primary,
            fontSize=size,
            leading=size * 1.3,
            textColor=RED if red else colors.black,
            wordWrap="CJK",
        )
        markup = self.fonts.markup(text)
        return Paragraph(f"<b>{markup}</b>" if bold else markup, style)


def _grid(
    text: _Text, head: list[str], rows: list[tuple[list[str], bool]], widths: list[float]
) -> Table:
    cells = [[text.para(h, 8, bold=True) for h in head]]
    cells += [[text.para(value, 8, red=bad) for value in values] for values, bad in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _figures_table(text: _Text, figures: list[Figure]) -> Table:
    rows = [
        (
            [f.group, f.label, f.text, f.target, verdict(f.met), f.detail, f.rule],
            f.met is False,
        )
        for f in figures
    ]
    head = ["类别", "指标", "数值", "要求", "达标", "计算依据", "制度要求"]
    return _grid(text, head, rows, [12, 38, 22, 16, 13, 22, 57])


def _items_table(text: _Text, ledger: Ledger) -> Table:
    rows = [
        (
            [
                f"{row.item_code} {row.title}",
                KIND_LABELS.get(row.kind, row.kind),
                row.limit,
                str(row.items),
                str(row.finished_here),
                str(row.on_time),
                str(row.late),
                "—" if row.mean_minutes is None else f"{row.mean_minutes:.1f}",
                verdict(row.met),
            ],
            row.met is False,
        )
        for row in ledger.items
    ]
    head = [
        "事项",
        "类型",
        "时限",
        "事项数",
        "本站办结",
        "按时",
        "超时",
        "平均用时（分钟）",
        "达标",
    ]
    return _grid(text, head, rows, [54, 14, 18, 13, 15, 12, 12, 24, 18])


def _days_table(text: _Text, ledger: Ledger) -> Table:
    labels = {f.key: f.label for f in ledger.figures}
    rows = []
    for day, figures in ledger.days:
        by_key = {f.key: f for f in figures}
        rows.append(
            (
                [day.strftime("%m-%d"), *(_short(by_key[key]) for key in DAILY_KEYS)],
                any(by_key[key].met is False for key in DAILY_KEYS),
            )
        )
    head = ["日期", *(labels[key] for key in DAILY_KEYS)]
    return _grid(text, head, rows, [12, *([16.8] * len(DAILY_KEYS))])


def _short(figure: Figure) -> str:
    if figure.value is None:
        return "—"
    if figure.unit == "%":
        return f"{figure.value:.0f}%"
    return f"{figure.value:.1f}" if figure.unit == "分钟" else f"{figure.value:g}"
