"""A seeded fault-injection run: ≥ 1,000 sync rounds with random faults on both sides, ending
with zero lost and zero duplicated records. Prints its summary (its time included). A run that
gets stuck fails by pytest-timeout (the marks below), not by a clock read here."""

from __future__ import annotations

import random
import time
from collections import Counter as Tally
from typing import Any

import pytest

from counterapp.sync import offline, outbox, transfer
from counterapp.sync.client import HubClient
from counterapp.sync.engine import RetryPolicy, SyncEngine
from counterapp.sync.wire import Encoded, encode_batch
from hub import files
from hub.db import Database
from tests.sync.conftest import connect_station, now
from tests.sync.hubctl import ThreadHub
from tests.sync.proxy import FaultProxy
from tests.sync.stations import (
    add_visits,
    audit,
    check_hub_matches,
    later,
    new_station,
    touch_cases,
)

SEED = 20261125


class Crash(Exception):
    """The station program dies here (the store keeps whatever was committed)."""


class FaultyClient(HubClient):
    """A real client whose program may 'die' right before or right after an upload."""

    def __init__(self, *args: Any, rng: random.Random, plan: dict[str, bool], **kw: Any):
        super().__init__(*args, **kw)
        self.rng, self.plan = rng, plan

    def upload(self, encoded):
        if self.plan.pop("crash_before_send", False):
            raise Crash("before send")
        ack = super().upload(encoded)
        if self.plan.pop("crash_after_commit", False):
            raise Crash("after the hub's commit, before the ack was recorded")
        return ack


