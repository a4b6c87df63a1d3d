"""One sync run: upload every pending batch, reconcile with the hub, take what comes down.

Resumable by construction: every step's state is in the store (batch ids on outbox rows,
acknowledgements, the decision cursor), so a run killed anywhere simply continues next time —
a batch sent but not acknowledged is sent again under the same id and the hub stores it once.
Network errors are retried with exponential backoff and full jitter; authentication and
refusals are not. Logs and the run log carry counts and error kinds, never personal data.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from counterapp import calendar_store, watch_list
from counterapp.catalogue import CatalogueInvalid
from counterapp.catalogue_store import active_catalogue
from counterapp.clock import Clock, stamp
from counterapp.sync import downsync, handed_keys, outbox
from counterapp.sync.client import HubClient, RejectedError, SyncError, TransientError
from counterapp.sync.wire import Batch, Encoded, day_digest, encode_batch, from_ranges
from db.settings import Settings
from db.store import Store

log = logging.getLogger("counterapp.sync")
T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base·2ⁿ))."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def call(self, action: Callable[[], T], sleep: Callable[[float], None]) -> T:
        for attempt in range(self.attempts):
            try:
                return action()
            except TransientError as exc:
                if attempt == self.attempts - 1:
                    raise
                delay = self.rng.uniform(0, min(self.cap, self.base * 2**attempt))
                log.info("retrying in %.2f s after %s", delay, exc)
                sleep(delay)
        raise AssertionError("unreachable")


@dataclass
class SyncReport:
    ok: bool = False
    batches: int = 0
    records: int = 0
    acked_rows: int = 0
    resent: int = 0
    catalogue: str | None = None
    calendars: list[int] = field(default_factory=list)  # years of official calendars received
    decisions: int = 0
    watch_people: int | None = None  # the people of a watch list received, if one came
    pending: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    message: str | None = None  # for the clerk, in Chinese


class SyncEngine:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        client: HubClient,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        progress: Progress | None = None,
        max_records: int = outbox.DEFAULT_MAX_RECORDS,
        reconcile_days: int = 400,
    ) -> None:
        self.store, self.clock, self.client = store, clock, client
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.progress = progress or (lambda stage, done, total: None)
        self.max_records = max_records
        self.reconcile_days = reconcile_days

    def run(self, down: bool = True) -> SyncReport:
        report = SyncReport()
        run_id = self.store.insert(
            "sync_runs", {"started_at": stamp(self.clock.now()), "via": "online"}
        )
        try:
            ident = outbox.identity(self.store)
            self.upload_all(ident, report)
            key_queued = handed_keys.queue_if_changed(self.store, ident.source, self.clock)
            report.resent = self.reconcile(ident)
            if report.resent or key_queued or outbox.sendable(self.store):
                self.upload_all(ident, report)
            if down:
                self.pull(report)
            report.ok = True
        except SyncError as exc:
            report.error, report.error_kind, report.message = str(exc), exc.kind, exc.message
            log.warning("sync failed (%s): %s", exc.kind, exc)
        finally:
            report.pending = outbox.pending_count(self.store)
            self.store.execute(
                "UPDATE sync_runs SET finished_at = ?, ok = ?, batches = ?, records = ?, "
                "resent = ?, error = ? WHERE id = ?",
                (
                    stamp(self.clock.now()),
                    int(report.ok),
                    report.batches,
                    report.records,
                    report.resent,
                    report.error_kind and f"{report.error_kind}: {report.error}",
                    run_id,
                ),
            )
        return report

    def _call(self, action: Callable[[], T]) -> T:
        return self.retry.call(action, self.sleep)

    # --- up ---------------------------------------------------------------------------------
    def _batches(self, ident: outbox.Identity) -> Iterator[Batch]:
        """Unacknowledged batches first (resume), then new ones until nothing is pending."""
        for batch_id in outbox.unacked_batches(self.store):
            batch = outbox.rebuild(self.store, ident, batch_id, self.clock)
            if batch is None:  # every row acknowledged already (e.g. by an ack file)
                outbox.mark_acked(self.store, batch_id, None, self.clock)
            else:
                yield batch
        while (
            batch := outbox.new_batch(self.store, ident, self.clock, self.max_records)
        ) is not None:
            yield batch

    def upload_all(self, ident: outbox.Identity, report: SyncReport) -> None:
        """Two batches in flight: the next is built (store, this thread) while the previous
        travels (network, one worker thread). Acks are recorded here, in order."""
        total = outbox.pending_count(self.store)
        in_flight: tuple[Batch, Encoded, Future[dict[str, Any]]] | None = None
        submitted: list[Future[dict[str, Any]]] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-upload") as network:
            try:
                for batch in self._batches(ident):
                    encoded = encode_batch(batch)
                    future = network.submit(
                        self._call, lambda encoded=encoded: self.client.upload(encoded)
                    )
                    submitted.append(future)
                    if in_flight is not None:
                        self._acknowledged(*in_flight, report, total)
                    in_flight = (batch, encoded, future)
                if in_flight is not None:
                    self._acknowledged(*in_flight, report, total)
            except BaseException:
                for pending in submitted:  # nothing more goes out after a failure
                    pending.cancel()
                raise

    def _acknowledged(
        self,
        batch: Batch,
        encoded: Encoded,
        future: Future[dict[str, Any]],
        report: SyncReport,
        total: int,
    ) -> None:
        ack = future.result()
        if ack.get("batch") != batch.batch_id or ack.get("sha256") != encoded.sha256:
            raise RejectedError(f"acknowledgement does not match batch {batch.batch_id}")
        handed_keys.note_accepts(self.store, ack)
        report.acked_rows += outbox.mark_acked(
            self.store, batch.batch_id, from_ranges(ack["seqs"]), self.clock, "online"
        )
        report.batches += 1
        report.records += len(batch.records)
        self.progress("upload", report.acked_rows, total)

    # --- reconciliation ---------------------------------------------------------------------
    def reconcile(self, ident: outbox.Identity) -> int:
        """Compare per-day counts and digests; re-queue exactly the records the hub lacks or
        holds in an older version. Returns how many were re-queued."""
        since = (self.clock.today() - timedelta(days=self.reconcile_days)).isoformat()
        mine = {
            day: entries for day, entries in outbox.inventory(self.store).items() if day >= since
        }
        if not mine:
            return 0
        days = {
            day: {"count": len(entries), "digest": day_digest(entries)}
            for day, entries in mine.items()
        }
        answer = self._call(lambda: self.client.reconcile(ident.source, days))
        handed_keys.note_announced(self.store, answer)
        missing: list[tuple[str, str, int]] = []
        for day, theirs in answer.get("differ", {}).items():
            held = {uuid: int(version) for _, uuid, version in theirs}
            missing += [entry for entry in mine.get(day, []) if held.get(entry[1], 0) < entry[2]]
        self.progress("reconcile", len(days), len(days))
        if missing:
            log.warning("reconciliation: hub lacks %d records, re-sending", len(missing))
        return outbox.requeue(self.store, missing, self.clock)

    # --- down -------------------------------------------------------------------------------
    def pull(self, report: SyncReport) -> None:
        active = active_catalogue(self.store)
        years = calendar_store.official_years(self.store)
        offered = self._call(
            lambda: self.client.catalogue(active.version if active else None, years)
        )
        if offered is not None:
            try:
                report.catalogue = downsync.apply_catalogue(self.store, offered, self.clock)
            except CatalogueInvalid as exc:
                report.warnings.append(f"县中心下发的事项目录未通过校验，仍使用原目录：{exc}")
                log.warning("catalogue %s from the hub rejected", offered.get("version"))
        self.pull_calendars(report)
        self.pull_watch_list(report)
        while True:
            after = downsync.decision_cursor(self.store)
            decisions = self._call(partial(self.client.decisions, after))
            if not decisions:
                break
            for decision in decisions:
                report.decisions += int(downsync.apply_decision(self.store, decision, self.clock))
        self.progress("down", 1, 1)

    def pull_watch_list(self, report: SyncReport) -> None:
        """The newest watch list published since the last run (this station's people only);
        a damaged one is skipped, the cursor kept, and asked for again next time."""
        for published in self._call(partial(self.client.watch_list, watch_list.cursor(self.store))):
            try:
                report.watch_people = watch_list.apply_published(self.store, published, self.clock)
            except (ValueError, KeyError, TypeError) as exc:
                report.warnings.append(f"县中心下发的监测台账未通过校验，仍使用原台账：{exc}")
                log.warning("watch list %s from the hub rejected", published.get("id"))

    def pull_calendars(self, report: SyncReport) -> None:
        """Official calendars published since the last run; a damaged one is skipped (the
        county publishes the year again), so the feed never sticks on it."""
        while True:
            after = downsync.calendar_cursor(self.store)
            published = self._call(partial(self.client.calendars, after))
            if not published:
                return
            for entry in published:
                try:
                    report.calendars.append(downsync.apply_calendar(self.store, entry, self.clock))
                except (ValueError, KeyError, TypeError) as exc:
                    report.warnings.append(f"县中心发布的工作日历未通过校验，已跳过：{exc}")
                    log.warning("calendar %s from the hub rejected: %s", entry.get("id"), exc)
                    Settings(self.store).set(downsync.CALENDAR_CURSOR, int(entry["id"]))
