-- My Number vault (DESIGN §6): ciphertext (sealed with the taxpayer's identity data key, so erasure
-- shreds it) plus an HMAC-SHA256 blind index for lookup. Nothing else in the system holds the number.
CREATE TABLE IF NOT EXISTS individual_number_vault (
    taxpayer_id  TEXT PRIMARY KEY,
    blind_index  TEXT NOT NULL UNIQUE,
    key_id       TEXT NOT NULL,
    ciphertext   TEXT NOT NULL,
    linked_at    TEXT NOT NULL
);
