-- 0013: record types a hub must announce first, and erasure marked on complaints and the
-- watch list. One rule for the announced types (counterapp.sync.outbox.held_types): every
-- watch contact is queued in the outbox when it is recorded, as a complaint is, and the
-- outbox holds it back until the hub takes the type. Contacts recorded before while the hub did
-- not take them (`queued_at` NULL) are queued now; `queued_at` goes, nothing reads it any more.
INSERT INTO outbox (record_type, record_uuid, record_version, enqueued_at)
SELECT 'watch_contact', uuid, 1, recorded_at FROM watch_contacts WHERE queued_at IS NULL
ORDER BY recorded_at, id;

ALTER TABLE watch_contacts DROP COLUMN queued_at;

-- The retention period's erasure (counterapp.retention) reaches closed complaints and people
-- off the watch list too; each row says when it was erased, as a case does (0010), so an
-- erased row is never taken again. No program before this one erased either kind.
ALTER TABLE complaints ADD COLUMN personal_erased_at TEXT;
ALTER TABLE watch_people ADD COLUMN personal_erased_at TEXT;
