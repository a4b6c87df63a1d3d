"""From launch to a usable window: open the store (seeding demo data on first run), the
first-run set-up when no station is configured (it creates the station admin), the admin's
set-up on a store from before clerk accounts, the clerk login with their PIN, then the
counter window — or the kiosk or the hall display, which need no login. On the station's
queue host the counter program serves the queue as soon as the store is open (and set up),
before anyone logs in: the other PCs need it even while this PC's clerk is away. A kiosk or
hall display never serves.

A window PC of a queue host has no accounts of its own: it never sets up an admin, it reads the
station's clerks from the host at every start (and at every sign-in, `sessions`), and its
login lists them; the host checks the PIN. When the host cannot be reached, the login offers
the clerks last read from it, or, on a PC that has never read them, says so and lets the clerk
try again. A PC set up as the kiosk or the hall display opens no counter window.

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

from counterapp import accounts, admin_code, sessions
from counterapp.app import Counter, StoreKeyError, StoreTooNew
from counterapp.clock import Clock
from counterapp.lan_queue import roles
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import RemoteQueue
from counterapp.lan_queue.server import QueueServer
from counterapp.queue import QueueError
from counterapp.station import Clerk, StationError
from ui import comfort
from ui.context import AppContext, Session
from ui.dialogs import Dialogs
from ui.ops import STATION, Ops
from ui.qt import QApplication, QMessageBox, QObject, QWidget, Signal, application

if TYPE_CHECKING:  # the dialogs are imported when shown: a scripted login needs neither
    from ui.setup_dialog import SetupAnswers

log = logging.getLogger(__name__)
WINDOW_SETTING = "window_no"
LAST_LOGIN_SETTING = "last_login"  # chosen in advance at this PC's next login
NOT_SERVING = "排队服务未能启动，其他窗口暂时无法连接本机排队，请联系站点管理员"
PUBLIC_PC = (
    "本机设为{label}（{duty}），不能作为柜员窗口使用：请用 counterapp {flag} 启动"
    "（开机自动启动的设置见使用说明）。更改本机用途：counterapp queue-setup"
)
OFFLINE_LOGIN = (
    "排队主机暂时无法核对PIN（{problem}），已按本机保存的排队主机人员名单登录。"
    "本机的办件照常办理；叫号等排队操作须等排队主机恢复，届时按提示输入PIN在主机上登录。"
)


class StartOptions(NamedTuple):
    store_path: Path
    demo: bool = False
    mode: str = "counter"  # counter | kiosk | hall
    # A scripted login instead of the dialog (the self-test, benchmarks, tests): the PIN is
    # checked, counted and journalled like a typed one; never a way round it.
    clerk_login: str | None = None
    clerk_pin: str | None = None
    window_no: int | None = None
    clock: Clock | None = None

    def __repr__(self) -> str:  # never a PIN in a log or a traceback
        return f"StartOptions({self.store_path}, mode={self.mode}, clerk={self.clerk_login})"


class Opened(NamedTuple):
    counter: Counter
    large_font: bool
    window_no: int
    clerks: list[Clerk]  # who may log in: the active clerks
    has_admin: bool  # False on a store from before clerk accounts
    last_login: str
    client: Access | None  # what this PC is as a client of a queue host (None: it is not)
    host_problem: str  # a window PC: why the host's clerks could not be read ("": read)


def open_store(options: StartOptions) -> Opened:
    """Runs on the store thread: the store, and what the first dialogs need from it."""
    if options.demo and not options.store_path.exists():
        from counterapp.demo import seed_demo  # Faker is imported only for a new demo store

        seed_demo(
            options.store_path, today=options.clock.today() if options.clock is not None else None
        )
    counter = Counter.open(options.store_path, options.clock, demo=options.demo)
    if options.demo:
        from counterapp.demo import ensure_demo_accounts

        ensure_demo_accounts(counter)  # a demo store made before clerk accounts
    client = client_role(counter)
    problem = ""
    if options.mode == "counter" and client == Access.WINDOW:
        problem = read_host_clerks(counter)
    return Opened(
        counter,
        bool(counter.settings.get(comfort.LARGE_FONT_SETTING, False)),
        int(counter.settings.get(WINDOW_SETTING, 1)),
        accounts.can_log_in(counter.store),
        accounts.has_admin(counter.store),
        str(counter.settings.get(LAST_LOGIN_SETTING, "")),
        client,
        problem,
    )


def public_pc(access: Access) -> str:
    return PUBLIC_PC.format(label=access.label, duty=access.duty, flag=f"--{access.value}")


def client_role(counter: Counter) -> Access | None:
    """What this PC is as a client of the station's queue host; None when it is not one."""
    link = roles.current(counter.settings)
    return link.access if link.role == roles.Role.CLIENT else None


def read_host_clerks(counter: Counter) -> str:
    """A window PC: the station's clerks read from the queue host ("") or why they could not
    be (the list last read stays)."""
    assert isinstance(counter.queue, RemoteQueue)
    try:
        counter.queue.take_station_clerks(counter.clock)
    except QueueError as exc:
        log.warning("the station's clerks could not be read from the queue host: %s", exc)
        return str(exc)
    return ""


