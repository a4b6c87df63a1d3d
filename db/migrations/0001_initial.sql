-- 0001: the first schema of the station store.
-- Timestamps are ISO 8601 text with the +08:00 offset; days are YYYY-MM-DD service days.

CREATE TABLE station (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    level             TEXT NOT NULL CHECK (level IN ('town', 'hospital', 'clinic', 'village')),
    county_code       TEXT NOT NULL,
    county_name       TEXT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    supervision_phone TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE clerks (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    login      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE catalogue_versions (
    id          INTEGER PRIMARY KEY,
    version     TEXT NOT NULL UNIQUE,
    issuer      TEXT NOT NULL,
    is_default  INTEGER NOT NULL,
    published   TEXT NOT NULL,
    document    TEXT NOT NULL,     -- canonical JSON of the whole catalogue
    sha256      TEXT NOT NULL,
    source      TEXT NOT NULL,     -- where it came from: shipped default, a file, the county hub
    imported_at TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX catalogue_versions_one_active ON catalogue_versions (active) WHERE active = 1;

CREATE TABLE calendar_years (
    year        INTEGER PRIMARY KEY,
    document    TEXT NOT NULL,     -- JSON of an official YearCalendar pushed by the county
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    day             TEXT NOT NULL,
    lane            TEXT NOT NULL CHECK (lane IN ('normal', 'priority')),
    number          INTEGER NOT NULL,
    code            TEXT NOT NULL,
    priority_reason TEXT,
    status          TEXT NOT NULL,
    window_no       INTEGER,       -- the window that called it
    target_window   INTEGER,       -- set when transferred to another window
    clerk_id        INTEGER REFERENCES clerks (id),
    issued_at       TEXT NOT NULL,
    queued_at       TEXT NOT NULL, -- place in line: issue time, or the time it was re-queued
    called_at       TEXT,
    serving_at      TEXT,
    finished_at     TEXT,
    recalls         INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (day, lane, number)
);
CREATE INDEX tickets_by_day_status ON tickets (day, status);

CREATE TABLE day_closings (
    day       TEXT PRIMARY KEY,
    closed_at TEXT NOT NULL,
    issued    INTEGER NOT NULL,
    served    INTEGER NOT NULL,
    no_show   INTEGER NOT NULL,
    unserved  INTEGER NOT NULL     -- still waiting, called or on hold at closing time
);

CREATE TABLE cases (
    id                      INTEGER PRIMARY KEY,
    uuid                    TEXT NOT NULL UNIQUE,
    case_no                 TEXT NOT NULL UNIQUE,
    day                     TEXT NOT NULL,
    ticket_id               INTEGER REFERENCES tickets (id),
    catalogue_version       TEXT NOT NULL,
    state                   TEXT NOT NULL,
    applicant_name          TEXT NOT NULL,
    applicant_id_number     TEXT NOT NULL,
    applicant_phone         TEXT NOT NULL DEFAULT '',
    agent_name              TEXT,
    agent_id_number         TEXT,
    agent_phone             TEXT,
    agent_relation          TEXT,
    authorisation           TEXT,  -- how the agent's authority was shown (授权委托书 …)
    owner_clerk_id          INTEGER NOT NULL REFERENCES clerks (id),  -- 首问负责人, never changes
    handler_clerk_id        INTEGER NOT NULL REFERENCES clerks (id),
    opened_at               TEXT NOT NULL,
    accepted_at             TEXT,
    supply_due              TEXT,
    supply_due_provisional  INTEGER NOT NULL DEFAULT 0,
    forward_due             TEXT,
    forward_due_provisional INTEGER NOT NULL DEFAULT 0,
    forwarded_at            TEXT,
    completed_at            TEXT,
    closed_at               TEXT,
    close_reason            TEXT,
    version                 INTEGER NOT NULL DEFAULT 1,
    updated_at              TEXT NOT NULL
);
CREATE INDEX cases_by_day_state ON cases (day, state);
CREATE INDEX cases_by_state ON cases (state);
CREATE INDEX cases_by_id_number ON cases (applicant_id_number);

CREATE TABLE case_items (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    item_code          TEXT NOT NULL,
    title              TEXT NOT NULL,
    mode               TEXT NOT NULL CHECK (mode IN ('handle', 'collect', 'assist')),
    kind               TEXT NOT NULL CHECK (kind IN ('instant', 'promised')),
    limit_minutes      INTEGER,
    limit_working_days INTEGER,
    due_at             TEXT,       -- set at acceptance; stored so later calendar updates never move it
    due_provisional    INTEGER NOT NULL DEFAULT 0,
    completed_at       TEXT,
    UNIQUE (case_id, item_code)
);

CREATE TABLE case_materials (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    material_key TEXT NOT NULL,
    name         TEXT NOT NULL,
    form         TEXT NOT NULL,
    count        INTEGER NOT NULL,
    required     INTEGER NOT NULL,
    condition    TEXT,
    applies      INTEGER NOT NULL,  -- required ones always; conditional ones when the clerk says so
    received     INTEGER NOT NULL DEFAULT 0,
    received_at  TEXT,
    UNIQUE (case_id, material_key)
);

CREATE TABLE ratings (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    reason         TEXT,
    rated_at       TEXT NOT NULL,
    follow_up_due  TEXT,
    followed_up_at TEXT,
    version        INTEGER NOT NULL DEFAULT 1
);

-- An event's global identity is (station code, id): ids only grow, and nothing is deleted.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    clerk_id     INTEGER REFERENCES clerks (id),
    subject      TEXT NOT NULL,    -- 'case', 'ticket', 'catalogue', 'station', 'day'
    subject_uuid TEXT NOT NULL,
    kind         TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_subject ON events (subject_uuid);
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- the station's monotonic sequence
    record_type    TEXT NOT NULL,   -- 'case', 'ticket', 'rating', 'event'
    record_uuid    TEXT NOT NULL,
    record_version INTEGER NOT NULL,
    enqueued_at    TEXT NOT NULL,
    batch_id       TEXT,
    acked_at       TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
