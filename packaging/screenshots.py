"""Screenshots of the counter window at 1366×768 for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py

(also works with QT_QPA_PLATFORM=offscreen). A demo station on a fixed day is created in a
temporary folder; the real window is driven step by step and each `grab()` is saved. The
notice is printed for real: give the machine a default printer first (e.g. CUPS with
`printer-driver-cups-pdf`: `lpadmin -p PDF -v cups-pdf:/ -E -P <its PPD>; lpadmin -d PDF`),
or its screenshot shows the 打印失败 message a PC without a printer gets.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterapp import accounts  # noqa: E402
from counterapp.app import Counter  # noqa: E402
from counterapp.clock import CST, FixedClock  # noqa: E402
from counterapp.demo import DEMO_HINT, DEMO_PIN, seed_demo  # noqa: E402
from counterapp.idnumber import check_char  # noqa: E402
from counterapp.lan_queue.client import SIGNED_OUT, unreachable  # noqa: E402
from counterapp.lan_queue.roles import Role  # noqa: E402
from counterapp.queue import Lane  # noqa: E402
from counterapp.ratings import RatingLevel  # noqa: E402
from counterapp.station import clerks  # noqa: E402
from ui import comfort  # noqa: E402
from ui.consult_dialog import ConsultDialog  # noqa: E402
from ui.context import AppContext, Session  # noqa: E402
from ui.dialogs import RecordingDialogs  # noqa: E402
from ui.follow_up_dialog import FollowUpDialog  # noqa: E402
from ui.hall_display import HallDisplay  # noqa: E402
from ui.kiosk import KioskWindow  # noqa: E402
from ui.ledger_tab import MONTH  # noqa: E402
from ui.login_dialog import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ops import Ops  # noqa: E402
from ui.qt import QAbstractButton, QApplication, QWidget, application  # noqa: E402
from ui.queue_settings_dialog import QueueSettingsDialog  # noqa: E402
from ui.rating_dialog import RatingDialog  # noqa: E402
from ui.screen_exit_dialog import ScreenExitDialog  # noqa: E402
from ui.setup_dialog import SetupDialog  # noqa: E402
from ui.staff_dialog import StaffDialog  # noqa: E402
from ui.unprinted_slips import PrintFailedDialog, UnprintedSlipsDialog  # noqa: E402
from ui.withdraw_dialog import WithdrawDialog  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DAY = date(2026, 11, 25)
SIZE = (1366, 768)


def make_id(birth: str, sequence: str) -> str:
    first17 = "370883" + birth + sequence
    return first17 + check_char(first17)


class Shooter:
    def __init__(self, app: QApplication, ops: Ops) -> None:
        self.app = app
        self.ops = ops
        self.saved: list[Path] = []

    def settle(self, extra_ms: int = 150) -> None:
        deadline = time.monotonic() + 10
        while not self.ops.idle and time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.005)
        end = time.monotonic() + extra_ms / 1000
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)

    def shot(self, widget: QWidget, name: str) -> None:
        self.settle()
        path = OUT / f"{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        print(f"saved {path.relative_to(ROOT)} ({widget.width()}×{widget.height()})")

    def click(self, button: QAbstractButton) -> None:
        button.click()
        self.settle()


def visit(shoot: Shooter, window: MainWindow, counter: Counter, clock: FixedClock) -> None:
    panel = window.case_panel
    window.queue_panel.call_next.trigger()
    shoot.settle()
    applicant = panel.applicant
    applicant.name.setText("欧阳秀英")
    applicant.id_field.edit.setText(make_id("19520714", "226"))
    applicant.phone.setText("13905371234")
    applicant.with_agent.setChecked(True)
    applicant.agent_name.setText("欧阳志强")
    applicant.agent_id.edit.setText(make_id("19800322", "153"))
    applicant.agent_phone.setText("13705375678")
    shoot.shot(window, "01_applicant")

    shoot.click(panel.next_button)
    panel.items.search.setText("ydjy")
    panel.items.toggle(0)
    panel.items.toggle(1)
    shoot.settle()
    shoot.shot(window, "02_items_pinyin_search")

    shoot.click(panel.next_button)
    materials = panel.materials
    case = panel.case
    assert case is not None  # the items step opened it
    keys = [m.key for m in case.materials]
    for key in ("identity", "agent-id", "principal-id", "power-of-attorney"):
        if key in keys:
            materials.model.toggled.emit(key, 0, True)
            shoot.settle()
    materials.model.toggled.emit("residence-proof", 4, True)
    shoot.settle()
    shoot.shot(window, "03_materials")

    shoot.click(panel.next_button)
    shoot.shot(window, "04a_outcome_missing")
    shoot.click(panel.outcome.notice_button)
    shoot.shot(window, "04b_one_time_notice")
    shoot.click(panel.outcome.end_button)

    # a second citizen: a collect-and-forward item, everything brought along
    clock.advance(minutes=6)
    window.queue_panel.call_next.trigger()
    shoot.settle()
    applicant.name.setText("张建国")
    applicant.id_field.edit.setText(make_id("19650203", "315"))
    applicant.phone.setText("13805371188")
    shoot.click(panel.next_button)
    panel.items.search.setText("mzmxbbz")
    panel.items.toggle(0)
    shoot.click(panel.next_button)
    shoot.click(panel.materials.all_button)
    shoot.click(panel.next_button)
    shoot.shot(window, "04c_outcome_accept")
    shoot.click(panel.outcome.accept_button)
    clock.advance(minutes=2)
    panel.timer.refresh()
    shoot.shot(window, "05_finish_forward")
    shoot.click(panel.finish.forward_button)
    shoot.shot(window, "06a_rating_step")
    panel.rating.ask_rating()
    shoot.settle()
    dialog = window.ctx.dialogs.latest(RatingDialog)
    assert dialog is not None
    shoot.shot(dialog, "06b_rating_dialog")
    dialog.choose(RatingLevel.DISSATISFIED)
    dialog.reason_choices[0].setChecked(True)
    shoot.shot(dialog, "06c_rating_dialog_bad_reason")
    dialog.submit()
    shoot.shot(window, "06d_rating_done")
    shoot.click(panel.rating.end_button)


def follow_ups_and_withdraw(shoot: Shooter, window: MainWindow, counter: Counter) -> None:
    """The bad-rating follow-up list (the visit above left one), then a case withdrawn."""
    window.open_follow_ups()
    shoot.settle()
    follow_ups = window.ctx.dialogs.latest(FollowUpDialog)
    assert isinstance(follow_ups, FollowUpDialog)
    follow_ups.note.setPlainText("已调整窗口排班，电话回访办事人，办事人表示理解。")
    shoot.shot(follow_ups, "14_follow_up_list")
    follow_ups.close()

    panel = window.case_panel
    counter.queue.issue(Lane.NORMAL)
    window.queue_panel.call_next.trigger()
    shoot.settle()
    panel.applicant.name.setText("赵红梅")
    panel.applicant.id_field.edit.setText(make_id("19760418", "224"))
    shoot.click(panel.next_button)
    panel.items.search.setText("cbdj")
    panel.items.toggle(0)
    shoot.click(panel.next_button)
    panel.withdraw()
    shoot.settle()
    withdraw = window.ctx.dialogs.latest(WithdrawDialog)
    assert isinstance(withdraw, WithdrawDialog)
    withdraw.reason.setCurrentIndex(0)
    shoot.shot(withdraw, "15_withdraw_dialog")
    shoot.click(withdraw.ok_button)


def input_checks(shoot: Shooter, window: MainWindow, counter: Counter) -> None:
    """Step ① catching mistakes (each under its field, a number known under another name, a
    15-digit number converted), then step ② finding an item by an alias, and finding nothing."""
    panel = window.case_panel
    window.show_tab(0)
    panel.end_visit()  # the large-font visit above
    shoot.settle()
    counter.queue.issue(Lane.NORMAL)
    window.queue_panel.call_next.trigger()
    shoot.settle()
    applicant = panel.applicant
    applicant.name.setText("欧阳秀莹")  # 欧阳秀英's number, one character off
    applicant.id_field.edit.setText(make_id("19520714", "226"))
    applicant.phone.setText("1390537123")
    applicant.with_agent.setChecked(True)
    applicant.agent_name.setText("欧阳志强")
    applicant.agent_id.edit.setText("370883800322153")
    applicant.agent_id.convert()
    applicant.relation.setCurrentText("")
    shoot.settle()
    shoot.click(panel.next_button)
    shoot.shot(window, "01b_applicant_checks")

    applicant.phone.setText("13905371234")
    applicant.relation.setCurrentIndex(0)
    shoot.click(panel.next_button)
    panel.items.search.setText("慢特病")
    shoot.settle()
    shoot.shot(window, "02b_items_alias_search")
    panel.items.search.setText("医保报账")
    shoot.settle()
    shoot.shot(window, "02c_items_nothing_found")


def consult_and_unprinted(shoot: Shooter, window: MainWindow, counter: Counter) -> None:
    """仅咨询 (Shift+F2) on a called ticket; a notice that did not print and the 待打印 list."""
    from counterapp.slips import Layout, prepare_notice, unprinted

    window.queue_panel.call_next.trigger()
    shoot.settle()
    window.queue_panel.end_without_case.trigger()
    consult = window.ctx.dialogs.latest(ConsultDialog)
    assert isinstance(consult, ConsultDialog)
    consult.reason.setCurrentText("走错窗口（建议转窗口）")
    shoot.shot(consult, "17_consult_dialog")
    consult.reason.setCurrentText("仅咨询政策或办事流程")
    consult.try_accept()
    shoot.settle()
    told = counter.store.scalar(
        "SELECT id FROM cases WHERE state = 'materials_incomplete' AND NOT EXISTS ("
        "SELECT 1 FROM slip_prints AS p WHERE p.case_id = cases.id AND p.kind = 'notice') "
        "ORDER BY id DESC LIMIT 1"
    )  # one whose notice never printed (the walk above printed one with the default printer)
    slip = prepare_notice(counter, told, Layout.A4, clerk_id=window.ctx.clerk_id)
    failure = "打印失败：打印机“柜台A4”已暂停，请在系统打印设置中恢复后重试。"
    kept = unprinted.keep(counter, slip.pdf, slip.pending, failure)
    window.print_failed(kept, failure)
    failed = window.ctx.dialogs.latest(PrintFailedDialog)
    assert isinstance(failed, PrintFailedDialog)
    shoot.shot(failed, "18_print_failed")
    failed.close()
    window.open_unprinted()
    shoot.settle()
    listing = window.ctx.dialogs.latest(UnprintedSlipsDialog)
    assert isinstance(listing, UnprintedSlipsDialog)
    shoot.shot(listing, "19_unprinted_slips")
    listing.close()


def lock_and_staff(shoot: Shooter, window: MainWindow, counter: Counter) -> None:
    """The lock screen, then 人员管理 as the demo's admin opens it."""
    window.lock("by_hand")
    shoot.settle()
    shoot.shot(window, "20_lock_screen")
    window.lock_page.say_why(SIGNED_OUT)  # as on a window PC whose host wants the PIN again
    shoot.shot(window, "20b_lock_screen_host_signed_out")
    window.lock_page.say_why("")
    window.unlock("1002", DEMO_PIN)
    shoot.settle()
    admin = accounts.authenticate(counter.store, "1001", DEMO_PIN, counter.clock)
    window._open_staff_as(admin)
    shoot.settle()
    staff = window.ctx.dialogs.latest(StaffDialog)
    assert staff is not None
    shoot.shot(staff, "21_staff")
    staff.close()


