"""One rule for the record types a hub must announce first (`wire.ANNOUNCED_RECORD_TYPES`:
complaints and watch contacts): each is queued in the outbox with its change, and the outbox
holds it back from every batch until an acknowledgement announces the type. Real stores; the
acknowledgements are what an older hub (no `accepts`) and a current one send."""

from __future__ import annotations

from counterapp import watch_list
from counterapp.complaints import Channel, NewComplaint
from counterapp.queue import Lane
from counterapp.sync import handed_keys, outbox, wire
from tests.conftest import make_id
from tests.sync.stations import new_station

PERSON = make_id(sequence="201")


def _station(tmp_path):
    town = new_station(tmp_path / "town.db", "370883101")
    published = {
        "id": 1,
        "people": [{"id_number": PERSON, "name": "欧阳娜娜", "category": "其他", "cost_fen": 1}],
    }
    watch_list.apply_published(town.store, published, town.clock)
    town.queue.issue(Lane.NORMAL)
    town.complaints.register(
        NewComplaint(Channel.PHONE, "李四", "13900001111", "等候时间太长"), town.clerk_id
    )
    watch_list.record_contact(
        town.store, PERSON, town.clock.now(), "电话", "政策告知", "", None, town.clock
    )
    return town


def _send(town) -> set[str]:
    """The record types of every batch the station builds now, each acknowledged whole."""
    ident = outbox.identity(town.store)
    sent = set()
    while (batch := outbox.new_batch(town.store, ident, town.clock)) is not None:
        sent |= {record.type for record in batch.records}
        outbox.mark_acked(town.store, batch.batch_id, None, town.clock)
    return sent


def _pending(town) -> dict[str, int]:
    return dict(
        town.store.all("SELECT record_type, count(*) FROM outbox WHERE acked_at IS NULL GROUP BY 1")
    )


def test_an_older_hub_gets_neither_and_both_go_once_announced(tmp_path):
    town = _station(tmp_path)
    try:
        # queued with their change, whatever the hub announced (nothing yet)
        assert _pending(town) == {"ticket": 1, "complaint": 1, "watch_contact": 1}
        handed_keys.note_accepts(town.store, {"batch": "b", "seqs": []})  # an older hub's ack
        assert _send(town) == {"ticket"}
        assert _pending(town) == {"complaint": 1, "watch_contact": 1}
        assert not outbox.sendable(town.store)
        inventory = [
            entry for entries in outbox.inventory(town.store).values() for entry in entries
        ]
        assert {kind for kind, _, _ in inventory} == {"ticket"}  # never asked for them either

        handed_keys.note_accepts(town.store, {"accepts": list(wire.RECORD_TYPES)})
        assert outbox.sendable(town.store)
        assert _send(town) == {"complaint", "watch_contact"}
        assert _pending(town) == {}
        inventory = [
            entry for entries in outbox.inventory(town.store).values() for entry in entries
        ]
        assert {kind for kind, _, _ in inventory} == {"ticket", "complaint", "watch_contact"}
    finally:
        town.close()


def test_one_announced_type_goes_while_the_other_waits(tmp_path):
    town = _station(tmp_path)
    try:
        older = [kind for kind in wire.RECORD_TYPES if kind != "watch_contact"]
        handed_keys.note_accepts(town.store, {"accepts": older})  # a hub before the watch list
        assert _send(town) == {"ticket", "complaint"}
        assert _pending(town) == {"watch_contact": 1}
    finally:
        town.close()
