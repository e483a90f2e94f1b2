-- Sign-in attempts for the rate limit (ADR 0023, docs/staff-and-access.md): one row per attempt, keyed by the
-- SHA-256 of the typed 職員ID (an unknown or mistyped id is never stored in clear). Outcomes are events.
CREATE TABLE IF NOT EXISTS sign_in_attempts (
    key_hash     TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_attempts_key ON sign_in_attempts (key_hash, attempted_at);
