"""A new PIN typed twice (`PinFields`), and a new account — 工号, 姓名 and the PIN
(`AccountBox`): the first-run set-up's station admin, 人员管理's new clerk and PIN reset.

The rules are the core's (`station.clerk_problems`, `pins.problems`), shown before anything is
saved; the core checks them again."""

from __future__ import annotations

from counterapp import pins
from counterapp.station import clerk_problems
from ui.qt import QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

PIN_HINT = "至少6位数字或字母；\n不能全相同、不能是123456这样的连续数，\n不能与工号相同"


def pin_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(pins.MAX_LENGTH)
    edit.setPlaceholderText(placeholder)
    return edit


class PinFields:
    """PIN and its confirmation, added to a form."""

    def __init__(self, form: QFormLayout, label: str = "PIN") -> None:
        self.pin = pin_edit("至少6位数字或字母")
        self.pin.setToolTip(PIN_HINT.replace("\n", ""))
        self.again = pin_edit("再输入一次")
        form.addRow(label, self.pin)
        form.addRow("确认" + label, self.again)

    def problems(self, login: str) -> list[str]:
        found = pins.problems(self.pin.text(), login)
        if not found and self.again.text() != self.pin.text():
            found.append("两次输入的PIN不一致")
        return found

    @property
    def value(self) -> str:
        return self.pin.text()

    def clear(self) -> None:
        self.pin.clear()
        self.again.clear()


class AccountBox(QGroupBox):
    """工号, 姓名, PIN, 确认PIN."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.login = QLineEdit()
        self.login.setMaxLength(32)
        self.name = QLineEdit()
        form = QFormLayout(self)
        form.addRow("工号", self.login)
        form.addRow("姓名", self.name)
        self.pins = PinFields(form)
        form.addRow(QLabel(PIN_HINT))  # lines of its own: a wrapped label in a form gets cut

    def problems(self) -> list[str]:
        login = self.login.text().strip()
        return clerk_problems(login, self.name.text()) + self.pins.problems(login)

    def values(self) -> tuple[str, str, str]:
        """(login, name, PIN)"""
        return self.login.text().strip(), self.name.text().strip(), self.pins.value

    def clear(self) -> None:
        self.login.clear()
        self.name.clear()
        self.pins.clear()
