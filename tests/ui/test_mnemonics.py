"""No two actions reachable at once share a mnemonic (Alt+letter): a walk by keys through
every screen of the counter window (each step in its states, each tab, each dialog) collects
what the menu bar, the buttons and the labels' buddies offer there, and fails on a clash."""

from collections import defaultdict

import pytest

from counterapp.case_model import CaseState
from counterapp.queue import Lane
from counterapp.windows import set_window_count
from tests.conftest import PIN, make_id
from ui.admin_check_dialog import AdminCheckDialog
from ui.admin_setup_dialog import AdminSetupDialog
from ui.follow_up_dialog import FollowUpDialog
from ui.kiosk import KioskWindow
from ui.login_dialog import LoginDialog
from ui.printing import SlipPreview
from ui.qt import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QKeySequence,
    QLabel,
    QMainWindow,
    QPushButton,
    Qt,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
from ui.queue_settings_dialog import QueueSettingsDialog
from ui.rating_dialog import RatingDialog
from ui.setup_dialog import SetupDialog
from ui.staff_dialog import StaffDialog
from ui.transfer_dialog import TransferDialog
from ui.visit_flow import Step
from ui.walkin_dialog import WalkInDialog
from ui.withdraw_dialog import WithdrawDialog

from .visit import Keyboard

Mnemonics = dict[str, list[str]]


def reachable_mnemonics(window: QWidget) -> Mnemonics:
    """Alt+letter → what it reaches in `window` now. Qt fires a widget's mnemonic only while
    the widget is visible and enabled in the active window; the menu bar's always."""
    found: Mnemonics = defaultdict(list)

    def add(text: str, owner: str) -> None:
        key = QKeySequence.mnemonic(text)
        if not key.isEmpty():
            found[key.toString()].append(f"{owner} {text!r}")

    def here(widget: QWidget) -> bool:
        return widget.window() is window and widget.isVisible() and widget.isEnabled()

    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        for action in window.menuBar().actions():
            if action.isVisible() and action.isEnabled():
                add(action.text(), "menu")
    for button in window.findChildren(QAbstractButton):
        if here(button):
            add(button.text(), type(button).__name__)
    for label in window.findChildren(QLabel):
        if here(label) and label.buddy() is not None:
            add(label.text(), "label")
    for box in window.findChildren(QGroupBox):
        if here(box) and box.isCheckable():
            add(box.title(), "group")
    for bar in window.findChildren(QTabBar):
        if here(bar):
            for index in range(bar.count()):
                add(bar.tabText(index), "tab")
    return dict(found)


def clashes(found: Mnemonics) -> Mnemonics:
    return {key: owners for key, owners in found.items() if len(owners) > 1}


class Walk:
    """Collects the screens seen and their clashes; asserts at the end, naming them all."""

    def __init__(self) -> None:
        self.screens: list[str] = []
        self.clashes: dict[str, Mnemonics] = {}

    def check(self, window: QWidget, screen: str) -> Mnemonics:
        found = reachable_mnemonics(window)
        self.screens.append(screen)
        if clashes(found):
            self.clashes[screen] = clashes(found)
        return found

    def check_dialog(self, keys: Keyboard, kind: type, screen: str, dialogs) -> QWidget:
        dialog = dialogs.latest(kind)
        assert dialog is not None, screen
        keys.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        self.check(dialog, screen)
        return dialog


