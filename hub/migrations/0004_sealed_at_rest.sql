-- 0004: each station store's own key (issue 13), handed over like its slip secret and sealed
-- the same way (AES-256-GCM under the sealing key file outside the database), so the county
-- can open a dead PC's store and recover its unsynced cases. One row per station store.
CREATE TABLE store_keys (
    station     TEXT NOT NULL REFERENCES stations (code),
    source      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    sealed      TEXT NOT NULL,           -- base64 of nonce + ciphertext; never the key
    key_id      TEXT NOT NULL,           -- fingerprint of the sealing key that sealed it
    batch_id    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (station, source)
);

-- Every time a store key is taken out of the hub: who, why, when (never the key).
CREATE TABLE store_key_recoveries (
    id           {id},
    station      TEXT NOT NULL,
    source       TEXT NOT NULL,
    recovered_by TEXT NOT NULL,
    reason       TEXT NOT NULL,
    recovered_at TEXT NOT NULL
);

-- The hub's transfer key (X25519): stations encrypt their USB batch files to its public half,
-- which reaches them certified by the hub's signing key. The private half is sealed like the
-- signing key (`hub.identity`), under the same sealing key (key_id above).
ALTER TABLE hub_identity ADD COLUMN transfer_public TEXT;
ALTER TABLE hub_identity ADD COLUMN transfer_sealed TEXT;   -- base64 of nonce + ciphertext
