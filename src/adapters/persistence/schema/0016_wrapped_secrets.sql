-- System secrets wrapped by the master key (ADR 0019): the derivation root of the My Number blind index
-- and of certificate verification codes. Kept apart from data_keys (per-subject keys that retention
-- destroys); a master-key rotation rewraps both tables and leaves every derived value unchanged.
CREATE TABLE IF NOT EXISTS wrapped_secrets (
    name        TEXT PRIMARY KEY,
    wrapped     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
