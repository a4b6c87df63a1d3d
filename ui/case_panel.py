"""The guided case panel: step indicator, timer, one page per step, and the navigation.

The visit: ① applicant → ② items (the case is opened here) → ③ materials → ④ accept or
one-time notice → ⑤ finish on the spot or forward upward → ⑥ rating → the ticket is done.
Ctrl+Enter does the step's main action (`visit_flow.main_action`: on to the next step at
① ② ③, then accept / notify, finish / forward, rate / end; the button it presses says
Ctrl+回车) or says why not; Alt+N is the next-step button of ① ② ③, Alt+B back,
Alt+1 … Alt+6 jump to a step; Ctrl+Shift+X withdraws a case not yet accepted (撤销办件).
Every change goes through the core on the store thread; the page shows the case it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, cast

from counterapp.app import Counter
from counterapp.case_model import Case, CaseState, state_text
from counterapp.queue import Ticket, TicketStatus
from ui import comfort
from ui.comfort import set_kind
from ui.context import AppContext
from ui.fit import VerticalScroll
from ui.ops import CASE, QUEUE, Changes
from ui.qt import (
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.step_bar import StepBar
from ui.steps.base import StepPage, note
from ui.timer_widget import TimerWidget
from ui.visit_flow import (
    MainAction,
    Primary,
    Step,
    can_show,
    items_editable,
    main_action,
    next_step,
    step_for,
)

if TYPE_CHECKING:
    from ui.steps.applicant_step import ApplicantStep
    from ui.steps.finish_step import FinishStep
    from ui.steps.items_step import ItemsStep
    from ui.steps.materials_step import MaterialsStep
    from ui.steps.outcome_step import OutcomeStep
    from ui.steps.rating_step import RatingStep

# Each step's page (module, class). Only the applicant page is needed for the first paint;
# the others are imported and built when first shown, or while the window idles after start.
PAGE_CLASSES = {
    Step.APPLICANT: ("ui.steps.applicant_step", "ApplicantStep"),
    Step.ITEMS: ("ui.steps.items_step", "ItemsStep"),
    Step.MATERIALS: ("ui.steps.materials_step", "MaterialsStep"),
    Step.OUTCOME: ("ui.steps.outcome_step", "OutcomeStep"),
    Step.FINISH: ("ui.steps.finish_step", "FinishStep"),
    Step.RATING: ("ui.steps.rating_step", "RatingStep"),
}

# Not yet accepted: the citizen may give up (an accepted case runs to its time limit).
WITHDRAWABLE = (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE)


class CasePanel(QWidget):
    visit_ended = Signal()
    case_changed = Signal(object)  # Case | None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._case: Case | None = None
        self._ticket: Ticket | None = None
        self.current_step = Step.APPLICANT
        self.header = QLabel()
        self.header.setWordWrap(True)  # beside the timer in large-font mode: two lines
        comfort.style(self.header, 1.25, bold=True)
        self.timer = TimerWidget(
            ctx.clock, ctx.counter.calendar, ctx.catalogue.rules.instant_target_minutes
        )
        self.step_bar = StepBar()
        self.built_pages: dict[Step, StepPage] = {}
        self.stack = QStackedWidget()
        self.problem = note(kind="error")
        self.back_button = QPushButton("上一步(&B)")
        self.next_button = QPushButton("下一步(&N)　Ctrl+回车")
        self.next_button.setDefault(False)
        self.withdraw_button = QPushButton("撤销办件(&X)　Ctrl+Shift+X")
        self.withdraw_button.setToolTip("办事人放弃申请或误录：注明原因后撤销（受理前）")
        nav = QHBoxLayout()
        nav.addWidget(self.problem, 1)
        nav.addWidget(self.withdraw_button)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.timer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.step_bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(nav)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.withdraw_button.clicked.connect(self.withdraw)
        QShortcut(QKeySequence("Ctrl+Shift+X"), self, self.withdraw)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.next)
        for step in Step:
            QShortcut(QKeySequence(f"Alt+{step + 1}"), self, lambda s=step: self.go(s))
        self.step_bar.chosen.connect(lambda value: self.go(Step(value)))
        ctx.ops.changed.connect(self._on_changed)
        self._show(None)
        self.go(Step.APPLICANT)

    # --- the step pages, built on first use ------------------------------------------------
    def page(self, step: Step) -> StepPage:
        page = self.built_pages.get(step)
        if page is None:
            module, name = PAGE_CLASSES[step]
            page = getattr(import_module(module), name)(self)
            page.primary_changed.connect(self._update_primary)
            page.show_case(self._case)  # buttons of no use now hidden: they widen no window
            self.built_pages[step] = page
            self.stack.addWidget(VerticalScroll(page))  # large-font mode on 1366×768
        return page

    def build_pages(self) -> None:
        """Build the pages not shown yet, so the first step change has nothing to wait for."""
        for step in Step:
            self.page(step)

    @property
    def applicant(self) -> ApplicantStep:
        return cast("ApplicantStep", self.page(Step.APPLICANT))

    @property
    def items(self) -> ItemsStep:
        return cast("ItemsStep", self.page(Step.ITEMS))

    @property
    def materials(self) -> MaterialsStep:
        return cast("MaterialsStep", self.page(Step.MATERIALS))

    @property
    def outcome(self) -> OutcomeStep:
        return cast("OutcomeStep", self.page(Step.OUTCOME))

    @property
    def finish(self) -> FinishStep:
        return cast("FinishStep", self.page(Step.FINISH))

    @property
    def rating(self) -> RatingStep:
        return cast("RatingStep", self.page(Step.RATING))

    # --- what the pages may ask (VisitHost) ------------------------------------------------
    @property
    def case(self) -> Case | None:
        return self._case

    @property
    def ticket(self) -> Ticket | None:
        return self._ticket

    def go(self, step: Step, keep_focus: bool = False) -> None:
        """Show `step`; its page takes the focus, unless `keep_focus` and the focus is on a
        widget of the page still shown (a tick must not move the clerk's cursor)."""
        if not can_show(step, self._case):
            return
        self.current_step = step
        self.problem.setText("")
        page = self.page(step)
        page.show_case(self._case)
        self.stack.setCurrentWidget(VerticalScroll.holding(page))
        self.back_button.setEnabled(step > Step.APPLICANT)
        self._update_primary()
        self._update_bar()
        focused = QApplication.focusWidget()
        if not (
            keep_focus
            and focused is not None
            and focused.isVisible()
            and page.isAncestorOf(focused)
        ):
            page.focus_first()

    def case_op(self, work: Callable[[Counter], Case], then: Step | None = None) -> None:
        def done(case: Case) -> None:
            self._show(case)
            if then is None:
                self.go(self.current_step, keep_focus=True)
            else:
                self.go(then)

        self.ctx.ops.change(work, Changes(case=True), on_success=done, origin=self, parent=self)

    def open_case(self, case_id: int) -> None:
        """Continue an existing case (a returning citizen, a held ticket, the lists)."""
        me = self.ctx.clerk_id

        def load(counter: Counter) -> Case:
            case = counter.cases.get(case_id)
            if case.handler_clerk_id != me and case.state in (
                CaseState.RECEIVED,
                CaseState.MATERIALS_INCOMPLETE,
                CaseState.ACCEPTED,
            ):
                # 首问负责: the owner stays; taking over the handling is recorded, never silent
                case = counter.cases.hand_over(
                    case_id, case.handler_clerk_id, me, "办事人到本窗口续办"
                )
            return case

        def show(case: Case) -> None:
            self._reset_pages()
            self._show(case)
            self.go(step_for(case))

        self.ctx.ops.change(load, CASE, on_success=show, origin=self, parent=self)

    def end_visit(self) -> None:
        """The citizen leaves: the ticket is done, the panel is ready for the next one."""
        ticket, clerk = self._ticket, self.ctx.clerk_id

        def finish(counter: Counter) -> None:
            if ticket is None:
                return
            current = counter.queue.get(ticket.id)
            if current.status == TicketStatus.CALLED:
                current = counter.queue.start_serving(ticket.id, clerk)
            if current.status == TicketStatus.SERVING:
                counter.queue.finish(ticket.id, clerk)

        def done(_: None) -> None:
            self._ticket = None
            self.clear()
            self.visit_ended.emit()

        self.ctx.ops.change(finish, QUEUE, on_success=done, origin=self, parent=self)

    def withdraw(self) -> None:
        """Withdraw the case with a reason (撤销办件); the citizen at the window is done."""
        case, clerk = self._case, self.ctx.clerk_id
        if case is None or case.state not in WITHDRAWABLE:
            return
        from ui.withdraw_dialog import WithdrawDialog

        dialog = WithdrawDialog(case.case_no, case.applicant.name, self)

        def withdrawn(_closed: Case) -> None:
            if self._ticket is not None:
                self.end_visit()
            else:
                self.clear()

        def confirmed() -> None:
            reason = dialog.reason_text
            self.ctx.ops.change(
                lambda c: c.cases.close(case.id, clerk, reason),
                CASE._replace(case_id=case.id),
                on_success=withdrawn,
                origin=self,
                parent=self,
            )

        dialog.accepted.connect(confirmed)
        self.ctx.dialogs.open(dialog)

    # --- the queue tells us who is at the window ------------------------------------------
    def set_ticket(self, ticket: Ticket | None) -> None:
        old, self._ticket = self._ticket, ticket
        if ticket is None:
            if old is not None and (self._case is None or self._case.ticket_id == old.id):
                self.clear()  # held, transferred or skipped: the case is saved in the store
            return
        if old is not None and old.id == ticket.id:
            self.applicant.show_case(self._case)
            return
        if self._case is None and ticket.status == TicketStatus.SERVING:

            def resume(case_id: int | None) -> None:
                if case_id:
                    self.open_case(case_id)

            self.ctx.ops.query(lambda c: _case_of_ticket(c, ticket.id), resume, parent=self)
        elif self._case is None and old is None:
            # cleared when the last visit ended: what is typed now (a card reader types the
            # moment F2 is pressed) is for this citizen, so it stays, and so does the focus
            self.go(Step.APPLICANT, keep_focus=True)
        elif self._case is None or self._case.state not in (
            CaseState.RECEIVED,
            CaseState.MATERIALS_INCOMPLETE,
        ):
            self.clear()
        self.applicant.show_case(self._case)

    def clear(self) -> None:
        self._reset_pages()
        self._show(None)
        self.go(Step.APPLICANT)

    # --- navigation ------------------------------------------------------------------------
    def next(self) -> None:
        """Ctrl+Enter: the step's main action, or a line saying why there is none."""
        main = self._main_action()
        if main.action is None:
            self._problem(main.why_not)
        elif main.action == Primary.NEXT:
            self._go_on()
        else:
            self.page(self.current_step).primary_buttons()[main.action].click()

    def focus_main_action(self) -> None:
        main = self._main_action()
        if main.action == Primary.NEXT:
            self.next_button.setFocus()
        elif main.action is not None:
            self.page(self.current_step).primary_buttons()[main.action].setFocus()

    def _main_action(self) -> MainAction:
        rating = self.built_pages.get(Step.RATING)
        rated = rating is not None and cast("RatingStep", rating).rating is not None
        return main_action(self.current_step, self._case, rated)

    def _update_primary(self) -> None:
        """Ctrl+回车 is written on the button it presses: the next-step button at ① ② ③,
        the page's own main button at ④ ⑤ ⑥."""
        action = self._main_action().action
        self.next_button.setVisible(action == Primary.NEXT)
        self.page(self.current_step).mark_primary(action)

    def _go_on(self) -> None:
        step, case = self.current_step, self._case
        if step == Step.APPLICANT and case is None:
            problems = self.applicant.problems()  # each is shown under its own field
            if problems:
                self._problem(f"申请人信息有 {len(problems)} 处需更正，见各栏下方的红字提示")
                return
            self.go(Step.ITEMS)
        elif step == Step.ITEMS:
            self._submit_items()
        else:
            target = self._next_target()
            if target is not None:
                self.go(target)

    def back(self) -> None:
        if self.current_step > Step.APPLICANT:
            self.go(Step(self.current_step - 1))

    def _next_target(self) -> Step | None:
        if self.current_step in (Step.APPLICANT, Step.ITEMS):
            return Step(self.current_step + 1)
        if self.current_step == Step.MATERIALS and self._case is not None:
            return next_step(Step.MATERIALS, self._case) or step_for(self._case)
        return next_step(self.current_step, self._case)

    def _submit_items(self) -> None:
        codes, case, clerk = self.items.chosen, self._case, self.ctx.clerk_id
        if not codes:
            self._problem("请至少选择一个办理事项")
            return
        if case is None:
            applicant, agent = self.applicant.people()
            ticket = self._ticket
            ticket_id = (
                ticket.id
                if ticket is not None
                and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING)
                else None
            )

            def opened(new: Case) -> None:
                self._show(new)
                self.go(Step.MATERIALS)

            self.ctx.ops.change(
                lambda c: c.cases.open_case(
                    applicant, codes, clerk, ticket_id=ticket_id, agent=agent
                ),
                CASE | QUEUE,
                on_success=opened,
                origin=self,
                parent=self,
            )
        elif items_editable(case) and codes != [item.item_code for item in case.items]:
            self.case_op(lambda c: c.cases.change_items(case.id, codes, clerk), Step.MATERIALS)
        else:
            self.go(Step.MATERIALS)

    # --- drawing ---------------------------------------------------------------------------
    def _show(self, case: Case | None) -> None:
        self._case = case
        self.timer.set_case(case)
        if case is None:
            ticket = f"　当前号 {self._ticket.code}" if self._ticket else ""
            self.header.setText(f"新办件{ticket}")
        else:
            self._show_state(case, forward_pending=True)
            if case.state == CaseState.FORWARDED:
                self.refresh_upload_state()
        for step in {Step.APPLICANT, self.current_step}:
            self.page(step).show_case(case)
        self._update_primary()
        self.withdraw_button.setVisible(case is not None and case.state in WITHDRAWABLE)
        self._update_bar()
        self.case_changed.emit(case)

    def _show_state(self, case: Case, forward_pending: bool) -> None:
        text = state_text(case.state, upload_pending=forward_pending, county_status=None)
        self.header.setText(f"办件号 {case.case_no}　{text}")

    def refresh_upload_state(self) -> None:
        """A forwarded case reads 待上传 until the county hub has acknowledged it (asked
        again after every sync run)."""
        case = self._case
        if case is None or case.state != CaseState.FORWARDED:
            return

        def show(pending: bool) -> None:
            if self._case is not None and self._case.id == case.id:
                self._show_state(self._case, pending)
                self.timer.set_case(self._case, forward_pending=pending)

        self.ctx.ops.query(lambda c: _forward_pending(c, case.id), show, parent=self)

    def _reset_pages(self) -> None:
        for page in self.built_pages.values():
            page.reset()

    def _update_bar(self) -> None:
        case = self._case
        reachable = {step for step in Step if can_show(step, case)}
        state = None if case is None else case.state
        done: set[Step] = set()
        if case is not None:
            done |= {Step.APPLICANT, Step.ITEMS}
            if not case.missing_materials:
                done.add(Step.MATERIALS)
            if state in (
                CaseState.MATERIALS_INCOMPLETE,
                CaseState.ACCEPTED,
                CaseState.COMPLETED,
                CaseState.FORWARDED,
            ):
                done.add(Step.OUTCOME)
            if state in (CaseState.COMPLETED, CaseState.FORWARDED):
                done.add(Step.FINISH)
        rating = self.built_pages.get(Step.RATING)
        if rating is not None and cast("RatingStep", rating).rating is not None:
            done.add(Step.RATING)
        self.step_bar.set_state(self.current_step, reachable, done - {self.current_step})

    def _problem(self, text: str) -> None:
        self.problem.setText(text)
        set_kind(self.problem, "error")

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if origin is self or self._case is None or not changes.case:
            return
        if changes.case_id in (None, self._case.id):
            case_id = self._case.id
            self.ctx.ops.query(lambda c: c.cases.get(case_id), self._show, parent=self)


def _forward_pending(counter: Counter, case_id: int) -> bool:
    from counterapp.case_search import forward_pending

    return forward_pending(counter.store, case_id)


def _case_of_ticket(counter: Counter, ticket_id: int) -> int | None:
    """The case opened for a ticket being served (the search module loads when needed)."""
    from counterapp.case_search import case_for_ticket

    return case_for_ticket(counter.store, ticket_id)
