"""The counter window: the queue on the left, the guided case, the deadline list and the case
search on the right, the station and clerk in the status bar.

Shortcuts: F1 help, F2–F7, Shift+F2 and Shift+F4 queue calls, F11 the queue list, F8 current
case, F9 deadlines, F12 case search (the keys go to its search box), F10 the ledger
(台账统计), Ctrl+Shift+R bad-rating follow-ups, Ctrl+Shift+T register a complaint (投诉登记),
Ctrl+Shift+J the complaints, Ctrl+Shift+M the watch list (监测台账), Ctrl+Shift+P slips that
did not print, Ctrl+Shift+X withdraw the case, Ctrl+Enter the step's main action, Alt+B back,
Alt+1…6 a step, Ctrl+Shift+L large-font mode; each Alt+letter once per screen. The follow-up
list, the complaints, the watch list, the slips that did not print (and the dialog offered when
a print fails) and the queue settings are dialogs built when first opened.

Ctrl+Alt+L (or menu 窗口 → 锁屏) and the station's idle time lock the window: its content
gives way to the lock screen, its menus go and the dialogs it had open are hidden (人员管理
closed), so nothing personal stays on the screen; the work's shortcuts belong to the content
and stop with it. The same clerk's PIN brings it all back as it was; another clerk's PIN takes
over the window and the case on it (a recorded hand-over). On a window PC of a queue host the
window also locks when the host asks for the clerk's PIN again (`Ops.signed_out`: a new day,
or the clerk logged in while the host could not be reached); the PIN at the lock screen signs
the clerk in there. 人员管理 is the host's there: the menu says where.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from counterapp import accounts, lookups, sessions
from counterapp.case_model import CaseState
from counterapp.lan_queue.client import RemoteQueue
from counterapp.lan_queue.roles import clerks_on_host
from counterapp.queue import Ticket
from counterapp.station import LEVEL_NAMES, Clerk, StationError
from ui import comfort
from ui.case_panel import CasePanel
from ui.context import AppContext, Session
from ui.lock_screen import IdleWatcher, LockScreen
from ui.ops import CASE, STATION, Changes
from ui.qt import (
    QAction,
    QColor,
    QDialog,
    QGroupBox,
    QKeySequence,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    application,
    isValid,
)
from ui.queue_panel import QueuePanel

if TYPE_CHECKING:
    from counterapp.accounts import Login
    from counterapp.app import Counter
    from counterapp.sessions import Unlocked
    from counterapp.slips.unprinted import UnprintedSlip
    from counterapp.sync.engine import SyncReport
    from ui.case_search import CaseSearch
    from ui.complaint_list import ComplaintListDialog
    from ui.deadline_list import DeadlineList
    from ui.follow_up_dialog import FollowUpDialog
    from ui.hall_display import HallDisplay
    from ui.ledger_tab import LedgerTab
    from ui.qt import (
        QCloseEvent,  # its class alone costs ~2 ms of start-up (QEvent's enums)
        QScreen,
    )
    from ui.sync_status import SyncStatusWidget
    from ui.unprinted_slips import UnprintedSlipsDialog
    from ui.watch_list import WatchListDialog

DEADLINE_TAB = "期限提醒（F9）"
PAGES_DELAY_MS = 500  # the step pages not shown yet are built once the window is up
PINYIN_DELAY_MS = 1500
SYNC_PANEL_DELAY_MS = 2000  # after the first paint: sync's imports (httpx…) cost start-up time


def hall_screen(window: QWidget) -> QScreen | None:
    """A screen of this PC other than the counter window's, for the hall display."""
    from ui.qt import QGuiApplication

    return next((s for s in QGuiApplication.screens() if s != window.screen()), None)


