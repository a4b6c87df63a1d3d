"""First-run set-up (首次设置): the station, this PC's window number, the county hub address,
this PC's part in the station's shared queue (排队主机) and the first clerk. The station's
level decides the checklist everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

from counterapp.lan_queue import keys
from counterapp.lan_queue.roles import DEFAULT_PORT, QueueLink, Role, host_url
from counterapp.queue import QueueError
from counterapp.station import LEVEL_NAMES, Station
from ui import comfort
from ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

LOGIN_PATTERN = re.compile(r"[0-9A-Za-z_.-]{2,32}")


@dataclass(frozen=True)
class SetupAnswers:
    station: Station
    window_no: int
    hub_url: str
    clerk_login: str
    clerk_name: str
    queue: QueueLink


class SetupDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次设置：本站信息")
        self.setMinimumWidth(600)
        self.answers: SetupAnswers | None = None
        self.code = QLineEdit()
        self.code.setPlaceholderText("如 370883101")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如 千泉街道医保服务站")
        self.level = QComboBox()
        for code, label in LEVEL_NAMES.items():
            self.level.addItem(label, code)
        self.county_code = QLineEdit()
        self.county_name = QLineEdit()
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("监督电话，如 0537-5211234")
        self.window_no = QSpinBox()
        self.window_no.setRange(1, 99)
        self.hub_url = QLineEdit()
        self.hub_url.setPlaceholderText("县医保经办中心同步地址（可稍后设置）")
        self.clerk_login = QLineEdit()
        self.clerk_name = QLineEdit()
        station_box = QGroupBox("服务站（点）")
        form = QFormLayout(station_box)
        form.addRow("站点编码", self.code)
        form.addRow("站点名称", self.name)
        form.addRow("站点层级", self.level)
        form.addRow("所属县（市、区）编码", self.county_code)
        form.addRow("所属县（市、区）名称", self.county_name)
        form.addRow("地址", self.address)
        form.addRow("监督电话", self.phone)
        pc_box = QGroupBox("本机")
        pc_form = QFormLayout(pc_box)
        pc_form.addRow("窗口号", self.window_no)
        pc_form.addRow("县级平台地址", self.hub_url)
        queue_box = self._queue_box()
        clerk_box = QGroupBox("第一位经办人员")
        clerk_form = QFormLayout(clerk_box)
        clerk_form.addRow("工号", self.clerk_login)
        clerk_form.addRow("姓名", self.clerk_name)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        comfort.set_kind(self.problems, "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存并继续")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(station_box)
        layout.addWidget(pc_box)
        layout.addWidget(queue_box)
        layout.addWidget(clerk_box)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    def _queue_box(self) -> QGroupBox:
        """Standalone (every village), this PC as the queue host (shows the key to copy to
        the other PCs), or a client of the host."""
        self.queue_role = QComboBox()
        for role in Role:
            self.queue_role.addItem(role.label, role)
        self.queue_host = QLineEdit()
        self.queue_host.setPlaceholderText("排队主机的地址，如 192.168.1.10")
        self.queue_key = QLineEdit()
        self.queue_port = QSpinBox()
        self.queue_port.setRange(1024, 65535)
        self.queue_port.setValue(DEFAULT_PORT)
        self.copy_key = QPushButton("复制密钥")
        self.copy_key.clicked.connect(
            lambda: QApplication.clipboard().setText(self.queue_key.text()))
        self._host_key = keys.new_key()
        key_row = QHBoxLayout()
        key_row.addWidget(self.queue_key, 1)
        key_row.addWidget(self.copy_key)
        self.queue_hint = QLabel()
        self.queue_hint.setWordWrap(True)
        box = QGroupBox("排队方式（多个窗口共用一个排队队列时设置）")
        form = QFormLayout(box)
        form.addRow("本机排队", self.queue_role)
        form.addRow("排队主机地址", self.queue_host)
        form.addRow("排队服务端口", self.queue_port)
        form.addRow("排队密钥", key_row)
        form.addRow(self.queue_hint)
        self.queue_role.currentIndexChanged.connect(self._queue_role_changed)
        self._queue_role_changed()
        return box

    def _queue_role_changed(self) -> None:
        role = self.queue_role.currentData()
        self.queue_host.setEnabled(role == Role.CLIENT)
        self.queue_port.setEnabled(role == Role.HOST)
        self.queue_key.setEnabled(role != Role.STANDALONE)
        self.queue_key.setReadOnly(role == Role.HOST)
        self.copy_key.setEnabled(role == Role.HOST)
        self.queue_key.setText(self._host_key if role == Role.HOST else "")
        self.queue_key.setPlaceholderText("向站点管理员索取排队主机上显示的密钥"
                                          if role == Role.CLIENT else "")
        self.queue_hint.setText({
            Role.STANDALONE: "本机自行取号叫号（村服务点等只有一台电脑时选此项）。",
            Role.HOST: "本机保存全站排队数据。请把上面的密钥录入其他窗口、取号机和叫号屏电脑；"
                       "本机须先开机并运行柜员程序。",
            Role.CLIENT: "本机的取号、叫号都在排队主机上进行。",
        }[role])

    def queue_link(self, problems: list[str]) -> QueueLink:
        role = self.queue_role.currentData()
        if role == Role.HOST:
            return QueueLink(Role.HOST, key=self._host_key, port=self.queue_port.value())
        if role == Role.CLIENT:
            try:
                url = host_url(self.queue_host.text())
            except QueueError as exc:
                problems.append(str(exc))
                url = ""
            if len(self.queue_key.text().strip()) < 16:
                problems.append("请录入排队主机上显示的完整排队密钥")
            return QueueLink(Role.CLIENT, host_url=url, key=self.queue_key.text().strip())
        return QueueLink(Role.STANDALONE)

    def station(self) -> Station:
        return Station(code=self.code.text().strip(), name=self.name.text().strip(),
                       level=self.level.currentData(), county_code=self.county_code.text().strip(),
                       county_name=self.county_name.text().strip(),
                       address=self.address.text().strip(),
                       supervision_phone=self.phone.text().strip())

    def try_accept(self) -> None:
        station = self.station()
        problems = station.problems()
        if not LOGIN_PATTERN.fullmatch(self.clerk_login.text().strip()):
            problems.append("工号应为2-32位数字或字母")
        if not self.clerk_name.text().strip():
            problems.append("经办人员姓名不能为空")
        queue = self.queue_link(problems)
        if problems:
            self.problems.setText("；".join(problems))
            return
        self.answers = SetupAnswers(station, self.window_no.value(), self.hub_url.text().strip(),
                                    self.clerk_login.text().strip(),
                                    self.clerk_name.text().strip(), queue)
        self.accept()
