-- Per-subject data keys wrapped by the master key (DESIGN §6, ADR 0004).
-- wrapped_key NULL = destroyed (crypto-shredded); the row stays so erasure is visible and final.
CREATE TABLE IF NOT EXISTS data_keys (
    key_id       TEXT PRIMARY KEY,
    wrapped_key  TEXT,
    created_at   TEXT NOT NULL,
    destroyed_at TEXT
);
