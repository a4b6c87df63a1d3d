-- 0006: slips that could not be printed (待打印单据, issue 11). A notice or receipt whose print
-- failed (no printer, printer refused the job) is kept with its PDF, to be printed once a
-- printer is back or saved as a PDF. It counts as printed only when it is printed: the print
-- is then recorded in slip_prints and the row closed with it. The clerk may drop a row with a
-- reason (e.g. the citizen took the PDF). One open row per case and kind: a newer failed print
-- of the same slip replaces the older rendering.
CREATE TABLE unprinted_slips (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('notice', 'receipt')),
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    layout            TEXT NOT NULL CHECK (layout IN ('a4', 'roll80')),
    clerk_id          INTEGER REFERENCES clerks (id),  -- who rendered it
    is_reprint        INTEGER NOT NULL DEFAULT 0 CHECK (is_reprint IN (0, 1)),
    reason            TEXT,                            -- a reprint's reason
    verification_code TEXT,
    pdf               BLOB NOT NULL,
    failure           TEXT NOT NULL,                   -- why it did not print
    kept_at           TEXT NOT NULL,
    saved_to          TEXT,                            -- the last file it was saved to
    printed_at        TEXT,
    print_id          INTEGER REFERENCES slip_prints (id),
    dropped_at        TEXT,
    drop_reason       TEXT,
    CHECK (printed_at IS NULL OR dropped_at IS NULL),
    CHECK (dropped_at IS NULL OR length(trim(coalesce(drop_reason, ''))) > 0)
);
CREATE UNIQUE INDEX unprinted_slips_one_open ON unprinted_slips (case_id, kind)
    WHERE printed_at IS NULL AND dropped_at IS NULL;
