"""Closing the kiosk or the hall display (工作人员关闭): only with the station administrator's
code (`counterapp.admin_code.may_close_public_screen`). After `FREE_TRIES` wrong codes at a
screen each further try waits longer (`LOCK_SECONDS`, doubling; closing and opening the dialog
again does not reset it), so guessing at a public screen gets nowhere; a PC without a code
says how to set one."""

from __future__ import annotations

from counterapp import admin_code
from counterapp.app import Counter
from ui import comfort
from ui.dialogs import answer_buttons
from ui.ops import Ops
from ui.qt import QDialog, QLabel, QLineEdit, QObject, QTimer, QVBoxLayout, QWidget, Signal

FREE_TRIES = 3
LOCK_SECONDS = 30
WRONG = "站点管理码不正确"
NO_CODE = (
    "本机尚未设置站点管理码，无法用按键关闭。请在本机运行 counterapp admin-code 设置，"
    "或在柜员程序“窗口 → 排队设置”中设置"
)


class ExitTries(QObject):
    """The wrong codes given at one screen, and whether the next try must wait."""

    unlocked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.failures = 0
        self.locked = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._unlock)

    def _unlock(self) -> None:
        self.locked = False
        self.unlocked.emit()

    def failed(self) -> int:
        """Count a wrong code; the seconds the next try waits (0: none)."""
        self.failures += 1
        if self.failures < FREE_TRIES:
            return 0
        wait = LOCK_SECONDS << (self.failures - FREE_TRIES)
        self.locked = True
        self._timer.start(wait * 1000)
        return wait


class ScreenExitDialog(QDialog):
    def __init__(
        self, ops: Ops, screen_name: str, tries: ExitTries, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.tries = tries
        self.setWindowTitle(f"工作人员关闭{screen_name}")
        self.setMinimumWidth(460)
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setMaxLength(12)
        self.code.setPlaceholderText("站点管理码")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        buttons, self.ok = answer_buttons(
            self, f"关闭{screen_name}", self.try_accept, cancel_text="返回"
        )
        self.ok.setEnabled(not tries.locked)
        tries.unlocked.connect(self._unlocked)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"关闭{screen_name}须输入站点管理码："))
        layout.addWidget(self.code)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        if self.tries.locked or not self.ok.isEnabled():
            return
        typed = self.code.text()
        self.ok.setEnabled(False)  # one check at a time

        def check(counter: Counter) -> tuple[bool, bool]:
            return (
                admin_code.has_admin_code(counter.settings),
                admin_code.may_close_public_screen(counter.settings, typed),
            )

        self.ops.query(check, self._checked, parent=self)

    def _checked(self, result: tuple[bool, bool]) -> None:
        has_code, right = result
        if right:
            self.accept()
            return
        self.code.clear()
        if not has_code:
            self._say(NO_CODE)
            self.ok.setEnabled(True)
            return
        wait = self.tries.failed()
        self._say(f"{WRONG}，请 {wait} 秒后再试" if wait else WRONG)
        self.ok.setEnabled(not wait)

    def _say(self, problem: str) -> None:
        self.problem.setText(problem)
        self.adjustSize()  # a longer message wraps onto more lines: room for them

    def _unlocked(self) -> None:
        self.ok.setEnabled(True)
        self.problem.setText("")
