"""From launch to a usable window: first-run set-up, login, a too-new store, the demo."""

import os
import subprocess
import sys

import pytest

from counterapp import store_key
from counterapp.app import Counter
from counterapp.station import add_clerk
from db import files
from tests.conftest import TOWN
from ui import comfort
from ui.dialogs import RecordingDialogs
from ui.hall_display import HallDisplay
from ui.kiosk import KioskWindow
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
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
    setup.try_accept()                         # empty: problems shown in place
    assert "站点编码" in setup.problems.text() and setup.isVisible()
    qtbot.keyClicks(setup.code, TOWN.code)
    setup.name.setText(TOWN.name)
    setup.level.setCurrentIndex(setup.level.findData("village"))
    qtbot.keyClicks(setup.county_code, TOWN.county_code)
    setup.county_name.setText(TOWN.county_name)
    setup.window_no.setValue(2)
    qtbot.keyClicks(setup.clerk_login, "2001")
    setup.clerk_name.setText("周敏")
    with qtbot.waitSignal(startup.ready, timeout=5000) as ready_signal:
        setup.try_accept()
        qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None)
        login = dialogs.latest(LoginDialog)
        assert login.clerk.name == "周敏" and login.window_no == 2
        login.accept()
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
    startup.close()


def test_a_store_from_a_newer_program_is_refused_in_chinese(qtbot, tmp_path):
    path = tmp_path / "station.db"
    Counter.open(path).close()
    conn = files.keyed(path, store_key.load(path))     # the sealed store, with its key
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(path), dialogs)
    with qtbot.waitSignal(startup.failed, timeout=5000) as failure:
        pass
    text = failure.args[0]
    assert "更新版本" in text and "99" in text and str(path) in text and "请安装最新版本" in text
    box = dialogs.latest(QMessageBox)
    assert box is not None and box.icon() == QMessageBox.Icon.Critical
    box.accept()
    assert startup.quits == [1]
    startup.close()


def test_the_login_can_be_skipped_for_a_named_clerk(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
        add_clerk(counter.store, "1001", "王丽", clock)
    startup = started(qtbot, StartOptions(path, clerk_login="1001", window_no=4, clock=clock))
    with qtbot.waitSignal(startup.ready, timeout=5000) as ready_signal:
        pass
    window = ready_signal.args[0]
    qtbot.addWidget(window)
    assert window.ctx.session.clerk.login == "1001" and window.ctx.window_no == 4
    startup.close()


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
        assert isinstance(shown, kind)
        shown.close()
        startup.close()


def test_demo_mode_seeds_a_station_on_first_run(qtbot, tmp_path):
    path = tmp_path / "demo" / "station.db"
    startup = started(qtbot, StartOptions(path, demo=True, clerk_login="1001"))
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
    done = subprocess.run([sys.executable, "-c", PROBE_COUNT], capture_output=True, text=True,
                          env=env, check=True)
    probed = done.stdout.split()
    if probed == ["no", "table"]:
        pytest.skip("this PySide version has no __feature__ table")
    ours = [name for name in probed if name.split(".")[0] in ("ui", "counterapp", "db")]
    assert ours == [], f"PySide read the source of {ours}"


def test_a_store_whose_key_this_pc_lacks_is_refused_in_chinese(qtbot, tmp_path):
    Counter.open(tmp_path / "elsewhere.db").close()
    path = tmp_path / "station.db"
    (tmp_path / "elsewhere.db").rename(path)            # a copy: its key names the other path
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(path), dialogs)
    with qtbot.waitSignal(startup.failed, timeout=5000) as failure:
        pass
    assert "没有此数据文件的加密密钥" in failure.args[0] and str(path) in failure.args[0]
    assert files.opens_with(path, store_key.load(tmp_path / "elsewhere.db"))   # untouched
    startup.close()
