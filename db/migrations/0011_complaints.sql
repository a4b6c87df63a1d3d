-- 0011: the complaints register (投诉登记, counterapp/complaints.py). A complaint received at
-- the window, by phone or passed on by the 12345 hotline; linked to a case and to a clerk
-- where there is one; due 15 working days after it was received. Its handling notes are
-- events (append-only); the row holds its current state, synced as a `complaint` record.
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    complaint_no  TEXT NOT NULL UNIQUE,
    received_at   TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('window', 'phone', 'hotline', 'other')),
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    id_number     TEXT,
    case_id       INTEGER REFERENCES cases (id),
    clerk_id      INTEGER REFERENCES clerks (id),   -- the clerk complained about, if any
    about         TEXT NOT NULL,
    due           TEXT NOT NULL,                    -- ISO day
    due_provisional INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL CHECK (state IN ('received', 'handling', 'closed')),
    result        TEXT,
    feedback      TEXT CHECK (feedback IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    closed_at     TEXT,
    received_by   INTEGER REFERENCES clerks (id),   -- the clerk who registered it
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_open ON complaints (due) WHERE state <> 'closed';
CREATE INDEX complaints_received ON complaints (received_at);
