-- Position of each projection in the notification log, written in the same transaction as its rows
-- (exactly-once application, DESIGN §8).
CREATE TABLE IF NOT EXISTS projection_tracking (
    name        TEXT PRIMARY KEY,
    position    BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    last_error  TEXT
);
