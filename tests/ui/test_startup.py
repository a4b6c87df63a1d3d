"""From launch to a usable window: first-run set-up, login, a too-new store, the demo."""

import os
import subprocess
import sys

import pytest

from counterapp import pins, store_key
from counterapp.app import Counter
from counterapp.demo import DEMO_PIN
from counterapp.station import ADMIN, add_clerk
from db import files
from tests.conftest import PIN, TOWN
from tests.test_accounts import clerk_events
from ui import comfort
from ui.admin_setup_dialog import AdminSetupDialog
from ui.dialogs import RecordingDialogs
from ui.hall_display import HallDisplay
from ui.kiosk import KioskWindow
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.public_screen import PublicDialogs
from ui.qt import QCoreApplication, QMessageBox
from ui.setup_dialog import SetupDialog
from ui.startup import StartOptions, Startup


def started(qtbot, options, dialogs=None):
    quits = []
    startup = Startup(options, dialogs or RecordingDialogs(), quit_program=lambda: quits.append(1))
    startup.quits = quits
    startup.start()
    return startup


def test_first_run_setup_then_login_then_the_window(qtbot, tmp_path, clock):
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(tmp_path / "station.db", clock=clock), dialogs)
    qtbot.waitUntil(lambda: dialogs.latest(SetupDialog) is not None)
    setup = dialogs.latest(SetupDialog)
    setup.try_accept()  # empty: problems shown in place
    assert "站点编码" in setup.problems.text() and setup.isVisible()
    qtbot.keyClicks(setup.code, TOWN.code)
    setup.name.setText(TOWN.name)
    setup.level.setCurrentIndex(setup.level.findData("village"))
    qtbot.keyClicks(setup.county_code, TOWN.county_code)
    setup.county_name.setText(TOWN.county_name)
    setup.window_no.setValue(2)
    fill_account(qtbot, setup.admin_box, "2001", "周敏", "123456", "123456")
    setup.try_accept()  # a guessable PIN: said in place
    assert "连续" in setup.problems.text() and setup.isVisible()
    fill_account(qtbot, setup.admin_box, "2001", "周敏", PIN, PIN + "0")
    setup.try_accept()
    assert "两次输入的PIN不一致" in setup.problems.text() and setup.isVisible()
    setup.admin_box.pins.again.setText(PIN)
    with qtbot.waitSignal(startup.ready, timeout=5000) as ready_signal:
        setup.try_accept()
        qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None)
        login = dialogs.latest(LoginDialog)
        assert login.login == "2001" and login.window_no == 2
        assert login.clerk_box.currentText() == "周敏（工号 2001） · 站长"
        qtbot.keyClicks(login.pin, "999888")
        login.try_login()
        qtbot.waitUntil(lambda: login.message.isVisible())
        assert "PIN不正确" in login.message.text() and login.pin.text() == ""
        assert login.isVisible() and startup.window is None
        qtbot.keyClicks(login.pin, PIN)
        login.try_login()
    window = ready_signal.args[0]
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    # the window takes the screen less the taskbar, never more (its status bar stays in sight)
    assert window.isMaximized()
    assert window.screen().availableGeometry().contains(window.frameGeometry())
    assert window.ctx.station.level == "village" and window.ctx.window_no == 2
    assert "2号窗口" in window.windowTitle() and "周敏" in window.windowTitle()
    # the village checklist comes first in the item list
    first = window.case_panel.items.model.rows[0]
    assert first.listed
    assert startup.counter.settings.get("window_no") == 2
    assert startup.counter.store.scalar("SELECT pin_hash FROM clerks").startswith("$argon2id$")
    startup.close()


