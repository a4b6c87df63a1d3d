"""A window PC of a queue host in the real start-up, set-up and counter window (host on
127.0.0.1 over TLS): no admin of its own, the host's clerks at the login (and a retry when the
host cannot be reached at the first start), the window locked when the host asks for the PIN
again, 人员管理 pointing at the host; a kiosk or hall display PC keeps its own code."""

from __future__ import annotations

from counterapp import admin_code, sessions
from counterapp.app import Counter
from counterapp.lan_queue import tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import SIGNED_OUT
from counterapp.lan_queue.roles import QueueLink, Role, clerks_on_host
from counterapp.lan_queue.server import QueueServer
from counterapp.queue import Lane, TicketStatus
from tests.conftest import PIN, TOWN
from tests.lan_queue.conftest import issue_key
from tests.lan_queue.test_ui_shared_queue import first_run
from tests.sync.hubctl import free_port
from tests.ui.conftest import MAXIMISED, make_context, settle
from tests.ui.visit import Keyboard
from ui.admin_setup_dialog import AdminSetupDialog
from ui.dialogs import RecordingDialogs
from ui.login_dialog import LAST_HOST_LIST, LoginDialog
from ui.main_window import HOST_AWAY, MainWindow
from ui.ops import Ops
from ui.qt import QMessageBox, Qt
from ui.startup import OFFLINE_LOGIN, StartOptions, Startup, public_pc

CODE = "482913"


def login_by_keys(qtbot, startup: Startup, dialog: LoginDialog) -> None:
    dialog.pin.setFocus()
    qtbot.keyClicks(dialog.pin, PIN)
    with qtbot.waitSignal(startup.ready, timeout=10000) as ready:
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.addWidget(ready.args[0])


def test_a_first_start_without_the_host_says_so_and_the_clerk_retries(qtbot, host, tmp_path, clock):
    port = free_port()  # where the host will listen
    with Counter.open(tmp_path / "window2.db", clock) as window2:
        window2.configure_station(TOWN)
        window2.configure_queue(
            QueueLink(Role.CLIENT, host_url=f"127.0.0.1:{port}", key=issue_key(host), pin=host.pin)
        )
    dialogs = RecordingDialogs()
    startup = Startup(
        StartOptions(tmp_path / "window2.db", clock=clock), dialogs, quit_program=lambda: None
    )
    startup.start()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None, timeout=10000)
    login = dialogs.latest(LoginDialog)
    assert dialogs.latest(AdminSetupDialog) is None  # never an admin of its own
    assert login.clerks == [] and not login.ok_button.isEnabled()
    assert "无法从排队主机读取本站人员名单" in login.message.text()
    assert f"127.0.0.1:{port}" in login.message.text() and login.retry_button.isVisible()
    server = QueueServer(host.store.path, clock, port=port, bind="127.0.0.1").start()
    try:
        qtbot.mouseClick(login.retry_button, Qt.MouseButton.LeftButton)
        settle(qtbot, startup.ops, timeout=10000)
        assert [c.login for c in login.clerks] == ["1001"] and login.message.isHidden()
        login_by_keys(qtbot, startup, login)
        assert dialogs.infos == []  # the host checked the PIN
        assert startup.context.session.clerk.login == "1001"
    finally:
        startup.close()
        server.stop()


def test_offline_the_login_takes_the_last_list_and_says_what_waits(qtbot, host, new_client):
    window2 = new_client("window2", "1001", "王丽", window_no=2)  # read the list once
    window2.close()
    host.server.stop()
    dialogs = RecordingDialogs()
    startup = Startup(
        StartOptions(window2.store.path, clock=host.clock), dialogs, quit_program=lambda: None
    )
    startup.start()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None, timeout=10000)
    login = dialogs.latest(LoginDialog)
    assert [c.login for c in login.clerks] == ["1001"] and login.ok_button.isEnabled()
    assert login.message.text() == LAST_HOST_LIST
    login_by_keys(qtbot, startup, login)
    problem = f"无法连接排队主机 {host.server.url}，请检查网络或联系站点管理员"
    assert dialogs.infos == [OFFLINE_LOGIN.format(problem=problem)]
    startup.close()


def window_of(qtbot, counter: Counter) -> MainWindow:
    dialogs = RecordingDialogs()
    ctx = make_context(counter, Ops(counter, dialogs), dialogs, counter.clerk, 2)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(MAXIMISED)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.load()
    settle(qtbot, ctx.ops)
    return window


