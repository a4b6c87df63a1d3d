-- 0012: the county's ledger (统计台账, hub/ledger_tally.py) counts a month of a whole county
-- in a few grouped queries over narrow rows projected from the ticket, case and rating
-- records when they arrive (hub/ledger_rows.py, in the batch's transaction), at each record's
-- newest version, instead of reading their JSON per request. Moments are ISO 8601 text in
-- +08:00 and dues the moment they run out, so they compare as text in both dialects.
-- Nothing personal: days, moments, statuses and catalogue items.
CREATE TABLE ledger_tickets (
    uuid         TEXT PRIMARY KEY,
    station      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    day          TEXT NOT NULL,
    status       TEXT NOT NULL,
    transferred  INTEGER NOT NULL,       -- sent to another window at least once
    wait_seconds INTEGER                 -- issue to call; NULL: never called
);
CREATE INDEX ledger_tickets_by_day ON ledger_tickets (day, station);

CREATE TABLE ledger_cases (
    uuid         TEXT PRIMARY KEY,
    station      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    day          TEXT NOT NULL,
    ended_at     TEXT,                   -- the first of completed, forwarded, closed
    forward_due  TEXT,                   -- set only where the forwarding is judged
    forwarded_at TEXT
);
CREATE INDEX ledger_cases_by_day ON ledger_cases (day, station);

-- A case's items at the case's version (replaced with the case).
CREATE TABLE ledger_items (
    case_uuid          TEXT NOT NULL,
    position           INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    station            TEXT NOT NULL,
    day                TEXT NOT NULL,    -- the case's
    item_code          TEXT NOT NULL,
    title              TEXT NOT NULL,
    kind               TEXT NOT NULL,
    mode               TEXT NOT NULL,
    limit_minutes      INTEGER,
    limit_working_days INTEGER,
    due_at             TEXT,
    completed_at       TEXT,
    handling_seconds   INTEGER,          -- case opened to finished here
    on_the_spot        INTEGER NOT NULL,
    PRIMARY KEY (case_uuid, position)
);
CREATE INDEX ledger_items_by_day ON ledger_items (day, station);

CREATE TABLE ledger_ratings (
    uuid           TEXT PRIMARY KEY,
    station        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    case_uuid      TEXT NOT NULL,        -- a rating counts with its case's day
    level          INTEGER NOT NULL,
    follow_up_due  TEXT,
    followed_up_at TEXT
);
CREATE INDEX ledger_ratings_by_case ON ledger_ratings (case_uuid);

-- The records a hub already holds are projected once at its next start; the index of
-- records by type and day (0009) served only the ledger's JSON reads.
DROP INDEX records_by_type_day;
INSERT INTO hub_tasks (name) VALUES ('project-ledger');
