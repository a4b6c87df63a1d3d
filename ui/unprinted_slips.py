"""Slips that did not print (待打印单据): the dialog offered when a print fails, and the list of
every slip still waiting (menu 办件 → 待打印单据, Ctrl+Shift+P).

Both offer the same three things: print again (a busy bar shows while the spooler is tried;
the print is recorded only once the printer accepted it), save the PDF (a file dialog in
`default_folder()`, named case number + kind), or leave it for later. The list also takes a
slip off with a reason (e.g. the citizen took the PDF), which is logged with its case.
A saved PDF is not a printed notice: the slip stays on the list until it is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

from counterapp.slips.unprinted import UnprintedSlip
from ui import comfort
from ui.context import AppContext
from ui.ops import Changes
from ui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QStandardPaths,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.table_model import RowTableModel, row_table_view

FOLDER_NAME = "医保柜员单据"
DROP_REASONS = (
    "办事人已取得电子版（PDF）",
    "已在其他电脑打印并交办事人",
    "单据信息有误，已重新出具",
)
LATER = "单据保留在“待打印单据”中（菜单“办件 → 待打印单据”，Ctrl+Shift+P），打印机恢复后可再打印。"


def default_folder() -> Path:
    """Where saved slips go by default: a folder of their own in the clerk's documents."""
    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation
    ) or str(Path.home())
    return Path(documents) / FOLDER_NAME


class KeptSlipActions(QWidget):
    """Print again / save as PDF for one kept slip, with a busy bar while the printer is
    tried and a line saying how it went; `printed()` is called once it printed."""

    def __init__(
        self, ctx: AppContext, dialog: QDialog, printed: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(dialog)
        self.ctx, self.dialog, self._printed = ctx, dialog, printed
        self.slip: UnprintedSlip | None = None
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a busy indicator, not a percentage
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.file_dialog: QFileDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busy)
        row.addWidget(self.status, 1)

    @property
    def working(self) -> bool:
        return self.busy.isVisible()

    def say(self, text: str, kind: str = "") -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, kind)

    def print_again(self) -> None:
        slip = self.slip
        if slip is None or self.working:
            return
        self.busy.show()
        self.say(f"正在打印{slip.kind.label}…")

        def done(message: str) -> None:
            self.busy.hide()
            if message:
                self.say(f"{message}　{LATER}", "error")
                return
            self.say(f"{slip.kind.label}已打印，请交办事人。", "ok")
            self._printed()

        self.ctx.slips.print_kept(slip, self.ctx.clerk_id, done, parent=self)

    def save_pdf(self) -> None:
        """A file dialog (opened, never exec'd) in the default folder, named after the slip."""
        slip = self.slip
        if slip is None or self.working:
            return
        folder = default_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = Path.home()
        dialog = QFileDialog(
            self.dialog,
            f"另存为PDF：{slip.kind.label}",
            str(folder / slip.file_name),
            "PDF 文件 (*.pdf)",
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda path: self._save(slip, Path(path)))
        self.file_dialog = dialog
        self.ctx.dialogs.open(dialog)

    def _save(self, slip: UnprintedSlip, path: Path) -> None:
        def done(message: str) -> None:
            if message:
                self.say(message, "error")
            else:
                self.say(f"已另存为 {path}。打印出来交办事人之前，单据仍在待打印列表中。", "ok")

        self.ctx.slips.save_kept(slip, path, self.ctx.clerk_id, done, parent=self)


