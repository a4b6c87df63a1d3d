"""Queue settings after the first run (排队设置): switch this PC between standalone, queue
host and client (a window, the kiosk or the hall display). Saved with `roles.configure` (the
client's key into the system keyring, where a blank key keeps the saved one; the rest into the
settings); the running window keeps its queue until the program is restarted, because the
host's queue service and a client's connection are set up at start-up. On the host, 排队密钥管理
shows its certificate fingerprint and issues and revokes the other PCs' keys
(`ui.queue_keys_dialog`). Also set here, and applied at once: the station's window count (which
windows a ticket may be transferred to, `counterapp.windows`) and this PC's station
administrator's code, which closes a kiosk or hall display (`counterapp.admin_code`)."""

from __future__ import annotations

from typing import NamedTuple

from counterapp import admin_code
from counterapp.app import Counter
from counterapp.lan_queue import roles
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.windows import MAX_WINDOWS, WINDOW_COUNT, set_window_count
from ui import comfort
from ui.context import AppContext
from ui.dialogs import answer_buttons
from ui.ops import STATION
from ui.qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ui.queue_link_box import QueueLinkBox

RESTART_NOTE = "更改在重新启动柜员程序后生效（本机运行中的取号、叫号不受影响）。"
CODE_SET = "已设置；留空则不改"
CODE_UNSET = "尚未设置：本机的取号机、叫号屏无法用按键关闭"


class Saved(NamedTuple):
    link: QueueLink
    has_key: bool  # this store's client key is in the keyring
    window_count: int
    has_admin_code: bool


def saved(counter: Counter) -> Saved:
    """This PC's queue settings; on the store thread (it reads the keyring)."""
    return Saved(
        roles.current(counter.settings),
        bool(roles.saved_key(counter.settings)),
        counter.settings.get(WINDOW_COUNT) or 0,
        admin_code.has_admin_code(counter.settings),
    )


class QueueSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("排队设置")
        self.setMinimumWidth(560)
        self.box = QueueLinkBox()
        self.current = QLabel("正在读取本机的排队设置…")
        self.keys_button = QPushButton("排队密钥管理(&K)…")
        self.keys_button.setToolTip("本机为排队主机时：查看证书指纹，为其他电脑发放、吊销密钥")
        self.keys_button.setEnabled(False)
        self.keys_button.clicked.connect(self.open_keys)
        current_row = QHBoxLayout()
        current_row.addWidget(self.current, 1)
        current_row.addWidget(self.keys_button)
        self.window_count = QSpinBox()
        self.window_count.setRange(0, MAX_WINDOWS)
        self.window_count.setSpecialValueText("按各窗口叫号情况自动识别")
        self.window_count.setSuffix(" 个窗口")
        self.window_count.setToolTip("转窗口时可选的窗口：1号至本站窗口数（本窗口除外）")
        self.code = QLineEdit()
        self.code_again = QLineEdit()
        for field in (self.code, self.code_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(12)
        self.code.setPlaceholderText("6-12位数字")
        rows = QFormLayout()
        rows.addRow("本站窗口数（转窗口时可选，立即生效）", self.window_count)
        rows.addRow("站点管理码（关闭取号机、叫号屏时输入）", self.code)
        rows.addRow("再次输入站点管理码", self.code_again)
        note = QLabel(RESTART_NOTE)
        note.setWordWrap(True)
        comfort.set_kind(note, "warn")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        buttons, self.save_button = answer_buttons(self, "保存", self.save)
        self.save_button.setEnabled(False)  # until the saved role is shown
        layout = QVBoxLayout(self)
        layout.addLayout(current_row)
        layout.addWidget(self.box)
        layout.addWidget(note)
        layout.addLayout(rows)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def load(self) -> None:
        self.ctx.ops.query(saved, self._show, parent=self)

    def _show(self, found: Saved) -> None:
        link = found.link
        self.window_count.setValue(found.window_count)
        where = f"（{link.host_url}，{link.access.label}）" if link.role == Role.CLIENT else ""
        self.current.setText(f"本机当前：{link.role.label}{where}")
        self.code.setPlaceholderText(CODE_SET if found.has_admin_code else CODE_UNSET)
        self.box.show_link(link, found.has_key)
        self.keys_button.setEnabled(link.role == Role.HOST)
        self.save_button.setEnabled(True)
        self.box.role.setFocus()

    def open_keys(self) -> None:
        from ui.queue_keys_dialog import QueueKeysDialog

        dialog = QueueKeysDialog(self.ctx, self)
        self.ctx.dialogs.open(dialog)
        dialog.load()

    def save(self) -> None:
        problems: list[str] = []
        link = self.box.link(problems)
        code = self.code.text().strip()
        if code or self.code_again.text().strip():
            problems += admin_code.new_code_problems(code, self.code_again.text())
        if problems:
            self.problem.setText("；".join(problems))
            return
        self.problem.setText("")

        def done(configured: QueueLink) -> None:
            self.accept()
            self.ctx.dialogs.info(
                self.parentWidget(), f"排队设置已保存：{configured.role.label}。{RESTART_NOTE}"
            )

        count = self.window_count.value() or None

        def save(counter: Counter) -> QueueLink:
            set_window_count(counter.settings, count)
            if code:
                admin_code.set_admin_code(counter.settings, code)
            return roles.configure(counter.settings, link)

        self.ctx.ops.change(save, STATION, on_success=done, parent=self)
