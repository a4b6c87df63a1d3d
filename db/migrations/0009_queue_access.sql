-- 0009: who may use the station's queue host (issue 13). The host issues one access key per
-- client PC, scoped to what that PC does (window: everything; kiosk: issue tickets; hall:
-- read), and may revoke each one. Only a SHA-256 of each key is kept: the key itself is shown
-- once, when issued, and lives in the client's keyring. A revoked key stays listed.
CREATE TABLE queue_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 30),
    access      TEXT NOT NULL CHECK (access IN ('window', 'kiosk', 'hall')),
    secret_hash TEXT NOT NULL UNIQUE,
    issued_at   TEXT NOT NULL,
    revoked_at  TEXT
);

-- A clerk signed in at a window PC: the host binds every action sent with the session to
-- that clerk, one of its own. One open session per key (the clerk logged in on that PC);
-- a session lasts for the host's service day. Only a SHA-256 of the session token is kept.
CREATE TABLE queue_sessions (
    id          INTEGER PRIMARY KEY,
    key_id      INTEGER NOT NULL REFERENCES queue_keys (id),
    clerk_id    INTEGER NOT NULL REFERENCES clerks (id),
    token_hash  TEXT NOT NULL UNIQUE,
    day         TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    ended_at    TEXT
);
CREATE UNIQUE INDEX queue_sessions_one_open ON queue_sessions (key_id) WHERE ended_at IS NULL;
