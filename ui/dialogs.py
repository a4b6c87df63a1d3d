"""The dialog service: every message box and dialog of the window opens through here.

Nothing calls a blocking `exec()`: dialogs are opened with `open()` and answer by signal, so
the event loop keeps turning and tests can drive them. Tests use `RecordingDialogs`, which
keeps messages in a list instead of showing boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QWidget,
)

D = TypeVar("D", bound=QDialog)


def answer_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object], cancel_text: str = "取消"
) -> tuple[QDialogButtonBox, QPushButton]:
    """A dialog's OK and cancel row, in Chinese: OK calls `on_ok` (which accepts the dialog
    once its input is good), cancel rejects it. Returns the row and its OK button."""
    standard = QDialogButtonBox.StandardButton
    ok_role, cancel_role = standard.Ok, standard.Cancel
    buttons = QDialogButtonBox(ok_role | cancel_role)
    ok_button = buttons.button(ok_role)
    ok_button.setText(ok_text)
    buttons.button(cancel_role).setText(cancel_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button


def note_edit(placeholder: str) -> QPlainTextEdit:
    """A note of several lines: Enter starts a new line, Tab leaves it (so a clerk reaches the
    dialog's buttons by keyboard; a note has no use for tab characters)."""
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    return edit


def offer_reasons(box: QComboBox, reasons: Sequence[str], placeholder: str) -> None:
    """Make `box` a list of the usual reasons that also takes a typed one; none is chosen in
    advance, so a record never names a reason nobody gave."""
    box.setEditable(True)
    box.addItems(list(reasons))
    box.setCurrentIndex(-1)
    edit = box.lineEdit()
    assert edit is not None  # an editable combo box has one
    edit.setPlaceholderText(placeholder)


class Dialogs:
    def __init__(self) -> None:
        self.opened: list[QDialog] = []

    def error(self, parent: QWidget | None, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Warning, "无法完成", text)

    def info(self, parent: QWidget | None, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Information, "提示", text)

    def open(self, dialog: D) -> D:
        """Show a dialog window-modally without blocking; keep a reference until it closes."""
        self.opened.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no dialog piles up all day
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def latest(self, kind: type[D]) -> D | None:
        """The most recently opened dialog of a kind that is still open (for tests, too)."""
        for dialog in reversed(self.opened):
            if isinstance(dialog, kind):
                return dialog
        return None

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self.opened:
            self.opened.remove(dialog)

    def _box(self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        self.open(box)


class RecordingDialogs(Dialogs):
    """For tests: messages are recorded, not shown; dialogs still open for real."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []
        self.infos: list[str] = []

    def error(self, parent: QWidget | None, text: str) -> None:
        self.errors.append(text)

    def info(self, parent: QWidget | None, text: str) -> None:
        self.infos.append(text)
