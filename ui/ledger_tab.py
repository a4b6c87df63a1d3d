"""台账统计 (F10): the station's figures for a day, a month or a chosen period, each with its
rule and whether it is met (not met in red), the handling time per item, charts, and the
exports to XLSX and PDF. The figures are read and the files written on the store thread
(`ui.ops`); an export's progress comes back as a signal, so the window never freezes."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from counterapp.app import Counter
from counterapp.ledger.figures import Figure, ItemRow, Period
from counterapp.ledger.report import KIND_LABELS, Ledger, Progress, station_ledger, verdict
from ui.context import AppContext
from ui.qt import (
    QBrush,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QObject,
    QProgressBar,
    QPushButton,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.table_model import RowTableModel, row_table_view

RED = QColor("#c62828")
VIEWS = ("按日", "按月", "自定义期间")
DAY, MONTH, RANGE = range(3)


class FigureColumn(IntEnum):
    LABEL = 0
    VALUE = 1
    TARGET = 2
    VERDICT = 3
    DETAIL = 4


class FigureModel(RowTableModel[Figure]):
    """The figures; the rule each one measures is its tooltip (and a column of the exports)."""

    columns = FigureColumn
    headers = ("指标", "数值", "要求", "达标", "计算依据")

    def cell(self, row: Figure, column: FigureColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.met is False:
            return QBrush(RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.rule or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            f"{row.group} · {row.label}",
            row.text,
            row.target,
            verdict(row.met),
            row.detail,
        )[column]


class ItemColumn(IntEnum):
    ITEM = 0
    KIND = 1
    LIMIT = 2
    COUNT = 3
    HERE = 4
    ON_TIME = 5
    LATE = 6
    MEAN = 7


class ItemModel(RowTableModel[ItemRow]):
    columns = ItemColumn
    headers = ("事项", "类型", "时限", "事项数", "本站办结", "按时", "超时", "平均用时")

    def cell(self, row: ItemRow, column: ItemColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.met is False:
            return QBrush(RED)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        mean = "—" if row.mean_minutes is None else f"{row.mean_minutes:.1f} 分钟"
        return (
            f"{row.item_code} {row.title}",
            KIND_LABELS.get(row.kind, row.kind),
            row.limit,
            row.items,
            row.finished_here,
            row.on_time,
            row.late,
            mean,
        )[column]


class _Progress(QObject):
    """An export's steps, from the store thread to the GUI thread (a queued signal)."""

    step = Signal(int, str)


class LedgerTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ledger: Ledger | None = None
        self.file_dialog: QFileDialog | None = None
        self.view = QComboBox()
        self.view.addItems(VIEWS)
        now = ctx.clock.today()
        today = QDate(now.year, now.month, now.day)
        self.first = QDateEdit(today)
        self.last = QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.to_label = QLabel("至")
        view_label = QLabel("统计方式(&S)")
        view_label.setBuddy(self.view)
        self.refresh_button = QPushButton("刷新(&U)")
        self.xlsx_button = QPushButton("导出Excel(&E)")
        self.pdf_button = QPushButton("导出PDF(&O)")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.status = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        left: list[QWidget] = [view_label, self.view, self.first, self.to_label, self.last]
        for widget in [*left, self.refresh_button]:
            bar.addWidget(widget)
        bar.addStretch(1)
        right: list[QWidget] = [self.status, self.progress, self.xlsx_button, self.pdf_button]
        for widget in right:
            bar.addWidget(widget)
        self.figures = FigureModel()
        self.items = ItemModel()
        self.figure_table = row_table_view(self.figures, stretch=FigureColumn.LABEL)
        self.item_table = row_table_view(self.items, stretch=ItemColumn.ITEM)
        tables = QTabWidget()
        tables.addTab(self.figure_table, "统计指标")
        tables.addTab(self.item_table, "事项办理时间")
        self.tables = tables
        self.charts_box = QVBoxLayout()
        charts_page = QWidget()
        charts_page.setLayout(self.charts_box)
        self.charts_box.setContentsMargins(0, 0, 0, 0)
        self.charts: Any = None  # built on the first ledger shown (QtCharts loads then)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables)
        split.addWidget(charts_page)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.progress_signal = _Progress()
        self.progress_signal.step.connect(self._step)
        self.view.currentIndexChanged.connect(self._view_changed)
        self.first.dateChanged.connect(lambda _d: self.reload())
        self.last.dateChanged.connect(lambda _d: self.reload())
        self.refresh_button.clicked.connect(self.reload)
        self.xlsx_button.clicked.connect(lambda: self.ask_file("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.ask_file("pdf"))
        self.to_label.hide()  # 按日 first; the window reads the period when the tab is shown
        self.last.hide()

    # --- the period ------------------------------------------------------------------------
    def period(self) -> Period:
        first = self.first.date().toPython()
        assert isinstance(first, date)
        if self.view.currentIndex() == DAY:
            return Period.day(first)
        if self.view.currentIndex() == MONTH:
            return Period.month(first.year, first.month)
        last = self.last.date().toPython()
        assert isinstance(last, date)
        return Period(first, last)

    def _view_changed(self, index: int) -> None:
        custom = index == RANGE
        self.to_label.setVisible(custom)
        self.last.setVisible(custom)
        self.first.setDisplayFormat("yyyy年MM月" if index == MONTH else "yyyy-MM-dd")
        self.reload()

    # --- reading ---------------------------------------------------------------------------
    def reload(self) -> None:
        period = self.period()
        if period.last < period.first:
            self._say("结束日期早于开始日期，请重新选择", error=True)
            return
        title = self._title()
        self.ctx.ops.query(
            lambda counter: _read(counter, title, period),
            self.show_ledger,
            parent=self,
            label="正在统计台账…",
        )

    def _title(self) -> str:
        return self.ctx.station.name

    def show_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.figures.set_rows(ledger.figures)
        self.items.set_rows(ledger.items)
        missed = ledger.not_met
        text = f"{ledger.period.label}（截至 {ledger.as_of:%Y-%m-%d %H:%M}）"
        if missed:
            text += "：未达标 " + "、".join(f.label for f in missed)
        else:
            text += "：各项制度要求均已达标或无可考核数据"
        self._say(text, error=bool(missed))
        if self.charts is None:
            from ui.ledger_charts import LedgerCharts

            self.charts = LedgerCharts()
            self.charts_box.addWidget(self.charts)
        self.charts.show_days(ledger.days)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {RED.name()};" if error else "")

    # --- exporting -------------------------------------------------------------------------
    def ask_file(self, kind: str) -> None:
        """A save dialog (opened, never exec'd), named after the station and the period."""
        period = self.period()
        name = f"{self._title()}台账_{period.first:%Y%m%d}-{period.last:%Y%m%d}.{kind}"
        dialog = QFileDialog(
            self,
            "导出台账",
            str(Path.home() / name),
            "Excel 工作簿 (*.xlsx)" if kind == "xlsx" else "PDF 文件 (*.pdf)",
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.fileSelected.connect(lambda path: self.export(kind, Path(path)))
        self.file_dialog = dialog
        self.ctx.dialogs.open(dialog)

    def export(self, kind: str, path: Path) -> None:
        """Read the period again and write the file on the store thread, showing each step."""
        period, title, signal = self.period(), self._title(), self.progress_signal.step

        def work(counter: Counter) -> Path:
            ledger = _read(counter, title, period, signal.emit)
            if kind == "xlsx":
                from counterapp.ledger.xlsx import write_xlsx

                write_xlsx(ledger, path, signal.emit)
            else:
                from counterapp.ledger.pdf import write_pdf

                write_pdf(ledger, path, signal.emit)
            return path

        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.ctx.ops.query(
            work,
            self._exported,
            on_failure=self._export_failed,
            parent=self,
            label="正在导出台账…",
        )

    def _step(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.status.setText(text)

    def _exported(self, path: Path) -> None:
        self._export_done()
        self.status.setText(f"已导出 {path.name}")
        self.ctx.dialogs.info(self, f"台账已导出到 {path}")

    def _export_failed(self, error: BaseException) -> bool:
        self._export_done()
        if isinstance(error, OSError):
            self.status.setText("导出失败")
            self.ctx.dialogs.error(
                self, f"台账未能保存：{error.strerror or error}。请换一个位置再试。"
            )
            return True
        return False

    def _export_done(self) -> None:
        self.progress.hide()
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(True)


def _read(counter: Counter, title: str, period: Period, progress: Progress | None = None) -> Ledger:
    return station_ledger(
        counter.store, title, period, counter.calendar, counter.clock.now(), progress
    )
