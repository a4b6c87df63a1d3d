-- 0008: clerk accounts (issue 13). Roles: the station admin (站长) manages the clerks; a clerk
-- serves at the counter (so does the admin). A PIN is stored only as its argon2id hash; a
-- clerk without one cannot log in until the admin sets it (clerks of a store from before this
-- step). Failed logins since the last success count towards a lockout with back-off, kept
-- here so a restart does not reset it. Clerks are deactivated, never deleted: their names
-- stay on the cases they own.
ALTER TABLE clerks ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk'
    CHECK (role IN ('admin', 'clerk'));
ALTER TABLE clerks ADD COLUMN pin_hash TEXT;          -- argon2id, PHC string; NULL: none set
ALTER TABLE clerks ADD COLUMN pin_set_at TEXT;
ALTER TABLE clerks ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clerks ADD COLUMN locked_until TEXT;      -- no attempt is checked before then
ALTER TABLE clerks ADD COLUMN deactivated_at TEXT;
CREATE INDEX events_by_subject_kind ON events (subject, kind, at);
