-- 0009: the county's ledger (统计台账, hub/ledger_facts.py) reads a period's tickets, cases
-- and ratings of every station at once: records by type and service day.
-- (Issue 15's plan gives this branch 0011; the hub refuses gaps, so it is 0009 here.)
CREATE INDEX records_by_type_day ON records (type, day, station);
