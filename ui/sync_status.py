"""The sync status of the station (县中心同步): last success, pending count, last error, and a
"立即同步" button with progress. The main window places it under the queue.

The GUI thread never touches the store: the status and "is a sync due?" are read on the
store thread (`ui.ops`), and the sync itself runs in a QThread on a connection of its own
(`service.sync_file`: a sync waits on the network, and the store thread must stay free for
the clerk's work), reporting progress by signal. A QTimer asks the core scheduler every
minute whether a sync is due (interval or nightly window). The progress bar shows only when a
sync takes longer than 0.6 s.
"""

from __future__ import annotations

from pathlib import Path

from counterapp.clock import Clock
from counterapp.sync import service
from counterapp.sync.client import AuthError, ForbiddenError, RejectedError, TransientError
from counterapp.sync.engine import RetryPolicy, SyncReport
from ui.ops import Ops
from ui.qt import (
    QHBoxLayout,
    QLabel,
    QObject,
    QProgressBar,
    QPushButton,
    QThread,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)

KIND_MESSAGES = {
    cls.kind: cls.message for cls in (TransientError, AuthError, ForbiddenError, RejectedError)
}
CHECK_EVERY_MS = 60_000
SHOW_PROGRESS_AFTER_MS = 600


def error_text(stored: str | None) -> str:
    """The clerk's words for a stored error ("kind: detail")."""
    if not stored:
        return "无"
    kind, _, detail = stored.partition(": ")
    if kind == "setup":
        return detail
    return KIND_MESSAGES.get(kind, "同步出错，请联系县医保中心信息人员")


class SyncWorker(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)  # SyncReport

    def __init__(self, store_path: Path, clock: Clock, retry: RetryPolicy | None) -> None:
        super().__init__()
        self._path = store_path
        self._clock = clock
        self._retry = retry

    @Slot()
    def run(self) -> None:
        try:
            report = service.sync_file(
                self._path, self._clock, progress=self.progress.emit, retry=self._retry
            )
        except Exception as exc:  # never let a sync failure reach the event loop
            report = SyncReport(
                ok=False,
                error=type(exc).__name__,
                error_kind="error",
                message=f"同步出错：{type(exc).__name__}",
            )
        self.finished.emit(report)


class SyncStatusWidget(QWidget):
    """Reads the status through `ops` (the store thread); syncs on a thread of its own."""

    sync_finished = Signal(object)  # SyncReport, for the window (e.g. reload the catalogue)

    def __init__(
        self,
        ops: Ops,
        store_path: Path,
        clock: Clock | None = None,
        parent: QWidget | None = None,
        auto: bool = True,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._path = store_path
        self._clock = clock or Clock()
        self._retry = retry  # how a run retries a hub that does not answer (engine default)
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self.last_report: SyncReport | None = None
        self.success_label = QLabel()
        self.pending_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.button = QPushButton("立即同步")
        self.button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.timeout.connect(lambda: self.progress.setVisible(self.running))
        row = QHBoxLayout()
        row.addWidget(self.pending_label)
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.success_label)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_label)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.sync_if_due)
        if auto:
            self._timer.start(CHECK_EVERY_MS)
        self.refresh()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def stop(self) -> None:
        """When the window closes: no more scheduled syncs."""
        self._timer.stop()

    def refresh(self, report: SyncReport | None = None) -> None:
        """Read the status on the store thread, then show it (with `report`'s outcome, after
        a run)."""
        self._ops.query(
            lambda counter: service.status(counter.store),
            lambda state: self._show(state, report),
            parent=self,
            label="正在读取同步状态…",
        )

    def _show(self, state: service.SyncStatus, report: SyncReport | None) -> None:
        """The status in the clerk's words. A station without a hub is told whom to ask,
        not what to run, before any sync was tried."""
        self.success_label.setText(f"上次同步成功：{state.last_success or '从未'}")
        if not self.running:
            self.pending_label.setText(f"待上传：{state.pending} 条")
        if report is not None and not report.ok:
            self.error_label.setText(f"上次错误：{report.message or '同步失败'}")
        elif report is not None and report.warnings:
            self.error_label.setText("；".join(report.warnings))
        elif state.configured:
            self.error_label.setText(f"上次错误：{error_text(state.last_error)}")
        else:
            self.error_label.setText(service.NOT_CONFIGURED)

    @Slot()
    def sync_if_due(self) -> None:
        if not self.running:
            self._ops.query(
                lambda counter: service.is_due(counter.store, self._clock),
                self._sync_if,
                parent=self,
            )

    def _sync_if(self, due: bool) -> None:
        if due:
            self.sync_now()

    @Slot()
    def sync_now(self) -> None:
        if self.running:
            return
        self.button.setEnabled(False)
        self.button.setText("正在同步…")
        self.progress.setRange(0, 0)
        self._reveal.start(SHOW_PROGRESS_AFTER_MS)
        thread = QThread(self)
        worker = SyncWorker(self._path, self._clock, self._retry)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        self._thread, self._worker = thread, worker
        thread.start()

    @Slot(str, int, int)
    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if stage == "upload" and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.pending_label.setText(
            f"正在上传：{done}/{total}" if stage == "upload" else "正在核对与下载…"
        )

    @Slot(object)
    def _on_finished(self, report: SyncReport) -> None:
        thread = self._thread
        if thread is not None:
            thread.quit()  # thread-safe; the queued quit would come after this slot
            thread.wait()
            thread.deleteLater()
        self._thread, self._worker = None, None
        self._reveal.stop()
        self.progress.setVisible(False)
        self.button.setEnabled(True)
        self.button.setText("立即同步")
        self.last_report = report
        self.refresh(report)
        self.sync_finished.emit(report)