def queue_keys(shoot: Shooter, window: MainWindow, counter: Counter) -> None:
    """The demo PC as the queue host (secrets in memory), with the keys of a town station's
    PCs, one revoked, and one just issued."""
    from counterapp.lan_queue import access
    from counterapp.lan_queue.roles import QueueLink, Role
    from counterapp.memory_keyring import in_memory_keyring
    from ui.queue_keys_dialog import QueueKeysDialog

    with in_memory_keyring():
        counter.configure_queue(QueueLink(Role.HOST))
        for name, kind in (
            ("2号窗口", access.Access.WINDOW),
            ("3号窗口", access.Access.WINDOW),
            ("旧取号机", access.Access.KIOSK),
            ("大厅叫号屏", access.Access.HALL),
        ):
            access.issue(counter.store, kind, name, counter.clock)
        access.revoke(counter.store, 3, counter.clock)
        dialog = QueueKeysDialog(window.ctx, window)
        window.ctx.dialogs.open(dialog)
        dialog.load()
        shoot.settle()
        dialog.access.setCurrentIndex(dialog.access.findData(access.Access.KIOSK))
        dialog.name.setText("大厅取号机")
        dialog.issue()
        shoot.shot(dialog, "16b_queue_keys")
        dialog.close()
        counter.configure_queue(QueueLink(Role.STANDALONE))


