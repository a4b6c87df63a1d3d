"""Step 1 — the applicant (申请人), an agent (代办人) with the authorisation, or a returning
citizen found by case number or ID number so they do not start again."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from counterapp.app import Counter
from counterapp.case_model import NAME_MAX_LENGTH, OPEN_STATES, Agent, Case, Person
from counterapp.idnumber import normalise, parse_id_number, problem_with
from counterapp.privacy import mask_id_number
from counterapp.queue import Lane
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
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.steps.base import StepPage, VisitHost, heading, note, set_kind
from ui.visit_flow import Step

if TYPE_CHECKING:
    from counterapp.case_search import CaseSummary

PRIORITY_AGE = 70  # 绿色通道 for the elderly, as the ticket machine's "70岁以上老人"
RELATIONS = ("子女", "配偶", "父母", "其他亲属", "村医/网格员", "其他")
AUTHORISATIONS = ("授权委托书", "监护关系证明", "其他书面授权")


def id_hint(text: str, today: date) -> tuple[str, str]:
    """(message, kind) shown under an ID field as it is typed."""
    number = normalise(text)
    if not number:
        return "", ""
    if len(number) < 18 and number.rstrip("X").isdigit() and "X" not in number[:-1]:
        return f"已输入 {len(number)} 位，共 18 位", ""
    problem = problem_with(number, today)
    if problem:
        return problem, "error"
    parsed = parse_id_number(number, today)
    age = parsed.age_on(today)
    text = f"号码有效：{parsed.sex.value}，{parsed.birth_date:%Y年%m月%d日}生，{age}岁"
    if age >= PRIORITY_AGE:
        return text + "（可走绿色通道）", "warn"
    return text, "ok"


class IdField(QWidget):
    """An ID number line edit with its message right under it, updated on every keystroke."""

    def __init__(self, today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.edit = QLineEdit()
        self.edit.setMaxLength(20)
        self.edit.setPlaceholderText("18位身份证号码")
        self.edit.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9Xx ]{0,20}"), self.edit))
        self.hint = note()
        self.hint.setObjectName("idHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.hint.hide()
        self.edit.textChanged.connect(self._check)

    def _check(self, text: str) -> None:
        message, kind = id_hint(text, self._today())
        self.hint.setText(message)
        self.hint.setVisible(bool(message))
        set_kind(self.hint, kind)

    @property
    def text(self) -> str:
        return normalise(self.edit.text())


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
        self.name = QLineEdit()
        self.name.setMaxLength(NAME_MAX_LENGTH)
        self.id_field = IdField(today)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText("11位手机号或带区号的固定电话（可不填）")
        self.ticket_note = note(kind="warn")
        self.with_agent = QCheckBox("由他人代办（代办人、授权方式）(&D)")
        self.agent_box = QGroupBox("代办人")
        self.agent_name = QLineEdit()
        self.agent_name.setMaxLength(NAME_MAX_LENGTH)
        self.agent_id = IdField(today)
        self.agent_phone = QLineEdit()
        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems(RELATIONS)
        self.authorisation = QComboBox()
        self.authorisation.setEditable(True)
        self.authorisation.addItems(AUTHORISATIONS)
        agent_form = QFormLayout(self.agent_box)
        agent_form.addRow("姓名", self.agent_name)
        agent_form.addRow("身份证号", self.agent_id)
        agent_form.addRow("联系电话", self.agent_phone)
        agent_form.addRow("与申请人关系", self.relation)
        agent_form.addRow("授权方式", self.authorisation)
        self.agent_box.setVisible(False)
        self.with_agent.toggled.connect(self.agent_box.setVisible)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.find_button)
        form = QFormLayout()
        form.addRow("姓名(&M)", self.name)
        form.addRow("身份证号(&I)", self.id_field)
        form.addRow("联系电话", self.phone)
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
        self.find_edit.returnPressed.connect(self.find)
        self.find_button.clicked.connect(self.find)
        self.found.itemActivated.connect(self._resume)
        self.id_field.edit.textChanged.connect(self._maybe_returning)
        self.found_note.hide()
        self.ticket_note.hide()
        self._inputs = [self.name, self.id_field.edit, self.phone, self.agent_name,
                        self.agent_id.edit, self.agent_phone]

    # --- reading what was typed ------------------------------------------------------------
    def people(self) -> tuple[Person, Agent | None]:
        applicant = Person(self.name.text().strip(), self.id_field.text,
                           self.phone.text().strip())
        agent = None
        if self.with_agent.isChecked():
            agent = Agent(self.agent_name.text().strip(), self.agent_id.text,
                          self.agent_phone.text().strip(), self.relation.currentText().strip(),
                          self.authorisation.currentText().strip())
        return applicant, agent

    def problems(self) -> list[str]:
        applicant, agent = self.people()
        today = self.ctx.clock.today()
        found = applicant.problems("申请人", today)
        if agent is not None:
            found += agent.problems("代办人", today)
            if agent.id_number and agent.id_number == applicant.id_number:
                found.append("代办人不能是申请人本人")
        return found

    # --- the page ---------------------------------------------------------------------------
    def show_case(self, case: Case | None) -> None:
        for widget in (*self._inputs, self.with_agent, self.relation, self.authorisation):
            widget.setEnabled(case is None)
        ticket = self.host.ticket
        if ticket is not None and ticket.lane == Lane.PRIORITY:
            self.ticket_note.setText(
                f"★ {ticket.code} 为优先号（绿色通道）：{ticket.priority_reason}")
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

    def focus_first(self) -> None:
        (self.name if self.host.case is None else self.find_edit).setFocus()

    # --- a returning citizen ---------------------------------------------------------------
    def find(self) -> None:
        text = self.find_edit.text().strip()
        if text:
            self.ctx.ops.query(lambda c: c.cases.find(text), self._show_found, parent=self)

    def _maybe_returning(self, text: str) -> None:
        number = normalise(text)
        if self.host.case is not None or problem_with(number, self.ctx.clock.today()):
            return
        self.ctx.ops.query(lambda c: _open_cases_of(c, number), self._show_open, parent=self)

    def _show_found(self, cases: list[Case]) -> None:
        self._fill([(c.id, c.case_no, c.state.label, "；".join(i.title for i in c.items),
                     c.applicant.name, c.applicant.id_number, c.state in OPEN_STATES)
                    for c in cases], "未找到办件" if not cases else "")
        if cases:
            self.found.setFocus()

    def _show_open(self, found: list[CaseSummary]) -> None:
        if found:
            self._fill([(s.id, s.case_no, s.state.label, s.item_titles, s.applicant_name,
                         s.applicant_id_number, True) for s in found],
                       f"该身份证号有 {len(found)} 件未办结的办件，选中后回车可继续办理")

    def _fill(self, rows: list[tuple], message: str) -> None:
        self.found.clear()
        for case_id, case_no, state, items, name, number, open_ in rows:
            entry = QListWidgetItem(f"{case_no}　{state}　{name}（{mask_id_number(number)}）　"
                                    f"{items}")
            entry.setData(Qt.ItemDataRole.UserRole, case_id if open_ else None)
            self.found.addItem(entry)
        self.found.setVisible(bool(rows))
        if rows:
            self.found.setCurrentRow(0)
        self.found_note.setText(message or "选中办件后回车继续办理（补交材料等）")
        self.found_note.show()
        set_kind(self.found_note, "warn" if rows else "")

    def _resume(self, entry: QListWidgetItem) -> None:
        case_id = entry.data(Qt.ItemDataRole.UserRole)
        if case_id is None:
            self.ctx.dialogs.error(self, "该办件已办结或归档，不能继续办理")
            return
        self.host.open_case(case_id)


def _open_cases_of(counter: Counter, id_or_case_no: str) -> list[CaseSummary]:
    """A returning citizen's open cases (the search module loads on the first lookup)."""
    from counterapp.case_search import search

    return search(counter.store, id_or_case_no, states=OPEN_STATES, limit=10)
