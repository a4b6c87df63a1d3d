"""Every window and dialog fits the screen of most county PCs, 1366×768, in normal and
large-font mode (适老化): a window or dialog with a frame within 1366×(768 − taskbar − title
bar), the full-screen kiosk and hall display within 1366×768, and nothing inside any of them
placed outside what holds it or cut shorter than its text (the status bar, the bottom buttons).

The real widgets are built and driven offscreen on a 1366×768 screen (see tests/conftest.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counterapp import accounts
from counterapp.case_model import Person
from counterapp.demo import DEMO_HINT
from counterapp.lan_queue import access
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.slips import Layout, prepare_notice, unprinted
from tests.conftest import PIN, make_id
from ui import comfort
from ui.admin_check_dialog import AdminCheckDialog
from ui.admin_setup_dialog import AdminSetupDialog
from ui.case_search import Column as SearchColumn
from ui.consult_dialog import WRONG_WINDOW, ConsultDialog
from ui.deadline_list import Column as DeadlineColumn
from ui.follow_up_dialog import FollowUpDialog
from ui.hall_display import HallDisplay
from ui.help_dialog import HelpDialog
from ui.kiosk import KioskWindow
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.printing import SlipPreview, SlipPrinter
from ui.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QLabel,
    QSize,
    Qt,
    QTableView,
    QWidget,
)
from ui.queue_keys_dialog import QueueKeysDialog
from ui.queue_settings_dialog import QueueSettingsDialog
from ui.rating_dialog import RatingDialog
from ui.screen_exit_dialog import NO_CODE, ExitTries, ScreenExitDialog
from ui.setup_dialog import SetupDialog
from ui.staff_dialog import StaffDialog
from ui.steps.items_step import Column as ItemColumn
from ui.transfer_dialog import TransferDialog
from ui.unprinted_slips import PrintFailedDialog, UnprintedSlipsDialog
from ui.visit_flow import Step
from ui.walkin_dialog import WalkInDialog
from ui.withdraw_dialog import WithdrawDialog

from .conftest import MAXIMISED, SCREEN, settle
from .test_counter_screens import bad_rating
from .visit import Clerk, type_text

# Long item titles (YB0401 and YB0402 differ only at the end); YB1301 is forwarded upward.
LONG_ITEMS = ("YB0402", "YB0401", "YB1301")


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    name = widget.objectName() or type(widget).__name__
    return f"{name}「{text[:16]}」" if text else name


def _scrolled(widget: QWidget) -> bool:
    """Content of a scroll area, which may be larger than what shows of it."""
    holder = widget.parentWidget()
    area = holder.parentWidget() if holder is not None else None
    return isinstance(area, QAbstractScrollArea) and holder is area.viewport()


def _has_text(widget: QWidget) -> bool:
    """A button, or a label on one line: narrower than its text, the text is cut."""
    if isinstance(widget, QLabel):
        return bool(widget.text()) and not widget.wordWrap()
    return isinstance(widget, QAbstractButton)


def misfits(top: QWidget, area: QSize) -> list[str]:
    """What keeps `top` from fitting `area`: its minimum size, its size, a visible widget
    placed (partly) outside what holds it, a label or button narrower than its text."""
    for _ in range(3):  # a change deep inside reaches the window's minimum level by level
        QApplication.processEvents()
    problems = []
    title = top.windowTitle() or type(top).__name__
    least = top.minimumSize().expandedTo(top.minimumSizeHint())
    if least.width() > area.width() or least.height() > area.height():
        problems.append(f"{title}: needs at least {least.width()}×{least.height()}")
    if top.width() > area.width() or top.height() > area.height():
        problems.append(f"{title}: is {top.width()}×{top.height()}")
    for child in top.findChildren(QWidget):
        if child.isWindow() or not child.isVisibleTo(top) or _scrolled(child):
            continue
        holder = child.parentWidget()
        if not holder.rect().contains(child.geometry()):
            box = child.geometry()
            problems.append(
                f"{title}: {_name(child)} at {box.x()},{box.y()} "
                f"{box.width()}×{box.height()} is outside {_name(holder)} "
                f"({holder.width()}×{holder.height()})"
            )
        elif _has_text(child) and child.width() < child.minimumSizeHint().width():
            problems.append(
                f"{title}: {_name(child)} is cut to {child.width()} px of "
                f"{child.minimumSizeHint().width()}"
            )
    return problems


@pytest.fixture(params=[False, True], ids=["normal", "large"])
def large(request, qapp):
    """The font mode the test runs in; normal again afterwards."""
    yield request.param
    comfort.apply(qapp, False)


# --- the counter window ----------------------------------------------------------------------
def test_the_counter_window_fits_at_every_step_and_tab(qtbot, window, counter, large):
    if large:  # as when the mode is saved: the pages not shown yet are built in it
        window.large_font.trigger()
        settle(qtbot, window.ctx.ops)
    window.case_panel.build_pages()
    window.add_sync_status()
    settle(qtbot, window.ctx.ops)
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(f"{where}: {problem}" for problem in misfits(window, MAXIMISED))

    check("start")
    clerk = Clerk(qtbot, window)
    panel = window.case_panel
    counter.queue.issue(Lane.PRIORITY, "70岁以上老人")
    clerk.call_next()
    clerk.applicant("欧阳秀英", make_id(birth="19520714"), "13905371234")
    applicant = panel.applicant
    applicant.with_agent.setChecked(True)
    type_text(qtbot, applicant.agent_name, "欧阳志强")
    type_text(qtbot, applicant.agent_id.edit, make_id(birth="19800322"))
    clerk.settle()
    check("① applicant with agent")
    clerk.next()
    assert clerk.at(Step.ITEMS), panel.problem.text()
    clerk.choose_items(*LONG_ITEMS)
    check("② items")
    clerk.next()
    check("③ materials")
    clerk.next()
    check("④ before the notice")
    clerk.click(panel.outcome.notice_button)
    clerk.click(panel.outcome.print_button)
    check("④ notice printed")
    panel.go(Step.MATERIALS)
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(panel.outcome.accept_button)
    clerk.click(panel.finish.receipt.print_button)
    check("⑤ finish, receipt printed")
    clerk.click(panel.finish.forward_button)
    check("⑥ rating")
    for tab in (1, 2):
        window.show_tab(tab)
        settle(qtbot, window.ctx.ops)
        check(f"tab {window.tabs.tabText(tab)}")
    window.lock("by_hand")
    settle(qtbot, window.ctx.ops)
    window.lock_page.refused(
        "PIN连续错误5次，王丽已锁定1分钟（至 09:01），站长可在「人员管理」中解锁"
    )
    check("locked")
    if large:
        window.show_tab(0)
        window.large_font.trigger()
        settle(qtbot, window.ctx.ops)
        check("after leaving large-font mode")
    assert not problems, "\n".join(problems)


# --- dialogs and the full-screen windows ---------------------------------------------------
# Each opens a dialog as the program does and yields it in each state worth measuring (the
# fullest: problems shown, every row visible).
CASE_NO = "370883101-20261125-01-0001"
PRINTER_PAUSED = "打印失败：打印机“柜台A4”已暂停，请在系统打印设置中恢复后重试。"
Shown = Iterator[tuple[str, QWidget]]


def _opened(window: MainWindow, dialog: QDialog) -> QDialog:
    return window.ctx.dialogs.open(dialog)


def setup_dialog(qtbot, window) -> Shown:
    dialog = SetupDialog()
    dialog.show()
    dialog.try_accept()  # nothing filled in: every problem listed
    box = dialog.queue_box
    for role in Role:
        box.role.setCurrentIndex(box.role.findData(role))
        yield role.label, dialog


def login_dialog(qtbot, window) -> Shown:
    station, clerk = window.ctx.station.name, window.ctx.session.clerk
    dialog = LoginDialog(station, [clerk], 1, hint=DEMO_HINT)
    dialog.show()
    yield "demo", dialog
    dialog.refused("王丽因PIN连续错误已锁定，请于 09:01 后再试，或请站长解锁")
    yield "locked", dialog
    dialog = LoginDialog(station, [], 1)
    dialog.show()
    yield "no clerk", dialog


def admin_setup_dialog(qtbot, window) -> Shown:
    counter = window.ctx.counter
    dialog = AdminSetupDialog(
        window.ctx.station.name, [counter.clerk_a, counter.clerk_b], "工号 1001 已属于王丽，请核对"
    )
    dialog.show()
    dialog.try_accept()
    yield "problems", dialog


def admin_check_dialog(qtbot, window) -> Shown:
    window.open_staff()
    settle(qtbot, window.ctx.ops)
    dialog = window.ctx.dialogs.latest(AdminCheckDialog)
    dialog.message.setText(
        "PIN连续错误5次，王丽已锁定1分钟（至 09:01），站长可在「人员管理」中解锁"
    )
    yield "locked", dialog


def staff_dialog(qtbot, window) -> Shown:
    counter = window.ctx.counter
    admin = accounts.authenticate(counter.store, "1001", PIN, counter.clock)
    for number in range(3, 9):
        accounts.add(counter.store, admin, f"10{number:02d}", "欧阳𠮷娜娜", "390721", counter.clock)
    window._open_staff_as(admin)
    settle(qtbot, window.ctx.ops)
    dialog = window.ctx.dialogs.latest(StaffDialog)
    dialog.add()  # nothing filled in: says why
    yield "eight clerks", dialog


def rating_dialog(qtbot, window) -> Shown:
    dialog = _opened(window, RatingDialog(CASE_NO, window))
    yield "five levels", dialog
    dialog.choose(RatingLevel.VERY_DISSATISFIED)
    dialog.submit()  # no reason yet: says why in place
    yield "bad-rating reason", dialog


def withdraw_dialog(qtbot, window) -> Shown:
    dialog = _opened(window, WithdrawDialog(CASE_NO, "欧阳秀英", window))
    dialog.try_accept()  # no reason: says why
    yield "no reason", dialog


def walk_in_dialog(qtbot, window) -> Shown:
    dialog = _opened(window, WalkInDialog(window))
    dialog.priority.setChecked(True)
    yield "priority", dialog


def transfer_dialog(qtbot, window) -> Shown:
    yield "", _opened(window, TransferDialog("A012", 1, list(range(2, 13)), window))


def consult_dialog(qtbot, window) -> Shown:
    dialog = _opened(window, ConsultDialog("A012", window))
    dialog.try_accept()  # no reason: says why
    yield "no reason", dialog
    dialog.reason.setCurrentText(WRONG_WINDOW)
    yield "wrong window: the transfer offered", dialog


def _kept_notice(window: MainWindow):
    counter = window.ctx.counter
    case = counter.cases.open_case(
        Person("欧阳秀英", make_id(birth="19520714")), list(LONG_ITEMS), counter.clerk_a.id
    )
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    return unprinted.keep(counter, slip.pdf, slip.pending, PRINTER_PAUSED)


def print_failed(qtbot, window) -> Shown:
    window.print_failed(_kept_notice(window), PRINTER_PAUSED)
    yield "printer paused", window.ctx.dialogs.latest(PrintFailedDialog)


def unprinted_slips(qtbot, window) -> Shown:
    _kept_notice(window)
    window.open_unprinted()
    settle(qtbot, window.ctx.ops)
    yield "one kept notice", window.ctx.dialogs.latest(UnprintedSlipsDialog)


def queue_settings(qtbot, window) -> Shown:
    window.open_queue_settings()
    settle(qtbot, window.ctx.ops)
    dialog = window.ctx.dialogs.latest(QueueSettingsDialog)
    dialog.problem.setText("请录入排队主机上显示的完整排队密钥")
    for role in Role:
        dialog.box.role.setCurrentIndex(dialog.box.role.findData(role))
        yield role.label, dialog


def queue_keys(qtbot, window) -> Shown:
    counter = window.ctx.counter
    counter.configure_queue(QueueLink(Role.HOST))
    for number, kind in enumerate((Access.WINDOW, Access.WINDOW, Access.KIOSK, Access.HALL)):
        access.issue(
            counter.store, kind, f"{number + 2}号窗口旁边的大厅电脑（测试用长名）", counter.clock
        )
    access.revoke(counter.store, 1, counter.clock)
    dialog = _opened(window, QueueKeysDialog(window.ctx, window))
    dialog.load()
    settle(qtbot, window.ctx.ops)
    yield "four keys, one revoked", dialog
    dialog.name.setText("大厅取号机")
    dialog.issue()
    settle(qtbot, window.ctx.ops)
    yield "a key just issued", dialog


def screen_exit(qtbot, window) -> Shown:
    dialog = _opened(window, ScreenExitDialog(window.ctx.ops, "叫号显示屏", ExitTries(), window))
    dialog.problem.setText(NO_CODE)
    yield "no code on this PC", dialog


def follow_up_list(qtbot, window) -> Shown:
    for number, birth in enumerate(("19560312", "19600101", "19700707")):
        bad_rating(
            window.ctx.counter, f"回访{number}", birth, "等候时间较长；服务态度不好；办理流程复杂"
        )
    window.open_follow_ups()
    settle(qtbot, window.ctx.ops)
    yield "three ratings", window.ctx.dialogs.latest(FollowUpDialog)


def complaint_dialog(qtbot, window) -> Shown:
    from ui.complaint_dialog import ComplaintDialog

    window.open_complaint()
    settle(qtbot, window.ctx.ops)
    dialog = window.ctx.dialogs.latest(ComplaintDialog)
    dialog.status.setText("联系电话格式不正确（11位手机号或带区号的固定电话）；请填写投诉内容")
    yield "a bad phone and no content", dialog


def complaint_list(qtbot, window) -> Shown:
    from counterapp.complaints import Channel, NewComplaint
    from ui.complaint_list import ComplaintListDialog

    for number in range(3):
        window.ctx.counter.complaints.register(
            NewComplaint(Channel.HOTLINE, f"欧阳秀英{number}", "0537-1234567", "长" * 500), None
        )
    window.open_complaints()
    settle(qtbot, window.ctx.ops)
    yield "three complaints, 500 characters each", window.ctx.dialogs.latest(ComplaintListDialog)


def watch_list(qtbot, window) -> Shown:
    from ui.watch_list import WatchListDialog

    window.open_watch_list()
    settle(qtbot, window.ctx.ops)
    yield "no list yet", window.ctx.dialogs.latest(WatchListDialog)


def slip_preview(qtbot, window) -> Shown:
    counter = window.ctx.counter
    case = counter.cases.open_case(
        Person("欧阳秀英", make_id(birth="19520714")), list(LONG_ITEMS), counter.clerk_a.id
    )
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    preview = SlipPreview(SlipPrinter(), "notice", slip.pdf, window)
    preview.open()
    qtbot.waitUntil(
        lambda: any(not label.pixmap().isNull() for label in preview.pages.findChildren(QLabel)),
        timeout=10_000,
    )
    yield "A4 notice", preview


def help_dialog(qtbot, window) -> Shown:
    window.show_help()
    yield "F1", window.ctx.dialogs.latest(HelpDialog)


DIALOGS: dict[str, Callable[..., Shown]] = {
    "SetupDialog": setup_dialog,
    "LoginDialog": login_dialog,
    "AdminSetupDialog": admin_setup_dialog,
    "AdminCheckDialog": admin_check_dialog,
    "StaffDialog": staff_dialog,
    "RatingDialog": rating_dialog,
    "WithdrawDialog": withdraw_dialog,
    "WalkInDialog": walk_in_dialog,
    "TransferDialog": transfer_dialog,
    "ConsultDialog": consult_dialog,
    "PrintFailedDialog": print_failed,
    "UnprintedSlipsDialog": unprinted_slips,
    "QueueSettingsDialog": queue_settings,
    "QueueKeysDialog": queue_keys,
    "ScreenExitDialog": screen_exit,
    "FollowUpDialog": follow_up_list,
    "ComplaintDialog": complaint_dialog,
    "ComplaintListDialog": complaint_list,
    "WatchListDialog": watch_list,
    "SlipPreview": slip_preview,
    "HelpDialog": help_dialog,
}


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_fits(qtbot, window, name, large):
    comfort.apply(QApplication.instance(), large)
    problems, seen = [], set()
    for state, dialog in DIALOGS[name](qtbot, window):
        if dialog not in seen:
            qtbot.addWidget(dialog)
            seen.add(dialog)
        problems += [f"{state}: {problem}" for problem in misfits(dialog, MAXIMISED)]
    assert not problems, "\n".join(problems)


def test_the_full_screen_windows_fit(qtbot, window, large):
    comfort.apply(QApplication.instance(), large)
    kiosk = KioskWindow(window.ctx.ops)
    qtbot.addWidget(kiosk)
    kiosk.showFullScreen()
    problems = []
    for page in range(kiosk.pages.count()):
        kiosk.pages.setCurrentIndex(page)
        problems += misfits(kiosk, SCREEN)
    hall = HallDisplay(window.ctx.ops)
    qtbot.addWidget(hall)
    hall.showFullScreen()
    hall.reload()
    settle(qtbot, window.ctx.ops)
    problems += misfits(hall, SCREEN)
    assert not problems, "\n".join(problems)


def test_every_dialog_of_the_program_is_measured():
    """A new dialog (a QDialog subclass in any module of ui/) joins the list above."""
    names = set()
    for path in Path(importlib.import_module("ui").__file__).parent.glob("*.py"):
        module = importlib.import_module(f"ui.{path.stem}")
        names |= {
            name
            for name, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, QDialog)
            and value.__module__ == module.__name__
        }
    assert names - set(DIALOGS) == set()


def test_the_tests_see_a_county_pc_screen(qapp):
    assert qapp.primaryScreen().size() == SCREEN


# --- long names ------------------------------------------------------------------------------
def alike(table, column: int, key: int) -> list[list[str]]:
    """Rows whose cell in `column` shows the same pixels (none selected), named by `key`."""
    table.clearSelection()
    table.setCurrentIndex(table.model().index(-1, -1))
    QApplication.processEvents()
    model = table.model()
    looks: dict[bytes, list[str]] = {}
    for row in range(model.rowCount()):
        image = table.viewport().grab(table.visualRect(model.index(row, column))).toImage()
        looks.setdefault(bytes(image.constBits()), []).append(model.index(row, key).data())
    return [names for names in looks.values() if len(names) > 1]


def test_items_that_differ_only_at_the_end_never_look_the_same(qtbot, window, large):
    """Step ②: 长期异地就医备案人员异地住院… and …门诊慢性病… are different items; a title too
    long for its column wraps rather than being cut to the same text, and its tooltip has it."""
    if large:
        window.large_font.trigger()
    clerk = Clerk(qtbot, window)
    clerk.applicant("欧阳秀英", make_id(birth="19520714"))
    clerk.next()
    items = window.case_panel.items
    type_text(qtbot, items.search, "手工报销")
    titles = [entry.item.title for entry in items.model.rows]
    assert len(titles) >= 5
    assert not alike(items.table, ItemColumn.TITLE, ItemColumn.CODE)
    tip = items.model.index(0, ItemColumn.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert titles[0] in tip


def _open_deadline_list(window: MainWindow) -> tuple[QTableView, int]:
    window.show_tab(1)
    return window.deadlines.table, DeadlineColumn.ITEMS


def _open_case_search(window: MainWindow) -> tuple[QTableView, int]:
    window.show_tab(2)
    window.search.search()  # every case
    return window.search.table, SearchColumn.ITEMS


@pytest.mark.parametrize(
    "open_list", [_open_deadline_list, _open_case_search], ids=["F9 deadlines", "F12 case search"]
)
def test_the_case_lists_show_each_case_s_items_whole(qtbot, window, counter, large, open_list):
    """事项 lies within the list's width, its rows tall enough for the titles wrapped, also
    after the font mode changes; its tooltip lists them one by one."""
    clerk = counter.clerk_a.id
    forwarded = counter.cases.open_case(
        Person("欧阳秀英", make_id(birth="19520714")), list(LONG_ITEMS), clerk
    )
    for material in forwarded.materials:
        if material.applies:
            counter.cases.mark_material(forwarded.id, material.key, True, clerk)
    counter.cases.forward(counter.cases.accept(forwarded.id, clerk).id, clerk, "报县中心")
    counter.cases.open_case(Person("李四", make_id(birth="19800101")), ["YB0101"], clerk)
    table, column = open_list(window)
    settle(qtbot, window.ctx.ops)
    if large:
        window.large_font.trigger()
        settle(qtbot, window.ctx.ops)
    model = table.model()
    assert model.rowCount() == 2
    QApplication.processEvents()
    room = table.viewport().rect()
    for row in range(model.rowCount()):
        cell = table.visualRect(model.index(row, column))
        assert room.left() <= cell.left() and cell.right() <= room.right(), "事项 is cut"
        assert table.rowHeight(row) >= table.sizeHintForRow(row), "事项 is cut"
    tips = [model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) for row in range(2)]
    titles = "\n".join(counter.catalogue.item(code).title for code in LONG_ITEMS)
    assert titles in tips


def test_large_font_mode_reaches_widgets_with_a_style_of_their_own(qtbot, window):
    """The step bar and the timer have a colour of their own; they grow and shrink too."""
    panel = window.case_panel
    shown = [panel.timer.label, *panel.step_bar.labels.values()]
    for large, points in ((True, comfort.LARGE_POINTS), (False, comfort.NORMAL_POINTS)):
        window.large_font.trigger()
        settle(qtbot, window.ctx.ops)
        assert comfort.is_large(QApplication.instance()) == large
        assert [label.font().pointSize() for label in shown] == [points] * len(shown)
