"""Sync scenarios against a real hub on 127.0.0.1, over SQLite and over PostgreSQL.
After each, the hub holds every record of the station exactly once, in its latest version."""

from __future__ import annotations

import random

from counterapp.sync import outbox, service
from counterapp.sync.client import HubClient
from counterapp.sync.wire import encode_batch
from hub import stations as hub_stations
from tests.sync.conftest import FAST_RETRY, connect_station, now
from tests.sync.hubctl import ThreadHub, free_port
from tests.sync.proxy import FaultProxy
from tests.sync.stations import add_visits, check_hub_matches, hub_rows, later, touch_cases


def sync(counter):
    return service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)


def test_normal_sync_newer_versions_and_nothing_twice(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 12)
    report = sync(town)
    assert report.ok and report.pending == 0 and report.resent == 0
    assert check_hub_matches(hub_db, town) >= 12 * 2
    again = sync(town)
    assert again.ok and again.batches == 0
    later(town)
    assert touch_cases(town, 5, random.Random(1)) == 5
    assert sync(town).ok
    check_hub_matches(hub_db, town)
    status = service.status(town.store)
    assert status.pending == 0 and status.last_error is None and status.last_success


def test_hub_down_then_back(hub_db, town):
    port = free_port()
    connect_station(town, hub_db, f"http://127.0.0.1:{port}")
    add_visits(town, 6)
    pending = outbox.pending_count(town.store)
    down = sync(town)
    assert not down.ok and down.error_kind == "network" and "重试" in down.message
    assert outbox.pending_count(town.store) == pending
    assert service.status(town.store).last_error.startswith("network")
    server = ThreadHub(hub_db, port).start()
    try:
        assert sync(town).ok
        check_hub_matches(hub_db, town)
    finally:
        server.stop()


def test_connection_cut_mid_upload_is_retried(hub, hub_db, town):
    proxy = FaultProxy(hub.port)
    try:
        connect_station(town, hub_db, proxy.url)
        add_visits(town, 10)
        proxy.cut_request(2500)
        report = sync(town)
        assert proxy.cuts == 1
        assert report.ok, report.error
        check_hub_matches(hub_db, town)
    finally:
        proxy.close()


def test_duplicate_and_out_of_order_batches(hub, hub_db, town):
    creds = connect_station(town, hub_db, hub.url)
    add_visits(town, 8)
    ident = outbox.identity(town.store)
    first = outbox.new_batch(town.store, ident, town.clock)
    old = encode_batch(first)  # the records as they are now
    later(town)
    touch_cases(town, 4, random.Random(2))  # newer versions of some of them
    newer = encode_batch(outbox.rebuild(town.store, ident, first.batch_id, town.clock))
    with HubClient(hub.url, creds.token, verify=False) as client:
        ack_new = client.upload(newer)
        ack_old = client.upload(old)  # out of order: older after newer
        ack_dup = client.upload(old)  # and the same batch twice
    assert ack_new["stored"] == len(first.records)
    assert ack_old["stored"] == 0 and ack_dup["stored"] == 0 and ack_dup["times"] == 3
    assert sync(town).ok
    check_hub_matches(hub_db, town)


def test_revoked_token_is_refused_until_rotated(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 3)
    assert sync(town).ok
    hub_stations.revoke(hub_db, town.station.code, now())
    add_visits(town, 3)
    held = len(hub_rows(hub_db, town.station.code))
    report = sync(town)
    assert not report.ok and report.error_kind == "auth" and "令牌" in report.message
    assert len(hub_rows(hub_db, town.station.code)) == held
    fresh = hub_stations.rotate(hub_db, town.station.code, now())
    service.setup(town.store, hub.url, fresh.token, None, None, insecure_loopback=True)
    assert sync(town).ok
    check_hub_matches(hub_db, town)


def test_a_station_cannot_write_another_stations_records(hub, hub_db, town, village):
    connect_station(town, hub_db, hub.url)
    intruder = connect_station(village, hub_db, hub.url, "village")
    add_visits(town, 4)
    assert sync(town).ok
    before = hub_rows(hub_db, town.station.code)
    # the village resends the town's records as its own …
    ident = outbox.identity(town.store)
    with town.store.transaction():
        town.store.execute("UPDATE outbox SET acked_at = NULL, batch_id = NULL")
    batch = outbox.new_batch(town.store, ident, town.clock)
    stolen = batch._replace(
        station=village.station.code, source=outbox.identity(village.store).source
    )
    fresh = outbox.new_batch(village.store, outbox.identity(village.store), village.clock)
    add_visits(village, 1)
    reused = outbox.new_batch(village.store, outbox.identity(village.store), village.clock)
    towns_batch = town.store.scalar("SELECT batch_id FROM sync_batches WHERE acked_at IS NOT NULL")
    reused = reused._replace(batch_id=towns_batch)
    assert fresh is None
    with HubClient(hub.url, intruder.token, verify=False) as client:
        for attempt in (stolen, batch, reused):  # … or its own code, or its batch id
            try:
                client.upload(encode_batch(attempt))
            except Exception as exc:
                assert "403" in str(exc)
            else:
                raise AssertionError("the hub accepted another station's records")
    assert hub_rows(hub_db, town.station.code) == before
    assert hub_rows(hub_db, village.station.code) == {}
