"""F6 transfer (转窗口): only the station's other windows are offered, and after a transfer the
queue's count, its list and the hall display tell the same story."""

from counterapp.queue import Lane, TicketStatus
from counterapp.windows import set_window_count
from ui.hall_display import HallDisplay
from ui.qt import QApplication, Qt
from ui.queue_model import Column as QueueColumn
from ui.transfer_dialog import TransferDialog

from .conftest import make_context, settle
from .visit import Keyboard


def waiting_rows(panel) -> list[str]:
    model = panel.model
    return [
        model.ticket(row).code
        for row in range(model.rowCount())
        if model.ticket(row).status == TicketStatus.WAITING
    ]


def test_f6_offers_the_other_windows_and_count_list_and_hall_agree(
    qtbot, window, counter, ops, dialogs
):
    from ui.main_window import MainWindow

    set_window_count(counter.settings, 3)
    first = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    hall = HallDisplay(ops)
    qtbot.addWidget(hall)
    hall.show()
    window.activateWindow()  # the hall is the citizens' screen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F2)
    assert window.queue_panel.current.id == first.id
    keys.press(Qt.Key.Key_F6)
    dialog = dialogs.latest(TransferDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    offered = [dialog.to_window.itemText(i) for i in range(dialog.to_window.count())]
    assert offered == ["2号窗口", "3号窗口"]  # never the own window, nor window 99
    assert keys.focused() is dialog.to_window
    keys.press(Qt.Key.Key_Down)  # 3号窗口
    keys.press(Qt.Key.Key_Return)
    moved = counter.queue.get(first.id)
    assert moved.status == TicketStatus.WAITING and moved.target_window == 3
    panel = window.queue_panel
    assert panel.current is None
    # the count is the list: A001 waits for window 3, A002 for any window
    assert waiting_rows(panel) == ["A002", "A001"]
    assert panel.summary.text() == "等候 2 人（其中优先 0 人，转其他窗口 1 人）"
    assert panel.model.data(panel.model.index(1, QueueColumn.NOTE)) == "转至3号窗口"
    # the hall display says where A001 goes, first, and counts the same two
    hall.reload()
    settle(qtbot, ops)
    assert hall.upcoming.text().split("<br>")[0].endswith("转3号窗口</span>")
    assert "A001" in hall.upcoming.text().split("<br>")[0]
    assert "A002" in hall.upcoming.text().split("<br>")[1]
    assert "共 2 人等候" in hall.waiting.text()
    # window 3, another clerk: the transferred ticket comes before the one that waited
    other = MainWindow(make_context(counter, ops, dialogs, counter.clerk_b, window_no=3))
    qtbot.addWidget(other)
    other.load()
    settle(qtbot, ops)
    assert waiting_rows(other.queue_panel) == ["A001", "A002"]
    other.queue_panel.call_next.trigger()
    settle(qtbot, ops)
    assert other.queue_panel.current.id == first.id
    assert "A001" not in hall.upcoming.text() and "A001" in hall.latest.text()
    assert "共 1 人等候" in hall.waiting.text()
    assert window.queue_panel.summary.text() == "等候 1 人（其中优先 0 人）"


def test_f6_at_a_one_window_station_says_where_to_add_windows(qtbot, window, counter, dialogs):
    from ui.queue_settings_dialog import QueueSettingsDialog

    counter.queue.issue(Lane.NORMAL)
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F2)
    keys.press(Qt.Key.Key_F6)
    assert dialogs.latest(TransferDialog) is None
    assert "无法转窗口" in dialogs.errors[-1] and "排队设置" in dialogs.errors[-1]
    window.open_queue_settings()
    settings = dialogs.latest(QueueSettingsDialog)
    qtbot.waitUntil(lambda: settings.save_button.isEnabled())
    assert settings.window_count.value() == 0  # 按各窗口叫号情况自动识别
    settings.window_count.setFocus()
    keys.press(Qt.Key.Key_Up)
    keys.press(Qt.Key.Key_Up)
    keys.press(Qt.Key.Key_Return)  # 保存
    assert counter.settings.get("station_windows") == 2
    keys.press(Qt.Key.Key_F6)
    dialog = dialogs.latest(TransferDialog)
    assert dialog is not None and dialog.target_window == 2
