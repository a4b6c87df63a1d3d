-- 0012: the watch list (监测台账, issue 15; counterapp/watch_list.py). The county's list of
-- the station's people above the cost thresholds, as last published (`listed` = 0: dropped
-- from a later list, kept for its contacts), and the follow-up contacts the clerks record,
-- each a record synced up as `watch_contact` once the hub takes that type (`queued_at`).
CREATE TABLE watch_people (
    id_number   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    cost_fen    INTEGER NOT NULL CHECK (cost_fen >= 0),
    area        TEXT NOT NULL DEFAULT '',
    list_id     INTEGER NOT NULL,          -- the county's publication it last came with
    listed      INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    received_at TEXT NOT NULL
);

CREATE TABLE watch_contacts (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    id_number    TEXT NOT NULL REFERENCES watch_people (id_number),
    list_id      INTEGER NOT NULL,
    contacted_at TEXT NOT NULL,
    method       TEXT NOT NULL,
    content      TEXT NOT NULL,
    note         TEXT,
    clerk_id     INTEGER REFERENCES clerks (id),
    recorded_at  TEXT NOT NULL,
    queued_at    TEXT                      -- put in the outbox; NULL: the hub took none yet
);
CREATE INDEX watch_contacts_person ON watch_contacts (id_number, contacted_at);
