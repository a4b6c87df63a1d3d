"""The first-run set-up takes the county's enrolment code (县中心登记码, issue 14) from a real
hub on 127.0.0.1: typed into the dialog as the program starts on a new store, it fills the
station; saving puts the token and signing key into the keyring and pins the hub's key. A
code with a typo, or one already used, is said in place and stores nothing."""

from __future__ import annotations

import pytest

from counterapp.clock import FixedClock
from counterapp.station import Station
from counterapp.sync import enrol_code, service
from hub import enrolment, stations
from hub.sealing import KEY_ENV
from tests.conftest import MORNING, PIN
from tests.sync.hubctl import ThreadHub
from tests.ui.test_startup import fill_account, started
from ui.dialogs import RecordingDialogs
from ui.login_dialog import LoginDialog
from ui.qt import Qt
from ui.setup_dialog import SetupDialog
from ui.startup import StartOptions

STATION = Station(
    "370883101",
    "千泉街道医保服务站",
    "town",
    "370883",
    "邹城市",
    "千泉街道文化路1号",
    "0537-5211234",
)


@pytest.fixture
def county_hub(hub_db, sealing_key, monkeypatch):
    monkeypatch.setenv(KEY_ENV, str(sealing_key))
    server = ThreadHub(hub_db, clock=FixedClock(MORNING)).start()
    yield server
    server.stop()


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_the_first_run_takes_the_county_code(
    qtbot, tmp_path, clock, county_hub, hub_db, memory_keyring
):
    code = enrolment.register(hub_db, STATION, county_hub.url, MORNING, "0001").text
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(tmp_path / "station.db", clock=clock), dialogs)
    qtbot.waitUntil(lambda: dialogs.latest(SetupDialog) is not None)
    setup = dialogs.latest(SetupDialog)
    assert setup.enrol_code.isVisibleTo(setup)
    assert setup.focusWidget() is setup.code  # the keys start at 站点编码, as before
    qtbot.mouseClick(setup.enrol_code, Qt.MouseButton.LeftButton)  # the clerk clicks the field

    qtbot.keyClicks(setup.enrol_code, code[:-1] + ("1" if code[-1] != "1" else "2"))
    qtbot.keyClick(setup.enrol_code, "\r")
    qtbot.waitUntil(lambda: "校验不符" in setup.enrol_state.text())
    assert setup.problems.text() == ""  # Enter read the code and did not press 保存并继续
    assert setup.code.text() == "" and not memory_keyring.secrets.get(
        ("counterapp-hub", STATION.code)
    )

    setup.enrol_code.clear()
    qtbot.keyClicks(setup.enrol_code, code)  # as a USB scanner types the QR's text
    qtbot.keyClick(setup.enrol_code, "\r")
    qtbot.waitUntil(lambda: "已从县中心读取" in setup.enrol_state.text(), timeout=10000)
    assert setup.station() == STATION
    assert setup.code.isReadOnly() and setup.hub_url.text() == county_hub.url
    assert ("counterapp-hub", STATION.code) not in memory_keyring.secrets  # not before saving
    setup.grab().save(str(tmp_path / "setup-enrolled.png"))  # to look at

    fill_account(qtbot, setup.admin_box, "2001", "周敏", PIN, PIN)
    setup.try_accept()
    qtbot.waitUntil(lambda: dialogs.latest(LoginDialog) is not None)
    token = memory_keyring.secrets[("counterapp-hub", STATION.code)]
    assert stations.authenticate(hub_db, token) == STATION.code
    assert memory_keyring.secrets[("counterapp-hub-signing", STATION.code)]
    counter = startup.counter
    assert counter.station == STATION
    pinned = counter.settings.get(service.HUB_PUBLIC_KEY)
    assert enrol_code.fingerprint(pinned) == enrol_code.parse(code).hub_fingerprint
    assert counter.settings.get(service.HUB_URL_KEY) == county_hub.url
    report = service.sync_now(counter.store, counter.clock, timeout=5)
    assert report.ok, report
    startup.close()


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_a_used_code_is_said_in_place(qtbot, tmp_path, clock, county_hub, hub_db, memory_keyring):
    code = enrolment.register(hub_db, STATION, county_hub.url, MORNING, "0001")
    from counterapp.sync import enrol

    enrol.fetch(code.text)  # someone used it first
    dialogs = RecordingDialogs()
    startup = started(qtbot, StartOptions(tmp_path / "station.db", clock=clock), dialogs)
    qtbot.waitUntil(lambda: dialogs.latest(SetupDialog) is not None)
    setup = dialogs.latest(SetupDialog)
    qtbot.keyClicks(setup.enrol_code, code.text)
    setup.enrol_button.click()
    qtbot.waitUntil(lambda: "已经使用过" in setup.enrol_state.text(), timeout=10000)
    assert setup.enrolment is None and not setup.code.isReadOnly()
    assert setup.enrol_button.isEnabled()
    startup.close()
