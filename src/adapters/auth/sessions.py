"""Session activity for the idle timeout (``application.staff.SessionActivity``).

Sign-in and sign-out are events; the per-request activity touch is not (it would flood the log and add
nothing an inspector needs). ``SqlSessionActivity`` keeps one row per live session in
``staff_session_activity`` (migration 0010): session id, 職員ID, last activity (UTC ISO-8601). The
session token is never stored here or anywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

from application.ports import SqlDatabase


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class SqlSessionActivity:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def touch(self, session_id: str, staff_id: str, at: datetime) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO staff_session_activity (session_id, staff_id, last_seen_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (session_id) DO UPDATE SET last_seen_at = excluded.last_seen_at"
                " WHERE excluded.last_seen_at > staff_session_activity.last_seen_at",
                (session_id, staff_id, _iso(at)),
            )

    def last_seen(self, session_id: str) -> datetime | None:
        with self.db.transaction() as cur:
            cur.execute(
                "SELECT last_seen_at FROM staff_session_activity WHERE session_id = %s", (session_id,)
            )
            row = cur.fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def forget(self, session_id: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM staff_session_activity WHERE session_id = %s", (session_id,))


class InMemorySessionActivity:
    """For a single process (tests, one-shot tools)."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime] = {}

    def touch(self, session_id: str, staff_id: str, at: datetime) -> None:
        previous = self._seen.get(session_id)
        self._seen[session_id] = at if previous is None or at > previous else previous

    def last_seen(self, session_id: str) -> datetime | None:
        return self._seen.get(session_id)

    def forget(self, session_id: str) -> None:
        self._seen.pop(session_id, None)


class SqlSignInAttempts:
    """Sign-in attempts for the rate limit (``application.staff.SignInAttempts``; migration 0023)."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def record(self, key_hash: str, at: datetime) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO sign_in_attempts (key_hash, attempted_at) VALUES (%s, %s)", (key_hash, _iso(at))
            )

    def count_since(self, key_hash: str, since: datetime) -> int:
        with self.db.transaction() as cur:
            cur.execute(
                "SELECT count(*) FROM sign_in_attempts WHERE key_hash = %s AND attempted_at >= %s",
                (key_hash, _iso(since)),
            )
            row = cur.fetchone()
        return int(row[0]) if row else 0


class InMemorySignInAttempts:
    """For a single process (tests, one-shot tools)."""

    def __init__(self) -> None:
        self._at: dict[str, list[datetime]] = {}

    def record(self, key_hash: str, at: datetime) -> None:
        self._at.setdefault(key_hash, []).append(at)

    def count_since(self, key_hash: str, since: datetime) -> int:
        return sum(1 for at in self._at.get(key_hash, ()) if at >= since)
