-- 0010: the complaints stations register (投诉登记, counterapp/complaints.py), as the county's
-- complaints page lists them (hub/complaints.py): one row per `complaint` record, read when it
-- arrives (in the batch's transaction), at its newest version. The complainant's name is kept
-- masked (张*三); the full record, with name and phone, stays in `records`.
CREATE TABLE complaints (
    complaint_uuid TEXT PRIMARY KEY,
    station        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    complaint_no   TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    complainant    TEXT NOT NULL,          -- masked
    case_no        TEXT,
    about          TEXT NOT NULL,
    due            TEXT NOT NULL,          -- the day it must be closed by
    state          TEXT NOT NULL,
    feedback       TEXT,
    closed_at      TEXT
);
CREATE INDEX complaints_by_station ON complaints (station, received_at);
CREATE INDEX complaints_open ON complaints (due) WHERE closed_at IS NULL;
