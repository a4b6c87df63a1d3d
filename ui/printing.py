"""Printing slips from the window: print, preview, save as PDF, the printer chosen per slip kind.

PySide6-Essentials has no QtPdf, so a slip's PDF is rasterised with PDFium (pypdfium2) and the
page images are painted onto a `QPrinter`. Both happen on one worker thread (Qt allows painting
on a QPrinter outside the GUI thread), so the window never waits for a printer. Results come
back on the GUI thread as `finished(kind)` or `failed(kind, message)`; the optional
`on_success` callback runs there first, only once the printer accepted the job, which is where
the window records the print (a failed print never counts as the one-time notice). A caller
that handles a failure itself passes `on_failure(message)`, and `failed` is not emitted:

    slip = slips.prepare_notice(counter, case_id, layout, clerk_id=me)
    printer.print_pdf("notice", slip.pdf, on_success=lambda: <record_print(counter, slip.pending)
                                                              on the store thread>)

The printer chosen for a kind is remembered in the settings (`printer.<kind>`). Settings are
read and written through `submit`, a function that runs a callable on the store thread (the
window passes `ops.run`); without it they are used directly (tests, tools).
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterapp.slips import spooler
from counterapp.slips.raster import page_sizes, render_pages
from db.settings import Settings
from ui.fit import within_screen
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QImage,
    QLabel,
    QMarginsF,
    QObject,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
    QPrinter,
    QPrinterInfo,
    QRectF,
    QRunnable,
    QScrollArea,
    QSize,
    QSizeF,
    QThreadPool,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)

if TYPE_CHECKING:
    from PIL import Image

SETTING_PREFIX = "printer."
MAX_PRINT_DPI = 300  # rasterising finer only makes the job bigger: slips are text and a QR
PREVIEW_DPI = 96
_POOL: QThreadPool | None = None
_IN_FLIGHT: set[_Job] = set()  # jobs stay referenced until their result is delivered


def _pool() -> QThreadPool:
    """One worker thread for all printing: jobs go out in order, PDFium is used by one thread."""
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(1)
    return _POOL


class PrintError(RuntimeError):
    """The printer did not take the job; str() is a message for the clerk."""


def available_printers() -> list[str]:
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def default_printer() -> str:
    return QPrinterInfo.defaultPrinterName()


def _qimage(image: Image.Image) -> QImage:
    """A PIL grayscale image as a QImage that owns its pixels."""
    data = image.tobytes()
    return QImage(
        data, image.width, image.height, image.width, QImage.Format.Format_Grayscale8
    ).copy()


def _page_size(width_mm: float, height_mm: float) -> QPageSize:
    if abs(width_mm - 210) < 1 and abs(height_mm - 297) < 1:
        return QPageSize(QPageSize.PageSizeId.A4)
    return QPageSize(
        QSizeF(width_mm, height_mm),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )


def print_now(pdf: bytes, printer_name: str, job_name: str) -> None:
    """Send `pdf` to `printer_name` (the system default when empty); raises PrintError.

    Runs on the worker thread. Each page is painted at its own paper size with no margins:
    the slip's layout already keeps clear of the printer's unprintable edge.
    """
    name = printer_name or default_printer()
    if not name:
        raise PrintError("打印失败：本机没有可用的打印机，请在系统中安装打印机后重试。")
    if QPrinterInfo.printerInfo(name).isNull():
        raise PrintError(f"打印失败：找不到打印机“{name}”，请检查打印机是否已连接并在系统中安装。")
    refused = spooler.refusal(name)  # Qt's CUPS engine would report success regardless
    if refused:
        raise PrintError(refused)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(name)
    printer.setDocName(job_name)
    printer.setFullPage(True)
    sizes = page_sizes(pdf)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    images = render_pages(pdf, dpi)
    printer.setPageLayout(
        QPageLayout(
            _page_size(sizes[0].width_mm, sizes[0].height_mm),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    painter = QPainter()
    if not printer.isValid() or not painter.begin(printer):
        raise PrintError(f"打印失败：无法连接打印机“{name}”，请检查打印机是否开机、联网。")
    try:
        for index, (size, image) in enumerate(zip(sizes, images, strict=True)):
            if index:
                printer.setPageSize(_page_size(size.width_mm, size.height_mm))
                if not printer.newPage():
                    raise PrintError(f"打印失败：打印机“{name}”在第{index + 1}页中断。")
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(QRectF(target), _qimage(image))
    finally:
        accepted = painter.end()
    if not accepted or printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintError(
            f"打印失败：打印机“{name}”未接受打印任务（可能缺纸、离线或驱动异常），"
            "请检查打印机后重试。"
        )


def write_pdf(pdf: bytes, path: Path | str) -> str | None:
    """Write a slip to `path` atomically (a temporary file, then renamed); the clerk's message
    when it could not be written, else None."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(pdf)
        os.replace(temporary, target)
    except OSError as exc:
        return f"保存PDF失败：{exc.strerror or exc}（{target}）"
    return None


