-- 0002: checking the stations' slips (一次性告知单, 受理回执) at the county.

-- Each station store's slip verification secret, sealed (AES-256-GCM) under the hub's sealing
-- key, which lives in a file outside the database: a copy of the database alone cannot make
-- a valid slip code. One row per station store (source); the newest version is kept.
CREATE TABLE slip_keys (
    station     TEXT NOT NULL REFERENCES stations (code),
    source      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    sealed      TEXT NOT NULL,           -- base64 of nonce + ciphertext; never the secret
    key_id      TEXT NOT NULL,           -- fingerprint of the sealing key that sealed it
    batch_id    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (station, source)
);

-- County staff who may call the staff endpoints (slip checks); only token hashes are kept.
CREATE TABLE staff_tokens (
    name       TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- A slip check and a decision look a case up by its number.
CREATE INDEX records_by_case_no ON records ({case_no}) WHERE type = 'case';