class PrintFailedDialog(QDialog):
    """Opened when a notice or receipt did not print: retry, save the PDF, or later."""

    def __init__(
        self, ctx: AppContext, slip: UnprintedSlip, message: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{slip.kind.label}未能打印")
        self.setMinimumWidth(520)
        self.text = QLabel(
            f"办件 {slip.case_no} 的{slip.kind.label}未能打印：\n{message}\n\n"
            f"{LATER}打印出来交办事人之前，不算已出具。"
        )
        self.text.setWordWrap(True)
        self.actions_row = KeptSlipActions(ctx, self, printed=self._printed)
        self.actions_row.slip = slip
        self.retry_button = QPushButton("重试打印(&R)")
        self.save_button = QPushButton("另存为PDF(&S)…")
        self.later_button = QPushButton("稍后打印(&L)")
        buttons = QHBoxLayout()
        for button in (self.retry_button, self.save_button, self.later_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.actions_row)
        layout.addLayout(buttons)
        self.retry_button.clicked.connect(self.actions_row.print_again)
        self.save_button.clicked.connect(self.actions_row.save_pdf)
        self.later_button.clicked.connect(self.accept)
        self.retry_button.setDefault(True)
        self.retry_button.setFocus()

    def _printed(self) -> None:
        self.retry_button.hide()
        self.save_button.hide()
        self.later_button.setText("关闭")


class Column(IntEnum):
    KEPT = 0
    CASE_NO = 1
    APPLICANT = 2
    KIND = 3
    FAILURE = 4
    SAVED = 5


class UnprintedModel(RowTableModel[UnprintedSlip]):
    columns = Column
    headers = ("保留时间", "办件号", "申请人", "单据", "未打印原因", "已另存为")

    def cell(self, row: UnprintedSlip, column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match column:
            case Column.KEPT:
                return row.kept_at.replace("T", " ")[:16]
            case Column.CASE_NO:
                return row.case_no
            case Column.APPLICANT:
                return row.applicant_name
            case Column.KIND:
                return row.kind.label + ("（补打）" if row.is_reprint else "")
            case Column.FAILURE:
                return row.failure.removeprefix("打印失败：")
        return Path(row.saved_to).name if row.saved_to else ""


class UnprintedSlipsDialog(QDialog):
    """Every slip still waiting to be printed, oldest first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("待打印单据")
        self.resize(900, 420)
        self.model = UnprintedModel(self)
        self.table = row_table_view(self.model, stretch=Column.FAILURE)
        self.summary = QLabel()
        self.actions_row = KeptSlipActions(ctx, self, printed=self.reload)
        self.print_button = QPushButton("打印所选(&P)")
        self.save_button = QPushButton("另存为PDF(&S)…")
        self.drop_button = QPushButton("移出列表(&D)…")
        close = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.print_button, self.save_button, self.drop_button, close):
            buttons.addWidget(button)
        note = QLabel(
            "打印出来交办事人之前，单据不算已出具；另存的PDF也留在列表中，直至打印或注明原因移出。"
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.actions_row)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self._with_selected(self.actions_row.print_again))
        self.save_button.clicked.connect(self._with_selected(self.actions_row.save_pdf))
        self.drop_button.clicked.connect(self.drop_selected)
        self.table.activated.connect(lambda _index: self.print_button.click())
        close.clicked.connect(self.accept)
        ctx.ops.changed.connect(self._on_changed)

    def reload(self) -> None:
        from counterapp.slips.unprinted import open_slips

        self.ctx.ops.query(open_slips, self._show, parent=self)

    def _show(self, rows: list[UnprintedSlip]) -> None:
        self.model.set_rows(rows)
        self.summary.setText(f"待打印 {len(rows)} 份" if rows else "没有待打印的单据")
        for button in (self.print_button, self.save_button, self.drop_button):
            button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def selected(self) -> UnprintedSlip | None:
        return self.model.row_at(self.table.currentIndex())

    def _with_selected(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            self.actions_row.slip = self.selected()
            action()

        return run

    def drop_selected(self) -> None:
        """Take the selected slip off the list, with a reason chosen or typed."""
        slip = self.selected()
        if slip is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(f"移出待打印列表：{slip.case_no}")
        dialog.setLabelText("原因（必填，记入办件日志）")
        dialog.setComboBoxItems(DROP_REASONS)
        dialog.setComboBoxEditable(True)
        combo = dialog.findChild(QComboBox)
        if combo is not None:
            combo.setCurrentIndex(-1)
        clerk = self.ctx.clerk_id

        def dropped(message: str) -> None:
            if message:
                self.actions_row.say(message, "error")
            else:
                self.actions_row.say(f"已将办件 {slip.case_no} 的{slip.kind.label}移出待打印列表。")
                self.reload()

        dialog.textValueSelected.connect(
            lambda reason: self.ctx.slips.drop_kept(slip, reason, clerk, dropped, parent=self)
        )
        self.drop_dialog = dialog
        self.ctx.dialogs.open(dialog)

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.case and self.isVisible():
            self.reload()