class _Job(QObject, QRunnable):
    """One print job: runs on the worker thread, reports on the GUI thread."""

    done = Signal(str)  # "" on success, else the message for the clerk

    def __init__(self, work: Callable[[], None], report: Callable[[str], None]) -> None:
        QObject.__init__(self)
        QRunnable.__init__(self)
        self.setAutoDelete(False)
        self._work = work
        self._report = report
        self.done.connect(self._deliver)  # self lives in the GUI thread: a queued call

    def run(self) -> None:  # on the worker thread
        try:
            self._work()
        except PrintError as exc:
            self.done.emit(str(exc))
        except Exception as exc:  # a driver or rendering fault: still a message, never a crash
            self.done.emit(f"打印失败：{exc}")
        else:
            self.done.emit("")

    @Slot(str)
    def _deliver(self, message: str) -> None:
        _IN_FLIGHT.discard(self)
        self._report(message)


class SlipPrinter(QObject):
    """Prints, previews and saves slips; see the module docstring."""

    finished = Signal(str)  # kind
    failed = Signal(str, str)  # kind, message for the clerk

    def __init__(
        self,
        settings: Settings | Any | None = None,
        *,
        submit: Callable[[Callable[[], Any]], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if settings is not None and not isinstance(settings, Settings):
            settings = settings.settings  # a Counter
        self._settings: Settings | None = settings
        self._submit = submit or (lambda work: work())
        self._chosen: dict[str, str] = {}
        if settings is not None:
            self._submit(self._load_choices)

    # --- the printer of each kind ---------------------------------------------------------
    def _load_choices(self) -> None:  # on the store thread
        assert self._settings is not None
        for kind in ("notice", "receipt", "ticket"):
            name = self._settings.get(SETTING_PREFIX + kind)
            if name:
                self._chosen.setdefault(kind, name)

    def printer_for(self, kind: str) -> str:
        """The printer remembered for `kind`, or "" for the system default."""
        return self._chosen.get(kind, "")

    def set_printer(self, kind: str, name: str) -> None:
        """Remember `name` as the printer for `kind` (stored in the settings)."""
        self._chosen[kind] = name
        if self._settings is not None:
            settings = self._settings
            self._submit(lambda: settings.set(SETTING_PREFIX + kind, name))

    # --- actions ---------------------------------------------------------------------------
    def print_pdf(
        self,
        kind: str,
        pdf: bytes,
        printer_name: str | None = None,
        *,
        on_success: Callable[[], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        job_name: str | None = None,
    ) -> None:
        """Print in the background; `finished`, and `failed` or `on_failure`, follow. A printer
        given here is remembered for the kind once it printed successfully."""
        name = printer_name if printer_name is not None else self.printer_for(kind)
        title = job_name or f"counterapp-{kind}"
        me = weakref.ref(self)

        def report(message: str) -> None:  # on the GUI thread
            printer = me()
            if not message:
                if on_success is not None:
                    on_success()
                if printer is not None:
                    if printer_name:
                        printer.set_printer(kind, printer_name)
                    printer.finished.emit(kind)
            elif on_failure is not None:
                on_failure(message)
            elif printer is not None:
                printer.failed.emit(kind, message)

        job = _Job(lambda: print_now(pdf, name, title), report)
        _IN_FLIGHT.add(job)
        _pool().start(job)

    def save_pdf(self, pdf: bytes, path: Path | str, kind: str = "pdf") -> bool:
        """Write the slip to `path` (atomically); on failure `failed` says why."""
        problem = write_pdf(pdf, path)
        if problem:
            self.failed.emit(kind, problem)
        return problem is None

    def preview(self, kind: str, pdf: bytes, parent: QWidget | None = None) -> SlipPreview:
        """Open a preview window (non-modal, `open()`); its 打印 button prints with `print_pdf`."""
        dialog = SlipPreview(self, kind, pdf, parent)
        dialog.open()
        return dialog


class SlipPreview(QDialog):
    """The pages as images, rendered on the worker thread; 打印 prints, 关闭 closes."""

    def __init__(
        self, printer: SlipPrinter, kind: str, pdf: bytes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印预览")
        self.resize(within_screen(self, QSize(720, 900)))
        self._printer, self._kind, self._pdf = printer, kind, pdf
        self.pages = QWidget()
        self._column = QVBoxLayout(self.pages)
        self._column.addWidget(QLabel("正在生成预览…"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("打印(&P)", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._print)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self._images: list[QImage] = []
        job = _Job(self._render, self._show)
        _IN_FLIGHT.add(job)
        _pool().start(job)

    def _render(self) -> None:  # on the worker thread
        self._images = [_qimage(image) for image in render_pages(self._pdf, PREVIEW_DPI)]

    def _show(self, message: str) -> None:
        while self._column.count():
            item = self._column.takeAt(0)
            widget = None if item is None else item.widget()
            if widget is not None:
                widget.deleteLater()
        if message:
            self._column.addWidget(QLabel(message))
            return
        for image in self._images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("border: 1px solid #999; background: white;")
            self._column.addWidget(label)

    def _print(self) -> None:
        self._printer.print_pdf(self._kind, self._pdf)
        self.accept()
