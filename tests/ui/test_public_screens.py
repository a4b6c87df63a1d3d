"""The kiosk and the hall display are screens the public cannot leave (issue 13): no key
closes them without the station administrator's code, they stay full screen and on top, the
clerk's window never offers a kiosk, and the hall display opens from it only onto a second
screen."""

from __future__ import annotations

import pytest

from counterapp import admin_code
from counterapp.app import Counter
from tests.conftest import TOWN
from tests.ui.conftest import settle
from ui.dialogs import RecordingDialogs
from ui.hall_display import HallDisplay
from ui.kiosk import KioskWindow
from ui.main_window import HALL_NEEDS_SCREEN
from ui.public_screen import PublicDialogs
from ui.qt import QAction, Qt, QTimer
from ui.screen_exit_dialog import FREE_TRIES, LOCK_SECONDS, NO_CODE, WRONG, ScreenExitDialog
from ui.startup import StartOptions, Startup

CODE = "246810"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def start(qtbot, tmp_path, clock, mode: str, code: str | None = CODE):
    """A kiosk or hall PC started as `main.py --kiosk` / `--hall` starts it."""
    path = tmp_path / "station.db"
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
        if code is not None:
            admin_code.set_admin_code(counter.settings, code)
    startup = Startup(
        StartOptions(path, mode=mode, clock=clock), RecordingDialogs(), quit_program=lambda: None
    )
    with qtbot.waitSignal(startup.ready, timeout=10000) as ready:
        startup.start()
    screen = ready.args[0]
    qtbot.addWidget(screen)
    return startup, screen


def exit_dialog(qtbot, startup) -> ScreenExitDialog:
    qtbot.waitUntil(lambda: startup.ops.dialogs.latest(ScreenExitDialog) is not None)
    return startup.ops.dialogs.latest(ScreenExitDialog)


def give(qtbot, startup, dialog: ScreenExitDialog, code: str) -> None:
    dialog.code.setText(code)
    dialog.try_accept()
    settle(qtbot, startup.ops)


@pytest.mark.parametrize(("mode", "kind"), [("kiosk", KioskWindow), ("hall", HallDisplay)])
def test_no_key_closes_a_public_screen_without_the_admin_code(qtbot, tmp_path, clock, mode, kind):
    startup, screen = start(qtbot, tmp_path, clock, mode)
    assert isinstance(screen, kind) and screen.isFullScreen()
    flags = screen.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.FramelessWindowHint
    assert isinstance(startup.ops.dialogs, PublicDialogs)  # nothing for staff on this screen
    qtbot.keyClick(screen, Qt.Key.Key_Q, CTRL_SHIFT)  # was: closed at once
    dialog = exit_dialog(qtbot, startup)
    assert screen.isVisible() and dialog.windowTitle() == f"工作人员关闭{screen.screen_name}"
    dialog.reject()
    screen.close()  # Alt+F4, the window manager
    assert screen.isVisible()
    dialog = exit_dialog(qtbot, startup)
    give(qtbot, startup, dialog, "135790")
    assert screen.isVisible() and dialog.problem.text() == WRONG
    give(qtbot, startup, dialog, CODE)
    assert not screen.isVisible()
    startup.close()


def test_wrong_codes_make_the_next_try_wait_even_in_a_new_dialog(qtbot, tmp_path, clock):
    startup, kiosk = start(qtbot, tmp_path, clock, "kiosk")
    kiosk.ask_to_close()
    dialog = exit_dialog(qtbot, startup)
    for _ in range(FREE_TRIES):
        give(qtbot, startup, dialog, "000000")
    assert not dialog.ok.isEnabled() and f"{LOCK_SECONDS} 秒后再试" in dialog.problem.text()
    dialog.reject()
    kiosk.ask_to_close()
    dialog = exit_dialog(qtbot, startup)
    assert not dialog.ok.isEnabled()  # closing it reset nothing
    give(qtbot, startup, dialog, CODE)
    assert kiosk.isVisible()  # not even the right code
    kiosk.exit_tries.findChild(QTimer).timeout.emit()  # the wait is over
    assert dialog.ok.isEnabled()
    give(qtbot, startup, dialog, "000000")  # one more wrong: twice as long
    assert f"{LOCK_SECONDS * 2} 秒后再试" in dialog.problem.text()
    kiosk.release()
    startup.close()


def test_a_pc_without_an_admin_code_says_how_to_set_one(qtbot, tmp_path, clock):
    startup, hall = start(qtbot, tmp_path, clock, "hall", code=None)
    hall.ask_to_close()
    dialog = exit_dialog(qtbot, startup)
    give(qtbot, startup, dialog, "")
    assert hall.isVisible() and dialog.problem.text() == NO_CODE
    assert "counterapp admin-code" in NO_CODE
    hall.release()
    startup.close()


def test_a_public_screen_goes_back_to_full_screen(qtbot, tmp_path, clock):
    startup, kiosk = start(qtbot, tmp_path, clock, "kiosk")
    kiosk.showMinimized()
    qtbot.waitUntil(lambda: kiosk.isFullScreen() and not kiosk.isMinimized())
    kiosk.showNormal()
    qtbot.waitUntil(kiosk.isFullScreen)
    kiosk.release()
    startup.close()


def test_the_clerks_window_offers_no_kiosk(window):
    titles = [action.text() for action in window.findChildren(QAction)]
    assert not any("取号机" in title for title in titles)
    assert any(title.startswith("大厅叫号显示屏") for title in titles)


def test_the_hall_display_opens_from_the_clerks_window_on_a_second_screen_only(
    qtbot, window, dialogs, monkeypatch
):
    window.toggle_hall()  # the tests' PC has one screen
    assert dialogs.errors == [HALL_NEEDS_SCREEN] and window.hall is None
    monkeypatch.setattr("ui.main_window.hall_screen", lambda _window: window.screen())
    window.toggle_hall()
    hall = window.hall
    qtbot.addWidget(hall)
    assert hall.isVisible() and hall.isFullScreen()
    window.toggle_hall()  # the clerk closes it from the menu again
    assert not hall.isVisible() and window.hall is None
    window.toggle_hall()
    again = window.hall
    qtbot.addWidget(again)
    window.close()  # the counter window takes it along
    assert not again.isVisible()
