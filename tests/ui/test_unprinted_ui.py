"""No printer means no slip: the window keeps the notice that did not print, offers to retry
(with a busy bar while the printer is tried), to save the PDF (default folder and name) or to
print it later from 待打印单据 (Ctrl+Shift+P); the print is recorded once, when it prints."""

from __future__ import annotations

import pytest

from counterapp.case_model import CaseState
from counterapp.journal import events_of
from counterapp.slips import notice_printed, prints_of_case
from counterapp.slips import unprinted as core
from tests.ui.conftest import settle
from tests.ui.test_visits import start_case
from tests.ui.visit import Clerk
from ui import unprinted_slips
from ui.qt import QApplication, QFileDialog, QInputDialog, Qt
from ui.unprinted_slips import PrintFailedDialog, UnprintedSlipsDialog

NO_PRINTER = "打印失败：本机没有可用的打印机，请在系统中安装打印机后重试。"


class HeldPrinter:
    """A printer whose answer the test gives: each job waits in `jobs` until released."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, bytes, object, object]] = []

    def print_pdf(
        self, kind, pdf, printer_name=None, *, on_success=None, on_failure=None, job_name=None
    ) -> None:
        self.jobs.append((kind, pdf, on_success, on_failure))

    def answer(self, message: str = "") -> None:
        _kind, _pdf, on_success, on_failure = self.jobs.pop(0)
        if message:
            on_failure(message)
        else:
            on_success()


@pytest.fixture
def held(ctx) -> HeldPrinter:
    printer = HeldPrinter()
    ctx.slips._printer = printer
    return printer


@pytest.fixture
def folder(tmp_path, monkeypatch):
    target = tmp_path / "单据"
    monkeypatch.setattr(unprinted_slips, "default_folder", lambda: target)
    return target


def notice_fails(qtbot, window, held: HeldPrinter):
    """A visit whose notice does not print: the dialog is offered, the slip is kept."""
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0302")
    clerk.next()
    clerk.click(window.case_panel.outcome.notice_button)
    held.answer(NO_PRINTER)
    clerk.settle()
    dialog = window.ctx.dialogs.latest(PrintFailedDialog)
    assert dialog is not None and dialog.isVisible()
    return clerk, case, dialog


def test_a_failed_notice_is_kept_and_a_retry_shows_a_busy_bar(qtbot, window, counter, held):
    clerk, case, dialog = notice_fails(qtbot, window, held)
    assert counter.cases.get(case.id).state == CaseState.MATERIALS_INCOMPLETE
    assert "没有可用的打印机" in window.case_panel.outcome.print_note.text()
    (kept,) = core.open_slips(counter)
    assert kept.case_id == case.id and not notice_printed(counter, case.id)
    assert case.case_no in dialog.text.text() and "不算已出具" in dialog.text.text()
    assert dialog.retry_button.isDefault()
    clerk.click(dialog.retry_button)  # the printer is still off
    assert dialog.actions_row.busy.isVisible()
    assert dialog.actions_row.status.text() == "正在打印一次性告知单…"
    held.answer(NO_PRINTER)
    clerk.settle()
    assert not dialog.actions_row.busy.isVisible()
    assert "没有可用的打印机" in dialog.actions_row.status.text()
    assert core.open_slips(counter) == [kept] and prints_of_case(counter, case.id) == []
    clerk.click(dialog.retry_button)  # the printer is back
    assert dialog.actions_row.busy.isVisible()
    held.answer()
    clerk.settle()
    assert not dialog.actions_row.busy.isVisible() and "已打印" in dialog.actions_row.status.text()
    assert not dialog.retry_button.isVisible() and dialog.later_button.text() == "关闭"
    records = prints_of_case(counter, case.id)
    assert len(records) == 1 and not records[0].is_reprint  # the first print, once
    assert core.open_slips(counter) == []
    clerk.click(dialog.later_button)
    assert not dialog.isVisible()


def test_a_second_failure_replaces_the_open_dialog(qtbot, window, counter, held):
    clerk, _case, first = notice_fails(qtbot, window, held)
    clerk.click(window.case_panel.outcome.print_button)  # the clerk tries again: fails again
    held.answer(NO_PRINTER)
    clerk.settle()
    second = window.ctx.dialogs.latest(PrintFailedDialog)
    assert second is not first and second.isVisible()
    assert [d for d in window.ctx.dialogs.opened if isinstance(d, PrintFailedDialog)] == [second]
    assert len(core.open_slips(counter)) == 1


def test_save_the_pdf_in_the_default_folder_under_the_case_number(
    qtbot, window, counter, held, folder
):
    clerk, case, dialog = notice_fails(qtbot, window, held)
    clerk.click(dialog.save_button)
    files = window.ctx.dialogs.latest(QFileDialog)
    assert files is not None and files.isVisible()
    wanted = folder / f"{case.case_no}-一次性告知单.pdf"
    assert files.directory().absolutePath() == str(folder)
    assert files.selectedFiles() == [str(wanted)]
    files.accept()
    clerk.settle()
    (kept,) = core.open_slips(counter)
    assert wanted.read_bytes() == core.pdf_of(counter, kept.id)
    assert kept.saved_to == str(wanted) and "已另存为" in dialog.actions_row.status.text()
    assert not notice_printed(counter, case.id)  # a saved PDF is not a printed notice
    assert events_of(counter.store, case.uuid)[-1]["kind"] == "notice_pdf_saved"


def test_print_it_later_from_the_list(qtbot, window, counter, held):
    clerk, case, dialog = notice_fails(qtbot, window, held)
    clerk.click(dialog.later_button)
    assert not dialog.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    clerk.key(
        QApplication.focusWidget() or window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    listing = window.ctx.dialogs.latest(UnprintedSlipsDialog)
    assert listing is not None and listing.isVisible()
    clerk.settle()
    assert [row.case_no for row in listing.model.rows] == [case.case_no]
    assert "待打印 1 份" in listing.summary.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is listing)
    clerk.key(listing.table, Qt.Key.Key_Return)  # print the selected slip
    assert listing.actions_row.busy.isVisible()
    held.answer()
    clerk.settle()
    assert listing.model.rows == [] and "没有待打印的单据" in listing.summary.text()
    assert [r.is_reprint for r in prints_of_case(counter, case.id)] == [False]
    assert notice_printed(counter, case.id)


def test_take_a_slip_off_the_list_with_a_reason(qtbot, window, counter, held):
    clerk, case, dialog = notice_fails(qtbot, window, held)
    dialog.accept()
    window.open_unprinted()
    clerk.settle()
    listing = window.ctx.dialogs.latest(UnprintedSlipsDialog)
    clerk.click(listing.drop_button)
    asking = window.ctx.dialogs.latest(QInputDialog)
    assert asking is not None and asking.isVisible()
    asking.setTextValue("")
    asking.accept()  # no reason: refused, kept
    clerk.settle()
    assert "原因" in listing.actions_row.status.text() and len(core.open_slips(counter)) == 1
    clerk.click(listing.drop_button)
    asking = window.ctx.dialogs.latest(QInputDialog)
    asking.setTextValue("办事人已取得电子版（PDF）")
    asking.accept()
    clerk.settle()
    assert core.open_slips(counter) == [] and listing.model.rows == []
    assert not notice_printed(counter, case.id)
    last = events_of(counter.store, case.uuid)[-1]
    assert last["kind"] == "notice_print_dropped"
    settle(qtbot, window.ctx.ops)
