"""The input fields of step ①: each with its message right under it, so a problem is seen
where it is, and nothing typed is ever cut off silently (the core checks lengths and says so).

The ID number field normalises as it is typed (full-width digits and Ｘ from an input method
in full-width mode become 0-9 and X, spaces go), shows a ✓ and the birth date once the number
is valid, and offers the standard conversion of a 15-digit old number (Enter or a button).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Generic, TypeVar

from counterapp.idnumber import (
    IdNumberError,
    is_old_number,
    normalise,
    parse_id_number,
    problem_with,
    upgrade_old_number,
)
from counterapp.typed_text import NAME_MAX_LENGTH, name_problem
from ui.comfort import set_kind
from ui.qt import (
    QHBoxLayout,
    QKeySequence,
    QLineEdit,
    QPushButton,
    QShortcut,
    Qt,
    QValidator,
    QVBoxLayout,
    QWidget,
)
from ui.steps.base import note

# the field under the message; covariant: a Noted[QLineEdit] is a Noted[QWidget]
W = TypeVar("W", bound=QWidget, covariant=True)
PRIORITY_AGE = 70  # 绿色通道 for the elderly, as the ticket machine's "70岁以上老人"


def id_hint(text: str, today: date, converted_from: str = "") -> tuple[str, str]:
    """(message, kind) shown under an ID field as it is typed; kind is '', 'ok', 'warn' or
    'error'. Only an incomplete or wrong number gets a warning colour."""
    number = normalise(text)
    if not number:
        return "", ""
    if is_old_number(number) and _upgradable(number, today):
        return "15位旧身份证号码：按回车或点「转为18位」换成18位号码（前加“19”并补校验位）", "warn"
    if len(number) < 18 and number.rstrip("X").isdigit() and "X" not in number[:-1]:
        return f"已输入 {len(number)} 位，共 18 位", "warn"
    problem = problem_with(number, today)
    if problem:
        return problem, "error"
    parsed = parse_id_number(number, today)
    age = parsed.age_on(today)
    message = f"✓ 号码有效：{parsed.sex.value}，{parsed.birth_date:%Y年%m月%d日}生，{age}岁"
    if age >= PRIORITY_AGE:
        message += "（可走绿色通道）"
    if converted_from:
        message += f"\n已由15位旧号码 {converted_from} 转换为18位，请与证件核对"
    return message, "ok"


def _upgradable(number: str, today: date) -> bool:
    try:
        upgrade_old_number(number, today)
    except IdNumberError:
        return False
    return True


class IdValidator(QValidator):
    """Takes what an ID number may hold and normalises it at once: ０-９, Ｘ/ｘ and x become
    0-9 and X, spaces go. Any length is taken: the hint says when it is too long."""

    def validate(self, text: str, pos: int) -> object:
        fixed = normalise(text)
        if fixed.strip("0123456789X"):
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, fixed, len(normalise(text[:pos]))


class Noted(QWidget, Generic[W]):
    """A field with a message line under it (hidden while there is nothing to say)."""

    def __init__(self, field: W, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.hint = note()
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(1)
        self.row = QHBoxLayout()
        self.row.addWidget(field, 1)
        self._column.addLayout(self.row)
        self._column.addWidget(self.hint)
        self.hint.hide()
        # a form label's Alt+letter (its buddy is this widget) focuses the field itself
        self.setFocusPolicy(field.focusPolicy())
        self.setFocusProxy(field)

    def say(self, message: str, kind: str = "error") -> None:
        self.hint.setText(message)
        self.hint.setVisible(bool(message))
        set_kind(self.hint, kind if message else "")

    def show_problem(self, message: str) -> None:
        """A problem found when the clerk went on; "" puts back what the field says itself."""
        self.say(message)

    def add_below(self, widget: QWidget) -> None:
        """Another line under the field's message."""
        self._column.addWidget(widget)


class NameField(Noted[QLineEdit]):
    """A name line edit with no length cut: past the limit it says so as it is typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QLineEdit(), parent)
        self.edit = self.field
        self.edit.setPlaceholderText(f"最多{NAME_MAX_LENGTH}个字")
        self.edit.textChanged.connect(self._check)

    def _check(self, text: str) -> None:
        self.say(name_problem(text.strip()) or "" if len(text.strip()) > NAME_MAX_LENGTH else "")

    def show_problem(self, message: str) -> None:
        if message:
            self.say(message)
        else:
            self._check(self.edit.text())


class IdField(Noted[QLineEdit]):
    """An ID number line edit with its message right under it, updated on every keystroke."""

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(QLineEdit(), parent)
        self._today = today
        self.converted_from = ""  # the old number while the field holds its 18-digit form
        self._converted_to = ""
        self.edit = self.field
        self.edit.setPlaceholderText("18位身份证号码（15位旧号码可转换）")
        self.edit.setValidator(IdValidator(self.edit))
        self.hint.setObjectName("idHint")
        self.convert_button = QPushButton("转为18位")
        self.convert_button.setToolTip("15位旧身份证号码转为18位：出生年份前加“19”，末尾补校验位")
        self.convert_button.hide()
        self.row.addWidget(self.convert_button)
        self._convert_key = QShortcut(
            QKeySequence(Qt.Key.Key_Return),
            self.edit,
            self.convert,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self._convert_key_pad = QShortcut(
            QKeySequence(Qt.Key.Key_Enter),
            self.edit,
            self.convert,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.convert_button.clicked.connect(self.convert)
        self.edit.textChanged.connect(self._check)
        self._check("")

    @property
    def text(self) -> str:
        return normalise(self.edit.text())

    def show_problem(self, message: str) -> None:
        if message:
            self.say(message)
        else:
            self._check(self.edit.text())

    def convert(self) -> None:
        """Replace a 15-digit old number by its 18-digit form, and say so under the field."""
        old = self.text
        try:
            new = upgrade_old_number(old, self._today())
        except IdNumberError:
            return
        self.converted_from, self._converted_to = old, new
        self.edit.setText(new)

    def _check(self, text: str) -> None:
        if normalise(text) != self._converted_to:
            self.converted_from = self._converted_to = ""
        message, kind = id_hint(text, self._today(), self.converted_from)
        self.say(message, kind)
        old = is_old_number(text) and _upgradable(normalise(text), self._today())
        self.convert_button.setVisible(old)
        self._convert_key.setEnabled(old)
        self._convert_key_pad.setEnabled(old)
