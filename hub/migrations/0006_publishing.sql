-- 0006: publishing from the workbench (发布): catalogues uploaded and awaiting the admin's
-- confirmation, and the county's official working-day calendars with their feed to stations.

-- An uploaded catalogue that passed validation, kept until it is published (by its SHA-256,
-- the hash of its canonical JSON, as in `catalogues`) or replaced by a later upload.
CREATE TABLE catalogue_drafts (
    sha256      TEXT PRIMARY KEY,
    version     TEXT NOT NULL,
    document    TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

-- A year's official calendar (国务院办公厅's holidays and 调休 working days) as published; the
-- id is the stations' feed cursor (GET /v1/calendars?after=). A correction is published again
-- and supersedes the year's earlier row.
CREATE TABLE calendars (
    id           {id},
    year         INTEGER NOT NULL,
    document     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE INDEX calendars_year ON calendars (year, id);
