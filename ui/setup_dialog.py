"""First-run set-up (首次设置): the station, this PC's window number, the county hub address,
this PC's part in the station's shared queue (排队主机) and the station admin (站长: 工号,
姓名 and a PIN typed twice), who then logs in and adds the other clerks. The station's level
decides the checklist everywhere.

A client of the station's queue host has no admin of its own — the station's clerks are the
host's — so the admin's box gives way to a note for a window PC, and to the 站点管理码 (typed
twice) that closes the screen of a kiosk or hall display PC.

With the county's one-time enrolment code (县中心登记码, issue 14) — pasted, typed, or typed by
a USB scanner reading its QR code — 读取登记码 fetches the station's data from the hub and
fills the station's box (then read-only) and the hub address; on 保存并继续 the token and
signing key go into the keyring and the hub's key is pinned (`counterapp.sync.enrol`). A code
that is wrong, used or expired is said in place and nothing is stored. Without a code the
station is typed as before."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from counterapp import admin_code
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.station import LEVEL_NAMES, Station
from ui import comfort
from ui.account_box import AccountBox
from ui.dialogs import answer_buttons
from ui.ops import Ops
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.queue_link_box import QueueLinkBox

if TYPE_CHECKING:  # httpx loads only when a code is read
    from counterapp.sync.enrol import Enrolment


class SetupAnswers(NamedTuple):
    station: Station
    window_no: int
    admin_login: str
    admin_name: str
    admin_pin: str
    queue: QueueLink
    admin_code: str = ""  # a kiosk or hall display PC: the code that closes its screen
    enrolment: Enrolment | None = None  # what the county's enrolment code brought

    def __repr__(self) -> str:  # never a PIN or code in a log or a traceback
        return f"SetupAnswers(station={self.station.code}, admin={self.admin_login})"


CLERKS_ON_HOST = (
    "本机连接排队主机：站长和经办人员由排队主机统一管理，本机不设站长。"
    "保存后从排队主机读取本站人员名单，登录时由排队主机核对PIN。"
)


ENROL_HINT = "粘贴、输入或用扫码枪扫描县中心发放的登记码；没有登记码时请手工填写下方信息"


class SetupDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, ops: Ops | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次设置：本站信息")
        self.answers: SetupAnswers | None = None
        self.ops = ops
        self.enrolment: Enrolment | None = None
        self.enrol_code = QLineEdit()
        self.enrol_code.setPlaceholderText("YBDJ1 https://… XXXX-XXXX-…")
        self.enrol_code.returnPressed.connect(self.read_code)
        self.enrol_button = QPushButton("读取登记码(&R)")
        self.enrol_button.setAutoDefault(False)
        self.enrol_button.clicked.connect(self.read_code)
        self.enrol_state = QLabel(ENROL_HINT)
        self.enrol_state.setWordWrap(True)
        enrol_box = QGroupBox("县中心登记码")
        enrol_row = QHBoxLayout()
        enrol_row.addWidget(self.enrol_code, 1)
        enrol_row.addWidget(self.enrol_button)
        enrol_layout = QVBoxLayout(enrol_box)
        enrol_layout.addLayout(enrol_row)
        enrol_layout.addWidget(self.enrol_state)
        enrol_box.setVisible(ops is not None)
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
        # Shown, not typed: sync needs the hub's token and key too, which only the enrolment
        # code (or `counterapp sync-setup`) brings; a typed address alone would set up nothing.
        self.hub_url = QLineEdit()
        self.hub_url.setReadOnly(True)
        self.hub_url.setPlaceholderText("由县中心登记码填入（无登记码时可稍后设置同步）")
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
        self.queue_box = QueueLinkBox()
        self.admin_box = AccountBox("站长（本站管理员，也可在窗口办件）")
        self.host_note = QLabel(CLERKS_ON_HOST)
        self.host_note.setWordWrap(True)
        self.code_box = QGroupBox("站点管理码（关闭取号机、叫号屏时输入）")
        self.screen_code = QLineEdit()
        self.screen_code_again = QLineEdit()
        code_form = QFormLayout(self.code_box)
        for label, field in (
            ("站点管理码", self.screen_code),
            ("再次输入", self.screen_code_again),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(12)
            code_form.addRow(label, field)
        self.screen_code.setPlaceholderText("6-12位数字")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        comfort.set_kind(self.problems, "error")
        buttons, _ok = answer_buttons(self, "保存并继续", self.try_accept, cancel_text="退出")
        # Two columns: one column of the four boxes is taller than a 1366×768 screen.
        left, right = QVBoxLayout(), QVBoxLayout()
        for column, boxes in (
            (left, (enrol_box, station_box, pc_box)),
            (right, (self.queue_box, self.admin_box, self.host_note, self.code_box)),
        ):
            for box in boxes:
                column.addWidget(box)
            column.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        # The keys start at 站点编码, as they always have (the walk in tests/e2e types the
        # station from there); the code field is one click or Shift+Tab ×2 away.
        self.code.setFocus()
        self.queue_box.role.currentIndexChanged.connect(self._part_changed)
        self.queue_box.access.currentIndexChanged.connect(self._part_changed)
        self._part_changed()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the code field (a scanner ends with it) reads the code, nothing more: it
        must not also press 保存并继续, the dialog's default button."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.enrol_code:
            event.accept()
            return
        super().keyPressEvent(event)

    def read_code(self) -> None:
        """Redeem the code at its hub, off the GUI thread; the answer fills the station."""
        text = self.enrol_code.text().strip()
        if self.ops is None or not text or self.enrolment is not None:
            return
        from counterapp.sync import enrol

        self.enrol_button.setEnabled(False)
        self.enrol_state.setText("正在向县中心登记…")
        comfort.set_kind(self.enrol_state, "")
        self.ops.run(
            lambda: enrol.fetch(text),
            self._enrolled,
            on_failure=self._not_enrolled,
            parent=self,
            label="正在向县中心登记…",
        )

    def _enrolled(self, enrolment: Enrolment) -> None:
        self.enrolment = enrolment
        station = enrolment.station
        for field, value in (
            (self.code, station.code),
            (self.name, station.name),
            (self.county_code, station.county_code),
            (self.county_name, station.county_name),
            (self.address, station.address),
            (self.phone, station.supervision_phone),
            (self.hub_url, enrolment.code.hub_url),
        ):
            field.setText(value)
            field.setReadOnly(True)
        self.level.setCurrentIndex(self.level.findData(station.level))
        self.level.setEnabled(False)
        self.enrol_code.setReadOnly(True)
        self.enrol_state.setText(
            f"已从县中心读取：{station.name}（{station.code}）。保存后同步令牌和签名密钥"
            "存入系统密钥库，县中心公钥随之登记。"
        )
        comfort.set_kind(self.enrol_state, "ok")

    def _not_enrolled(self, error: BaseException) -> bool:
        if not isinstance(error, ValueError):  # EnrolError, CredentialsError: said in place
            return False
        self.enrol_button.setEnabled(True)
        self.enrol_state.setText(str(error))
        comfort.set_kind(self.enrol_state, "error")
        return True

    def client(self) -> Access | None:
        """What this PC is to be as a client of the queue host; None when it is not one."""
        if self.queue_box.role.currentData() != Role.CLIENT:
            return None
        return Access(self.queue_box.access.currentData())

    def _part_changed(self) -> None:
        """The admin's box, the note that the host keeps the clerks, or the code."""
        client = self.client()
        self.admin_box.setVisible(client is None)
        self.host_note.setVisible(client == Access.WINDOW)
        self.code_box.setVisible(client in (Access.KIOSK, Access.HALL))

    def station(self) -> Station:
        return Station(
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            level=self.level.currentData(),
            county_code=self.county_code.text().strip(),
            county_name=self.county_name.text().strip(),
            address=self.address.text().strip(),
            supervision_phone=self.phone.text().strip(),
        )

    def try_accept(self) -> None:
        station = self.station()
        problems = station.problems()
        client = self.client()
        if client is None:
            problems += self.admin_box.problems()
        code = self.screen_code.text().strip()
        if client in (Access.KIOSK, Access.HALL):
            problems += admin_code.new_code_problems(code, self.screen_code_again.text())
        queue = self.queue_box.link(problems)
        if problems:
            self.problems.setText("；".join(problems))
            return
        admin = self.admin_box.values() if client is None else ("", "", "")
        self.answers = SetupAnswers(
            station,
            self.window_no.value(),
            *admin,
            queue,
            code if client is not None else "",
            self.enrolment,
        )
        self.accept()
