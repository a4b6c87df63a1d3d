"""A counter PC killed again and again while it writes (run by tests/doors/test_kills.py).

    python -m tests.doors.kill_child STORE SEED KILLS

One process (single-threaded, the core imported once) forks a worker, lets it write for a
random few milliseconds, kills it with SIGKILL, checks the store, and forks the next one,
KILLS times. Each worker opens the store afresh (the recovery a restarted PC does) and walks
at random through what a counter writes: tickets issued, called and finished, cases opened,
materials ticked, notices issued, cases accepted, finished, forwarded, closed, notices and
receipts printed, ratings and their follow-ups, the sync outbox put into batches and
acknowledged. It says what it is about to do ("begin"), each BEGIN and COMMIT it sends to
SQLite, and what it committed, one JSON line each on a pipe; this process passes the lines on
to its stdout, adding one line per kill: whether the worker was killed inside an action or
inside an open transaction, and what the check of the store found.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from counterapp.app import Counter
from counterapp.case_model import CaseError, CaseState, Person
from counterapp.clock import CST, FixedClock
from counterapp.queue import Lane, QueueError, TicketStatus
from counterapp.ratings import RatingLevel
from counterapp.slips.layout import Layout
from counterapp.slips.records import PendingPrint, SlipKind, record_print
from counterapp.station import add_clerk
from counterapp.sync import outbox
from tests.conftest import TOWN, make_id
from tests.doors.tools import raw_connection

START = datetime(2026, 11, 25, 8, 30, tzinfo=CST)
CODES = ("YB0101", "YB0302", "YB0501", "YB1202")  # instant, collect, assist: every path


def store_problems(path: Path | str) -> list[str]:
    """What a check of the store finds half-done or broken (nothing, when all is well)."""
    conn = raw_connection(path, read_only=True)
    try:
        found = [
            f"integrity: {row[0]}"
            for row in conn.execute("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        found += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        for table in ("cases", "tickets", "ratings"):
            # every change bumps the version and queues one outbox row, in one transaction
            found += [
                f"{table} {uuid}: version {version}, {rows} outbox rows up to {top}"
                for uuid, version, rows, top in conn.execute(
                    f"SELECT t.uuid, t.version, count(o.seq), max(o.record_version) "
                    f"FROM {table} t LEFT JOIN outbox o ON o.record_uuid = t.uuid "
                    f"GROUP BY t.id HAVING count(o.seq) != t.version "
                    f"OR max(o.record_version) != t.version"
                )
            ]
        found += [
            f"case {uuid} without items or materials"
            for (uuid,) in conn.execute(
                "SELECT uuid FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_items "
                "WHERE case_id = c.id) OR NOT EXISTS (SELECT 1 FROM case_materials "
                "WHERE case_id = c.id)"
            )
        ]
        found += [
            f"batch {batch}: {rows} rows recorded, {held} in the outbox"
            for batch, rows, held in conn.execute(
                "SELECT b.batch_id, b.rows, (SELECT count(*) FROM outbox o "
                "WHERE o.batch_id = b.batch_id) AS held FROM sync_batches b "
                "WHERE held != b.rows"
            )
        ]
        found += [
            f"batch {batch}: acknowledged with rows pending"
            for (batch,) in conn.execute(
                "SELECT batch_id FROM sync_batches b WHERE acked_at IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM outbox o WHERE o.batch_id = b.batch_id AND o.acked_at IS NULL)"
            )
        ]
        prints = conn.execute(
            "SELECT count(*) FROM slip_prints WHERE case_id IS NOT NULL"
        ).fetchone()[0]
        logged = conn.execute(
            "SELECT count(*) FROM events WHERE subject = 'case' AND "
            "(kind LIKE '%\\_printed' ESCAPE '\\' OR kind LIKE "
            "'%\\_reprinted' ESCAPE '\\')"
        ).fetchone()[0]
        if prints != logged:
            found.append(f"{prints} case prints recorded, {logged} in the case events")
        return found
    finally:
        conn.close()


class Worker:
    """One life of the counter PC: open the store, then write until killed."""

    def __init__(self, path: str, rng: random.Random, out: int) -> None:
        self.rng, self.out = rng, out
        self.counter = Counter.open(path, FixedClock(START))
        events = self.counter.store.scalar("SELECT count(*) FROM events")
        self.clock = self.counter.clock
        assert isinstance(self.clock, FixedClock)
        self.clock.set(START + timedelta(seconds=10 * events))  # time goes on across lives
        self.clerk = int(self.counter.store.scalar("SELECT min(id) FROM clerks"))
        self.counter.store.conn.set_trace_callback(self.trace)

    def trace(self, statement: str) -> None:
        """Say when a transaction begins and when its COMMIT starts."""
        if statement in ("BEGIN IMMEDIATE", "COMMIT"):
            self.say(op="sql", statement=statement)

    def say(self, **fields: Any) -> None:
        os.write(self.out, (json.dumps(fields) + "\n").encode())

    def run(self) -> None:
        actions = (
            self.issue,
            self.serve,
            self.work_on_case,
            self.work_on_case,
            self.print,
            self.rate,
            self.batch,
            self.acknowledge,
        )
        while True:
            self.clock.advance(seconds=10)
            action = self.rng.choice(actions)
            self.say(op="begin", action=action.__name__)
            with contextlib.suppress(CaseError, QueueError):  # a move the state refuses
                action()

    def committed(self, table: str, uuid: str) -> None:
        version = self.counter.store.scalar(f"SELECT version FROM {table} WHERE uuid = ?", (uuid,))
        self.say(op="commit", table=table, uuid=uuid, version=version)

    def issue(self) -> None:
        priority = self.rng.random() < 0.2
        ticket = self.counter.queue.issue(
            Lane.PRIORITY if priority else Lane.NORMAL, "70岁以上老人" if priority else None
        )
        self.committed("tickets", ticket.uuid)

    def serve(self) -> None:
        """Open a case for a called ticket (one left by a killed life first)."""
        row = self.counter.store.one(
            "SELECT t.id FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id "
            "WHERE t.status = 'called' AND c.id IS NULL LIMIT 1"
        )
        if row is not None:
            ticket = self.counter.queue.get(row["id"])
        else:
            called = self.counter.queue.call_next(self.rng.randint(1, 5), self.clerk)
            if called is None:
                return
            ticket = called
            self.committed("tickets", ticket.uuid)
        codes = self.rng.sample(CODES, self.rng.randint(1, 2))
        person = Person("张𠮷", make_id(sequence=f"{self.rng.randint(100, 999)}"), "13812345678")
        case = self.counter.cases.open_case(person, codes, self.clerk, ticket_id=ticket.id)
        self.committed("cases", case.uuid)

    def _open_case(self) -> Any:
        row = self.counter.store.one(
            "SELECT id FROM cases WHERE state NOT IN ('closed') ORDER BY random() LIMIT 1"
        )
        return None if row is None else self.counter.cases.get(row["id"])

    def work_on_case(self) -> None:
        case, cases = self._open_case(), self.counter.cases
        if case is None:
            return
        if case.state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE):
            missing = case.missing_materials
            if missing and (
                case.state == CaseState.MATERIALS_INCOMPLETE or self.rng.random() < 0.8
            ):
                case = cases.mark_material(case.id, self.rng.choice(missing).key, True, self.clerk)
            elif missing:
                case = cases.notify_missing(case.id, self.clerk)
            elif self.rng.random() < 0.1:
                case = cases.close(case.id, self.clerk, "办事人主动放弃申请")
            else:
                case = cases.accept(case.id, self.clerk)
        elif case.state == CaseState.ACCEPTED:
            case = (
                cases.forward(case.id, self.clerk, "报送县中心")
                if case.needs_forwarding
                else cases.complete(case.id, self.clerk)
            )
        else:
            case = cases.close(case.id, self.clerk)
        self.committed("cases", case.uuid)
        if case.ticket_id is not None and case.state not in (
            CaseState.RECEIVED,
            CaseState.MATERIALS_INCOMPLETE,
            CaseState.ACCEPTED,
        ):
            ticket = self.counter.queue.get(case.ticket_id)
            if ticket.status == TicketStatus.SERVING:
                self.counter.queue.finish(ticket.id, self.clerk)
                self.committed("tickets", ticket.uuid)

    def print(self) -> None:
        case = self._open_case()
        if case is None:
            return
        kind = SlipKind.RECEIPT if case.accepted_at is not None else SlipKind.NOTICE
        printed = self.counter.store.scalar(
            "SELECT count(*) FROM slip_prints WHERE case_id = ? AND kind = ?", (case.id, kind.value)
        )
        record = record_print(
            self.counter,
            PendingPrint(
                kind=kind,
                layout=Layout.A4,
                case_id=case.id,
                case_uuid=case.uuid,
                ticket_id=None,
                clerk_id=self.clerk,
                is_reprint=printed > 0,
                reason="污损" if printed else None,
                verification_code=None,
            ),
        )
        self.say(op="commit", table="slip_prints", id=record.id)
        self.committed("cases", case.uuid)

    def rate(self) -> None:
        row = self.counter.store.one(
            "SELECT c.id FROM cases c LEFT JOIN ratings r ON r.case_id = c.id WHERE "
            "c.state IN ('completed', 'forwarded', 'closed') AND (r.id IS NULL OR "
            "(r.follow_up_due IS NOT NULL AND r.followed_up_at IS NULL)) LIMIT 1"
        )
        if row is None:
            return
        ratings = self.counter.ratings
        if ratings.of_case(row["id"]) is None:
            level = self.rng.choice(list(RatingLevel))
            ratings.rate(
                self.counter.cases.get(row["id"]), level, "等候时间较长" if level.is_bad else ""
            )
        else:
            ratings.follow_up_done(row["id"], self.clerk, "已电话回访，办事人表示理解")
        uuid = self.counter.store.scalar("SELECT uuid FROM ratings WHERE case_id = ?", (row["id"],))
        self.committed("ratings", uuid)

    def batch(self) -> None:
        made = outbox.new_batch(
            self.counter.store,
            outbox.identity(self.counter.store),
            self.clock,
            max_records=self.rng.randint(1, 8),
        )
        if made is not None:
            self.say(op="commit", table="sync_batches", id=made.batch_id, rows=len(made.seqs))

    def acknowledge(self) -> None:
        for batch_id in outbox.unacked_batches(self.counter.store)[:1]:
            seqs = tuple(
                row["seq"]
                for row in self.counter.store.all(
                    "SELECT seq FROM outbox WHERE batch_id = ?", (batch_id,)
                )
            )
            outbox.mark_acked(self.counter.store, batch_id, seqs, self.clock, via="online")
            self.say(op="commit", table="acked", id=batch_id)


def prepare(path: str) -> None:
    """The station, its clerk and the catalogue, once (the parsed catalogue stays cached in
    this process, so each forked worker opens the store quickly)."""
    with Counter.open(path, FixedClock(START)) as counter:
        if counter.station is None:
            counter.configure_station(TOWN)
            add_clerk(counter.store, "1001", "王丽", counter.clock)


def one_life(path: str, rng: random.Random, most_ms: float) -> list[str]:
    """Fork a worker, kill it after a random while; its lines and the kill's own."""
    read, write = os.pipe()
    seed = rng.randrange(2**32)
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read)
        try:
            Worker(path, random.Random(seed), write).run()
        finally:
            os._exit(1)  # only if it stopped by itself
    os.close(write)
    # the random while starts once the worker writes (however long a loaded machine takes to
    # open the store), so every kill lands among its writes
    select.select([read], [], [], 30)
    first = os.read(read, 1 << 16)
    time.sleep(rng.uniform(0, most_ms / 1000))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        lines = (first + pipe.read()).decode().splitlines()
    said = [json.loads(line) for line in lines]
    actions = [entry["op"] for entry in said if entry["op"] in ("begin", "commit")]
    statements = [entry["statement"] for entry in said if entry["op"] == "sql"]
    lines.append(
        json.dumps(
            {
                "op": "kill",
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "inside_action": actions[-1:] == ["begin"],
                "inside_transaction": statements[-1:] == ["BEGIN IMMEDIATE"],
                "problems": store_problems(path),
            }
        )
    )
    return lines


def main() -> None:
    path, seed, kills, most_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), 40.0
    prepare(path)
    rng = random.Random(seed)
    for _ in range(kills):
        for line in one_life(path, rng, most_ms):
            print(line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
