"""Projection framework: pull-based catch-up with exactly-once application (DESIGN §8, ADR 0002).

A projection reads the application's notification log from its tracked position, maps each stored event
through the application's mapper (so personal fields are decrypted), applies it to its tables, and writes
its new position in the **same transaction** as the rows. A crash between batches loses nothing and
doubles nothing: the next run resumes from the committed position.

SQLite's recorder cannot ``subscribe``, so catch-up is pull-based on every store; server mode runs the
same catch-up in a loop (ADR 0002).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification

from application.app import JuminzeiApplication
from application.ports import Cursor, SqlDatabase


class Projection(ABC):
    """A read model built from events. Subclasses name their tables and handle the topics they need."""

    #: Stable name; also the tracking key.
    name: str
    #: Event topics this projection consumes (database-side filter).
    topics: tuple[str, ...]
    #: Tables owned by this projection (cleared on rebuild, hashed for the checksum).
    tables: tuple[str, ...]

    @abstractmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Apply one domain event to the view (idempotent per event is not required: tracking is)."""

    def checksum(self, cur: Cursor) -> str:
        """Content checksum of the view: sha256 over its rows in key order."""
        digest = hashlib.sha256()
        for table in self.tables:
            cur.execute(f"SELECT * FROM {table} ORDER BY 1")
            for row in cur.fetchall():
                digest.update(repr(tuple(row)).encode("utf-8"))
                digest.update(b"\n")
        return digest.hexdigest()

    def row_count(self, cur: Cursor) -> int:
        total = 0
        for table in self.tables:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            total += int(cur.fetchone()[0])
        return total


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    lag: int
    checksum: str
    rows: int
    error: str | None


class ProjectionRunner:
    """Runs projections against one application and one read-model database."""

    def __init__(self, app: JuminzeiApplication, db: SqlDatabase, projections: Sequence[Projection]) -> None:
        self.app = app
        self.db = db
        self.projections = {p.name: p for p in projections}

    def position(self, name: str) -> int:
        with self.db.transaction() as cur:
            return _position(cur, name)

    def catch_up(
        self,
        name: str | None = None,
        *,
        batch_size: int = 500,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, int]:
        """Bring projections up to the head of the log; return events applied per projection."""
        applied: dict[str, int] = {}
        targets = [self.projections[name]] if name else list(self.projections.values())
        for projection in targets:
            applied[projection.name] = self._catch_up_one(projection, batch_size, progress)
        return applied

    def _catch_up_one(
        self, projection: Projection, batch_size: int, progress: Callable[[str, int, int], None] | None
    ) -> int:
        head = self.app.head()
        count = 0
        while True:
            with self.db.transaction() as cur:
                position = _position(cur, projection.name)
                if position >= head:
                    break
                notifications: list[Notification] = self.app.recorder.select_notifications(
                    start=position + 1, limit=batch_size, stop=head, topics=projection.topics
                )
                try:
                    for notification in notifications:
                        projection.apply(self.app.mapper.to_domain_event(notification), cur)
                except Exception as error:
                    # Recorded outside this (rolled back) transaction, then re-raised.
                    failed_at = notification.id
                    raise ProjectionError(projection.name, failed_at, error) from error
                # Filtered reads can return fewer rows than the range covers: the batch covers up to the
                # last id returned, or the whole range to head when the page was not full.
                new_position = notifications[-1].id if len(notifications) == batch_size else head
                _set_position(cur, projection.name, new_position)
                count += len(notifications)
            if progress:
                progress(projection.name, new_position, head)
        return count

    def record_error(self, name: str, message: str) -> None:
        with self.db.transaction() as cur:
            position = _position(cur, name)
            _set_position(cur, name, position, error=message)

    def status(self) -> list[ProjectionStatus]:
        head = self.app.head()
        result: list[ProjectionStatus] = []
        for projection in self.projections.values():
            with self.db.transaction() as cur:
                position = _position(cur, projection.name)
                cur.execute("SELECT last_error FROM projection_tracking WHERE name = %s", (projection.name,))
                row = cur.fetchone()
                result.append(
                    ProjectionStatus(
                        name=projection.name,
                        position=position,
                        head=head,
                        lag=max(head - position, 0),
                        checksum=projection.checksum(cur),
                        rows=projection.row_count(cur),
                        error=row[0] if row else None,
                    )
                )
        return result

    def reset(self, name: str) -> None:
        """Clear a projection's rows and position in one transaction (in-place rebuild)."""
        projection = self.projections[name]
        with self.db.transaction() as cur:
            for table in projection.tables:
                cur.execute(f"DELETE FROM {table}")
            cur.execute("DELETE FROM projection_tracking WHERE name = %s", (name,))


class ProjectionError(RuntimeError):
    """A projection failed on one event; nothing of its batch was committed."""

    def __init__(self, name: str, position: int, cause: Exception) -> None:
        super().__init__(f"projection {name} failed at position {position}: {type(cause).__name__}")
        self.name = name
        self.position = position


def _position(cur: Cursor, name: str) -> int:
    cur.execute("SELECT position FROM projection_tracking WHERE name = %s", (name,))
    row = cur.fetchone()
    return int(row[0]) if row else 0


def _set_position(cur: Cursor, name: str, position: int, error: str | None = None) -> None:
    now = datetime.now(UTC).isoformat()
    cur.execute(
        "INSERT INTO projection_tracking (name, position, updated_at, last_error) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at,"
        " last_error = EXCLUDED.last_error",
        (name, position, now, error),
    )
