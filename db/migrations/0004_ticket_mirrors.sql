-- 0004: one queue for several windows (排队主机).
-- A PC that is a client of the station's queue host keeps a mirror row of every ticket it
-- sees, so its cases and print records can link to a local tickets.id. The host's row is the
-- ticket; a mirror is never journalled, never uploaded, never counted in this PC's ledger,
-- and stores its number negated so it never collides with this PC's own numbering
-- (UNIQUE (day, lane, number)).
ALTER TABLE tickets ADD COLUMN mirror INTEGER NOT NULL DEFAULT 0 CHECK (mirror IN (0, 1));
