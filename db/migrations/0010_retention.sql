-- 0010: personal data kept no longer than needed (issue 13). After the retention period a
-- finished case keeps its counts but loses its personal fields (name and ID number masked,
-- phone removed), in the case row and wherever they were copied: the events' data and the
-- slips' recorded content. The event log and the print records stay append-only: only
-- their data / slip_content may change, and only inside an erasure, which marks itself in
-- `erasing` for the length of its transaction (counterapp.retention).
ALTER TABLE cases ADD COLUMN personal_erased_at TEXT;
CREATE INDEX cases_to_erase ON cases (updated_at) WHERE personal_erased_at IS NULL;

CREATE TABLE erasing (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER events_are_append_only_update;
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
WHEN NOT EXISTS (SELECT 1 FROM erasing) OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at
    OR NEW.clerk_id IS NOT OLD.clerk_id OR NEW.subject IS NOT OLD.subject
    OR NEW.subject_uuid IS NOT OLD.subject_uuid OR NEW.kind IS NOT OLD.kind
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

DROP TRIGGER slip_prints_are_append_only_update;
CREATE TRIGGER slip_prints_are_append_only_update BEFORE UPDATE ON slip_prints
WHEN NOT EXISTS (SELECT 1 FROM erasing) OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
    OR NEW.case_id IS NOT OLD.case_id OR NEW.ticket_id IS NOT OLD.ticket_id
    OR NEW.layout IS NOT OLD.layout OR NEW.printed_at IS NOT OLD.printed_at
    OR NEW.clerk_id IS NOT OLD.clerk_id OR NEW.is_reprint IS NOT OLD.is_reprint
    OR NEW.reason IS NOT OLD.reason OR NEW.verification_code IS NOT OLD.verification_code
BEGIN
    SELECT RAISE(ABORT, 'slip prints are append-only');
END;
