-- 0011: the watch list (监测台账, issue 15; hub/watch_list.py). Each upload of the county's
-- list of people above the cost thresholds is a version: a draft until a county clerk
-- publishes it; the newest published version is each station's list, sent down to it
-- (GET /v1/watch-list, its id the cursor). The follow-up contacts stations record arrive as
-- `watch_contact` records and are projected here in the batch's transaction.
CREATE TABLE watch_lists (
    id           {id},
    sha256       TEXT NOT NULL,          -- of the uploaded file
    filename     TEXT NOT NULL,
    people       INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT                    -- NULL: a draft
);

CREATE TABLE watch_people (
    list_id   INTEGER NOT NULL REFERENCES watch_lists (id),
    row_no    INTEGER NOT NULL,          -- the row of the uploaded file
    station   TEXT NOT NULL,
    id_number TEXT NOT NULL,
    name      TEXT NOT NULL,
    category  TEXT NOT NULL,
    cost_fen  INTEGER NOT NULL,
    area      TEXT NOT NULL,
    PRIMARY KEY (list_id, id_number)
);
CREATE INDEX watch_people_by_station ON watch_people (list_id, station);

CREATE TABLE watch_contacts (
    uuid         TEXT PRIMARY KEY,
    station      TEXT NOT NULL,
    id_number    TEXT NOT NULL,
    list_id      INTEGER,
    contacted_at TEXT NOT NULL,
    method       TEXT NOT NULL,
    content      TEXT NOT NULL,
    note         TEXT,
    clerk        TEXT,
    received_at  TEXT NOT NULL
);
CREATE INDEX watch_contacts_by_person ON watch_contacts (id_number, contacted_at);
