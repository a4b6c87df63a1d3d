"""What comes down (catalogue, decisions) and the reconciliation that stops silent drift."""

from __future__ import annotations

import pytest

from counterapp import catalogue_store
from counterapp.catalogue import CatalogueInvalid
from counterapp.sync import downsync, service
from counterapp.sync.wire import canonical
from hub import feeds
from tests.sync.conftest import FAST_RETRY, connect_station, now
from tests.sync.stations import add_visits, check_hub_matches, hub_rows


def sync(counter):
    return service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)


def county_document(counter, version: str) -> dict:
    document = counter.catalogue.to_document()
    document["catalogue"]["version"] = version
    document["catalogue"]["is_default"] = False
    document["catalogue"]["issuer"] = "邹城市医疗保障局"
    return document


def test_catalogue_push_good_then_bad(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 2)
    open_before = town.store.scalar("SELECT catalogue_version FROM cases LIMIT 1")
    feeds.import_catalogue(hub_db, county_document(town, "county-2026.12"), "test", now())
    report = sync(town)
    assert report.ok and report.catalogue == "county-2026.12"
    pushed = catalogue_store.active_catalogue(town.store)
    assert pushed.version == "county-2026.12"
    assert "慢特病" in pushed.item("YB0501").aliases  # the aliases came down with it
    assert town.store.scalar("SELECT catalogue_version FROM cases LIMIT 1") == open_before
    assert sync(town).catalogue is None  # already current: nothing downloaded

    bad = county_document(town, "county-2027.1")
    bad["items"][0]["materials"][0]["form"] = "photocopy"
    with pytest.raises(CatalogueInvalid):  # the admin path refuses it …
        feeds.import_catalogue(hub_db, bad, "test", now())
    with hub_db.transaction() as tx:  # … so force it in, as a damaged hub would
        tx.execute("UPDATE catalogues SET active = 0")
        tx.execute(
            "INSERT INTO catalogues (version, document, sha256, published, imported_at, "
            "active) VALUES (?, ?, ?, ?, ?, 1)",
            ("county-2027.1", canonical(bad).decode(), "x" * 64, "2027-01-01", now()),
        )
    report = sync(town)
    assert report.ok and report.catalogue is None and "仍使用原目录" in report.warnings[0]
    assert catalogue_store.active_catalogue(town.store).version == "county-2026.12"


def test_decisions_on_forwarded_cases_reach_the_case(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 12)
    forwarded = town.store.one(
        "SELECT uuid, case_no, version FROM cases WHERE state = 'forwarded' LIMIT 1"
    )
    assert forwarded is not None, "the visits should forward at least one case"
    assert sync(town).ok
    with pytest.raises(feeds.FeedProblem, match="退回须注明原因"):
        feeds.decide(hub_db, forwarded["case_no"], "returned", "", "县中心", now())
    feeds.decide(hub_db, forwarded["case_no"], "received", "", "县中心", now())
    feeds.decide(hub_db, forwarded["uuid"], "returned", "缺少诊断证明原件", "县中心", now())
    report = sync(town)
    assert report.ok and report.decisions == 2
    case = town.store.one(
        "SELECT county_status, county_note, version FROM cases WHERE uuid = ?", (forwarded["uuid"],)
    )
    assert (case["county_status"], case["county_note"]) == ("returned", "缺少诊断证明原件")
    assert case["version"] == forwarded["version"] + 2
    kinds = [
        row["kind"]
        for row in town.store.all(
            "SELECT kind FROM events WHERE subject_uuid = ?", (forwarded["uuid"],)
        )
    ]
    assert kinds.count("county_decision") == 2
    view = {row.case_no: row for row in downsync.forwarded_cases(town.store)}
    assert view[forwarded["case_no"]].needs_attention
    assert view[forwarded["case_no"]].county_label == "县中心已退回"
    assert sync(town).decisions == 0  # applied once
    check_hub_matches(hub_db, town)  # and the county has the updated case
    data = hub_rows(hub_db, town.station.code)[forwarded["uuid"]][2]
    assert data["county_status"] == "returned"


def test_reconciliation_resends_exactly_what_the_hub_lacks(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 10)
    assert sync(town).ok
    with hub_db.transaction() as tx:  # the hub loses two records and
        lost = [row[0] for row in tx.all("SELECT uuid FROM records ORDER BY id LIMIT 2")]
        tx.execute("DELETE FROM records WHERE uuid IN (?, ?)", lost)
        stale = tx.scalar(
            "SELECT uuid FROM records WHERE type = 'case' AND version > 1 ORDER BY id DESC LIMIT 1"
        )
        tx.execute("UPDATE records SET version = 1 WHERE uuid = ?", (stale,))  # has an old one
    report = sync(town)
    assert report.ok and report.resent == 3 and report.records == 3
    check_hub_matches(hub_db, town)
    assert sync(town).resent == 0
