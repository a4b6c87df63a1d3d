"""Queue settings after the first run (排队设置): switch this PC between standalone, queue
host and client. Saved with `roles.configure` (the key into the system keyring, where a
client's blank key keeps the saved one; the rest into the settings); the running window keeps
its queue until the program is restarted, because the host's queue service and a client's
connection are set up at start-up. The station's window count (which windows a ticket may be
transferred to, `counterapp.windows`) is set here too and applies at once."""

from __future__ import annotations

from counterapp.app import Counter
from counterapp.lan_queue import keys, roles
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.windows import MAX_WINDOWS, WINDOW_COUNT, set_window_count
from ui import comfort
from ui.context import AppContext
from ui.dialogs import answer_buttons
from ui.ops import STATION
from ui.qt import QDialog, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget
from ui.queue_link_box import QueueLinkBox

RESTART_NOTE = "更改在重新启动柜员程序后生效（本机运行中的取号、叫号不受影响）。"


def saved_link(counter: Counter) -> tuple[QueueLink, str]:
    """This PC's role and its saved key ("" when none; a standalone PC may keep the key from
    an earlier role); runs on the store thread."""
    return roles.current(counter.settings), keys.saved()


class QueueSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("排队设置")
        self.setMinimumWidth(560)
        self.box = QueueLinkBox(saved_key=None)  # until `load` has read it
        self.current = QLabel("正在读取本机的排队设置…")
        self.window_count = QSpinBox()
        self.window_count.setRange(0, MAX_WINDOWS)
        self.window_count.setSpecialValueText("按各窗口叫号情况自动识别")
        self.window_count.setSuffix(" 个窗口")
        self.window_count.setToolTip("转窗口时可选的窗口：1号至本站窗口数（本窗口除外）")
        count_row = QFormLayout()
        count_row.addRow("本站窗口数（转窗口时可选，立即生效）", self.window_count)
        note = QLabel(RESTART_NOTE)
        note.setWordWrap(True)
        comfort.set_kind(note, "warn")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        buttons, self.save_button = answer_buttons(self, "保存", self.save)
        self.save_button.setEnabled(False)  # until the saved role is shown
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.box)
        layout.addWidget(note)
        layout.addLayout(count_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def load(self) -> None:
        self.ctx.ops.query(lambda c: (saved_link(c), c.settings.get(WINDOW_COUNT) or 0),
                           self._show, parent=self)

    def _show(self, saved: tuple[tuple[QueueLink, str], int]) -> None:
        (link, key), count = saved
        self.window_count.setValue(count)
        where = f"（{link.host_url}）" if link.role == Role.CLIENT else ""
        self.current.setText(f"本机当前：{link.role.label}{where}")
        self.box.show_link(link, key)
        self.save_button.setEnabled(True)
        self.box.role.setFocus()

    def save(self) -> None:
        problems: list[str] = []
        link = self.box.link(problems)
        if problems:
            self.problem.setText("；".join(problems))
            return
        self.problem.setText("")

        def saved(done: QueueLink) -> None:
            self.accept()
            self.ctx.dialogs.info(self.parentWidget(),
                                  f"排队设置已保存：{done.role.label}。{RESTART_NOTE}")

        count = self.window_count.value() or None

        def save(counter: Counter) -> QueueLink:
            set_window_count(counter.settings, count)
            return roles.configure(counter.settings, link)

        self.ctx.ops.change(save, STATION, on_success=saved, parent=self)
