"""Projection framework: pull-based catch-up with exactly-once application (DESIGN §8, ADR 0002).

A projection reads the application's notification log from its tracked position, maps each stored event
through the application's mapper (so personal fields are decrypted), applies it to its tables, and writes
its new position in the **same transaction** as the rows. A crash between batches loses nothing and
doubles nothing: the next run resumes from the committed position.

SQLite's recorder cannot ``subscribe``, so catch-up is pull-based on every store; server mode runs the
same catch-up in a loop (ADR 0002).
"""

from __future__ import annotations

import functools
import hashlib
import re
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
        """Content checksum of the view: sha256 over its rows, sorted.

        Sorted in Python, not ``ORDER BY 1``: tables such as ``rm_installments`` have many rows per
        first column, whose order the database may return differently for two copies of the same rows.
        """
        digest = hashlib.sha256()
        for table in self.tables:
            cur.execute(f"SELECT * FROM {table}")
            for line in sorted(repr(tuple(row)) for row in cur.fetchall()):
                digest.update(line.encode("utf-8"))
                digest.update(b"\n")
            digest.update(b"\x00")  # table boundary
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
            try:
                applied[projection.name] = self._catch_up_one(projection, batch_size, progress)
            except ProjectionError as error:
                self.record_error(projection.name, str(error))  # the failed batch rolled back; say so
                raise
        return applied

    def _catch_up_one(
        self,
        projection: Projection,
        batch_size: int,
        progress: Callable[[str, int, int], None] | None,
        *,
        tracking_name: str | None = None,
        tables: dict[str, str] | None = None,
    ) -> int:
        """Apply events after the tracked position, one transaction per batch (rows + position together).

        ``tracking_name`` and ``tables`` let a rebuild run the same projection into shadow tables."""
        tracking = tracking_name or projection.name
        head = self.app.head()
        count = 0
        while True:
            position = -1
            try:
                with self.db.transaction(pipelined=True) as raw:
                    cur = _RenamingCursor(raw, tables) if tables else raw
                    position = _position(raw, tracking)
                    if position >= head:
                        break
                    new_position, applied = self._apply_batch(projection, cur, position, head, batch_size)
                    _set_position(raw, tracking, new_position)
                    count += applied
            except ProjectionError:
                raise
            except Exception as error:
                # Pipelined: a failed statement may surface only at commit; the batch rolled back either way.
                raise ProjectionError(projection.name, position + 1, error) from error
            if progress:
                progress(projection.name, new_position, head)
        return count

    def _apply_batch(
        self, projection: Projection, cur: Cursor, position: int, head: int, batch_size: int
    ) -> tuple[int, int]:
        notifications: list[Notification] = self.app.recorder.select_notifications(
            start=position + 1, limit=batch_size, stop=head, topics=projection.topics
        )
        failed_at = position + 1
        try:
            for notification in notifications:
                failed_at = notification.id
                projection.apply(self.app.mapper.to_domain_event(notification), cur)
        except Exception as error:
            raise ProjectionError(projection.name, failed_at, error) from error
        # Filtered reads can return fewer rows than the range covers: the batch covers up to the last id
        # returned, or the whole range to head when the page was not full.
        new_position = notifications[-1].id if len(notifications) == batch_size else head
        return new_position, len(notifications)

    # -- blue/green rebuild -----------------------------------------------------------------------
    def rebuild(
        self,
        name: str,
        *,
        batch_size: int = 1000,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> RebuildReport:
        """Build the view anew beside the live one, verify it, then switch over in one transaction.

        The new version is written to shadow tables (``<table>__rebuild``) tracked as ``<name>__rebuild``;
        the live view keeps serving until the switch. An interrupted rebuild resumes where it stopped.
        The switch copies the verified rows into the live tables and moves the tracking position, all in
        one transaction, so readers see either the old or the new view.
        """
        projection = self.projections[name]
        shadow = {table: f"{table}__rebuild" for table in projection.tables}
        tracking = f"{name}__rebuild"
        self._prepare_shadow(projection, shadow, tracking)
        self._catch_up_one(projection, batch_size, progress, tracking_name=tracking, tables=shadow)
        with self.db.transaction() as raw:
            renamed = _RenamingCursor(raw, shadow)
            head = self.app.head()
            position = _position(raw, tracking)
            while position < head:  # events stored since the catch-up: apply them inside the switch
                position, _ = self._apply_batch(projection, renamed, position, head, batch_size)
            rows = projection.row_count(renamed)
            checksum = projection.checksum(renamed)
            previous_rows = projection.row_count(raw)
            previous_checksum = projection.checksum(raw)
            if projection.checksum(renamed) != checksum:  # verification: the view reads back the same
                raise ProjectionError(name, position, RuntimeError("rebuilt view is not stable"))
            for live, table in shadow.items():
                raw.execute(f"DELETE FROM {live}")
                raw.execute(f"INSERT INTO {live} SELECT * FROM {table}")
            if projection.checksum(raw) != checksum or projection.row_count(raw) != rows:
                raise ProjectionError(name, position, RuntimeError("switch-over copy does not match"))
            _set_position(raw, name, position)
            raw.execute("DELETE FROM projection_tracking WHERE name = %s", (tracking,))
            for table in shadow.values():
                raw.execute(f"DROP TABLE {table}")
        return RebuildReport(name, position, rows, checksum, previous_rows, previous_checksum)

    def _prepare_shadow(self, projection: Projection, shadow: dict[str, str], tracking: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("SELECT position FROM projection_tracking WHERE name = %s", (tracking,))
            resuming = cur.fetchone() is not None
            if resuming:
                return
            for live, table in shadow.items():
                cur.execute(f"DROP TABLE IF EXISTS {table}")
                if self.db.dialect == "postgres":
                    cur.execute(f"CREATE TABLE {table} (LIKE {live} INCLUDING ALL)")
                else:
                    cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", (live,))
                    ddl = cur.fetchone()[0]
                    cur.execute(
                        re.sub(rf"^CREATE TABLE (IF NOT EXISTS )?\"?{live}\"?", f"CREATE TABLE {table}", ddl)
                    )
            _set_position(cur, tracking, 0)

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


@dataclass(frozen=True)
class RebuildReport:
    name: str
    position: int
    rows: int
    checksum: str
    previous_rows: int
    previous_checksum: str

    @property
    def identical(self) -> bool:
        """Whether the rebuilt view equals the one built incrementally."""
        return self.checksum == self.previous_checksum and self.rows == self.previous_rows


@functools.lru_cache(maxsize=4096)
def _rename_tables(sql: str, tables: tuple[tuple[str, str], ...]) -> str:
    """``sql`` with each live table name (whole word) replaced by its shadow; cached, as a projection
    runs the same few dozen statements for every event."""
    for live, shadow in tables:
        sql = re.sub(rf"\b{re.escape(live)}\b", shadow, sql)
    return sql


class _RenamingCursor:
    """A cursor that points a projection's SQL at its shadow tables (whole-word table-name rewrite)."""

    def __init__(self, cursor: Cursor, tables: dict[str, str]) -> None:
        self._cursor = cursor
        self._tables = tuple(tables.items())

    def _rename(self, sql: str) -> str:
        return _rename_tables(sql, self._tables)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(self._rename(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(self._rename(sql), rows)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


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
