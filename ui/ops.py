"""Operations runners (Anki's CollectionOp / QueryOp): core calls off the GUI thread.

The SQLite connection is opened with `check_same_thread=False` but must never be used by two
threads at once, so every store access goes through ONE worker thread (a single-thread
executor): calls run one after another in the order they were asked for. Results come back
on the GUI thread by a queued signal, where the caller's callback runs. A change announces a
`Changes` record through `Ops.changed`, so each panel redraws only what concerns it.

A busy indicator is announced only when a call takes longer than 0.6 s, so fast work never
flashes one (Anki `progress.py`).

A queue action refused because the queue host has no session for this PC's clerk
(`client.SignedOut`) is announced as `signed_out` instead of a message box, whoever asked: the
counter window locks, and the clerk's PIN signs them in again.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from counterapp.app import Counter
from counterapp.case_model import CaseError
from counterapp.complaints import ComplaintError
from counterapp.idnumber import IdNumberError
from counterapp.lan_queue.client import SignedOut
from counterapp.queue import QueueError
from counterapp.states import TransitionError
from counterapp.station import StationError
from ui.dialogs import Dialogs
from ui.qt import QObject, QTimer, QWidget, Signal, isValid

log = logging.getLogger(__name__)
T = TypeVar("T")
PROGRESS_DELAY_MS = 600
# Exceptions whose text is a message for the clerk; anything else is a program error.
USER_ERRORS = (
    CaseError,
    QueueError,
    StationError,
    TransitionError,
    IdNumberError,
    ComplaintError,
)


class Changes(NamedTuple):
    """What an operation changed (Anki's OpChanges); panels redraw only what concerns them."""

    queue: bool = False
    case: bool = False
    rating: bool = False
    station: bool = False
    case_id: int | None = None
    complaint: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.queue or other.queue,
            self.case or other.case,
            self.rating or other.rating,
            self.station or other.station,
            self.case_id if self.case_id is not None else other.case_id,
            self.complaint or other.complaint,
        )


QUEUE = Changes(queue=True)
CASE = Changes(case=True)
RATING = Changes(rating=True)
COMPLAINT = Changes(complaint=True)
STATION = Changes(station=True)


@dataclass(eq=False)
class _Job(Generic[T]):
    work: Callable[[], T]
    on_success: Callable[[T], None] | None
    on_failure: Callable[[BaseException], bool] | None
    changes: Changes | None
    origin: object
    parent: QWidget | None
    label: str
    result: Any = None
    error: BaseException | None = None
    finished: bool = False


class Ops(QObject):
    """Runs core calls on the one store thread; see the module docstring."""

    changed = Signal(object, object)  # Changes, origin (the panel that asked, or None)
    busy_changed = Signal(bool, str)  # shown after PROGRESS_DELAY_MS, hidden when idle
    signed_out = Signal(str)  # the queue host wants the clerk's PIN again (why)
    _delivered = Signal(object)  # worker → GUI thread (queued connection)

    def __init__(
        self, counter: Counter | None, dialogs: Dialogs, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.counter = counter
        self.dialogs = dialogs
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending: list[_Job[Any]] = []
        self._busy = False
        self._closed = False
        self._delivered.connect(self._finish)

    # --- the three runners -------------------------------------------------------------------
    def change(
        self,
        work: Callable[[Counter], T],
        changes: Changes,
        *,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], bool] | None = None,
        origin: object = None,
        parent: QWidget | None = None,
        label: str = "正在保存…",
    ) -> None:
        """A change to the store; `changed` is emitted after it succeeds."""
        self._submit(_Job(self._bind(work), on_success, on_failure, changes, origin, parent, label))

    def query(
        self,
        work: Callable[[Counter], T],
        on_success: Callable[[T], None],
        *,
        on_failure: Callable[[BaseException], bool] | None = None,
        parent: QWidget | None = None,
        label: str = "正在读取…",
    ) -> None:
        """A read; nothing is announced."""
        self._submit(_Job(self._bind(work), on_success, on_failure, None, None, parent, label))

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        *,
        on_failure: Callable[[BaseException], bool] | None = None,
        parent: QWidget | None = None,
        label: str = "请稍候…",
    ) -> None:
        """Work that needs no open counter (opening the store, seeding demo data)."""
        self._submit(_Job(work, on_success, on_failure, None, None, parent, label))

    # --- state -------------------------------------------------------------------------------
    @property
    def idle(self) -> bool:
        """No call waiting, running, or with a callback still to deliver."""
        return not self._pending

    @property
    def busy(self) -> bool:
        return self._busy

    def shutdown(self) -> None:
        """Wait for the running call, drop the rest; used when the program closes."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    # --- internals ---------------------------------------------------------------------------
    def _bind(self, work: Callable[[Counter], T]) -> Callable[[], T]:
        def bound() -> T:
            if self.counter is None:
                raise RuntimeError("the station store is not open yet")
            return work(self.counter)

        return bound

    def _submit(self, job: _Job[Any]) -> None:
        if self._closed:
            return  # the program is closing: late timers ask for nothing more
        self._pending.append(job)
        QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._maybe_busy(job))
        self._executor.submit(self._work, job)

    def _work(self, job: _Job[Any]) -> None:  # on the store thread
        try:
            job.result = job.work()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            job.error = exc
        self._delivered.emit(job)

    def _maybe_busy(self, job: _Job[Any]) -> None:
        if not job.finished and not self._busy:
            self._busy = True
            self.busy_changed.emit(True, job.label)

    def _finish(self, job: _Job[Any]) -> None:  # on the GUI thread
        job.finished = True
        if job not in self._pending:
            return  # delivered after shutdown
        # The widget that asked may be gone (its window or dialog closed while the call ran):
        # what it changed is still announced, but nothing is handed to it.
        asker_gone = job.parent is not None and not isValid(job.parent)
        try:
            if job.error is not None:
                self._failed(job, job.error, asker_gone)
            else:
                if job.on_success is not None and not asker_gone:
                    job.on_success(job.result)
                if job.changes is not None:
                    self.changed.emit(job.changes, job.origin)
        finally:
            self._pending.remove(job)
            if not self._pending and self._busy:
                self._busy = False
                self.busy_changed.emit(False, "")

    def _failed(self, job: _Job[Any], error: BaseException, asker_gone: bool) -> None:
        if isinstance(error, SignedOut):
            self.signed_out.emit(str(error))
            return
        if asker_gone:
            if not isinstance(error, USER_ERRORS):  # a fault of the program is never hidden
                self._program_error(None, error)
            return
        if job.on_failure is not None and job.on_failure(error):
            return
        if isinstance(error, USER_ERRORS):
            self.dialogs.error(job.parent, str(error))
            return
        self._program_error(job.parent, error)

    def _program_error(self, parent: QWidget | None, error: BaseException) -> None:
        log.error(
            "operation failed:\n%s",
            "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        )
        self.dialogs.error(parent, f"程序内部错误，操作未完成：{error!r}")