def test_the_collector_sees_what_qt_fires_and_nothing_else(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    buttons = [QPushButton(text) for text in ("受理(&S)", "送出(&S)", "隐藏(&H)", "停用(&D)")]
    for button in buttons:
        layout.addWidget(button)
    buttons[2].hide()
    buttons[3].setEnabled(False)
    holder.show()
    assert clashes(reachable_mnemonics(holder)) == {
        "Alt+S": ["QPushButton '受理(&S)'", "QPushButton '送出(&S)'"]
    }
    buttons[1].hide()
    assert reachable_mnemonics(holder) == {"Alt+S": ["QPushButton '受理(&S)'"]}


@pytest.mark.slow  # every screen of the window, 3-4 s
def test_every_screen_has_each_mnemonic_once(qtbot, window, counter, dialogs, printer):
    set_window_count(counter.settings, 3)
    for _ in range(3):
        counter.queue.issue(Lane.NORMAL)
    window.queue_panel.reload()
    keys = Keyboard(qtbot, window)
    walk = Walk()
    panel = window.case_panel
    walk.check(window, "① 新办件（未叫号）")

    keys.press(Qt.Key.Key_F2)
    walk.check(window, "① 已叫号")
    keys.press(Qt.Key.Key_F6)
    walk.check_dialog(keys, TransferDialog, "转窗口", dialogs)
    keys.press(Qt.Key.Key_Escape)
    keys.press(Qt.Key.Key_F7)
    walk.check_dialog(keys, WalkInDialog, "窗口代取号", dialogs)
    keys.press(Qt.Key.Key_Escape)
    keys.alt("D")  # 由他人代办
    assert panel.applicant.agent_box.isVisible()
    walk.check(window, "① 代办")
    keys.alt("D")
    keys.alt("M")  # 姓名 (the label's buddy)
    keys.type("吴十")
    keys.alt("I")  # 身份证号
    keys.type(make_id(birth="19610203"))
    keys.ctrl_enter()
    assert panel.current_step == Step.ITEMS
    walk.check(window, "② 选事项")
    keys.type("YB0302")  # 异地就医: a material is missing
    keys.press(Qt.Key.Key_Return)
    keys.ctrl_enter()
    assert panel.current_step == Step.MATERIALS
    walk.check(window, "③ 材料")
    keys.press(
        Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    walk.check_dialog(keys, WithdrawDialog, "撤销办件", dialogs)
    keys.press(Qt.Key.Key_Escape)
    keys.ctrl_enter()
    assert panel.current_step == Step.OUTCOME
    walk.check(window, "④ 缺材料")
    keys.ctrl_enter()  # the one-time notice
    assert panel.case.state == CaseState.MATERIALS_INCOMPLETE
    walk.check(window, "④ 已告知")
    keys.alt("1")
    walk.check(window, "① 办件已建（只读）")
    keys.alt("2")
    walk.check(window, "② 事项已锁定")
    keys.alt("3")
    keys.alt("A")  # every material received
    walk.check(window, "③ 材料齐全")
    keys.ctrl_enter()
    walk.check(window, "④ 已告知、已补齐")
    keys.ctrl_enter()  # accept
    assert panel.current_step == Step.FINISH
    walk.check(window, "⑤ 当场办结")
    keys.alt("Y")  # the acceptance receipt
    assert [kind for kind, _ in printer.jobs] == ["notice", "receipt"]
    assert panel.finish.receipt.reprint_reason.isVisible()
    walk.check(window, "⑤ 回执已打印")
    keys.ctrl_enter()  # finish on the spot
    assert panel.case.state == CaseState.COMPLETED
    walk.check(window, "⑥ 待评价")
    keys.ctrl_enter()
    rating = walk.check_dialog(keys, RatingDialog, "评价", dialogs)
    keys.press(Qt.Key.Key_2)
    assert rating.reason_edit.isVisible()
    walk.check(rating, "评价 · 不满意须说明原因")
    keys.press(Qt.Key.Key_Escape)
    keys.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys.ctrl_enter()
    walk.check_dialog(keys, RatingDialog, "评价（再次）", dialogs)
    keys.press(Qt.Key.Key_4)
    keys.qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.rating.end_button)
    walk.check(window, "⑥ 已评价")
    keys.ctrl_enter()  # the visit ends
    assert panel.case is None

    keys.press(Qt.Key.Key_F2)  # a case forwarded upward
    keys.type("郑十一")
    keys.press(Qt.Key.Key_Tab)
    keys.type(make_id(birth="19550505"))
    keys.ctrl_enter()
    keys.type("mzmxbbz")
    keys.press(Qt.Key.Key_Return)
    keys.ctrl_enter()
    keys.alt("A")
    keys.ctrl_enter()
    keys.ctrl_enter()
    assert panel.current_step == Step.FINISH and panel.finish.forward_button.isVisible()
    walk.check(window, "⑤ 转报上级")

    keys.press(Qt.Key.Key_F9)
    walk.check(window, "期限提醒（F9）")
    keys.press(Qt.Key.Key_F12)
    walk.check(window, "办件查询（F12）")
    keys.press(Qt.Key.Key_F8)
    keys.press(
        Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    walk.check_dialog(keys, FollowUpDialog, "差评整改回访", dialogs)
    keys.press(Qt.Key.Key_Escape)
    keys.alt("W")  # the 窗口 menu, not a button
    menu = QApplication.activePopupWidget()
    assert menu is not None and menu.title() == "窗口(&W)"
    qtbot.keyClick(menu, Qt.Key.Key_Up)  # its last entry: 排队设置…
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    keys.presses += 2
    walk.check_dialog(keys, QueueSettingsDialog, "排队设置", dialogs)
    keys.press(Qt.Key.Key_Escape)
    keys.press(
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier  # 锁屏
        | Qt.KeyboardModifier.AltModifier,
    )
    assert window.locked
    walk.check(window, "锁屏")
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    assert not window.locked
    window.open_staff()  # 人员管理: the admin's PIN first
    check = walk.check_dialog(keys, AdminCheckDialog, "站长验证", dialogs)
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    assert dialogs.latest(AdminCheckDialog) is None and check is not None
    walk.check_dialog(keys, StaffDialog, "人员管理", dialogs)
    keys.press(Qt.Key.Key_Escape)

    for title in window.menuBar().actions():  # inside each menu
        found: Mnemonics = defaultdict(list)
        for action in title.menu().actions():
            key = QKeySequence.mnemonic(action.text())
            if not key.isEmpty():
                found[key.toString()].append(action.text())
        walk.screens.append(f"菜单 {title.text()}")
        if clashes(found):
            walk.clashes[f"菜单 {title.text()}"] = clashes(found)

    preview = SlipPreview(window.ctx.slips.printer, "notice", printer.jobs[0][1], window)
    qtbot.addWidget(preview)
    preview.show()
    walk.check(preview, "打印预览")
    for other in (
        SetupDialog(),
        LoginDialog("站", [counter.clerk_a], 1),
        AdminSetupDialog("站", [counter.clerk_a]),
        KioskWindow(window.ctx.ops),
    ):
        qtbot.addWidget(other)
        other.show()
        walk.check(other, type(other).__name__)

    assert len(walk.screens) >= 30
    assert not walk.clashes, walk.clashes