def test_the_window_locks_when_the_host_asks_for_the_pin_again(qtbot, host, new_client, clock):
    window2 = new_client("window2", "1001", "王丽", window_no=2)
    window = window_of(qtbot, window2)
    keys = Keyboard(qtbot, window)
    try:
        clock.advance(days=1)  # the host's new day ends every session
        host.queue.issue(Lane.NORMAL)
        keys.press(Qt.Key.Key_F2)
        assert window.locked and window.lock_page.note.text() == SIGNED_OUT
        assert window.ctx.dialogs.errors == []  # a lock, not a box
        assert host.queue.waiting()[0].status == TicketStatus.WAITING
        window.lock_page.pin.setFocus()
        keys.type(PIN)
        keys.press(Qt.Key.Key_Return)
        assert not window.locked and window.lock_page.pin.text() == ""
        keys.press(Qt.Key.Key_F2)
        assert host.queue.of_today()[0].status == TicketStatus.CALLED
        window.lock(sessions.BY_HAND)  # a later lock by hand says nothing of it
        assert window.lock_page.note.isHidden()
    finally:
        window.ctx.ops.shutdown()


def test_staff_management_on_a_window_pc_points_at_the_host(qtbot, host, new_client):
    window2 = new_client("window2", "1001", "王丽", window_no=2)
    window = window_of(qtbot, window2)
    try:
        window.open_staff()
        assert window.ctx.dialogs.infos == [clerks_on_host(host.server.url)]
        assert window.ctx.dialogs.opened == []
    finally:
        window.ctx.ops.shutdown()


def enter_client(setup, host, kind: Access) -> None:
    box = setup.queue_box
    box.role.setCurrentIndex(box.role.findData(Role.CLIENT))
    box.access.setCurrentIndex(box.access.findData(kind))
    box.host.setText(host.server.url)
    box.pin.setText(tls.shown(host.pin))
    box.key.setText(issue_key(host, kind))


def test_a_window_pc_set_up_on_first_run_takes_the_hosts_clerks(qtbot, host, tmp_path, clock):
    dialogs = RecordingDialogs()
    startup, setup = first_run(qtbot, tmp_path / "window2.db", clock, dialogs)
    assert setup.admin_box.isVisible() and setup.host_note.isHidden()
    enter_client(setup, host, Access.WINDOW)
    assert setup.admin_box.isHidden() and setup.host_note.isVisible()
    assert setup.code_box.isHidden()
    setup.try_accept()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None, timeout=10000)
    login = dialogs.latest(LoginDialog)
    assert [c.login for c in login.clerks] == ["1001"] and login.message.isHidden()
    assert startup.counter.store.scalar("SELECT count(*) FROM clerks") == 1  # the host's
    assert startup.counter.store.scalar("SELECT uuid FROM clerks") == host.clerk.uuid
    startup.close()


def test_a_kiosk_pc_set_up_on_first_run_keeps_a_code_and_opens_no_counter(
    qtbot, host, tmp_path, clock
):
    dialogs = RecordingDialogs()
    path = tmp_path / "kiosk.db"
    startup, setup = first_run(qtbot, path, clock, dialogs)
    enter_client(setup, host, Access.KIOSK)
    assert setup.admin_box.isHidden() and setup.code_box.isVisible()
    setup.try_accept()
    assert setup.isVisible() and admin_code.BAD_CODE in setup.problems.text()
    setup.screen_code.setText(CODE)
    setup.screen_code_again.setText(CODE)
    setup.try_accept()
    qtbot.waitUntil(lambda: dialogs.latest(QMessageBox) is not None, timeout=10000)
    assert dialogs.latest(QMessageBox).text() == f"设置已保存。{public_pc(Access.KIOSK)}"
    assert "counterapp --kiosk" in public_pc(Access.KIOSK)
    assert dialogs.latest(LoginDialog) is None
    assert startup.counter.store.scalar("SELECT count(*) FROM clerks") == 0  # no admin here
    assert admin_code.may_close_public_screen(startup.counter.settings, CODE)
    startup.close()
    again = Startup(StartOptions(path, clock=clock), RecordingDialogs(), quit_program=lambda: None)
    with qtbot.waitSignal(again.failed, timeout=10000) as failed:
        again.start()
    assert failed.args == [public_pc(Access.KIOSK)]
    again.close()


def test_an_unlock_while_the_host_is_away_is_checked_here_and_says_so(qtbot, host, new_client):
    window2 = new_client("window2", "1001", "王丽", window_no=2)
    window = window_of(qtbot, window2)
    keys = Keyboard(qtbot, window)
    try:
        host.server.stop()
        window.lock(sessions.BY_HAND)
        settle(qtbot, window.ctx.ops)
        window.lock_page.pin.setFocus()
        keys.type(PIN)
        keys.press(Qt.Key.Key_Return)
        assert not window.locked, window.lock_page.message.text()
        problem = f"无法连接排队主机 {host.server.url}，请检查网络或联系站点管理员"
        assert window.statusBar().currentMessage() == HOST_AWAY.format(problem=problem)
    finally:
        window.ctx.ops.shutdown()
