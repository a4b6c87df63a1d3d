"""The slip code binds what the slip says (issue 13): the county answers a valid code with that
print's items, materials and dates (never the full ID) to compare with the paper; each 补打 has
its own code; content changed after the print no longer checks; old version-1 codes check only
for cases printed before. A real hub over SQLite and PostgreSQL."""

from __future__ import annotations

import json

from counterapp.slips import Layout, prepare_notice, record_print, verification
from counterapp.slips.raster import page_texts
from counterapp.sync.slip_codes import SLIP_FIELD
from tests.sync.conftest import connect_station
from tests.sync.stations import add_visits
from tests.sync.test_slip_checks import Desk, sync


def _print(counter, case_id: int, reason: str | None = None):
    slip = prepare_notice(
        counter, case_id, Layout.A4, clerk_id=counter.clerk_id, reprint_reason=reason
    )
    record_print(counter, slip.pending)
    return slip


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_county_shows_what_the_checked_print_says(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    (case_id,) = add_visits(town, 1)
    first = _print(town, case_id)
    town.clock.advance(minutes=20)
    again = _print(town, case_id, reason="遗失")
    sync(town)
    case = town.cases.get(case_id)
    desk = Desk(hub, hub_db)
    shown = []
    for slip, number in ((first, 0), (again, 1)):
        answer = desk.post(case_no=case.case_no, code=slip.pending.verification_code).json()
        assert answer["result"] == "valid", answer
        content = answer["slip"]
        assert content == slip.pending.content and content["print_no"] == number
        paper = _flat("".join(page_texts(slip.pdf)))
        for line in (
            content["issued_at"],
            content["id_number"],
            content["applicant"],
            *(i["name"] for i in content["items"]),
            *(i["value"] for i in content["items"]),
            *(m["name"] for m in content["materials"]),
        ):
            assert _flat(line) in paper, line
        assert case.applicant.id_number not in json.dumps(answer, ensure_ascii=False)
        shown.append(content["issued_at"])
    assert shown[0] != shown[1]  # each 补打 checked as itself


def test_content_changed_after_the_print_no_longer_checks(hub, hub_db, town):
    """The code covers the content: the same code against other items or dates is refused,
    even when whoever writes the hub's records changes the stored print."""
    connect_station(town, hub_db, hub.url)
    (case_id,) = add_visits(town, 1)
    slip = _print(town, case_id)
    sync(town)
    case = town.cases.get(case_id)
    desk = Desk(hub, hub_db)
    code = slip.pending.verification_code
    assert desk.check(case_no=case.case_no, code=code) == "valid"
    with hub_db.transaction() as tx:
        (data,) = tx.one("SELECT data FROM records WHERE uuid = ?", (case.uuid,))
        data = json.loads(data) if isinstance(data, str) else data
        for event in data["events"]:
            if SLIP_FIELD in event.get("data", {}):
                event["data"][SLIP_FIELD]["items"][0]["value"] = "2099年1月1日前"
        tx.execute(
            "UPDATE records SET data = ? WHERE uuid = ?",
            (json.dumps(data, ensure_ascii=False), case.uuid),
        )
    assert desk.check(case_no=case.case_no, code=code) == "invalid"


def test_old_codes_check_only_for_cases_printed_before(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    old_case, new_case = add_visits(town, 2)
    # a print as the program before issue 13 recorded it: no content, a version-1 code
    legacy = verification.legacy_code_for(town, town.cases.get(old_case))
    with town.store.transaction():
        town.store.insert(
            "slip_prints",
            {
                "kind": "notice",
                "case_id": old_case,
                "layout": "a4",
                "is_reprint": 0,
                "printed_at": "2026-11-25T09:00:00+08:00",
                "clerk_id": town.clerk_id,
                "verification_code": legacy,
            },
        )
        from counterapp import journal

        journal.record(
            town.store,
            subject="case",
            subject_uuid=town.cases.get(old_case).uuid,
            kind="notice_printed",
            at="2026-11-25T09:00:00+08:00",
            data={"layout": "a4"},
            outbox_version=town.cases.get(old_case).version,
        )
    _print(town, new_case)
    sync(town)
    desk = Desk(hub, hub_db)
    old_no = town.cases.get(old_case).case_no
    answer = desk.post(qr=f"YBGZ|{old_no}|{legacy}").json()
    assert answer["result"] == "valid" and "旧版验证码" in answer["message"]
    assert "slip" not in answer
    new = town.cases.get(new_case)
    assert desk.check(case_no=new.case_no, code=verification.legacy_code_for(town, new)) == (
        "invalid"
    )  # never printed with a version-1 code
