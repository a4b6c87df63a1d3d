"""投诉登记: the clerk registers a complaint received at the window, by phone or passed on by
the 12345 hotline — the complainant (name, phone, ID optional), the case and clerk it is about
where there is one, and what it is about. Bad input is named under the form in Chinese and
nothing is stored; the deadline (15 working days) is set by the core
(`counterapp.complaints`).

Opened from the window's 投诉 menu (Ctrl+Shift+T).
"""

from __future__ import annotations

from counterapp.app import Counter
from counterapp.complaints import Channel, Complaint, NewComplaint, problems
from ui import comfort
from ui.context import AppContext
from ui.dialogs import answer_buttons, note_edit
from ui.ops import COMPLAINT
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


def active_clerks(counter: Counter) -> list[tuple[str, str]]:
    """(login, name) of the station's active clerks; runs on the store thread."""
    rows = counter.store.all("SELECT login, name FROM clerks WHERE active = 1 ORDER BY login")
    return [(row["login"], row["name"]) for row in rows]


class ComplaintDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("投诉登记")
        self.resize(560, 460)
        self.channel = QComboBox()
        for channel in Channel:
            self.channel.addItem(channel.label, channel)
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("可不填")
        self.case_no = QLineEdit()
        self.case_no.setPlaceholderText("投诉涉及的办件号，可不填")
        self.clerk = QComboBox()
        self.clerk.addItem("（不涉及具体人员）", "")
        self.about = note_edit("投诉的事由和诉求（最多500字）")
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("投诉渠道(&Q)", self.channel)
        form.addRow("投诉人姓名(&N)", self.name)
        form.addRow("联系电话(&P)", self.phone)
        form.addRow("身份证号(&I)", self.id_number)
        form.addRow("关联办件号(&C)", self.case_no)
        form.addRow("被投诉人员(&R)", self.clerk)
        form.addRow("投诉内容(&A)", self.about)
        buttons, self.ok_button = answer_buttons(self, "登记", self.register)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.ctx.ops.query(active_clerks, self._add_clerks, parent=self)

    def _add_clerks(self, rows: list[tuple[str, str]]) -> None:
        for login, name in rows:
            self.clerk.addItem(f"{name}（{login}）", login)

    def entered(self) -> NewComplaint:
        return NewComplaint(
            channel=Channel(self.channel.currentData()),  # Qt hands back the str
            name=self.name.text(),
            phone=self.phone.text(),
            about=self.about.toPlainText(),
            id_number=self.id_number.text(),
            case_no=self.case_no.text(),
            clerk_login=self.clerk.currentData() or "",
        )

    def register(self) -> None:
        new, clerk = self.entered(), self.ctx.clerk_id
        found = problems(new, self.ctx.clock.today())
        if found:
            self._say("；".join(found.values()))
            return

        def done(complaint: Complaint) -> None:
            self.ctx.dialogs.info(
                self.parentWidget(),
                f"已登记投诉 {complaint.complaint_no}，应于 {complaint.due} 前办结并反馈投诉人。",
            )
            self.accept()

        def refused(error: BaseException) -> bool:
            self._say(str(error))
            return True

        self.ctx.ops.change(
            lambda c: c.complaints.register(new, clerk),
            COMPLAINT,
            on_success=done,
            on_failure=refused,
            origin=self,
            parent=self,
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, "error")
