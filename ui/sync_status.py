"""The sync status of the station (县中心同步): last success, pending count, last error, and a
"立即同步" button with progress. The lead places it in the main window.

The sync runs off the UI thread: a worker in a QThread opens its OWN `Store` on the same file
(sqlite connections are not shared across threads) and reports progress by signal. A QTimer
asks the core scheduler every minute whether a sync is due (interval or nightly window).
The progress bar shows only when a sync takes longer than 0.6 s.
"""

from __future__ import annotations

from pathlib import Path

from counterapp.clock import Clock
from counterapp.sync import service
from counterapp.sync.client import AuthError, ForbiddenError, RejectedError, TransientError
from counterapp.sync.engine import SyncReport
from db.store import Store
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

KIND_MESSAGES = {cls.kind: cls.message
                 for cls in (TransientError, AuthError, ForbiddenError, RejectedError)}
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
    finished = Signal(object)          # SyncReport

    def __init__(self, store_path: Path, clock: Clock) -> None:
        super().__init__()
        self._path = store_path
        self._clock = clock

    @Slot()
    def run(self) -> None:
        try:
            with Store(self._path) as store:          # this thread's own connection
                report = service.sync_now(store, self._clock, progress=self.progress.emit)
        except Exception as exc:   # never let a sync failure reach the event loop
            report = SyncReport(ok=False, error=type(exc).__name__, error_kind="error",
                                message=f"同步出错：{type(exc).__name__}")
        self.finished.emit(report)


class SyncStatusWidget(QWidget):
    """Reads the status through the window's store; syncs on a worker thread."""

    sync_finished = Signal(object)     # SyncReport, for the window (e.g. reload the catalogue)

    def __init__(self, store: Store, clock: Clock | None = None,
                 parent: QWidget | None = None, auto: bool = True) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock or Clock()
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

    def close_store(self) -> None:
        """When the window closes: no more scheduled syncs; the status connection is closed."""
        self._timer.stop()
        self._store.close()

    def refresh(self) -> None:
        """The status in the clerk's words. A station without a hub is told whom to ask,
        not what to run, before any sync was tried."""
        state = service.status(self._store)
        self.success_label.setText(f"上次同步成功：{state.last_success or '从未'}")
        self.pending_label.setText(f"待上传：{state.pending} 条")
        if state.configured:
            self.error_label.setText(f"上次错误：{error_text(state.last_error)}")
        else:
            self.error_label.setText(service.NOT_CONFIGURED)

    @Slot()
    def sync_if_due(self) -> None:
        if not self.running and service.is_due(self._store, self._clock):
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
        worker = SyncWorker(self._store.path, self._clock)
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
        self.pending_label.setText(f"正在上传：{done}/{total}" if stage == "upload"
                                   else "正在核对与下载…")

    @Slot(object)
    def _on_finished(self, report: SyncReport) -> None:
        thread = self._thread
        if thread is not None:
            thread.quit()          # thread-safe; the queued quit would come after this slot
            thread.wait()
            thread.deleteLater()
        self._thread, self._worker = None, None
        self._reveal.stop()
        self.progress.setVisible(False)
        self.button.setEnabled(True)
        self.button.setText("立即同步")
        self.last_report = report
        self.refresh()
        if not report.ok:
            self.error_label.setText(f"上次错误：{report.message or '同步失败'}")
        elif report.warnings:
            self.error_label.setText("；".join(report.warnings))
        self.sync_finished.emit(report)