def run_rounds(tmp_path, db: Database, rounds: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    hub = ThreadHub(db).start()
    proxy = FaultProxy(hub.port)
    town = new_station(tmp_path / "town.db", "370883101")
    village = new_station(tmp_path / "village.db", "370883101201", "village")
    tokens = {
        "town": connect_station(town, db, proxy.url).token,
        "village": connect_station(village, db, proxy.url, "village").token,
    }
    stations = {"town": town, "village": village}
    faults: Tally[str] = Tally()
    outcome: Tally[str] = Tally()
    stale: dict[str, list[Encoded]] = {"town": [], "village": []}
    started = time.monotonic()
    retry = RetryPolicy(attempts=2, base=0.001, cap=0.005, rng=rng)
    try:
        for _ in range(rounds):
            name = rng.choice(("town", "town", "village"))
            counter = stations[name]
            later(counter, minutes=rng.randint(1, 30))
            if rng.random() < 0.35:
                add_visits(counter, rng.randint(1, 2), rng)
            if rng.random() < 0.15:
                touch_cases(counter, rng.randint(1, 3), rng)
            plan: dict[str, bool] = {}
            fault = rng.choices(
                (
                    "none",
                    "cut",
                    "ack_lost",
                    "hub_down",
                    "crash_before",
                    "crash_after",
                    "hub_restart",
                    "hub_loses",
                    "replay_stale",
                    "usb",
                    "usb_tampered",
                ),
                weights=(30, 8, 8, 6, 5, 8, 3, 4, 6, 8, 3),
            )[0]
            faults[fault] += 1
            if fault == "cut":
                proxy.cut_request(rng.randint(0, 6000))
            elif fault == "ack_lost":
                proxy.drop_response()
            elif fault == "hub_down":
                proxy.refuse()
            elif fault == "crash_before":
                plan["crash_before_send"] = True
            elif fault == "crash_after":
                plan["crash_after_commit"] = True
            elif fault == "hub_restart":
                hub.stop()
                hub = ThreadHub(db, hub.port).start()
            elif fault == "hub_loses":
                with db.transaction() as tx:
                    tx.execute(
                        "DELETE FROM records WHERE uuid IN (SELECT uuid FROM records "
                        "ORDER BY random() LIMIT 2)"
                    )
            elif fault == "replay_stale" and stale[name]:
                with HubClient(hub.url, tokens[name], verify=False) as client:
                    for old in rng.sample(stale[name], min(2, len(stale[name]))):
                        client.upload(old)  # an old copy arrives late: changes nothing
                        outcome["stale_replayed"] += 1
            elif fault in ("usb", "usb_tampered"):
                usb_round(tmp_path, db, counter, fault == "usb_tampered", rng, outcome)
            client = FaultyClient(
                proxy.url, tokens[name], verify=False, timeout=3, rng=rng, plan=plan
            )
            engine = SyncEngine(
                counter.store,
                counter.clock,
                client,
                retry=retry,
                sleep=lambda _: None,
                max_records=rng.choice((3, 10, 50)),
                reconcile_days=60,
            )
            try:
                report = engine.run(down=rng.random() < 0.2)
                outcome["ok" if report.ok else f"failed:{report.error_kind}"] += 1
            except Crash:
                outcome["station_crashed"] += 1
            finally:
                client.close()
                proxy.clear()
            if rng.random() < 0.1:  # keep some stale copies to replay later
                pending = outbox.unacked_batches(counter.store)
                if pending:
                    batch = outbox.rebuild(
                        counter.store, outbox.identity(counter.store), pending[0], counter.clock
                    )
                    if batch is not None:
                        stale[name].append(encode_batch(batch))
        # the weather clears: every station syncs until nothing is pending
        for counter in stations.values():
            client = HubClient(proxy.url, tokens[counter_name(stations, counter)], verify=False)
            for _ in range(5):
                report = SyncEngine(
                    counter.store, counter.clock, client, retry=retry, sleep=lambda _: None
                ).run()
                if report.ok and report.pending == 0 and report.resent == 0:
                    break
            client.close()
        audits = {name: audit(db, counter) for name, counter in stations.items()}
        for counter in stations.values():
            check_hub_matches(db, counter)
        with db.transaction() as tx:
            arrivals, distinct = tx.one("SELECT sum(times), count(*) FROM batches")
        return {
            "rounds": rounds,
            "seed": seed,
            "seconds": round(time.monotonic() - started, 1),
            "faults": dict(faults),
            "outcomes": dict(outcome),
            "records": {name: a["records"] for name, a in audits.items()},
            "batch_arrivals": int(arrivals),
            "distinct_batches": int(distinct),
            "lost": sum(a["lost"] + a["stale"] for a in audits.values()),
            "duplicated": sum(a["duplicated"] for a in audits.values()),
        }
    finally:
        proxy.close()
        hub.stop()
        town.close()
        village.close()


def counter_name(stations: dict, counter) -> str:
    return next(name for name, held in stations.items() if held is counter)


def usb_round(
    tmp_path, db: Database, counter, tamper: bool, rng: random.Random, outcome: Tally[str]
) -> None:
    stick = tmp_path / "stick.ctr"
    offline.export_batches(counter.store, counter.clock, stick)
    data = stick.read_bytes()
    if tamper:
        damaged = bytearray(data)
        damaged[rng.randrange(len(transfer.MAGIC), len(damaged))] ^= 1 << rng.randrange(8)
        try:
            files.import_file(db, bytes(damaged), "file", now())
            outcome["tampered_accepted"] += 1
        except (transfer.TransferError, ValueError):
            outcome["tampered_refused"] += 1
        return
    ack = files.import_file(db, data, "file", now())
    if rng.random() < 0.7:  # sometimes the ack file never comes back
        (tmp_path / "stick.ack").write_bytes(ack)
        offline.import_ack(counter.store, counter.clock, tmp_path / "stick.ack")
        outcome["usb_acked"] += 1
    else:
        outcome["usb_ack_lost"] += 1


@pytest.mark.slow
@pytest.mark.timeout(600)  # ~45 s here; a slow CI machine may take several times that
def test_a_thousand_rounds_of_faults_lose_and_duplicate_nothing(tmp_path, capsys):
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    summary = run_rounds(tmp_path, db, 1000, SEED)
    db.close()
    with capsys.disabled():
        print("\nfault injection (SQLite hub):", summary)
    assert summary["lost"] == summary["duplicated"] == 0
    assert summary["outcomes"].get("tampered_accepted", 0) == 0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_fault_rounds_on_postgres(tmp_path, postgres, capsys):
    db = Database(postgres.new_database())
    summary = run_rounds(tmp_path, db, 300, SEED + 1)
    db.close()
    with capsys.disabled():
        print("\nfault injection (PostgreSQL hub):", summary)
    assert summary["lost"] == summary["duplicated"] == 0
    assert summary["outcomes"].get("tampered_accepted", 0) == 0
