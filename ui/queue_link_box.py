"""This PC's part in the station's shared queue (排队方式): standalone (every village), this PC
as the queue host, or a client of the host — a window, the ticket kiosk or the hall display —
with the host's address, the fingerprint of its certificate and the key the host issued for
this PC. Used by the first-run set-up and the 排队设置 dialog.

The host issues one key per PC, scoped to what that PC does (`counterapp.lan_queue.access`);
its fingerprint and its keys are shown and managed in 排队设置 once it is the host
(`ui.queue_keys_dialog`). A client set up again may leave the key blank to keep the one its
keyring holds."""

from __future__ import annotations

from counterapp.lan_queue import tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import DEFAULT_PORT, QueueLink, Role, host_url
from counterapp.queue import QueueError
from ui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

HINTS = {
    Role.STANDALONE: "本机自行取号叫号（村服务点等只有一台电脑时选此项）。",
    Role.HOST: "本机保存全站排队数据，只接受加密连接。保存后在“窗口 → 排队设置”中查看本机的"
    "证书指纹，并为其他每台电脑（窗口、取号机、叫号屏）分别发放排队密钥；"
    "本机须先开机并运行柜员程序。",
    Role.CLIENT: "本机的取号、叫号都在排队主机上进行。地址、证书指纹和密钥见排队主机的"
    "“窗口 → 排队设置”。",
}
KEY_FROM_ADMIN = "排队主机为本机发放的密钥，如 ABCD-EFGH-…"
KEEP_SAVED_KEY = "留空则沿用本机已保存的密钥"
PIN_HINT = "排队主机上显示的64位证书指纹，可带空格"


class QueueLinkBox(QGroupBox):
    def __init__(self, has_saved_key: bool = False, parent: QWidget | None = None) -> None:
        """`has_saved_key`: this store's client key is in the keyring (blank keeps it)."""
        super().__init__("排队方式（多个窗口共用一个排队队列时设置）", parent)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.access = QComboBox()
        for kind in Access:
            self.access.addItem(f"{kind.label}（{kind.duty}）", kind)
        self.host = QLineEdit()
        self.host.setPlaceholderText("排队主机的地址，如 192.168.1.10")
        self.pin = QLineEdit()
        self.pin.setPlaceholderText(PIN_HINT)
        self.key = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(DEFAULT_PORT)
        self._has_saved_key = has_saved_key
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("本机排队", self.role)
        form.addRow("本机用途", self.access)
        form.addRow("排队主机地址", self.host)
        form.addRow("证书指纹", self.pin)
        form.addRow("排队密钥", self.key)
        form.addRow("排队服务端口", self.port)
        layout = QVBoxLayout(self)  # the hint under the form: a wrapped row of a form is cut
        layout.addLayout(form)
        layout.addWidget(self.hint)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def show_link(self, link: QueueLink, has_saved_key: bool) -> None:
        """Show this PC's saved role."""
        self._has_saved_key = has_saved_key
        self.host.setText(link.host_url)
        self.pin.setText(tls.shown(link.pin) if link.pin else "")
        self.access.setCurrentIndex(self.access.findData(link.access))
        if link.role == Role.HOST:
            self.port.setValue(link.port)
        self.role.setCurrentIndex(self.role.findData(link.role))
        self._role_changed()

    def _role_changed(self) -> None:
        role = self.role.currentData()
        client = role == Role.CLIENT
        for field in (self.access, self.host, self.pin, self.key):
            field.setEnabled(client)
        self.port.setEnabled(role == Role.HOST)
        self.key.setPlaceholderText(
            "" if not client else KEEP_SAVED_KEY if self._has_saved_key else KEY_FROM_ADMIN
        )
        self.hint.setText(HINTS[role])

    def link(self, problems: list[str]) -> QueueLink:
        """The chosen role; what is wrong is added to `problems`. A client's blank key (when
        one is saved) comes back empty: the saved one is kept."""
        role = self.role.currentData()
        if role == Role.HOST:
            return QueueLink(Role.HOST, port=self.port.value())
        if role != Role.CLIENT:
            return QueueLink(Role.STANDALONE)
        url = pin = ""
        try:
            url = host_url(self.host.text())
        except QueueError as exc:
            problems.append(str(exc))
        try:
            pin = tls.fingerprint(self.pin.text())
        except QueueError as exc:
            problems.append(str(exc))
        key = self.key.text().strip()
        if len(key) < 16 and not (self._has_saved_key and not key):
            problems.append("请录入排队主机为本机发放的完整排队密钥")
        return QueueLink(
            Role.CLIENT, host_url=url, key=key, access=Access(self.access.currentData()), pin=pin
        )
