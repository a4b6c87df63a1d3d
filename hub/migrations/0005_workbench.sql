-- 0005: the county workbench (hub/web): staff accounts with roles, their sessions and journal,
-- and the forwarded cases (帮办代办) as its inbox reads them.

-- County staff. `password_hash` (argon2id) opens the workbench (NULL: no password yet);
-- `token_hash` is the SHA-256 of the account's API token for the staff endpoints (slip checks;
-- NULL: none). Accounts are deactivated, never deleted: the journal names them.
CREATE TABLE staff (
    id              {id},
    login           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    password_hash   TEXT,
    password_set_at TEXT,
    token_hash      TEXT UNIQUE,
    token_issued_at TEXT,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    last_login_at   TEXT,
    created_at      TEXT NOT NULL,
    deactivated_at  TEXT
);

-- The staff tokens of 0002 become the API tokens of accounts named as the tokens were (clerks
-- without a password until an admin sets one); a revoked token is no token.
INSERT INTO staff (login, name, role, token_hash, token_issued_at, created_at)
SELECT name, name, 'clerk', CASE WHEN revoked_at IS NULL THEN token_hash END, created_at,
       created_at FROM staff_tokens;
DROP TABLE staff_tokens;

-- A signed-in browser: the cookie holds a random token, the hub its SHA-256. `csrf` is the
-- token every form and htmx request of that session must carry; `flash` the message the next
-- page shows once.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    flash      TEXT
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- What staff did and saw: sign-ins (failed ones too), every view of a citizen's full data,
-- decisions, slip checks, account changes. Only ever appended to.
CREATE TABLE staff_journal (
    id        {id},
    at        TEXT NOT NULL,
    login     TEXT NOT NULL,           -- who; for a failed sign-in, the login typed
    kind      TEXT NOT NULL,
    case_uuid TEXT,
    case_no   TEXT,
    detail    TEXT,
    address   TEXT
);
CREATE INDEX staff_journal_by_case ON staff_journal (case_uuid);
CREATE INDEX staff_journal_by_login ON staff_journal (login, id);

-- Every forwarded case, read from its record when the record arrives (`hub.forwarded`, in
-- the same transaction) and carrying the county's latest decision (`hub.feeds.decide`).
-- Only what the inbox lists and filters on: the applicant's name masked, nothing else
-- personal (the detail page reads the record).
CREATE TABLE forwarded_cases (
    case_uuid              TEXT PRIMARY KEY,
    station                TEXT NOT NULL,
    case_no                TEXT NOT NULL,
    version                INTEGER NOT NULL,     -- of the case record it was read from
    applicant              TEXT NOT NULL,        -- masked: 张*丰
    items                  TEXT NOT NULL,        -- titles of the forwarded items
    materials_received     INTEGER NOT NULL,
    materials_total        INTEGER NOT NULL,
    forward_due            TEXT,                 -- the station's deadline to forward (a day)
    forwarded_at           TEXT NOT NULL,
    forwarded_late         INTEGER NOT NULL,     -- 1: forwarded after forward_due
    county_due             TEXT NOT NULL,        -- the day promised for the forwarded items
    county_due_provisional INTEGER NOT NULL,
    station_status         TEXT,                 -- the decision the station last reported seeing
    station_decided_at     TEXT,
    status                 TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'received', 'processing', 'done', 'returned')),
    decision_id            BIGINT,
    decided_at             TEXT,
    decided_by             TEXT,
    note                   TEXT
);
CREATE INDEX forwarded_open_by_due ON forwarded_cases (county_due, case_no)
    WHERE status IN ('new', 'received', 'processing');
CREATE INDEX forwarded_open_by_station ON forwarded_cases (station, county_due)
    WHERE status IN ('new', 'received', 'processing');
CREATE INDEX forwarded_by_due ON forwarded_cases (county_due, case_no);
CREATE INDEX forwarded_by_status ON forwarded_cases (status, county_due);
CREATE INDEX forwarded_by_station ON forwarded_cases (station, county_due);
CREATE INDEX forwarded_by_time ON forwarded_cases (forwarded_at);
CREATE INDEX forwarded_by_case_no ON forwarded_cases (case_no);

CREATE TABLE forwarded_items (
    case_uuid TEXT NOT NULL,
    item_code TEXT NOT NULL,
    PRIMARY KEY (case_uuid, item_code)
);
CREATE INDEX forwarded_items_by_code ON forwarded_items (item_code, case_uuid);

-- A case's decisions, for its page and the next decision's check.
CREATE INDEX decisions_by_case ON decisions (case_uuid, id);

-- Work an upgraded hub does once, in Python, at its next start (`hub.db.Database`): here, the
-- forwarded cases it already holds are projected into the table above.
CREATE TABLE hub_tasks (name TEXT PRIMARY KEY);
INSERT INTO hub_tasks (name) VALUES ('project-forwarded-cases');
