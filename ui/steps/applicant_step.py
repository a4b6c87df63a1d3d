"""Step 1 — the applicant (申请人), an agent (代办人) with the authorisation, or a returning
citizen found by case number or ID number so they do not start again.

Each problem is shown under its own field (`person_fields`). A valid ID number is looked up:
its earlier cases are listed, and a name differing from the names used with it before is
pointed out (a typo in the number, or one person under two names) without stopping the clerk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from counterapp import lookups
from counterapp.case_model import OPEN_STATES, Agent, Case, Person
from counterapp.idnumber import normalise, problem_with
from counterapp.privacy import mask_id_number
from counterapp.queue import Lane
from ui.comfort import set_kind
from ui.fit import VerticalScroll
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.steps.base import StepPage, VisitHost, heading, note
from ui.steps.person_fields import IdField, NameField, Noted
from ui.visit_flow import Step

if TYPE_CHECKING:
    from counterapp.case_search import IdHistory

RELATIONS = ("子女", "配偶", "父母", "其他亲属", "村医/网格员", "其他")
AUTHORISATIONS = ("授权委托书", "监护关系证明", "其他书面授权")
# a case in the found list: id, case number, state, items, name, ID number, still open
FoundRow = tuple[int, str, str, str, str, str, bool]


class ApplicantStep(StepPage):
    step = Step.APPLICANT

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        today = self.ctx.clock.today
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("回访办事人：输入办件号或身份证号后回车")
        self.find_button = QPushButton("查找(&F)")
        self.found = QListWidget()
        self.found.setMaximumHeight(90)
        self.found.hide()
        self.found_note = note()
        self.name_field = NameField()
        self.name = self.name_field.edit
        self.id_field = IdField(today)
        self.id_notice = note(kind="warn")  # the number was used under another name
        self.id_notice.setObjectName("idNotice")
        self.phone_field = Noted(QLineEdit())
        self.phone = self.phone_field.field
        self.phone.setPlaceholderText("11位手机号或带区号的固定电话（可不填）")
        self.ticket_note = note(kind="warn")
        self.with_agent = QCheckBox("由他人代办（代办人、授权方式）(&D)")
        self.agent_box = QGroupBox("代办人")
        self.agent_name_field = NameField()
        self.agent_name = self.agent_name_field.edit
        self.agent_id = IdField(today)
        self.agent_phone_field = Noted(QLineEdit())
        self.agent_phone = self.agent_phone_field.field
        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems(RELATIONS)
        self.authorisation = QComboBox()
        self.authorisation.setEditable(True)
        self.authorisation.addItems(AUTHORISATIONS)
        # where each field's problem is shown (keys as in Person/Agent.field_problems)
        self.relation_field = Noted(self.relation)
        self.authorisation_field = Noted(self.authorisation)
        self.applicant_fields: dict[str, Noted[QWidget]] = {
            "name": self.name_field,
            "id_number": self.id_field,
            "phone": self.phone_field,
        }
        self.agent_fields: dict[str, Noted[QWidget]] = {
            "name": self.agent_name_field,
            "id_number": self.agent_id,
            "phone": self.agent_phone_field,
            "relation": self.relation_field,
            "authorisation": self.authorisation_field,
        }
        agent_form = QFormLayout(self.agent_box)
        for label, key in (
            ("姓名", "name"),
            ("身份证号", "id_number"),
            ("联系电话", "phone"),
            ("与申请人关系", "relation"),
            ("授权方式", "authorisation"),
        ):
            agent_form.addRow(label, self.agent_fields[key])
        self.agent_box.setVisible(False)
        self.with_agent.toggled.connect(self.agent_box.setVisible)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.find_button)
        form = QFormLayout()
        form.addRow("姓名(&M)", self.name_field)
        form.addRow("身份证号(&I)", self.id_field)
        self.id_field.add_below(self.id_notice)
        form.addRow("联系电话", self.phone_field)
        # The page scrolls (the case panel holds it in a VerticalScroll) rather than stretch
        # the window when many messages show at once: a 768-pixel screen has no room to spare.
        layout = QVBoxLayout(self)
        layout.addWidget(heading("① 申请人信息"))
        layout.addLayout(find_row)
        layout.addWidget(self.found_note)
        layout.addWidget(self.found)
        layout.addWidget(self.ticket_note)
        layout.addLayout(form)
        layout.addWidget(self.with_agent)
        layout.addWidget(self.agent_box)
        layout.addStretch(1)
        self.find_edit.returnPressed.connect(self.find_cases)
        self.find_button.clicked.connect(self.find_cases)
        self.found.itemActivated.connect(self._resume)
        self.id_field.edit.textChanged.connect(self._maybe_returning)
        self.name.textChanged.connect(self._show_other_names)
        for field in (self.phone_field, self.agent_phone_field):
            field.field.textChanged.connect(lambda _text, f=field: f.say(""))
        for choice in (self.relation_field, self.authorisation_field):
            choice.field.currentTextChanged.connect(lambda _text, f=choice: f.say(""))
        self._history: IdHistory | None = None
        self._listing_history = False  # the found list shows the typed number's cases
        self.found_note.hide()
        self.ticket_note.hide()
        self.id_notice.hide()
        self._inputs = [
            self.name,
            self.id_field.edit,
            self.phone,
            self.agent_name,
            self.agent_id.edit,
            self.agent_phone,
        ]

    # --- reading what was typed ------------------------------------------------------------
    def people(self) -> tuple[Person, Agent | None]:
        """What was typed, as the core will store it (trimmed, half-width)."""
        applicant = Person(self.name.text(), self.id_field.text, self.phone.text()).normalised()
        agent = None
        if self.with_agent.isChecked():
            agent = Agent(
                self.agent_name.text(),
                self.agent_id.text,
                self.agent_phone.text(),
                self.relation.currentText(),
                self.authorisation.currentText(),
            ).normalised()
        return applicant, agent

    def problems(self) -> list[str]:
        """Every problem with what was typed, each also shown under its own field; the first
        field with a problem gets the focus."""
        applicant, agent = self.people()
        today = self.ctx.clock.today()
        mine = applicant.field_problems(today)
        theirs = {} if agent is None else agent.field_problems(today)
        if agent is not None and agent.id_number and agent.id_number == applicant.id_number:
            theirs.setdefault("id_number", "代办人不能是申请人本人")
        found: list[str] = []
        first: Noted[QWidget] | None = None
        for role, fields, wrong in (
            ("申请人", self.applicant_fields, mine),
            ("代办人", self.agent_fields, theirs),
        ):
            for key, field in fields.items():
                message = wrong.get(key, "")
                field.show_problem(message)
                if message:
                    found.append(f"{role}：{message}")
                    first = first or field
        if first is not None:
            first.field.setFocus()
            VerticalScroll.holding(self).ensureWidgetVisible(first)
        return found

    # --- the page ---------------------------------------------------------------------------
    def show_case(self, case: Case | None) -> None:
        for widget in (*self._inputs, self.with_agent, self.relation, self.authorisation):
            widget.setEnabled(case is None)
        ticket = self.host.ticket
        if ticket is not None and ticket.lane == Lane.PRIORITY:
            self.ticket_note.setText(
                f"★ {ticket.code} 为优先号（绿色通道）：{ticket.priority_reason}"
            )
        else:
            self.ticket_note.setText("")
        self.ticket_note.setVisible(bool(self.ticket_note.text()))
        if case is None:
            return
        self.name.setText(case.applicant.name)
        self.id_field.edit.setText(case.applicant.id_number)
        self.phone.setText(case.applicant.phone)
        self.with_agent.setChecked(case.agent is not None)
        if case.agent is not None:
            self.agent_name.setText(case.agent.name)
            self.agent_id.edit.setText(case.agent.id_number)
            self.agent_phone.setText(case.agent.phone)
            self.relation.setCurrentText(case.agent.relation)
            self.authorisation.setCurrentText(case.agent.authorisation)

    def reset(self) -> None:
        for widget in (*self._inputs, self.find_edit):
            widget.clear()
        self.with_agent.setChecked(False)
        self.found.clear()
        self.found.hide()
        self.found_note.setText("")
        self.found_note.hide()
        self._history = None
        self._show_other_names()
        for field in (*self.applicant_fields.values(), *self.agent_fields.values()):
            field.show_problem("")

    def focus_first(self) -> None:
        (self.name if self.host.case is None else self.find_edit).setFocus()

    # --- a returning citizen ---------------------------------------------------------------
    def find_cases(self) -> None:
        text, clerk = self.find_edit.text().strip(), self.ctx.clerk_id
        if text:
            self.ctx.ops.query(
                lambda c: lookups.find_cases(c, clerk, text), self._show_found, parent=self
            )

    def _maybe_returning(self, text: str) -> None:
        """A valid number: look up what the station recorded under it (names, cases)."""
        self._history = None
        self._show_other_names()
        if self._listing_history:
            self._fill([], "")
        number = normalise(text)
        if self.host.case is not None or problem_with(number, self.ctx.clock.today()):
            return
        clerk = self.ctx.clerk_id
        self.ctx.ops.query(
            lambda c: lookups.id_history(c, clerk, number), self._show_history, parent=self
        )

    def _show_found(self, cases: list[Case]) -> None:
        self._fill(
            [
                (
                    c.id,
                    c.case_no,
                    c.state.label,
                    "；".join(i.title for i in c.items),
                    c.applicant.name,
                    c.applicant.id_number,
                    c.state in OPEN_STATES,
                )
                for c in cases
            ],
            "未找到办件" if not cases else "",
        )
        if cases:
            self.found.setFocus()

    def _show_history(self, history: IdHistory) -> None:
        if self.host.case is not None or history.id_number != self.id_field.text:
            return  # the number changed while it was looked up
        self._history = history
        self._show_other_names()
        if not history.cases:
            return
        open_ = sum(1 for s in history.cases if s.state in OPEN_STATES)
        message = f"该身份证号码已有 {len(history.cases)} 件办件"
        if open_:
            message += f"，其中 {open_} 件未办结，选中后回车可继续办理"
        self._fill(
            [
                (
                    s.id,
                    s.case_no,
                    s.state_text,
                    s.item_titles,
                    s.applicant_name,
                    s.applicant_id_number,
                    s.state in OPEN_STATES,
                )
                for s in history.cases
            ],
            message,
        )
        self._listing_history = True

    def _show_other_names(self) -> None:
        """Warn, without stopping the clerk, when the number was used under another name:
        a typo in the number, or one person recorded under two names."""
        history, name = self._history, self.name.text().strip()
        others = [] if history is None or not name else history.other_names(name)
        self.id_notice.setText(
            f"⚠ 该号码曾以「{'」「'.join(others)}」的姓名办件，与所填姓名不同：请核对证件，"
            "是号码输错，还是同一人登记了不同姓名？（可继续办理；该号码的办件见上方列表）"
            if others
            else ""
        )
        self.id_notice.setVisible(bool(others))

    def _fill(self, rows: list[FoundRow], message: str) -> None:
        self._listing_history = False
        self.found.clear()
        for case_id, case_no, state, items, name, number, open_ in rows:
            entry = QListWidgetItem(
                f"{case_no}　{state}　{name}（{mask_id_number(number)}）　{items}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, case_id if open_ else None)
            self.found.addItem(entry)
        self.found.setVisible(bool(rows))
        if rows:
            self.found.setCurrentRow(0)
        self.found_note.setText(message or "选中办件后回车继续办理（补交材料等）")
        self.found_note.setVisible(bool(rows or message))
        set_kind(self.found_note, "warn" if rows else "")

    def _resume(self, entry: QListWidgetItem) -> None:
        case_id = entry.data(Qt.ItemDataRole.UserRole)
        if case_id is None:
            self.ctx.dialogs.error(self, "该办件已办结或归档，不能继续办理")
            return
        self.host.open_case(case_id)
