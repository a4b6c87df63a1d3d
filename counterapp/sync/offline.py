"""Offline transfer at the station: batches to a USB stick, the hub's acknowledgement back.

A village exports its pending batches to a signed file encrypted to the hub (its transfer key,
certified by the pinned hub key: given at set-up, fetched online, or carried by an ack file);
the county (or a town station that forwards it) imports it and writes an acknowledgement
file, which the village imports here.
Exported batches keep their ids, so if the village later gets online before the ack comes
back, the hub stores them once and the ack file then changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from counterapp.clock import Clock, stamp
from counterapp.sync import credentials, handed_keys, outbox, transfer
from counterapp.sync.service import (
    HUB_PUBLIC_KEY,
    HUB_TRANSFER_KEY,
    make_client,
    note_transfer_key,
)
from counterapp.sync.wire import encode_batch, from_ranges
from db.settings import Settings
from db.store import Store

NO_TRANSFER_KEY = (
    "本站尚未取得县中心的加密公钥，无法导出数据交换文件"
    "（文件须加密后才能离开本机）。请在同步设置中录入县中心登记时给出的“县中心加密公钥”，"
    "或导入一份县中心的回执文件。"
)


class ExportResult(NamedTuple):
    batches: int
    records: int
    path: Path


def export_batches(
    store: Store, clock: Clock, path: Path, max_records: int = outbox.DEFAULT_MAX_RECORDS
) -> ExportResult:
    """Write every pending batch to one signed file (written to a temporary name, then
    renamed, so a pulled stick never holds half a file under the real name)."""
    ident = outbox.identity(store)
    key = credentials.signing_key(ident.station)
    hub = _hub_transfer_key(store)
    handed_keys.queue_if_changed(store, ident.source, clock)
    batches = [
        b
        for b in (
            outbox.rebuild(store, ident, batch_id, clock)
            for batch_id in outbox.unacked_batches(store)
        )
        if b is not None
    ]
    while (batch := outbox.new_batch(store, ident, clock, max_records)) is not None:
        batches.append(batch)
    parts = []
    for batch in batches:
        encoded = encode_batch(batch)
        parts.append(transfer.Part(batch.batch_id, encoded.body, encoded.sha256))
    data = transfer.seal("batches", ident.station, stamp(clock.now()), parts, key, to=hub)
    path = Path(path)
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    for batch in batches:
        outbox.mark_sent(store, batch.batch_id, "file", clock)
    records = sum(len(batch.records) for batch in batches)
    _log(store, clock, "file-export", True, len(batches), records)
    return ExportResult(len(batches), records, path)


def _hub_transfer_key(store: Store) -> str:
    """The hub's key to encrypt a file to, checked against the pinned hub key: without it
    nothing is written (the file would carry citizens' data in the clear)."""
    settings = Settings(store)
    certificate, pinned = settings.get(HUB_TRANSFER_KEY), settings.get(HUB_PUBLIC_KEY)
    if not certificate or not pinned:
        raise transfer.TransferError(NO_TRANSFER_KEY)
    return transfer.certified_key(certificate, pinned)


def import_ack(store: Store, clock: Clock, path: Path) -> int:
    """Apply the hub's signed acknowledgement file; returns the outbox rows acknowledged."""
    hub_key = Settings(store).get(HUB_PUBLIC_KEY)
    if not hub_key:
        raise transfer.TransferError("本站尚未登记县中心公钥，无法核验回执文件，请先完成同步设置")
    opened = transfer.open_sealed(Path(path).read_bytes(), hub_key)
    station = outbox.identity(store).station
    if opened.kind != "acks" or opened.station != station:
        raise transfer.TransferError("这不是发给本站的回执文件")
    if opened.transfer_key:
        note_transfer_key(store, opened.transfer_key)
    acked = 0
    for part in opened.parts:
        for ack in transfer.part_document(part).get("acks", []):
            handed_keys.note_accepts(store, ack)
            seqs = from_ranges(ack["seqs"])
            acked += outbox.mark_acked(store, str(ack["batch"]), seqs, clock)
    _log(store, clock, "ack-import", True, len(opened.parts), acked)
    return acked


def forward_file(store: Store, clock: Clock, source: Path, ack_out: Path) -> Path:
    """At a town station: send a village's file to the hub, keep the ack for the village."""
    data = Path(source).read_bytes()
    transfer.read_header(data)  # refuse obvious junk before using the network
    with make_client(store) as client:
        ack = client.forward_file(data)
    Path(ack_out).write_bytes(ack)
    _log(store, clock, "file-forward", True, 1, 0)
    return Path(ack_out)


def _log(store: Store, clock: Clock, via: str, ok: bool, batches: int, records: int) -> None:
    now = stamp(clock.now())
    store.insert(
        "sync_runs",
        {
            "started_at": now,
            "finished_at": now,
            "via": via,
            "ok": int(ok),
            "batches": batches,
            "records": records,
        },
    )