HOST_AWAY = "排队主机暂时无法核对PIN，已在本机核对（{problem}）；排队操作须等主机恢复"
HOST_AWAY_MS = 15_000
HALL_NEEDS_SCREEN = (
    "大厅叫号显示屏要接在本机的第二台显示器上（本机只有一台显示器）。"
    "单独的叫号屏电脑请用 --hall 启动柜员程序"
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue_panel = QueuePanel(ctx)
        self.case_panel = CasePanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.case_panel, "当前办件（F8）")
        # The deadline list and case search are not on the first screen: each is built into
        # its tab when first needed (see the properties below), after the first paint.
        self._deadline_page, self._deadline_tab = self._empty_tab(DEADLINE_TAB)
        _, self._search_tab = self._empty_tab("办件查询（F12）")
        _, self._ledger_tab = self._empty_tab("台账统计（F10）")
        self._deadlines: DeadlineList | None = None
        self._search: CaseSearch | None = None
        self._ledger: LedgerTab | None = None
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue_panel)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 1036])
        self.work = splitter  # the work's shortcuts are its actions (see _action)
        self.lock_page = LockScreen()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.work)
        self.pages.addWidget(self.lock_page)
        self.setCentralWidget(self.pages)
        self.locked = False
        self._hidden_while_locked: list[QDialog] = []
        self._focus_before_lock: QWidget | None = None
        self.idle_watch: IdleWatcher | None = None
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_label = QLabel()
        self.busy_bar.hide()
        status = self.statusBar()
        self.who = QLabel()
        status.addWidget(self.who, 1)
        self._show_session()
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.busy_bar)
        self.hall: HallDisplay | None = None
        self.sync_status: SyncStatusWidget | None = None
        self._build_menus()
        self.queue_panel.current_changed.connect(self.case_panel.set_ticket)
        self.queue_panel.transfer_guard = self._transfer_problem
        self.case_panel.visit_ended.connect(self.queue_panel.reload)
        ctx.ops.busy_changed.connect(self._busy)
        ctx.slips.kept.connect(self.print_failed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.lock_page.unlock_requested.connect(self.unlock)
        ctx.ops.signed_out.connect(self.host_signed_out)

    def _empty_tab(self, label: str) -> tuple[QWidget, QVBoxLayout]:
        """A tab's page and its layout, to build its content into later."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(page, label)
        return page, layout

    @property
    def deadlines(self) -> DeadlineList:
        if self._deadlines is None:
            from ui.deadline_list import DeadlineList

            self._deadlines = DeadlineList(self.ctx)
            self._deadlines.open_requested.connect(self.open_case)
            self._deadlines.overdue_counted.connect(self._show_overdue)
            self._deadline_tab.addWidget(self._deadlines)
        return self._deadlines

    @property
    def search(self) -> CaseSearch:
        if self._search is None:
            from ui.case_search import CaseSearch

            self._search = CaseSearch(self.ctx)
            self._search.open_requested.connect(self.open_case)
            self._search_tab.addWidget(self._search)
        return self._search

    @property
    def ledger(self) -> LedgerTab:
        if self._ledger is None:
            from ui.ledger_tab import LedgerTab

            self._ledger = LedgerTab(self.ctx)
            self._ledger_tab.addWidget(self._ledger)
        return self._ledger

    def load(self) -> None:
        """The first read after the window is shown: the queue. Whatever the first screen does
        not show waits for the event loop: the deadline tab's list (read again whenever the
        tab is opened), the other step pages, the pinyin index and the sync box."""
        self.queue_panel.reload()
        QTimer.singleShot(PAGES_DELAY_MS, self.reload_deadlines)  # the tab is built then
        QTimer.singleShot(PAGES_DELAY_MS, self.case_panel.build_pages)
        QTimer.singleShot(PINYIN_DELAY_MS, self.ctx.item_index.build_async)
        QTimer.singleShot(SYNC_PANEL_DELAY_MS, self.add_sync_status)
        self.ctx.ops.query(lambda c: accounts.idle_lock_minutes(c.settings), self.watch_idle)

    def watch_idle(self, minutes: int) -> None:
        """Lock the window after the station's idle time."""
        self.idle_watch = IdleWatcher(minutes, parent=self)
        self.idle_watch.idle.connect(lambda: self.lock(sessions.IDLE))

    def reload_deadlines(self) -> None:
        self.deadlines.reload()

    def add_sync_status(self) -> None:
        """The 县中心同步 box under the queue. It reads its status through `ops`; the sync
        itself runs on a thread and a store connection of its own."""
        if self.sync_status is not None:
            return
        from ui.sync_status import SyncStatusWidget

        self.sync_status = SyncStatusWidget(
            self.ctx.ops, self.ctx.counter.store.path, self.ctx.clock
        )
        self.sync_status.sync_finished.connect(self.after_sync)
        box = QGroupBox("县中心同步")
        QVBoxLayout(box).addWidget(self.sync_status)
        self.queue_panel.add_below(box)
        box.show()

    def after_sync(self, report: SyncReport) -> None:
        """A new catalogue or official calendar from the county is taken up at once (deadlines
        computed from then on follow the calendar, no longer provisional); decisions and
        acknowledged uploads (待上传 → 已转报上级) refresh the deadlines and the open case."""
        if report.catalogue:
            self.ctx.ops.change(
                lambda counter: counter.reload_catalogue(),
                STATION,
                on_success=lambda _catalogue: self.ctx.catalogue_changed(),
            )
        if report.calendars:
            self.ctx.ops.change(lambda counter: counter.reload_calendar(), STATION)
        if report.decisions or report.acked_rows:
            self.deadlines.reload()
            self.case_panel.refresh_upload_state()

    # --- menus and actions -----------------------------------------------------------------
    def _action(self, text: str, key: str, slot: Callable[[], object]) -> QAction:
        """A menu entry whose key works while the work is shown (not behind the lock)."""
        action = QAction(text, self)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        self.work.addAction(action)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        queue = menu.addMenu("叫号(&Q)")
        for action in self.queue_panel.actions_by_name.values():
            queue.addAction(action)
        queue.addSeparator()
        queue.addAction(self._action("排队列表（F11）", "F11", self.queue_panel.focus_list))
        view = menu.addMenu("办件(&C)")
        view.addAction(self._action("当前办件", "F8", lambda: self.show_tab(0)))
        view.addAction(self._action("期限提醒", "F9", lambda: self.show_tab(1)))
        view.addAction(self._action("办件查询", "F12", lambda: self.show_tab(2)))
        view.addAction(self._action("台账统计", "F10", lambda: self.show_tab(3)))
        view.addSeparator()
        view.addAction(self._action("差评整改回访", "Ctrl+Shift+R", self.open_follow_ups))
        view.addAction(self._action("待打印单据", "Ctrl+Shift+P", self.open_unprinted))
        complaints = menu.addMenu("投诉(&T)")
        complaints.addAction(self._action("投诉登记…(&D)", "Ctrl+Shift+T", self.open_complaint))
        complaints.addAction(self._action("投诉处理…(&L)", "Ctrl+Shift+J", self.open_complaints))
        view.addAction(self._action("监测台账(&M)", "Ctrl+Shift+M", self.open_watch_list))
        screens = menu.addMenu("窗口(&W)")
        screens.addAction(self._action("大厅叫号显示屏（第二台显示器）", "", self.toggle_hall))
        screens.addSeparator()
        self.lock_action = QAction("锁屏", self)  # the window's own: it works when locked too
        self.lock_action.setShortcut(QKeySequence("Ctrl+Alt+L"))
        self.lock_action.triggered.connect(lambda: self.lock(sessions.BY_HAND))
        self.addAction(self.lock_action)
        screens.addAction(self.lock_action)
        screens.addAction(self._action("人员管理…", "", self.open_staff))
        screens.addSeparator()
        screens.addAction(self._action("排队设置…", "", self.open_queue_settings))
        comfort_menu = menu.addMenu("显示(&V)")
        self.large_font = self._action("适老化大字模式", "Ctrl+Shift+L", self.toggle_large_font)
        self.large_font.setCheckable(True)
        self.large_font.setChecked(comfort.is_large(application()))
        comfort_menu.addAction(self.large_font)
        help_menu = menu.addMenu("帮助(&H)")
        help_menu.addAction(self._action("键盘操作", "F1", self.show_help))

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self._focus_tab(index)

    def _focus_tab(self, index: int) -> None:
        """Where the keys go on each tab: the step's first field, the deadline list, the
        search box (its text selected, so a new search is simply typed)."""
        if index == 0:
            self.case_panel.page(self.case_panel.current_step).focus_first()
        elif index == 2:
            self.search.text.setFocus()
            self.search.text.selectAll()
        elif index == 3:
            self.ledger.view.setFocus()
        else:
            self.deadlines.table.setFocus()

    def _show_overdue(self, overdue: int) -> None:
        """The tab says how many cases are overdue, in red, so the clerk sees it from any tab
        (the list re-reads every minute and after every change)."""
        index = self.tabs.indexOf(self._deadline_page)
        self.tabs.setTabText(
            index, f"{DEADLINE_TAB}· 超期 {overdue} 件" if overdue else DEADLINE_TAB
        )
        colour = QColor(comfort.KIND_COLOURS["error"]) if overdue else QColor()
        self.tabs.tabBar().setTabTextColor(index, colour)

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.deadlines.reload()
        elif index == 2:
            self.search.show()  # built on first view
        elif index == 3:
            self.ledger.reload()  # built on first view, read again each time
        self._focus_tab(index)  # also when the tab was chosen with the mouse

    def show_help(self) -> None:
        from ui.help_dialog import HelpDialog

        self.ctx.dialogs.open(HelpDialog(self))

    def toggle_large_font(self) -> None:
        app = application()
        large = not comfort.is_large(app)
        comfort.apply(app, large)
        self.large_font.setChecked(large)
        self.ctx.ops.change(lambda c: c.settings.set(comfort.LARGE_FONT_SETTING, large), STATION)

    def open_follow_ups(self) -> None:
        """The list shows citizens' names and phones: its opening is a journalled look-up."""
        from ui.follow_up_dialog import FollowUpDialog, load_follow_ups

        clerk = self.ctx.clerk_id

        def journalled(counter: Counter) -> None:
            lookups.follow_ups_opened(counter, clerk, len(load_follow_ups(counter)))

        self.ctx.ops.change(journalled, Changes())
        self._open_list(FollowUpDialog)

    def open_complaint(self) -> None:
        from ui.complaint_dialog import ComplaintDialog

        self.ctx.dialogs.open(ComplaintDialog(self.ctx, self))

    def open_complaints(self) -> None:
        from ui.complaint_list import ComplaintListDialog

        self._open_list(ComplaintListDialog)

    def open_unprinted(self) -> None:
        from ui.unprinted_slips import UnprintedSlipsDialog

        self._open_list(UnprintedSlipsDialog)

    def open_watch_list(self) -> None:
        from ui.watch_list import WatchListDialog

        self._open_list(WatchListDialog)

    def _open_list(
        self,
        kind: type[FollowUpDialog | UnprintedSlipsDialog | ComplaintListDialog | WatchListDialog],
    ) -> None:
        """A list dialog (`kind(ctx, parent)` with `reload()`): the one open, or a new one."""
        dialog = self.ctx.dialogs.latest(kind)
        if dialog is None:
            dialog = self.ctx.dialogs.open(kind(self.ctx, self))
        dialog.raise_()
        dialog.reload()

    def print_failed(self, slip: UnprintedSlip, message: str) -> None:
        """A notice or receipt did not print and was kept: retry, save the PDF, or later
        (one such dialog at a time: a newer failure replaces the one still open)."""
        from ui.unprinted_slips import PrintFailedDialog

        earlier = self.ctx.dialogs.latest(PrintFailedDialog)
        if earlier is not None:
            earlier.close()
        self.ctx.dialogs.open(PrintFailedDialog(self.ctx, slip, message, self))

    def open_queue_settings(self) -> None:
        from ui.queue_settings_dialog import QueueSettingsDialog

        dialog = QueueSettingsDialog(self.ctx, self)
        self.ctx.dialogs.open(dialog)
        dialog.load()

    def toggle_hall(self) -> None:
        """The hall display on this PC's second screen, or closed again. Not on its only
        screen: there, on top and closed only by the administrator's code, it would cover
        this window. (No kiosk here: it runs on a PC of its own, `ui.kiosk`.)"""
        from ui.qt import isValid

        if self.hall is not None and isValid(self.hall) and self.hall.isVisible():
            self.hall.release()
            self.hall = None
            return
        screen = hall_screen(self)
        if screen is None:
            self.ctx.dialogs.error(self, HALL_NEEDS_SCREEN)
            return
        from ui.hall_display import HallDisplay

        self.hall = HallDisplay(self.ctx.ops)
        self.hall.show_full_screen(screen)
        self.hall.reload()

    def open_staff(self) -> None:
        """人员管理, after the station admin's PIN; on a window PC of a queue host, where the
        station's clerks are managed instead."""
        queue = self.ctx.counter.queue
        if isinstance(queue, RemoteQueue):
            self.ctx.dialogs.info(self, clerks_on_host(queue.base_url))
            return
        from ui.admin_check_dialog import AdminCheckDialog

        check = self.ctx.dialogs.open(AdminCheckDialog(self.ctx, self))
        check.verified.connect(self._open_staff_as)
        check.load()

    def _open_staff_as(self, admin: Login) -> None:
        from ui.staff_dialog import StaffDialog

        dialog = self.ctx.dialogs.open(StaffDialog(self.ctx, admin, self))
        dialog.idle_lock_changed.connect(self._idle_minutes_changed)
        dialog.reload()

    def _idle_minutes_changed(self, minutes: int) -> None:
        if self.idle_watch is not None:
            self.idle_watch.set_minutes(minutes)

    # --- who is working here: the lock, and another clerk taking over ------------------------
    def _show_session(self) -> None:
        station, ctx = self.ctx.station, self.ctx
        self.setWindowTitle(
            f"医保综合柜员 — {station.name} · {ctx.window_no}号窗口 · {ctx.session.clerk.name}"
        )
        self.who.setText(
            f"{station.name}（{LEVEL_NAMES[station.level]}）　"
            f"{ctx.window_no}号窗口　经办人：{ctx.session.clerk.name}"
        )

    def host_signed_out(self, why: str) -> None:
        """The queue host asks for the clerk's PIN again: lock, saying why."""
        self.lock(sessions.HOST_SIGNED_OUT)
        self.lock_page.say_why(why)

    def lock(self, why: str) -> None:
        """Hide everything personal behind the lock screen; the work stays as it was."""
        if self.locked:
            return
        self.lock_page.say_why("")
        from ui.admin_check_dialog import AdminCheckDialog
        from ui.staff_dialog import StaffDialog

        self.locked = True
        self._focus_before_lock = application().focusWidget()
        self._hidden_while_locked = []
        for dialog in list(self.ctx.dialogs.opened):
            if isinstance(dialog, StaffDialog | AdminCheckDialog):
                dialog.close()  # the admin's rights are not kept for whoever unlocks
            elif dialog.isVisible():
                dialog.hide()
                self._hidden_while_locked.append(dialog)
        self.menuBar().hide()
        self.pages.setCurrentWidget(self.lock_page)
        self.work.setEnabled(False)
        clerk, window = self.ctx.session.clerk, self.ctx.window_no
        self.lock_page.show_for(clerk, window, [clerk])
        self.ctx.ops.change(
            lambda c: sessions.lock(c.store, clerk, c.clock, window, why), Changes()
        )
        self.ctx.ops.query(lambda c: accounts.can_log_in(c.store), self._offer_clerks)

    def _offer_clerks(self, clerks: list[Clerk]) -> None:
        if self.locked:
            self.lock_page.show_for(self.ctx.session.clerk, self.ctx.window_no, clerks)

    def unlock(self, login: str, pin: str) -> None:
        """The same clerk's PIN unlocks; another's takes over the window and its case."""
        current, window = self.ctx.session.clerk, self.ctx.window_no
        case = self.case_panel.case
        case_id = None if case is None else case.id

        def unlocked(done: Unlocked) -> None:
            if done.switched:
                self.ctx.session = Session(done.login.clerk, window)
                self._show_session()
            self._unlock_view()
            if done.host_problem:  # checked here: the queue waits for the host
                self.statusBar().showMessage(
                    HOST_AWAY.format(problem=done.host_problem), HOST_AWAY_MS
                )

        def refused(error: BaseException) -> bool:
            if isinstance(error, StationError):
                self.lock_page.refused(str(error))
                return True
            return False

        changes = STATION if case_id is None else CASE._replace(case_id=case_id)
        self.ctx.ops.change(
            lambda c: sessions.unlock(c, current, login, pin, window, case_id),
            changes,
            on_success=unlocked,
            on_failure=refused,
            label="正在核对PIN…",
        )

    def _unlock_view(self) -> None:
        self.locked = False
        self.work.setEnabled(True)
        self.pages.setCurrentWidget(self.work)
        self.menuBar().show()
        for dialog in self._hidden_while_locked:
            if isValid(dialog):
                dialog.show()
        self._hidden_while_locked = []
        focus = self._focus_before_lock
        if focus is not None and isValid(focus) and focus.isVisible():
            focus.setFocus()
        else:
            self._focus_tab(self.tabs.currentIndex())

    # --- wiring between panels -------------------------------------------------------------
    def open_case(self, case_id: int) -> None:
        current = self.case_panel.case
        if (
            current is not None
            and current.id != case_id
            and current.state in (CaseState.RECEIVED, CaseState.ACCEPTED)
        ):
            self.ctx.dialogs.error(self, f"请先完成当前办件 {current.case_no}，再继续其他办件")
            return
        self.case_panel.open_case(case_id)
        self.show_tab(0)

    def _transfer_problem(self, ticket: Ticket) -> str | None:
        case = self.case_panel.case
        if case is not None and case.ticket_id == ticket.id:
            return (
                "本号已开始办件（首问负责制）：不能转窗口。如确需其他人员办理，"
                "请完成或撤销本办件后再转。"
            )
        return None

    def _busy(self, busy: bool, label: str) -> None:
        self.busy_bar.setVisible(busy)
        self.busy_label.setText(label if busy else "")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.idle_watch is not None:
            self.idle_watch.stop()
        if self.hall is not None:
            self.hall.release()
        if self.sync_status is not None:
            self.sync_status.stop()
        super().closeEvent(event)
