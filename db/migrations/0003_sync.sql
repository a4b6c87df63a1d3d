-- 0003: sync to the county hub (issue 4).

-- The county's decision on a forwarded case (帮办代办), as received from the hub's feed:
-- received / processing / done / returned (with a reason in county_note).
ALTER TABLE cases ADD COLUMN county_status TEXT
    CHECK (county_status IN ('received', 'processing', 'done', 'returned'));
ALTER TABLE cases ADD COLUMN county_note TEXT;
ALTER TABLE cases ADD COLUMN county_decided_at TEXT;
ALTER TABLE cases ADD COLUMN county_decision_id INTEGER;  -- the hub's id: applied once, in order

-- Batches built from the outbox. A batch keeps its id until the hub acknowledges it, whether
-- it goes online or on a USB stick, so the hub stores it once however often it arrives.
CREATE TABLE sync_batches (
    batch_id   TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    rows       INTEGER NOT NULL,   -- outbox rows it acknowledges
    records    INTEGER NOT NULL,
    sent_at    TEXT,
    sent_via   TEXT,               -- 'online' or 'file'
    acked_at   TEXT
);
CREATE INDEX outbox_by_batch ON outbox (batch_id) WHERE acked_at IS NULL AND batch_id IS NOT NULL;
CREATE INDEX outbox_by_record ON outbox (record_uuid) WHERE acked_at IS NULL;

-- One row per sync attempt (the status panel and `counterapp sync --status` read it).
-- Messages hold counts and error kinds, never personal data.
CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    via         TEXT NOT NULL,     -- 'online', 'file-export', 'ack-import'
    ok          INTEGER,
    batches     INTEGER NOT NULL DEFAULT 0,
    records     INTEGER NOT NULL DEFAULT 0,
    resent      INTEGER NOT NULL DEFAULT 0,  -- records re-queued by reconciliation
    error       TEXT
);