def test_a_store_from_a_newer_program_is_refused_in_chinese(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    Counter.open(path, clock).close()
    conn = files.keyed(path, store_key.load(path))  # the sealed store, with its key
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(path, clock=clock), dialogs)
    with qtbot.waitSignal(startup.failed, timeout=5000) as failure:
        pass
    text = failure.args[0]
    assert "更新版本" in text and "99" in text and str(path) in text and "请安装最新版本" in text
    box = dialogs.latest(QMessageBox)
    assert box is not None and box.icon() == QMessageBox.Icon.Critical
    box.accept()
    assert startup.quits == [1]
    startup.close()


def station_with_admin(path, clock) -> None:
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
        add_clerk(counter.store, "1001", "王丽", clock, role=ADMIN, pin_hash=pins.hash_pin(PIN))


def test_a_scripted_login_checks_the_pin_and_the_logout_is_journalled(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    station_with_admin(path, clock)
    startup = started(
        qtbot, StartOptions(path, clerk_login="1001", clerk_pin=PIN, window_no=4, clock=clock)
    )
    with qtbot.waitSignal(startup.ready, timeout=5000) as ready_signal:
        pass
    window = ready_signal.args[0]
    qtbot.addWidget(window)
    assert window.ctx.session.clerk.login == "1001" and window.ctx.window_no == 4
    counter = startup.counter
    startup.close()
    with Counter.open(path, clock) as again:
        again.clerk_a = counter  # clerk_events reads the store only
        kinds = [(e["kind"], e["data"]) for e in clerk_events(again)][1:]
    assert kinds == [("logged_in", {"window": 4}), ("logged_out", {"window": 4})]


def test_a_scripted_login_with_a_wrong_pin_ends_the_program(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    station_with_admin(path, clock)
    dialogs = RecordingDialogs()
    startup = started(
        qtbot, StartOptions(path, clerk_login="1001", clerk_pin="999888", clock=clock), dialogs
    )
    with qtbot.waitSignal(startup.failed, timeout=5000) as failure:
        pass
    assert failure.args[0].startswith("登录失败：PIN不正确") and startup.window is None
    dialogs.latest(QMessageBox).accept()
    assert startup.quits == [1]
    startup.close()


def test_a_store_from_before_accounts_asks_for_its_admin_first(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
        add_clerk(counter.store, "1001", "王丽", clock)  # no PIN, no admin
        add_clerk(counter.store, "1002", "李强", clock)
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(path, clock=clock), dialogs)
    qtbot.waitUntil(lambda: dialogs.latest(AdminSetupDialog) is not None)
    admin_setup = dialogs.latest(AdminSetupDialog)
    fill_account(qtbot, admin_setup.account, "1001", "李强", PIN, PIN)
    admin_setup.try_accept()  # 1001 is 王丽's: refused, asked again
    qtbot.waitUntil(lambda: dialogs.latest(AdminSetupDialog) not in (None, admin_setup))
    admin_setup = dialogs.latest(AdminSetupDialog)
    assert "已属于王丽" in admin_setup.problems.text()
    fill_account(qtbot, admin_setup.account, "1001", "王丽", PIN, PIN)
    admin_setup.try_accept()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None)
    login = dialogs.latest(LoginDialog)
    assert login.login == "1001"
    login.clerk_box.setCurrentIndex(login.clerk_box.findData("1002"))
    qtbot.keyClicks(login.pin, PIN)
    login.try_login()  # 李强 has no PIN yet: the admin must set it
    qtbot.waitUntil(lambda: login.message.isVisible())
    assert "李强尚未设置PIN" in login.message.text()
    startup.close()


def fill_account(qtbot, box, login, name, pin, again) -> None:
    for edit, text in (
        (box.login, login),
        (box.name, name),
        (box.pins.pin, pin),
        (box.pins.again, again),
    ):
        edit.clear()
        if text.isascii():
            qtbot.keyClicks(edit, text)
        else:  # QTest types ASCII only; Chinese comes from an input method
            edit.setText(text)


def test_kiosk_and_hall_modes_need_no_login(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
    for mode, kind in (("kiosk", KioskWindow), ("hall", HallDisplay)):
        startup = started(qtbot, StartOptions(path, mode=mode, clock=clock))
        with qtbot.waitSignal(startup.ready, timeout=5000) as ready_signal:
            pass
        shown = ready_signal.args[0]
        qtbot.addWidget(shown)
        assert isinstance(shown, kind) and isinstance(startup.ops.dialogs, PublicDialogs)
        shown.release()
        startup.close()


def test_the_demo_login_shows_the_demo_pin_and_a_real_store_never(qtbot, tmp_path, clock):
    for demo in (True, False):
        path = tmp_path / str(demo) / "station.db"
        if not demo:
            station_with_admin(path, clock)
        dialogs = RecordingDialogs()
        startup = started(qtbot, StartOptions(path, demo=demo, clock=clock), dialogs)
        qtbot.waitUntil(lambda d=dialogs: d.latest(LoginDialog) is not None, timeout=30000)
        texts = " ".join(
            label.text()
            for label in dialogs.latest(LoginDialog).findChildren(
                type(dialogs.latest(LoginDialog).message)
            )
        )
        assert (DEMO_PIN in texts) is demo
        startup.close()


def test_demo_mode_seeds_a_station_on_first_run(qtbot, tmp_path, clock):
    path = tmp_path / "demo" / "station.db"
    startup = started(
        qtbot, StartOptions(path, demo=True, clerk_login="1001", clerk_pin=DEMO_PIN, clock=clock)
    )
    with qtbot.waitSignal(startup.ready, timeout=30000) as ready_signal:
        pass
    window = ready_signal.args[0]
    qtbot.addWidget(window)
    assert window.ctx.station.name == "千泉街道医保服务站"
    assert window.queue_panel.summary.text().startswith("等候")
    startup.close()


def test_qts_own_texts_are_in_chinese(qapp):
    translator = comfort.install_chinese_qt_texts(qapp)
    assert translator is not None
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QCoreApplication.translate("QLineEdit", "&Paste") == "粘贴(&P)"
    finally:
        qapp.removeTranslator(translator)


PROBE_COUNT = """
import sys
import counterapp.app
import ui.qt
feature = sys.modules.get("shibokensupport.feature")
if not isinstance(getattr(feature, "pyside_feature_dict", None), dict):
    print("no table")
    raise SystemExit
probed = []
real_probe = feature._mod_uses_pyside
feature._mod_uses_pyside = lambda module: probed.append(module.__name__) or real_probe(module)
import ui.main_window, ui.steps.items_step, counterapp.cases  # noqa: E401
print(" ".join(probed) or "none")
"""


def test_no_module_of_the_program_has_its_source_read_by_pyside_on_import():
    """PySide's `__feature__` probe reads each newly imported module's source (~0.2 ms
    each); ui.qt enters this program's modules as 'ignore' first. Run in a fresh interpreter,
    since this test session has imported everything already."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE_COUNT], capture_output=True, text=True, env=env, check=True
    )
    probed = done.stdout.split()
    if probed == ["no", "table"]:
        pytest.skip("this PySide version has no __feature__ table")
    ours = [name for name in probed if name.split(".")[0] in ("ui", "counterapp", "db")]
    assert ours == [], f"PySide read the source of {ours}"


def test_a_store_whose_key_this_pc_lacks_is_refused_in_chinese(qtbot, tmp_path):
    Counter.open(tmp_path / "elsewhere.db").close()
    path = tmp_path / "station.db"
    (tmp_path / "elsewhere.db").rename(path)  # a copy: its key names the other path
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(path), dialogs)
    with qtbot.waitSignal(startup.failed, timeout=5000) as failure:
        pass
    assert "没有此数据文件的加密密钥" in failure.args[0] and str(path) in failure.args[0]
    assert files.opens_with(path, store_key.load(tmp_path / "elsewhere.db"))  # untouched
    startup.close()
