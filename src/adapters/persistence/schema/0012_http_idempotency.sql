-- HTTP API idempotency records and background job records (docs/http-api.md, docs/worker.md, ADR 0013).
-- Portable SQL (SQLite and PostgreSQL). Neither table holds personal data: idempotency records keep the
-- response a clerk already received (replayed to the same staff member only), jobs keep file paths, kinds,
-- actors and counts — never file contents.
CREATE TABLE IF NOT EXISTS http_idempotency (
    staff_id      TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    route         TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    state         TEXT NOT NULL,
    status_code   INTEGER,
    content_type  TEXT,
    body          TEXT,
    headers       TEXT,
    created_at    TEXT NOT NULL,
    completed_at  TEXT,
    PRIMARY KEY (staff_id, idem_key)
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id       TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    dedup_key    TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    result       TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
