-- 0002: the print record of slips (issue 6).
-- The first print of a case's one-time notice (一次性告知单) or receipt (受理回执) is recorded
-- once; every later print is a reprint (补打) and, for the notice, carries its reason.
-- A row is written only after the printer accepted the job. Rows are never changed or deleted.

CREATE TABLE slip_prints (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('notice', 'receipt', 'ticket')),
    case_id           INTEGER REFERENCES cases (id),
    ticket_id         INTEGER REFERENCES tickets (id),
    layout            TEXT NOT NULL CHECK (layout IN ('a4', 'roll80')),
    printed_at        TEXT NOT NULL,
    clerk_id          INTEGER REFERENCES clerks (id),
    is_reprint        INTEGER NOT NULL DEFAULT 0 CHECK (is_reprint IN (0, 1)),
    reason            TEXT,            -- why a reprint was needed
    verification_code TEXT,            -- the code printed on the slip (cases only)
    CHECK ((case_id IS NULL) <> (ticket_id IS NULL)),
    CHECK (kind = 'ticket' OR case_id IS NOT NULL),
    CHECK (kind <> 'notice' OR is_reprint = 0 OR length(trim(coalesce(reason, ''))) > 0)
);
CREATE INDEX slip_prints_by_case ON slip_prints (case_id, kind);
-- One first print per case and kind: a second "first" print can only be a reprint.
CREATE UNIQUE INDEX slip_prints_one_first ON slip_prints (case_id, kind)
    WHERE is_reprint = 0 AND case_id IS NOT NULL;
CREATE TRIGGER slip_prints_are_append_only_update BEFORE UPDATE ON slip_prints
BEGIN
    SELECT RAISE(ABORT, 'slip prints are append-only');
END;
CREATE TRIGGER slip_prints_are_append_only_delete BEFORE DELETE ON slip_prints
BEGIN
    SELECT RAISE(ABORT, 'slip prints are append-only');
END;
