-- Staff session activity (ADR 0012, docs/staff-and-access.md): last activity per live session, for the
-- idle timeout. Sign-in and sign-out are events; the token is never stored (events keep its SHA-256).
CREATE TABLE IF NOT EXISTS staff_session_activity (
    session_id   TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_session_activity_staff ON staff_session_activity (staff_id);
