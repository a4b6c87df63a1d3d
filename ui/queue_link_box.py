"""This PC's part in the station's shared queue (排队方式): standalone (every village), this
PC as the queue host (shows the station's key to copy to the other PCs), or a client of the
host (its address and the key). Used by the first-run set-up and the 排队设置 dialog.

The station has one key. A PC that already has it (a client becoming the host, a host
switched off and on again, a host set up again after a reinstall) keeps it, so no other PC has
to enter it again; 新密钥 makes a new one only when asked, like `counterapp queue-setup --host
--new-key`. The keyring is read off the GUI thread by the box's owner: `show_link` with the
saved role, or `show_saved_key` when the box asks (`saved_key_wanted`) the first time a role
needs it, so a standalone PC's set-up never touches the keyring."""

from __future__ import annotations

from counterapp.lan_queue import keys
from counterapp.lan_queue.roles import DEFAULT_PORT, QueueLink, Role, host_url
from counterapp.queue import QueueError
from ui.qt import (
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
    Signal,
)

HINTS = {
    Role.STANDALONE: "本机自行取号叫号（村服务点等只有一台电脑时选此项）。",
    Role.HOST: "本机保存全站排队数据。请把上面的密钥录入其他窗口、取号机和叫号屏电脑；"
               "本机须先开机并运行柜员程序。",
    Role.CLIENT: "本机的取号、叫号都在排队主机上进行。",
}
KEY_FROM_ADMIN = "向站点管理员索取排队主机上显示的密钥"
KEEP_SAVED_KEY = "留空则沿用本机已保存的密钥"
NEW_KEY_TIP = "换用新的排队密钥：其他每台电脑都须重新录入"
KEY_KEPT = ("沿用本机已保存的本站排队密钥，已连接本机的电脑无需重新录入；"
            "如需更换，请点“新密钥”。")
KEY_REPLACED = "这是新的排队密钥：保存后原密钥作废，其他每台电脑都须重新录入新密钥。"
READING_KEY = "正在读取本机已保存的排队密钥…"


class QueueLinkBox(QGroupBox):
    saved_key_wanted = Signal()  # a role needs the keyring's key, not read yet

    def __init__(self, saved_key: str | None = "", parent: QWidget | None = None) -> None:
        """`saved_key`: the key the keyring holds ("" none), or None: not read yet."""
        super().__init__("排队方式（多个窗口共用一个排队队列时设置）", parent)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.host = QLineEdit()
        self.host.setPlaceholderText("排队主机的地址，如 192.168.1.10")
        self.key = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.copy_key = QPushButton("复制密钥")
        self.copy_key.clicked.connect(lambda: QApplication.clipboard().setText(self.key.text()))
        self.new_key = QPushButton("新密钥")
        self.new_key.setToolTip(NEW_KEY_TIP)
        self.new_key.clicked.connect(self._make_new_key)
        self._host_key = ""            # the host's key: the saved one, else made when needed
        self._saved_key = saved_key    # the station's key in the keyring: blank keeps it
        self._asked = False            # saved_key_wanted emitted
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.copy_key)
        key_row.addWidget(self.new_key)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("本机排队", self.role)
        form.addRow("排队主机地址", self.host)
        form.addRow("排队服务端口", self.port)
        form.addRow("排队密钥", key_row)
        form.addRow(self.hint)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def show_link(self, link: QueueLink, saved_key: str = "") -> None:
        """Show this PC's saved role; the saved key, whatever the role, stays the key."""
        self.host.setText(link.host_url)
        if link.role == Role.HOST:
            self.port.setValue(link.port)
        self.role.setCurrentIndex(self.role.findData(link.role))
        self.show_saved_key(saved_key)

    def show_saved_key(self, saved_key: str) -> None:
        """The key the keyring holds ("" when none): the host keeps it, a client may leave
        the key blank to keep it."""
        if saved_key:
            self._host_key = saved_key
        self._saved_key = saved_key
        self._role_changed()

    def _role_changed(self) -> None:
        role = self.role.currentData()
        self.host.setEnabled(role == Role.CLIENT)
        self.port.setEnabled(role == Role.HOST)
        self.key.setEnabled(role != Role.STANDALONE)
        self.key.setReadOnly(role == Role.HOST)
        reading = role != Role.STANDALONE and self._saved_key is None
        if reading and not self._asked:
            self._asked = True
            self.saved_key_wanted.emit()
        self.copy_key.setEnabled(role == Role.HOST and not reading)
        self.new_key.setEnabled(role == Role.HOST and not reading)
        if role == Role.HOST and not reading and not self._host_key:
            self._host_key = keys.new_key()
        self.key.setText(self._host_key if role == Role.HOST else "")
        self.key.setPlaceholderText(
            READING_KEY if reading else "" if role != Role.CLIENT
            else KEEP_SAVED_KEY if self._saved_key else KEY_FROM_ADMIN)
        self._show_hint()

    def _make_new_key(self) -> None:
        self._host_key = keys.new_key()
        self.key.setText(self._host_key)
        self._show_hint()

    def _show_hint(self) -> None:
        """The role's hint; on the host, also whether the clients' key stays or changes."""
        role = self.role.currentData()
        note = ("" if role != Role.HOST or not self._saved_key
                else KEY_KEPT if self._host_key == self._saved_key else KEY_REPLACED)
        self.hint.setText(HINTS[role] + note)

    def link(self, problems: list[str]) -> QueueLink:
        """The chosen role; what is wrong is added to `problems`. A client's blank key (when
        one is saved) comes back empty: the caller keeps the saved one."""
        role = self.role.currentData()
        if role == Role.HOST:
            if not self._host_key:
                problems.append(READING_KEY)
            return QueueLink(Role.HOST, key=self._host_key, port=self.port.value())
        if role == Role.CLIENT:
            try:
                url = host_url(self.host.text())
            except QueueError as exc:
                problems.append(str(exc))
                url = ""
            key = self.key.text().strip()
            if len(key) < 16 and not (self._saved_key and not key):
                problems.append("请录入排队主机上显示的完整排队密钥")
            return QueueLink(Role.CLIENT, host_url=url, key=key)
        return QueueLink(Role.STANDALONE)
