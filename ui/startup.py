"""From launch to a usable window: open the store (seeding demo data on first run), the
first-run set-up when no station is configured, the clerk login, then the counter window —
or the kiosk or the hall display, which need no login. On the station's queue host the counter
program serves the queue as soon as the store is open (and set up), before anyone logs in: the
other PCs need it even while this PC's clerk is away. A kiosk or hall display never serves.

Everything that touches the store runs on the ops thread, so even the first open of a big
store or the demo seeding never freezes the screen. The queue server starts on a thread of its
own: its imports (~0.6 s) hold up neither the screen nor the store thread. A store written by
a newer program is refused with a clear message, and the program ends.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from counterapp.app import Counter, StoreKeyError, StoreTooNew
from counterapp.clock import Clock
from counterapp.lan_queue import keys, roles
from counterapp.lan_queue.server import QueueServer
from counterapp.queue import QueueError
from counterapp.station import Clerk, add_clerk, clerks
from ui import comfort
from ui.context import AppContext, Session
from ui.dialogs import Dialogs
from ui.ops import STATION, Ops
from ui.qt import QApplication, QMessageBox, QObject, QWidget, Signal, application

if TYPE_CHECKING:  # the dialogs are imported when shown: a start with --clerk needs neither
    from ui.login_dialog import LoginDialog
    from ui.setup_dialog import SetupAnswers, SetupDialog

log = logging.getLogger(__name__)
WINDOW_SETTING = "window_no"
HUB_SETTING = "hub_url"
NOT_SERVING = "排队服务未能启动，其他窗口暂时无法连接本机排队，请联系站点管理员"


class StartOptions(NamedTuple):
    store_path: Path
    demo: bool = False
    mode: str = "counter"            # counter | kiosk | hall
    clerk_login: str | None = None   # skip the login dialog (a kiosk PC, tests, benchmarks)
    window_no: int | None = None
    clock: Clock | None = None


def open_store(options: StartOptions) -> tuple[Counter, bool, int, list[Clerk]]:
    """Runs on the store thread: the counter, the large-font choice, the window, the clerks."""
    if options.demo and not options.store_path.exists():
        from counterapp.demo import seed_demo  # Faker is imported only for a new demo store

        seed_demo(options.store_path)
    counter = Counter.open(options.store_path, options.clock, demo=options.demo)
    return (counter, bool(counter.settings.get(comfort.LARGE_FONT_SETTING, False)),
            int(counter.settings.get(WINDOW_SETTING, 1)), clerks(counter.store))


class Startup(QObject):
    ready = Signal(QWidget)   # the first window, once shown and loaded
    failed = Signal(str)
    _server_started = Signal(object, object)  # QueueServer, error or None: its thread → GUI

    def __init__(self, options: StartOptions, dialogs: Dialogs,
                 quit_program: Callable[[], object] = QApplication.quit,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.quit_program = quit_program
        self.dialogs = dialogs
        self.ops = Ops(None, dialogs, self)
        self.counter: Counter | None = None
        self.window: QWidget | None = None
        self.context: AppContext | None = None
        self._window_no = 1
        self._clerks: list[Clerk] = []
        self.queue_server: QueueServer | None = None  # serving: this PC is the queue host
        self._server: QueueServer | None = None       # started, serving or not yet
        self._server_started.connect(self._serving)

    def start(self) -> None:
        # Between a dialog (set-up, login) closing and the window showing, no window is
        # visible while the store thread saves: Qt would take that for the last window closed
        # and end the program. Quitting is explicit until the first window is up.
        QApplication.setQuitOnLastWindowClosed(False)
        self.ops.run(lambda: open_store(self.options), self._opened,
                     on_failure=self._open_failed, label="正在打开数据…")

    def close(self) -> None:
        self.ops.shutdown()
        if self._server is not None:
            self._server.stop()
        if self.counter is not None:
            self.counter.close()

    # --- steps ---------------------------------------------------------------------------
    def _open_failed(self, error: BaseException) -> bool:
        if isinstance(error, StoreKeyError):
            text = f"{error}\n\n数据文件：{self.options.store_path}"
        elif isinstance(error, StoreTooNew):
            text = (f"{error}\n\n数据文件：{self.options.store_path}\n为保护数据，本程序不会打开"
                    "或改动它。请安装最新版本的柜员程序，或联系县医保经办中心技术人员。")
        else:
            text = f"无法打开本站数据文件：{self.options.store_path}\n{error}"
        self._fatal(text)
        return True

    def _fatal(self, text: str) -> None:
        self.failed.emit(text)
        box = QMessageBox(QMessageBox.Icon.Critical, "无法启动", text,
                          QMessageBox.StandardButton.Ok)
        box.finished.connect(lambda _result: self.quit_program())
        self.dialogs.open(box)

    def _opened(self, opened: tuple[Counter, bool, int, list[Clerk]]) -> None:
        self.counter, large, self._window_no, self._clerks = opened
        self.ops.counter = self.counter
        comfort.apply(application(), large, QApplication.font().family())
        if self.options.mode != "counter":
            if self.counter.station is None:
                self._fatal("本机尚未设置站点，请先在柜员程序中完成首次设置。")
                return
            self._show_screen()
        elif self.counter.station is None:
            self._set_up()
        else:
            self._serve_queue()
            self._login()

    def _set_up(self) -> None:
        """The first-run set-up; it offers the queue key the keyring already holds."""
        from ui.setup_dialog import SetupDialog

        dialog = SetupDialog(saved_key=None)
        dialog.queue_box.saved_key_wanted.connect(lambda: self._read_saved_key(dialog))
        dialog.accepted.connect(lambda: self._configure(dialog.answers))
        dialog.rejected.connect(self.quit_program)
        self.dialogs.open(dialog)

    def _read_saved_key(self, dialog: SetupDialog) -> None:
        box = dialog.queue_box

        def unreadable(error: BaseException) -> bool:
            log.warning("the keyring could not be read: %s", type(error).__name__)
            box.show_saved_key("")  # as if none: a new key, and saving says what is wrong
            return True

        self.ops.run(keys.saved, box.show_saved_key, on_failure=unreadable)

    def _configure(self, answers: SetupAnswers | None) -> None:
        assert answers is not None

        def save(counter: Counter) -> list[Clerk]:
            with counter.store.transaction():
                counter.configure_station(answers.station)
                counter.settings.set(WINDOW_SETTING, answers.window_no)
                counter.settings.set(HUB_SETTING, answers.hub_url)
                add_clerk(counter.store, answers.clerk_login, answers.clerk_name, counter.clock)
                counter.configure_queue(answers.queue)
            return clerks(counter.store)

        def saved(found: list[Clerk]) -> None:
            self._clerks, self._window_no = found, answers.window_no
            self._serve_queue()
            self._login()

        self.ops.change(save, STATION, on_success=saved)

    def _login(self) -> None:
        assert self.counter is not None and self.counter.station is not None
        window_no = self.options.window_no or self._window_no
        if self.options.clerk_login is not None:
            chosen = next((c for c in self._clerks if c.login == self.options.clerk_login), None)
            if chosen is None:
                self._fatal(f"没有工号为 {self.options.clerk_login} 的经办人员")
                return
            self._show_counter(chosen, window_no)
            return
        from ui.login_dialog import LoginDialog

        dialog = LoginDialog(self.counter.station.name, self._clerks, window_no)
        dialog.accepted.connect(lambda: self._logged_in(dialog))
        dialog.rejected.connect(self.quit_program)
        self.dialogs.open(dialog)

    def _logged_in(self, dialog: LoginDialog) -> None:
        window_no = dialog.window_no
        chosen = dialog.clerk
        if chosen is not None:
            self.ops.change(lambda c: c.settings.set(WINDOW_SETTING, window_no), STATION,
                            on_success=lambda _: self._show_counter(chosen, window_no))
            return
        login, name = dialog.new_clerk

        def create(counter: Counter) -> Clerk:
            counter.settings.set(WINDOW_SETTING, window_no)
            return add_clerk(counter.store, login, name, counter.clock)

        def refused(error: BaseException) -> bool:
            self.dialogs.error(None, str(error))
            self._login()
            return True

        self.ops.change(create, STATION, on_success=lambda c: self._show_counter(c, window_no),
                        on_failure=refused)

    def _show_counter(self, clerk: Clerk, window_no: int) -> None:
        from ui.main_window import MainWindow

        assert self.counter is not None
        self.context = AppContext(self.counter, self.ops, self.dialogs, Session(clerk, window_no))
        window = MainWindow(self.context)
        window.showMaximized()  # the whole screen but the taskbar, whatever its size
        window.load()
        self._announce(window)

    def _show_screen(self) -> None:
        if self.options.mode == "kiosk":
            from ui.kiosk import KioskWindow

            kiosk = KioskWindow(self.ops)
            kiosk.showFullScreen()
            self._announce(kiosk)
        else:
            from ui.hall_display import HallDisplay

            hall = HallDisplay(self.ops)
            hall.show_full_screen()
            hall.reload()
            self._announce(hall)

    def _announce(self, window: QWidget) -> None:
        """`ready` after the window's first reads have come back (the ops run in order)."""
        self.window = window
        QApplication.setQuitOnLastWindowClosed(True)
        self.ops.query(lambda c: None, lambda _: self.ready.emit(window))

    def _serve_queue(self) -> None:
        """On the station's queue host, serve the queue to the other PCs. Only the port is
        read on the store thread; the server starts on its own. A failure to listen is shown,
        and this PC keeps working."""
        self.ops.query(lambda c: roles.serve_port(c.settings), self._start_server)

    def _start_server(self, port: int | None) -> None:
        if port is None or self.counter is None:
            return
        server = QueueServer(self.counter.store.path, self.counter.clock, port)
        self._server = server
        server.start_in_background(lambda error: self._server_started.emit(server, error))

    def _serving(self, server: QueueServer, error: BaseException | None) -> None:
        if error is None:
            self.queue_server = server
            return
        if not isinstance(error, QueueError):
            log.error("queue server failed to start:\n%s", "".join(
                traceback.format_exception(type(error), error, error.__traceback__)))
        self.dialogs.error(self.window, str(error) if isinstance(error, QueueError)
                           else f"{NOT_SERVING}（{type(error).__name__}）")
