"""Processes killed at the worst moments: the hub after its commit but before the ack reaches
the station, and the station's `counterapp sync` in the middle of a backlog."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from counterapp.sync import outbox, service
from counterapp.sync.service import BATCH_RECORDS_KEY
from tests.sync.conftest import FAST_RETRY, connect_station
from tests.sync.hubctl import ROOT, ProcessHub
from tests.sync.proxy import FaultProxy
from tests.sync.stations import add_visits, check_hub_matches, new_station

pytestmark = pytest.mark.slow  # processes started and killed: 3-4 s each


def sync(counter):
    return service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)


def test_hub_killed_after_commit_before_the_ack(hub_url, hub_db, town):
    process = ProcessHub(hub_url).start()
    proxy = FaultProxy(process.port)
    try:
        connect_station(town, hub_db, proxy.url)
        add_visits(town, 8)
        proxy.drop_response(hook=process.kill)  # the answer starts: the hub has committed
        report = sync(town)
        assert not report.ok and report.error_kind == "network"
        assert proxy.drops == 1
        with hub_db.transaction() as tx:
            stored = tx.scalar("SELECT count(*) FROM records")
            batch_id, _ = tx.one("SELECT batch_id, times FROM batches")
        assert stored > 0  # committed before it died …
        assert outbox.unacked_batches(town.store) == [batch_id]  # … but never acknowledged
        process.start()  # same port, same database
        report = sync(town)
        assert report.ok, report.error
        with hub_db.transaction() as tx:
            assert tx.scalar("SELECT times FROM batches WHERE batch_id = ?", (batch_id,)) == 2
        check_hub_matches(hub_db, town)
    finally:
        proxy.close()
        process.stop()


def test_station_killed_mid_sync_and_restarted(hub, hub_db, tmp_path):
    town = new_station(tmp_path / "data" / "station.db", "370883101")
    proxy = FaultProxy(hub.port)
    try:  # the child's keyring is the session's file (tests/conftest.py), the token put there
        from tests.sync.hubctl import FileKeyring

        creds = connect_station(town, hub_db, proxy.url)
        FileKeyring().set_password("counterapp-hub", town.station.code, creds.token)
        add_visits(town, 40)
        town.settings.set(BATCH_RECORDS_KEY, 8)  # many small batches …
        proxy.delay_seconds = 0.15  # … on a slow link
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        child = subprocess.Popen(
            [sys.executable, "-m", "counterapp.cli", "--data-dir", str(tmp_path / "data"), "sync"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with hub_db.transaction() as tx:
                if tx.scalar("SELECT count(*) FROM batches") >= 3:
                    break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert child.returncode == -signal.SIGKILL
        assert outbox.pending_count(town.store) > 0  # killed half-way
        proxy.clear()
        report = sync(town)
        assert report.ok, report.error
        check_hub_matches(hub_db, town)
    finally:
        proxy.close()
        town.close()
