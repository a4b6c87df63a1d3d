-- 0007: station enrolment (issue 14). What the county registers of a station beyond its code,
-- name and level (a station that enrols takes them over), and its one-time enrolment codes.

ALTER TABLE stations ADD COLUMN county_code TEXT;
ALTER TABLE stations ADD COLUMN county_name TEXT;
ALTER TABLE stations ADD COLUMN address TEXT;
ALTER TABLE stations ADD COLUMN phone TEXT;

-- A one-time enrolment code (县中心登记码): only the SHA-256 of its secret is kept. A code is
-- used once (`used_at`), ends at `expires_at`, and is voided when a newer one is issued for
-- its station or the station is revoked.
CREATE TABLE enrolments (
    id          {id},
    station     TEXT NOT NULL REFERENCES stations (code),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_from   TEXT,
    voided_at   TEXT
);
CREATE INDEX enrolments_by_station ON enrolments (station)
