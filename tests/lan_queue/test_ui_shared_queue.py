"""The real queue panel, kiosk, hall display, set-up and settings dialogs and start-up against
a queue host on 127.0.0.1."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from counterapp import pins
from counterapp.app import Counter
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.lan_queue.server import QueueServer
from counterapp.queue import Lane, TicketStatus
from counterapp.station import ADMIN, add_clerk
from counterapp.store_key import open_store
from counterapp.windows import set_window_count
from tests.conftest import PIN, TOWN
from tests.lan_queue.conftest import issue_key, restart
from tests.sync.hubctl import free_port
from tests.ui.conftest import FakePrinter, make_context, settle
from ui.dialogs import RecordingDialogs
from ui.hall_display import STALE as HALL_STALE
from ui.hall_display import HallDisplay
from ui.kiosk import NOT_ISSUED, KioskWindow
from ui.login_dialog import LoginDialog
from ui.ops import Ops
from ui.qt import QLabel
from ui.queue_link_box import KEEP_SAVED_KEY
from ui.queue_panel import STALE, QueuePanel
from ui.queue_settings_dialog import QueueSettingsDialog
from ui.setup_dialog import SetupDialog
from ui.slip_service import SlipService
from ui.startup import StartOptions, Startup
from ui.transfer_dialog import TransferDialog


@pytest.fixture
def ops_for():
    """Ops (the one store thread) for each client PC, shut down at the end."""
    made: list[Ops] = []

    def make(counter: Counter, dialogs: RecordingDialogs) -> Ops:
        made.append(Ops(counter, dialogs))
        return made[-1]

    yield make
    for ops in made:
        ops.shutdown()


def panel_for(qtbot, counter: Counter, ops: Ops, dialogs, window_no: int) -> QueuePanel:
    panel = QueuePanel(make_context(counter, ops, dialogs, counter.clerk, window_no))
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    settle(qtbot, ops)
    return panel


def test_a_window_panel_calls_the_kiosks_tickets_and_transfers(
    qtbot, host, new_client, ops_for, clock
):
    kiosk_pc = new_client("kiosk", kind=Access.KIOSK)
    window2 = new_client("window2", "1002", "李强", window_no=2)
    window3 = new_client("window3", "1003", "赵敏", window_no=3)
    kiosk_dialogs, dialogs2, dialogs3 = RecordingDialogs(), RecordingDialogs(), RecordingDialogs()
    kiosk_ops = ops_for(kiosk_pc, kiosk_dialogs)
    kiosk = KioskWindow(kiosk_ops)
    qtbot.addWidget(kiosk)
    printer = FakePrinter()
    kiosk.slips = SlipService(kiosk_ops, printer_factory=lambda: printer)
    printer.failed = kiosk.slips.failed
    kiosk.show()
    kiosk.issue(Lane.NORMAL, None)
    settle(qtbot, kiosk_ops)
    clock.advance(minutes=1)
    kiosk.issue(Lane.PRIORITY, "残疾人")
    settle(qtbot, kiosk_ops)
    assert kiosk.last_ticket.code == "Y001" and "前面还有 <b>0</b> 人" in kiosk.ticket_label.text()
    assert [kind for kind, _ in printer.jobs] == ["ticket", "ticket"]
    assert (
        kiosk_pc.store.scalar(  # print records link to the kiosk's own mirror rows
            "SELECT count(*) FROM slip_prints AS p JOIN tickets AS t ON t.id = p.ticket_id "
            "WHERE t.mirror = 1"
        )
        == 2
    )

    panel2 = panel_for(qtbot, window2, ops_for(window2, dialogs2), dialogs2, 2)
    panel3 = panel_for(qtbot, window3, ops_for(window3, dialogs3), dialogs3, 3)
    assert [panel2.model.ticket(r).code for r in range(panel2.model.rowCount())] == ["Y001", "A001"]
    assert "等候 2 人（其中优先 1 人）" in panel2.summary.text()
    panel2.call_next.trigger()
    settle(qtbot, panel2.ctx.ops)
    assert panel2.current.code == "Y001" and "Y001" in panel2.current_label.text()
    assert panel2.recall.isEnabled() and dialogs2.errors == []

    set_window_count(window2.settings, 3)  # window 3 has not called yet: the count says so
    panel2.transfer.trigger()
    settle(qtbot, panel2.ctx.ops)
    transfer = panel2.ctx.dialogs.latest(TransferDialog)
    transfer.to_window.setCurrentIndex(transfer.to_window.findData(3))
    transfer.accept()
    settle(qtbot, panel2.ctx.ops)
    assert panel2.current is None
    panel3.reload()
    settle(qtbot, panel3.ctx.ops)
    assert panel3.model.ticket(0).code == "Y001"  # transferred here: first in line
    panel3.call_next.trigger()
    settle(qtbot, panel3.ctx.ops)
    assert panel3.current.code == "Y001" and panel3.current.window_no == 3
    assert host.queue.of_day(clock.today())[1].status == TicketStatus.CALLED


def test_the_kiosk_tells_the_public_plainly_when_the_host_is_down(
    qtbot, host, new_client, ops_for, caplog
):
    kiosk_pc = new_client("kiosk", kind=Access.KIOSK)
    dialogs = RecordingDialogs()
    ops = ops_for(kiosk_pc, dialogs)
    kiosk = KioskWindow(ops)
    qtbot.addWidget(kiosk)
    kiosk.show()
    host.server.stop()
    kiosk.issue(Lane.NORMAL, None)
    settle(qtbot, ops)
    shown = " ".join(label.text() for label in kiosk.findChildren(QLabel))
    assert NOT_ISSUED in kiosk.ticket_label.text() and kiosk.pages.currentIndex() == 2
    assert "127.0.0.1" not in shown and "http" not in shown
    assert dialogs.errors == []  # was: a box with the host's address
    assert host.server.url in caplog.text  # for staff, in the log


def test_the_panel_says_when_the_host_is_down(qtbot, host, new_client, ops_for):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    dialogs = RecordingDialogs()
    panel = panel_for(qtbot, window2, ops_for(window2, dialogs), dialogs, 2)
    host.server.stop()
    panel.call_next.trigger()
    settle(qtbot, panel.ctx.ops)
    assert dialogs.errors == [f"无法连接排队主机 {host.server.url}，请检查网络或联系站点管理员"]
    assert panel.current is None


def test_timed_reloads_while_the_host_is_down_say_so_on_a_line(qtbot, host, new_client, ops_for):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    dialogs = RecordingDialogs()
    panel = panel_for(qtbot, window2, ops_for(window2, dialogs), dialogs, 2)
    assert panel.stale.isHidden()
    host.server.stop()
    for _ in range(3):
        panel._refresher.timeout.emit()
        settle(qtbot, panel.ctx.ops)
    assert dialogs.errors == []  # no pile of boxes
    assert panel.stale.isVisible() and panel.stale.text().startswith(STALE)
    assert host.server.url in panel.stale.text()  # the clerk may tell the administrator
    server = restart(host)
    try:
        panel._refresher.timeout.emit()
        settle(qtbot, panel.ctx.ops)
        assert panel.stale.isHidden() and dialogs.errors == []
    finally:
        server.stop()


def test_the_hall_display_says_neutrally_when_it_cannot_update(
    qtbot, host, new_client, ops_for, clock, caplog
):
    hall_pc = new_client("hall", kind=Access.HALL)
    host.queue.issue(Lane.NORMAL)
    host.queue.call_next(1, host.clerk.id)
    dialogs = RecordingDialogs()
    ops = ops_for(hall_pc, dialogs)
    hall = HallDisplay(ops)
    qtbot.addWidget(hall)
    hall.show()
    hall.reload()
    settle(qtbot, ops)
    host.server.stop()
    for _ in range(3):
        hall._timer.timeout.emit()
        settle(qtbot, ops)
    assert dialogs.errors == [] and hall.stale.isVisible() and hall.stale.text() == HALL_STALE
    shown = " ".join(label.text() for label in hall.findChildren(QLabel))
    assert "127.0.0.1" not in shown and "http" not in shown and "A001" in shown
    assert host.server.url in caplog.text  # for staff, in the log
    server = restart(host)
    try:
        hall._timer.timeout.emit()
        settle(qtbot, ops)
        assert hall.stale.isHidden() and dialogs.errors == []
    finally:
        server.stop()


def test_the_hall_display_on_a_client_shows_every_window(qtbot, host, new_client, ops_for, clock):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    hall_pc = new_client("hall", kind=Access.HALL)
    for _ in range(3):
        host.queue.issue(Lane.NORMAL)
        clock.advance(minutes=1)
    host.queue.call_next(1, host.clerk.id)
    ops = ops_for(hall_pc, RecordingDialogs())
    hall = HallDisplay(ops)
    qtbot.addWidget(hall)
    hall.reload()
    settle(qtbot, ops)
    clock.advance(minutes=1)
    window2.queue.call_next(2, window2.clerk.id)
    hall.reload()
    settle(qtbot, ops)
    assert "A002" in hall.latest.text() and "请到 2 号窗口办理" in hall.latest_where.text()
    assert "A001" in hall.others.text() and "1号窗口" in hall.others.text()
    assert "A003" in hall.upcoming.text() and "共 1 人等候" in hall.waiting.text()
    assert hall.announced == ["请 A002 号到 2 号窗口办理"]


TLS_PIN = "ab12" * 16


def test_the_setup_dialog_offers_host_and_client(qtbot):
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    box = dialog.queue_box
    assert box.role.currentData() == Role.STANDALONE
    assert not any(f.isEnabled() for f in (box.key, box.pin, box.host, box.access, box.port))
    box.role.setCurrentIndex(box.role.findData(Role.HOST))
    assert box.port.isEnabled() and not box.key.isEnabled()
    assert box.link([]) == QueueLink(Role.HOST, port=8766)
    box.role.setCurrentIndex(box.role.findData(Role.CLIENT))
    assert box.key.isEnabled() and box.pin.isEnabled() and not box.port.isEnabled()
    problems: list[str] = []
    box.host.setText("http://192.168.1.10")
    box.pin.setText("AB12 CD34")
    box.link(problems)
    assert problems[0].startswith("排队主机地址不正确") and "证书指纹应为" in problems[1]
    assert "完整排队密钥" in problems[2]
    box.host.setText("192.168.1.10")
    box.pin.setText(tls.shown(TLS_PIN))
    box.key.setText("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ")
    box.access.setCurrentIndex(box.access.findData(Access.KIOSK))
    assert box.link([]) == QueueLink(
        Role.CLIENT,
        "https://192.168.1.10:8766",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ",
        access=Access.KIOSK,
        pin=TLS_PIN,
    )


def test_a_client_set_up_again_in_the_settings_may_keep_its_key(qtbot, host, new_client, ops_for):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    dialogs = RecordingDialogs()
    ctx = make_context(window2, ops_for(window2, dialogs), dialogs, window2.clerk, 2)
    dialog = QueueSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load()
    settle(qtbot, ctx.ops)
    box = dialog.box
    assert box.role.currentData() == Role.CLIENT and box.access.currentData() == Access.WINDOW
    assert box.pin.text() == tls.shown(host.pin) and box.key.text() == ""
    assert box.key.placeholderText() == KEEP_SAVED_KEY
    assert not dialog.keys_button.isEnabled()  # keys are issued on the host
    dialog.save()
    settle(qtbot, ctx.ops)
    assert dialogs.errors == [] and window2.queue.issue(Lane.NORMAL).code == "A001"


def test_the_queue_key_is_not_in_a_links_repr():
    key = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ"
    link = QueueLink(Role.CLIENT, host_url="https://192.168.1.10:8766", key=key, pin=TLS_PIN)
    assert key not in repr(link) and "192.168.1.10" in repr(link)


def ping(port: int, key: str | None) -> httpx.Response:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.get(f"https://127.0.0.1:{port}/v1/ping", headers=headers, verify=False)


def host_pc(path, clock, port: int | None = None) -> tuple[int, str]:
    """A station store set up as the queue host; the port it serves on and a window key."""
    with Counter.open(path, clock) as counter:
        counter.configure_station(TOWN)
        add_clerk(counter.store, "1001", "王丽", clock, role=ADMIN, pin_hash=pins.hash_pin(PIN))
        counter.configure_queue(QueueLink(Role.HOST, port=port or free_port()))
        return counter.settings.get("queue_serve_port"), issue_key(counter)


def test_the_host_pc_serves_the_queue_while_the_program_runs(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    port, key = host_pc(path, clock)
    startup = Startup(
        StartOptions(path, clerk_login="1001", clerk_pin=PIN, clock=clock),
        RecordingDialogs(),
        quit_program=lambda: None,
    )
    with qtbot.waitSignal(startup.ready, timeout=10000) as ready:
        startup.start()
    qtbot.addWidget(ready.args[0])
    qtbot.waitUntil(lambda: startup.queue_server is not None, timeout=10000)
    assert ping(port, key).json()["station"]["name"] == TOWN.name
    startup.close()
    with pytest.raises(httpx.ConnectError):
        ping(port, key)


def test_starting_the_queue_server_holds_up_no_store_call(qtbot, tmp_path, clock, monkeypatch):
    """The server's start (~0.6 s of imports) is held until the window's first reads are
    back: they must not wait behind it on the store thread."""
    path = tmp_path / "station.db"
    port, key = host_pc(path, clock)
    go_on = threading.Event()
    start = QueueServer.start

    def held_start(server: QueueServer) -> QueueServer:
        go_on.wait()
        return start(server)

    monkeypatch.setattr(QueueServer, "start", held_start)
    startup = Startup(
        StartOptions(path, clerk_login="1001", clerk_pin=PIN, clock=clock),
        RecordingDialogs(),
        quit_program=lambda: None,
    )
    try:
        with qtbot.waitSignal(startup.ready, timeout=10000) as ready:
            startup.start()
        qtbot.addWidget(ready.args[0])
        assert startup.queue_server is None  # still starting
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: startup.queue_server is not None, timeout=10000)
    assert ping(port, key).json()["station"]["name"] == TOWN.name
    startup.close()


def test_the_host_serves_the_queue_before_any_clerk_logs_in(qtbot, tmp_path, clock):
    path = tmp_path / "station.db"
    port, key = host_pc(path, clock)
    dialogs = RecordingDialogs()
    startup = Startup(StartOptions(path, clock=clock), dialogs, quit_program=lambda: None)
    startup.start()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None, timeout=10000)
    qtbot.waitUntil(lambda: startup.queue_server is not None, timeout=10000)
    assert dialogs.latest(LoginDialog).isVisible() and startup.window is None
    assert ping(port, key).json()["station"]["name"] == TOWN.name
    startup.close()


def first_run(qtbot, path, clock, dialogs: RecordingDialogs) -> tuple[Startup, SetupDialog]:
    """A PC started on a new store: the set-up dialog, with the station filled in."""
    startup = Startup(StartOptions(path, clock=clock), dialogs, quit_program=lambda: None)
    startup.start()
    qtbot.waitUntil(lambda: dialogs.latest(SetupDialog) is not None)
    setup = dialogs.latest(SetupDialog)
    for field, text in (
        (setup.code, TOWN.code),
        (setup.name, TOWN.name),
        (setup.county_code, TOWN.county_code),
        (setup.county_name, TOWN.county_name),
        (setup.admin_box.login, "1001"),
        (setup.admin_box.name, "王丽"),
        (setup.admin_box.pins.pin, PIN),
        (setup.admin_box.pins.again, PIN),
    ):
        field.setText(text)
    return startup, setup


def test_a_pc_set_up_as_the_host_on_first_run_serves_before_the_login(qtbot, tmp_path, clock):
    dialogs = RecordingDialogs()
    path = tmp_path / "station.db"
    startup, setup = first_run(qtbot, path, clock, dialogs)
    box = setup.queue_box
    box.role.setCurrentIndex(box.role.findData(Role.HOST))
    port = free_port()
    box.port.setValue(port)
    setup.try_accept()
    qtbot.waitUntil(lambda: startup.queue_server is not None, timeout=10000)
    assert dialogs.latest(LoginDialog).isVisible() and startup.window is None
    assert ping(port, None).status_code == 401  # TLS, and no way in without a key
    with open_store(path) as store:  # 排队密钥管理 issues one
        _grant, key = access.issue(store, Access.WINDOW, "2号窗口", clock)
    assert ping(port, key).json()["station"]["name"] == TOWN.name
    startup.close()


def test_a_client_window_lists_the_stations_clerks_from_the_host(
    qtbot, host, new_client, tmp_path, clock
):
    add_clerk(host.store, "1003", "赵敏", clock)
    window2 = new_client("window2")  # no clerk of its own yet
    window2.close()
    dialogs = RecordingDialogs()
    startup = Startup(
        StartOptions(window2.store.path, clock=clock), dialogs, quit_program=lambda: None
    )
    startup.start()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None, timeout=10000)
    login = dialogs.latest(LoginDialog)
    assert [c.login for c in login.clerks] == ["1001", "1003"]
    assert startup.counter.store.scalar(
        "SELECT uuid FROM clerks WHERE login = '1003'"
    ) == host.store.scalar("SELECT uuid FROM clerks WHERE login = '1003'")
    startup.close()


@pytest.mark.parametrize("mode", ["kiosk", "hall"])
def test_a_kiosk_or_hall_display_on_the_host_pc_never_serves(qtbot, tmp_path, clock, mode):
    path = tmp_path / "station.db"
    port, key = host_pc(path, clock)
    dialogs = RecordingDialogs()
    startup = Startup(
        StartOptions(path, mode=mode, clock=clock), dialogs, quit_program=lambda: None
    )
    with qtbot.waitSignal(startup.ready, timeout=10000) as ready:
        startup.start()
    qtbot.addWidget(ready.args[0])
    settle(qtbot, startup.ops)
    assert startup.queue_server is None and dialogs.errors == []
    with pytest.raises(httpx.ConnectError):
        ping(port, key)
    ready.args[0].release()
    startup.close()


def test_a_host_that_cannot_listen_says_so_and_keeps_working(qtbot, tmp_path, clock):
    taken = socket.create_server(("0.0.0.0", 0))
    port = taken.getsockname()[1]
    path = tmp_path / "station.db"
    host_pc(path, clock, port)
    dialogs = RecordingDialogs()
    startup = Startup(
        StartOptions(path, clerk_login="1001", clerk_pin=PIN, clock=clock),
        dialogs,
        quit_program=lambda: None,
    )
    with taken, qtbot.waitSignal(startup.ready, timeout=10000) as ready:
        startup.start()
        qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=15000)
    qtbot.addWidget(ready.args[0])
    assert dialogs.errors[0].startswith(f"排队服务无法在端口 {port} 启动")
    assert startup.queue_server is None
    startup.close()
