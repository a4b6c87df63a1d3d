-- 0007: slip codes bind what the slip says (issue 13). Each print of a notice or receipt keeps
-- the content its verification code covers (canonical JSON: kind, print number, issue time,
-- applicant, masked ID number, state, items and deadlines, materials and their states), and a
-- slip kept after a failed print keeps it too, so its later print records the same content.
-- NULL: printed before this migration (a version-1 code, which covers no content).
ALTER TABLE slip_prints ADD COLUMN slip_content TEXT;
ALTER TABLE unprinted_slips ADD COLUMN slip_content TEXT;
