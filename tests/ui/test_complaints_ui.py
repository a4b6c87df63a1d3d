"""投诉 in the window, as a clerk works it: Ctrl+Shift+T opens 投诉登记, bad input is named in
Chinese and nothing is stored; a good one is registered; Ctrl+Shift+J lists it, a note and the
close with feedback are recorded; an overdue complaint shows in 期限提醒 (F9)."""

from __future__ import annotations

from datetime import datetime

from counterapp.clock import CST
from counterapp.complaints import ComplaintState, Feedback
from tests.ui.visit import Clerk, type_text
from ui.complaint_dialog import ComplaintDialog
from ui.complaint_list import ComplaintListDialog
from ui.qt import QApplication, Qt

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_by_key(qtbot, window, dialogs, key, kind):
    clerk = Clerk(qtbot, window)
    clerk.key(QApplication.focusWidget() or window, key, CTRL_SHIFT)
    dialog = dialogs.latest(kind)
    assert dialog is not None and dialog.isVisible()
    return clerk, dialog


def test_register_a_complaint_from_the_menu_key(qtbot, window, counter, dialogs):
    clerk, dialog = open_by_key(qtbot, window, dialogs, Qt.Key.Key_T, ComplaintDialog)
    assert window.menuBar().actions()[2].text() == "投诉(&T)"
    type_text(qtbot, dialog.name, "赵𠮷")
    type_text(qtbot, dialog.phone, "12345")
    clerk.click(dialog.ok_button)
    assert dialog.isVisible()
    assert "联系电话格式不正确" in dialog.status.text()
    assert "请填写投诉内容" in dialog.status.text()
    assert counter.store.scalar("SELECT count(*) FROM complaints") == 0
    dialog.phone.clear()
    type_text(qtbot, dialog.phone, "13900001111")
    dialog.channel.setCurrentIndex(2)  # 12345转办
    dialog.clerk.setCurrentIndex(dialog.clerk.findData("1002"))
    dialog.about.setFocus()
    type_text(qtbot, dialog.about, "窗口人员态度生硬")
    clerk.key(dialog.about, Qt.Key.Key_Tab)  # the note lets Tab go: on to 登记, by keyboard
    assert dialog.about.toPlainText() == "窗口人员态度生硬" and dialog.ok_button.hasFocus()
    clerk.key(dialog.ok_button, Qt.Key.Key_Return)
    assert dialogs.latest(ComplaintDialog) is None  # closed (and deleted)
    assert dialogs.infos and "已登记投诉 TS20261125001" in dialogs.infos[-1]
    [complaint] = counter.complaints.listing()
    assert (complaint.channel.label, complaint.clerk_name) == ("12345转办", "李强")


def test_note_and_close_in_the_list(qtbot, window, counter, dialogs):
    from counterapp.complaints import Channel, NewComplaint

    counter.complaints.register(
        NewComplaint(Channel.WINDOW, "赵𠮷", "13900001111", "等候过久"), None
    )
    clerk, dialog = open_by_key(qtbot, window, dialogs, Qt.Key.Key_J, ComplaintListDialog)
    clerk.settle()
    assert dialog.model.rowCount() == 1
    assert "赵𠮷" in dialog.model.text(dialog.model.rows[0], 4)
    type_text(qtbot, dialog.text, "已电话联系")
    clerk.click(dialog.note_button)
    assert "已登记处理情况" in dialog.status.text()
    type_text(qtbot, dialog.text, "已加开窗口")
    clerk.click(dialog.close_button)  # no feedback chosen
    assert "请选择投诉人对处理结果的评价" in dialog.status.text()
    dialog.feedback.setCurrentIndex(dialog.feedback.findData(Feedback.SATISFIED))
    clerk.click(dialog.close_button)
    [closed] = counter.complaints.listing()
    assert closed.state == ComplaintState.CLOSED and closed.result == "已加开窗口"
    assert "已办结" in dialog.model.text(dialog.model.rows[0], 2)


def test_an_overdue_complaint_shows_in_the_deadline_list(qtbot, window, counter, ctx):
    from counterapp.complaints import Channel, NewComplaint

    counter.complaints.register(
        NewComplaint(Channel.PHONE, "赵𠮷", "13900001111", "电话无人接听"), None
    )
    ctx.clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=CST))  # the deadline was 12-16
    clerk = Clerk(qtbot, window)
    clerk.key(QApplication.focusWidget() or window, Qt.Key.Key_F9)
    deadlines = window.deadlines
    deadlines.reload()
    clerk.settle()
    assert deadlines.complaints.isVisible()
    assert "超期投诉 1 件" in deadlines.complaints.text()
    assert "TS20261125001" in deadlines.complaints.text()
