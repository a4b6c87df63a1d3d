-- 0001: the county hub's first schema. `{id}` is the dialect's auto-increment primary key;
-- `{json}` is JSONB on PostgreSQL and JSON-checked text on SQLite.
-- Written for both SQLite and PostgreSQL; timestamps are ISO 8601 text with +08:00.

CREATE TABLE stations (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    level        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token is never kept
    public_key   TEXT NOT NULL,          -- Ed25519 key that signs the station's transfer files
    created_at   TEXT NOT NULL,
    rotated_at   TEXT,
    revoked_at   TEXT,
    last_sync_at TEXT,
    last_via     TEXT,
    pending      INTEGER NOT NULL DEFAULT 0  -- outbox rows the station reported still waiting
);

-- One row per station store (PC): its sequence numbers are its own.
CREATE TABLE sources (
    station      TEXT NOT NULL REFERENCES stations (code),
    source       TEXT NOT NULL,
    max_seq      BIGINT NOT NULL DEFAULT 0,
    pending      INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    PRIMARY KEY (station, source)
);

-- Every record exactly once, in its latest version.
CREATE TABLE records (
    id          {id},
    uuid        TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    station     TEXT NOT NULL,
    source      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    day         TEXT NOT NULL,
    data        {json} NOT NULL,         -- the record's state at that version
    batch_id    TEXT NOT NULL,           -- the batch that brought this version
    received_at TEXT NOT NULL
);
CREATE INDEX records_by_station_day ON records (station, source, day);

CREATE TABLE batches (
    batch_id          TEXT PRIMARY KEY,
    station           TEXT NOT NULL,
    source            TEXT NOT NULL,
    sha256            TEXT NOT NULL,     -- of the last copy received
    seqs              TEXT NOT NULL,     -- JSON ranges
    records           INTEGER NOT NULL,
    first_received_at TEXT NOT NULL,
    last_received_at  TEXT NOT NULL,
    times             INTEGER NOT NULL DEFAULT 1,
    via               TEXT NOT NULL      -- 'online', 'file', 'forwarded'
);

CREATE TABLE catalogues (
    version     TEXT PRIMARY KEY,
    document    TEXT NOT NULL,           -- canonical JSON, validated on import
    sha256      TEXT NOT NULL,
    published   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
);

-- The county's decisions on forwarded cases; the id is the feed's cursor.
CREATE TABLE decisions (
    id         {id},
    case_uuid  TEXT NOT NULL,
    station    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('received', 'processing', 'done', 'returned')),
    note       TEXT,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL
);
CREATE INDEX decisions_by_station ON decisions (station, id);

-- The hub's own Ed25519 key: it signs acknowledgement files for the USB stick.
CREATE TABLE hub_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
