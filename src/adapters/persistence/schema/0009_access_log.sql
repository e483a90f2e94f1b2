-- Access journal read model (使用の記録, seed III-3): one row per (read, subject). Answers "who viewed
-- person X", "what did staff Y view", and the resident-facing history (by purpose, not staff names).
CREATE TABLE IF NOT EXISTS rm_access_log (
    record_id   TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    terminal    TEXT,
    purpose     TEXT NOT NULL,
    action      TEXT NOT NULL,
    items       TEXT NOT NULL,
    position    BIGINT NOT NULL,
    PRIMARY KEY (record_id, subject_id)
);
CREATE INDEX IF NOT EXISTS rm_access_log_subject ON rm_access_log (subject_id, at);
CREATE INDEX IF NOT EXISTS rm_access_log_actor ON rm_access_log (actor, at);
