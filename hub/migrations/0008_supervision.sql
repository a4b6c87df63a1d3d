-- 0008: station supervision (站点监管, hub/supervision.py): what each station reports of the
-- catalogue and calendar it uses, and its bad ratings awaiting follow-up.

-- The catalogue version a station said it holds when it last asked for the county's
-- (GET /v1/catalogue?have=…, every online sync), and the years of official working-day
-- calendar it holds (…&calendars=2026,2027, stations of this version on); NULL: never said.
ALTER TABLE stations ADD COLUMN catalogue_version TEXT;
ALTER TABLE stations ADD COLUMN catalogue_reported_at TEXT;
ALTER TABLE stations ADD COLUMN calendar_years TEXT;

-- Every bad rating (不满意 / 非常不满意) with a follow-up due, read from the rating record
-- when it arrives (`hub.follow_ups`, in the batch's transaction), at its newest version.
-- Nothing personal: the rating's level, its case and the days.
CREATE TABLE follow_ups (
    rating_uuid    TEXT PRIMARY KEY,
    station        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    case_uuid      TEXT,
    level          INTEGER NOT NULL,
    rated_at       TEXT NOT NULL,
    due            TEXT NOT NULL,        -- the day the call-back is due
    followed_up_at TEXT
);
CREATE INDEX follow_ups_waiting ON follow_ups (station, due) WHERE followed_up_at IS NULL;

-- The bad ratings a hub already holds are projected once at its next start.
INSERT INTO hub_tasks (name) VALUES ('project-follow-ups');
