-- 0005: a called ticket may end without a case (仅咨询 / 无需办件, issue 11): status
-- 'consulted' with the clerk's reason, counted in the day's closing.
ALTER TABLE tickets ADD COLUMN end_reason TEXT;   -- why it ended without a case
ALTER TABLE day_closings ADD COLUMN consulted INTEGER NOT NULL DEFAULT 0;