def ledger(shoot: Shooter, window: MainWindow) -> None:
    """台账统计 (F10): the demo month, its rules not met in red, and the charts."""
    window.show_tab(3)
    window.ledger.view.setCurrentIndex(MONTH)
    shoot.shot(window, "22_ledger_month")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = application(sys.argv[:1])
    family = comfort.load_cjk_font()
    comfort.apply(app, large=False, family=family)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "station.db"
        seed_demo(path, today=DAY)
        clock = FixedClock(datetime(2026, 11, 25, 10, 40, tzinfo=CST))
        counter = Counter.open(path, clock)
        counter.queue.issue(Lane.PRIORITY, "70岁以上老人")
        dialogs = RecordingDialogs()
        ops = Ops(counter, dialogs)
        shoot = Shooter(app, ops)
        staff = clerks(counter.store)
        ctx = AppContext(counter, ops, dialogs, Session(staff[1], 2))
        ctx.item_index.build_pinyin()
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        window.load()
        window.add_sync_status()
        shoot.shot(window, "00_counter_window")
        visit(shoot, window, counter, clock)

        window.show_tab(1)
        window.deadlines.reload()
        shoot.shot(window, "07_deadline_list")
        window.show_tab(2)
        window.search.text.setText("欧阳")
        window.search.search()
        shoot.shot(window, "08_case_search")
        ledger(shoot, window)
        window.show_tab(0)
        follow_ups_and_withdraw(shoot, window, counter)

        window.show_tab(0)
        window.large_font.trigger()
        window.queue_panel.call_next.trigger()
        shoot.settle()
        window.case_panel.applicant.name.setText("刘桂兰")
        window.case_panel.applicant.id_field.edit.setText(make_id("19480915", "128"))
        shoot.shot(window, "09_large_font_mode")
        window.case_panel.next()
        window.case_panel.items.search.setText("异地")
        window.case_panel.items.toggle(0)
        shoot.shot(window, "09b_large_font_items")
        window.large_font.trigger()
        shoot.settle()

        kiosk = KioskWindow(ops)
        kiosk.resize(*SIZE)
        kiosk.show()
        shoot.shot(kiosk, "10a_kiosk")
        kiosk.priority.click()
        shoot.shot(kiosk, "10b_kiosk_priority_reason")
        kiosk.reason_buttons[0].click()
        shoot.shot(kiosk, "10c_kiosk_ticket")
        kiosk.ask_to_close()
        leaving = dialogs.latest(ScreenExitDialog)
        assert leaving is not None
        leaving.code.setText("000000")
        leaving.try_accept()
        shoot.settle()
        shoot.shot(leaving, "10d_kiosk_staff_exit")
        kiosk.release()

        shoot.settle()
        for _ in range(4):
            counter.queue.issue(Lane.NORMAL)
        counter.queue.call_next(1, staff[0].id)
        counter.queue.call_next(3, staff[2].id)
        hall = HallDisplay(ops)
        hall.resize(*SIZE)
        hall.show()
        hall.reload()
        shoot.shot(hall, "11_hall_display")
        hall.release()

        consult_and_unprinted(shoot, window, counter)

        window.open_queue_settings()
        shoot.settle()
        settings = window.ctx.dialogs.latest(QueueSettingsDialog)
        assert isinstance(settings, QueueSettingsDialog)
        shoot.shot(settings, "16_queue_settings")
        settings.close()
        queue_keys(shoot, window, counter)

        setup = SetupDialog(ops=window.ctx.ops)  # with the 登记码 box, as on a first run
        setup.show()
        shoot.shot(setup, "12_first_run_setup")
        setup.queue_box.role.setCurrentIndex(setup.queue_box.role.findData(Role.CLIENT))
        shoot.shot(setup, "12b_first_run_setup_window_of_host")
        setup.close()
        assert counter.station is not None  # a demo station
        login = LoginDialog(counter.station.name, staff, 2, "1002", DEMO_HINT)
        login.show()
        shoot.shot(login, "13_login")
        login.close()
        login = LoginDialog(
            counter.station.name,
            [],
            2,
            from_host=True,
            host_problem=unreachable("https://192.168.1.10:8766"),
        )
        login.show()
        shoot.shot(login, "13b_login_host_unreachable")
        login.close()
        lock_and_staff(shoot, window, counter)

        input_checks(shoot, window, counter)
        window.close()
        ops.shutdown()
        counter.close()
    print(f"{len(shoot.saved)} screenshots in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