class Startup(QObject):
    ready = Signal(QWidget)  # the first window, once shown and loaded
    failed = Signal(str)
    _server_started = Signal(object, object)  # QueueServer, error or None: its thread → GUI

    def __init__(
        self,
        options: StartOptions,
        dialogs: Dialogs,
        quit_program: Callable[[], object] = QApplication.quit,
        parent: QObject | None = None,
    ) -> None:
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
        self._has_admin = True
        self._last_login = ""
        self._client: Access | None = None
        self._host_problem = ""
        self.queue_server: QueueServer | None = None  # serving: this PC is the queue host
        self._server: QueueServer | None = None  # started, serving or not yet
        self._server_started.connect(self._serving)

    def start(self) -> None:
        # Between a dialog (set-up, login) closing and the window showing, no window is
        # visible while the store thread saves: Qt would take that for the last window closed
        # and end the program. Quitting is explicit until the first window is up.
        QApplication.setQuitOnLastWindowClosed(False)
        self.ops.run(
            lambda: open_store(self.options),
            self._opened,
            on_failure=self._open_failed,
            label="正在打开数据…",
        )

    def close(self) -> None:
        self.ops.shutdown()
        if self._server is not None:
            self._server.stop()
        if self.counter is not None:
            if self.context is not None:  # the store thread has ended: this thread may write
                session = self.context.session
                try:
                    sessions.log_out(
                        self.counter.store, session.clerk, self.counter.clock, session.window_no
                    )
                except Exception:  # the program ends anyway; the log says why
                    log.exception("the logout could not be journalled")
            self.counter.close()

    # --- steps ---------------------------------------------------------------------------
    def _open_failed(self, error: BaseException) -> bool:
        if isinstance(error, StoreKeyError):
            text = f"{error}\n\n数据文件：{self.options.store_path}"
        elif isinstance(error, StoreTooNew):
            text = (
                f"{error}\n\n数据文件：{self.options.store_path}\n为保护数据，本程序不会打开"
                "或改动它。请安装最新版本的柜员程序，或联系县医保经办中心技术人员。"
            )
        else:
            text = f"无法打开本站数据文件：{self.options.store_path}\n{error}"
        self._fatal(text)
        return True

    def _fatal(self, text: str) -> None:
        self.failed.emit(text)
        self._stop(text, QMessageBox.Icon.Critical, "无法启动")

    def _stop(self, text: str, icon: QMessageBox.Icon, title: str) -> None:
        """Say `text`; the program ends when it is read."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok)
        box.finished.connect(lambda _result: self.quit_program())
        self.dialogs.open(box)

    def _opened(self, opened: Opened) -> None:
        self.counter, self._window_no, self._clerks = (
            opened.counter,
            opened.window_no,
            opened.clerks,
        )
        self._has_admin, self._last_login = opened.has_admin, opened.last_login
        self._client, self._host_problem = opened.client, opened.host_problem
        self.ops.counter = self.counter
        comfort.apply(application(), opened.large_font, QApplication.font().family())
        if self.options.mode != "counter":
            if self.counter.station is None:
                self._fatal("本机尚未设置站点，请先在柜员程序中完成首次设置。")
                return
            self._show_screen()
        elif self.counter.station is None:
            self._set_up()
        elif self._client in (Access.KIOSK, Access.HALL):
            self._fatal(public_pc(self._client))
        else:
            self._serve_queue()
            if self._has_admin or self._client == Access.WINDOW:  # a client's are the host's
                self._login()
            else:
                self._set_up_admin()

    def _set_up(self) -> None:
        """The first-run set-up."""
        from ui.setup_dialog import SetupDialog

        dialog = SetupDialog(ops=self.ops)
        dialog.accepted.connect(lambda: self._configure(dialog.answers))
        dialog.rejected.connect(self.quit_program)
        self.dialogs.open(dialog)

    def _configure(self, answers: SetupAnswers | None) -> None:
        """Save the set-up. A client of a queue host gets no admin of its own: a window PC
        reads the host's clerks instead, a kiosk or hall display keeps the code that closes
        it and opens no counter window."""
        assert answers is not None
        client = answers.queue.access if answers.queue.role == roles.Role.CLIENT else None

        def save(counter: Counter) -> tuple[list[Clerk], str]:
            with counter.store.transaction():
                counter.configure_station(answers.station)
                counter.settings.set(WINDOW_SETTING, answers.window_no)
                if answers.enrolment is not None:  # the secrets into the keyring, key pinned
                    from counterapp.sync import enrol

                    enrol.apply(counter.store, answers.enrolment, counter.clock)
                if client is None:
                    accounts.set_up_admin(
                        counter.store,
                        answers.admin_login,
                        answers.admin_name,
                        answers.admin_pin,
                        counter.clock,
                    )
                elif client != Access.WINDOW:
                    admin_code.set_admin_code(counter.settings, answers.admin_code)
                counter.configure_queue(answers.queue)
            problem = read_host_clerks(counter) if client == Access.WINDOW else ""
            return accounts.can_log_in(counter.store), problem

        def saved(found: tuple[list[Clerk], str]) -> None:
            if client in (Access.KIOSK, Access.HALL):
                self._stop(
                    f"设置已保存。{public_pc(client)}", QMessageBox.Icon.Information, "首次设置完成"
                )
                return
            (self._clerks, self._host_problem), self._window_no = found, answers.window_no
            self._client = client
            self._last_login = answers.admin_login
            self._serve_queue()
            self._login()

        self.ops.change(save, STATION, on_success=saved)

    def _set_up_admin(self, problem: str = "") -> None:
        """A store from before clerk accounts: someone becomes the station admin first."""
        from ui.admin_setup_dialog import AdminSetupDialog

        assert self.counter is not None and self.counter.station is not None
        dialog = AdminSetupDialog(self.counter.station.name, self._clerks, problem)

        def chosen() -> None:
            assert dialog.answers is not None
            login, name, pin = dialog.answers

            def save(counter: Counter) -> list[Clerk]:
                accounts.set_up_admin(counter.store, login, name, pin, counter.clock)
                return accounts.can_log_in(counter.store)

            def saved(found: list[Clerk]) -> None:
                self._clerks, self._last_login = found, login
                self._login()

            def refused(error: BaseException) -> bool:
                if isinstance(error, StationError):
                    self._set_up_admin(str(error))
                    return True
                return False

            self.ops.change(save, STATION, on_success=saved, on_failure=refused)

        dialog.accepted.connect(chosen)
        dialog.rejected.connect(self.quit_program)
        self.dialogs.open(dialog)

    def _login(self) -> None:
        assert self.counter is not None and self.counter.station is not None
        window_no = self.options.window_no or self._window_no
        if self.options.clerk_login is not None:
            self._authenticate(
                self.options.clerk_login,
                self.options.clerk_pin or "",
                window_no,
                lambda message: self._fatal(f"登录失败：{message}"),
            )
            return
        from ui.login_dialog import LoginDialog

        hint = ""
        if self.options.demo:
            from counterapp.demo import DEMO_HINT

            hint = DEMO_HINT
        dialog = LoginDialog(
            self.counter.station.name,
            self._clerks,
            window_no,
            self._last_login,
            hint,
            from_host=self._client == Access.WINDOW,
            host_problem=self._host_problem,
        )
        dialog.login_requested.connect(
            lambda login, pin, window: self._authenticate(
                login, pin, window, dialog.refused, dialog.logged_in
            )
        )
        dialog.retry_requested.connect(
            lambda: self.ops.query(
                lambda c: (read_host_clerks(c), accounts.can_log_in(c.store)),
                lambda found: dialog.show_clerks(found[1], found[0]),
                label="正在连接排队主机…",
            )
        )
        dialog.rejected.connect(self.quit_program)
        self.dialogs.open(dialog)

    def _authenticate(
        self,
        login: str,
        pin: str,
        window_no: int,
        refused: Callable[[str], None],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Check the PIN on the store thread (~0.2 s; on a window PC of a queue host, the
        host checks it and signs the clerk in there); the counter window, or `refused`."""

        def check(counter: Counter) -> sessions.Checked:
            done = sessions.log_in(counter, login, pin, window_no)
            counter.settings.set(WINDOW_SETTING, window_no)
            counter.settings.set(LAST_LOGIN_SETTING, done.login.clerk.login)
            return done

        def succeeded(done: sessions.Checked) -> None:
            if then is not None:
                then()
            self._show_counter(done.login.clerk, window_no)
            if done.host_problem:
                self.dialogs.info(self.window, OFFLINE_LOGIN.format(problem=done.host_problem))

        def failed(error: BaseException) -> bool:
            if isinstance(error, StationError):
                refused(str(error))
                return True
            return False

        self.ops.change(
            check, STATION, on_success=succeeded, on_failure=failed, label="正在核对PIN…"
        )

    def _show_counter(self, clerk: Clerk, window_no: int) -> None:
        from ui.main_window import MainWindow

        assert self.counter is not None
        self.context = AppContext(self.counter, self.ops, self.dialogs, Session(clerk, window_no))
        window = MainWindow(self.context)
        window.showMaximized()  # the whole screen but the taskbar, whatever its size
        window.load()
        self._announce(window)

    def _show_screen(self) -> None:
        """The kiosk or the hall display: a public screen, whose operations show staff's
        messages to nobody (`PublicDialogs`: they go to the log)."""
        from ui.public_screen import PublicDialogs

        self.ops.dialogs = PublicDialogs()
        if self.options.mode == "kiosk":
            from ui.kiosk import KioskWindow

            kiosk = KioskWindow(self.ops)
            kiosk.show_full_screen()
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
            log.error(
                "queue server failed to start:\n%s",
                "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            )
        self.dialogs.error(
            self.window,
            str(error)
            if isinstance(error, QueueError)
            else f"{NOT_SERVING}（{type(error).__name__}）",
        )
