-- 0003: the hub's own signing key (it signs the acknowledgement files) sealed like the slip
-- secrets, under the sealing key that lives outside the database (`hub.identity`). A key kept
-- in plaintext by an older hub is sealed, and its plaintext erased, at the first start with a
-- sealing key; until then `private_key` holds it as before.
ALTER TABLE hub_identity ADD COLUMN sealed_key TEXT;   -- base64 of nonce + ciphertext
ALTER TABLE hub_identity ADD COLUMN key_id TEXT;       -- the sealing key that sealed it
