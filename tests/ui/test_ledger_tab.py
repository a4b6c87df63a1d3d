"""台账统计 (F10): the figures of the day, the month or a period, not met in red, charts, and
exports written off the GUI thread with their progress shown."""

from __future__ import annotations

import openpyxl

from counterapp.case_model import Person
from counterapp.queue import Lane
from tests.conftest import make_id
from tests.ui.conftest import settle
from ui.ledger_tab import DAY, MONTH, RANGE, FigureColumn
from ui.qt import QDate, Qt


def slow_instant_case(counter, clock):
    """YB0201 (instant, 5 minutes) finished 15 minutes after the case was opened."""
    counter.queue.issue(Lane.NORMAL)
    ticket = counter.queue.call_next(1, counter.clerk_a.id)
    case = counter.cases.open_case(
        Person("欧阳娜娜", make_id(sequence="301")),
        ["YB0201"],
        counter.clerk_a.id,
        ticket_id=ticket.id,
    )
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, counter.clerk_a.id)
    counter.cases.accept(case.id, counter.clerk_a.id)
    clock.advance(minutes=15)
    counter.cases.complete(case.id, counter.clerk_a.id)
    counter.queue.finish(ticket.id, counter.clerk_a.id)


def rows_by_key(tab):
    return {row.key: (n, row) for n, row in enumerate(tab.figures.rows)}


def test_f10_shows_the_day_with_rules_not_met_in_red(qtbot, window, counter, clock):
    slow_instant_case(counter, clock)
    qtbot.keyClick(window, Qt.Key.Key_F10)
    settle(qtbot, window.ctx.ops)
    tab = window.ledger
    assert window.tabs.currentIndex() == 3 and tab.view.currentIndex() == DAY
    rows = rows_by_key(tab)
    n, instant = rows["instant_mean"]
    assert instant.value == 15 and instant.met is False
    index = tab.figures.index(n, FigureColumn.VALUE)
    assert tab.figures.data(index, Qt.ItemDataRole.DisplayRole) == "15.0 分钟"
    assert tab.figures.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    n, issued = rows["tickets_issued"]
    assert issued.value == 1
    assert tab.figures.data(tab.figures.index(n, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert "未达标" in tab.summary.text() and "即办件平均办理时间" in tab.summary.text()
    assert tab.charts is not None and tab.charts.tickets.chart().series()
    assert [row.item_code for row in tab.items.rows] == ["YB0201"]


def test_month_and_custom_views(qtbot, window, counter, clock):
    slow_instant_case(counter, clock)
    window.show_tab(3)
    settle(qtbot, window.ctx.ops)
    tab = window.ledger
    tab.view.setCurrentIndex(MONTH)
    settle(qtbot, window.ctx.ops)
    assert tab.ledger.period.label == "2026-11-01 至 2026-11-30"
    assert len(tab.ledger.days) == 30 and tab.last.isHidden()
    tab.view.setCurrentIndex(RANGE)
    tab.first.setDate(QDate(2026, 11, 20))
    tab.last.setDate(QDate(2026, 11, 26))
    settle(qtbot, window.ctx.ops)
    assert tab.ledger.period.label == "2026-11-20 至 2026-11-26"
    tab.last.setDate(QDate(2026, 11, 19))
    settle(qtbot, window.ctx.ops)
    assert "结束日期早于开始日期" in tab.summary.text()
    assert tab.ledger.period.label == "2026-11-20 至 2026-11-26"  # the last good one stays


def test_an_export_shows_its_progress_and_reads_back(qtbot, window, counter, clock, tmp_path):
    slow_instant_case(counter, clock)
    window.show_tab(3)
    settle(qtbot, window.ctx.ops)
    tab = window.ledger
    steps = []
    tab.progress_signal.step.connect(lambda percent, text: steps.append(percent))
    path = tmp_path / "台账.xlsx"
    tab.export("xlsx", path)
    assert not tab.xlsx_button.isEnabled()  # while it runs
    settle(qtbot, window.ctx.ops)
    qtbot.waitUntil(lambda: tab.xlsx_button.isEnabled())
    assert steps[-1] == 100 and steps == sorted(steps)
    assert window.ctx.dialogs.infos[-1] == f"台账已导出到 {path}"
    rows = {r[1].value: r for r in openpyxl.load_workbook(path)["台账"].iter_rows(min_row=5)}
    assert (
        rows["即办件平均办理时间"][2].value == 15
        and rows["即办件平均办理时间"][5].value == "未达标"
    )


def test_an_export_that_cannot_be_written_says_so(qtbot, window, tmp_path):
    window.show_tab(3)
    settle(qtbot, window.ctx.ops)
    tab = window.ledger
    tab.export("pdf", tmp_path / "no such folder" / "台账.pdf")
    settle(qtbot, window.ctx.ops)
    assert "台账未能保存" in window.ctx.dialogs.errors[-1]
    assert tab.pdf_button.isEnabled() and tab.progress.isHidden()
