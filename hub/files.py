"""Transfer files at the hub: a village's signed batches in, a signed acknowledgement out.

The file may come from the admin command line (a USB stick at the county) or from a town
station that forwards it (`POST /v1/transfer`). Either way the authority for its records is
the village's signature, checked with the public key the hub holds for that village, and the
batches go through the same ingest as online ones, so a batch that also arrives online is
stored once.

A batch file is encrypted to the hub's transfer key (version 2) and opened with it after its
signature is checked. A version-1 file (signed, not encrypted: a station not yet upgraded) is
still read in this release, with a warning naming the station; the next release refuses it.
The ack carries no personal data and the hub's certified transfer key, so a village that is
always offline gets a new key with its next ack.
"""

from __future__ import annotations

import logging

from counterapp.sync import transfer
from counterapp.sync.wire import WireError, scan_batch
from hub import identity, stations
from hub.db import Database
from hub.ingest import ingest

log = logging.getLogger("hub")


def import_file(db: Database, data: bytes, via: str, now: str) -> bytes:
    """Check and store a transfer file; return the signed acknowledgement file."""
    header = transfer.read_header(data)
    if header.get("kind") != "batches":
        raise transfer.TransferError("这不是站点导出的批次文件")
    station = str(header.get("station"))
    public = stations.public_key(db, station)
    if public is None:
        raise transfer.TransferError(f"站点 {station} 未在县中心登记或已停用")
    private = identity.private_key(db, now)  # before anything is stored: no ack, no import
    if transfer.is_encrypted(data):
        opened = transfer.open_sealed(data, public, identity.transfer_private(db, now))
    else:
        opened = transfer.open_sealed(data, public)
        log.warning(
            "station %s: an unencrypted transfer file (a program older than issue 13); "
            "read this once more, refused from the next release: upgrade the station",
            station,
        )
    acks = []
    for part in opened.parts:
        try:
            batch = scan_batch(part.body, part.sha256)
        except WireError as exc:
            raise transfer.TransferError(f"文件中的批次格式不正确：{exc}") from exc
        if batch.batch_id != part.name:
            raise transfer.TransferError("文件中的批次编号与文件头不符")
        acks.append(ingest(db, station, batch, part.sha256, via, now).to_dict())
    return transfer.seal(
        "acks",
        station,
        now,
        [transfer.acks_part(acks)],
        private,
        extra={"transfer_key": identity.transfer_key(db, now)},
    )
