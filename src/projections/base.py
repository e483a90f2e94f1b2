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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from application.app import JuminzeiApplication
from application.ports import Cursor, SqlDatabase
from projections.batching import BufferedCursor


class Projection(ABC):
    """A read model built from events. Subclasses name their tables and handle the topics they need."""

    #: Stable name; also the tracking key.
    name: str
    #: Event topics this projection consumes (database-side filter). By default the topics of the event
    #: types its ``singledispatchmethod`` ``apply`` has handlers for, so the two lists cannot drift apart.
    topics: tuple[str, ...]
    #: Tables owned by this projection (cleared on rebuild, hashed for the checksum).
    tables: tuple[str, ...]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dispatcher = getattr(cls.__dict__.get("apply"), "dispatcher", None)
        if "topics" not in cls.__dict__ and dispatcher is not None:
            cls.topics = tuple(get_topic(t) for t in dispatcher.registry if t is not object)

    @abstractmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Apply one domain event to the view (idempotent per event is not required: tracking is)."""

    def checksum(self, cur: Cursor, dialect: str = "sqlite") -> str:
        """Content checksum of the view: sha256 over its tables' digests, each over the table's rows sorted.

        Sorted, not ``ORDER BY 1``: tables such as ``rm_installments`` have many rows per first column,
        whose order the database may return differently for two copies of the same rows. On PostgreSQL
        each table is digested in the database (md5 of its rows' text, sorted byte-wise), so the rows never
        travel; on SQLite they are sorted and hashed here. Checksums compare within one store.
        """
        return self.summary(cur, dialect)[1]

    def summary(self, cur: Cursor, dialect: str = "sqlite") -> tuple[int, str]:
        """(row count, checksum) of the view in one read per table."""
        digest = hashlib.sha256()
        total = 0
        for table in self.tables:
            if dialect == "postgres":
                cur.execute(
                    f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"),"
                    f" '')) FROM {table} t"
                )
                count, table_digest = cur.fetchone()
                total += int(count)
                digest.update(str(table_digest).encode("ascii"))
            else:
                cur.execute(f"SELECT * FROM {table}")
                rows = cur.fetchall()
                total += len(rows)
                for line in sorted(repr(tuple(row)) for row in rows):
                    digest.update(line.encode("utf-8"))
                    digest.update(b"\n")
            digest.update(b"\x00")  # table boundary
        return total, digest.hexdigest()

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
        #: On a read-only replica the read models arrive by replication; catch-up writes nothing.
        self.read_only = False

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
        targets = [self.projections[name]] if name else list(self.projections.values())
        applied = {projection.name: 0 for projection in targets}
        if self.read_only:
            return applied
        failure: ProjectionError | None = None
        pending = list(targets)
        while len(pending) > 1:
            try:
                self._catch_up_together(pending, batch_size, progress, applied)
                pending = []
            except ProjectionError as error:
                # The failed batch rolled back for every view. When a view's handler failed, record it
                # and go on without it, so the healthy views still advance; the failure is raised last.
                culprit = next((p for p in pending if p.name == error.name), None)
                if culprit is None:
                    break  # surfaced only at commit (pipelined): find the view one at a time below
                self.record_error(culprit.name, str(error))
                failure = failure or error
                pending.remove(culprit)
        for projection in pending:
            try:
                applied[projection.name] += self._catch_up_one(projection, batch_size, progress)
            except ProjectionError as error:
                self.record_error(projection.name, str(error))  # the failed batch rolled back; say so
                raise
        if failure is not None:
            raise failure
        return applied

    def _catch_up_together(
        self,
        targets: Sequence[Projection],
        batch_size: int,
        progress: Callable[[str, int, int], None] | None,
        applied: dict[str, int],
        *,
        suffix: str = "",
        shadows: dict[str, dict[str, str]] | None = None,
    ) -> dict[str, int]:
        """Catch several projections up in one pass over the log: each event is read and decoded once and
        handed to every view that follows its topic and has not applied it yet.

        One transaction per batch holds every view's rows and every view's new position, so exactly-once
        holds per view as in ``_catch_up_one`` (a view ahead of the others skips what it has applied).
        ``suffix`` and ``shadows`` let a rebuild run the views into their shadow tables, tracked as
        ``<name><suffix>``. Any failure rolls the whole batch back and raises ``ProjectionError``.
        """
        head = self.app.head()
        tracking = {p.name: p.name + suffix for p in targets}
        while True:
            position = -1
            try:
                with self.db.transaction(pipelined=True) as raw:
                    positions = {p.name: _position(raw, tracking[p.name]) for p in targets}
                    behind = [p for p in targets if positions[p.name] < head]
                    if not behind:
                        break
                    position = min(positions[p.name] for p in behind)
                    buffered = _batch_cursor(raw)
                    followers, every_event = _followers(behind, buffered, shadows)
                    notifications: Sequence[Notification] = self.app.recorder.select_notifications(
                        start=position + 1,
                        limit=batch_size,
                        stop=head,
                        topics=() if every_event else sorted(followers),
                    )
                    wanted = _interested(notifications, followers, every_event, positions)
                    events = _decode(self.app, [n for n, _ in wanted])
                    for (notification, interested), event in zip(wanted, events, strict=True):
                        for p, cur in interested:
                            try:
                                p.apply(event, cur)
                            except Exception as error:
                                raise ProjectionError(p.name, notification.id, error) from error
                            applied[p.name] += 1
                    if isinstance(buffered, BufferedCursor):
                        buffered.flush()
                    # As in ``_apply_batch``: a full page covers up to its last id, a short one up to head.
                    new_position = notifications[-1].id if len(notifications) == batch_size else head
                    for p in behind:
                        if new_position > positions[p.name]:
                            _set_position(raw, tracking[p.name], new_position)
            except ProjectionError:
                raise
            except Exception as error:
                # Pipelined: a failed statement may surface only at commit; the batch rolled back either way.
                raise ProjectionError("+".join(p.name for p in targets), position + 1, error) from error
            if progress:
                for p in behind:
                    progress(p.name, max(new_position, positions[p.name]), head)
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
        notifications: Sequence[Notification] = self.app.recorder.select_notifications(
            start=position + 1, limit=batch_size, stop=head, topics=projection.topics
        )
        failed_at = position + 1
        buffered = _batch_cursor(cur)
        try:
            events = _decode(self.app, notifications)
            for notification, event in zip(notifications, events, strict=True):
                failed_at = notification.id
                projection.apply(event, buffered)
            if isinstance(buffered, BufferedCursor):
                failed_at = position + 1  # a buffered row failing at the flush: the batch, not one event
                buffered.flush()
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
        """Build the view anew beside the live one, verify it, then switch over in one transaction
        (``rebuild_many`` of one view)."""
        return self.rebuild_many([name], batch_size=batch_size, progress=progress)[0]

    def rebuild_many(
        self,
        names: Sequence[str],
        *,
        batch_size: int = 1000,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> list[RebuildReport]:
        """Build these views anew beside the live ones in one pass over the log, verify each, then switch
        each over in one transaction.

        Each new version is written to shadow tables (``<table>__rebuild``) tracked as ``<name>__rebuild``;
        the live views keep serving until their switch. An interrupted rebuild resumes where it stopped.
        The log is read and decoded once for all the views (as catch-up does). A switch copies the verified
        rows into the live tables and moves the tracking position in one transaction, so readers see
        either the old or the new view.
        """
        projections = [self.projections[name] for name in names]
        shadows = {p.name: {table: f"{table}__rebuild" for table in p.tables} for p in projections}
        for projection in projections:
            self._prepare_shadow(projection, shadows[projection.name], f"{projection.name}__rebuild")
        applied = {p.name: 0 for p in projections}
        self._catch_up_together(
            projections, batch_size, progress, applied, suffix="__rebuild", shadows=shadows
        )
        return [self._switch_over(p, shadows[p.name], batch_size) for p in projections]

    def _switch_over(self, projection: Projection, shadow: dict[str, str], batch_size: int) -> RebuildReport:
        """Verify the shadow view and make it the live one, in one transaction."""
        name = projection.name
        tracking = f"{name}__rebuild"
        with self.db.transaction() as raw:
            renamed = _RenamingCursor(raw, shadow)
            head = self.app.head()
            position = _position(raw, tracking)
            while position < head:  # events stored since the catch-up: apply them inside the switch
                position, _ = self._apply_batch(projection, renamed, position, head, batch_size)
            dialect = self.db.dialect
            rows, checksum = projection.summary(renamed, dialect)
            previous_rows, previous_checksum = projection.summary(raw, dialect)
            for live, table in shadow.items():
                if dialect == "postgres":
                    _swap_in(raw, live, table)
                else:
                    raw.execute(f"DELETE FROM {live}")
                    raw.execute(f"INSERT INTO {live} SELECT * FROM {table}")
                    raw.execute(f"DROP TABLE {table}")
            # A copy (SQLite) is checked row for row; a rename (PostgreSQL) cannot change rows, so the
            # count shows the right tables were swapped in.
            switched = projection.summary(raw, dialect) if dialect != "postgres" else None
            if switched not in (None, (rows, checksum)) or projection.row_count(raw) != rows:
                raise ProjectionError(name, position, RuntimeError("switch-over does not match"))
            _set_position(raw, name, position)
            raw.execute("DELETE FROM projection_tracking WHERE name = %s", (tracking,))
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

    def positions(self) -> dict[str, int]:
        """Every projection's applied position, in one query (0 for one that never ran)."""
        with self.db.transaction() as cur:
            cur.execute("SELECT name, position FROM projection_tracking")
            found = {str(name): int(position) for name, position in cur.fetchall()}
        return {name: found.get(name, 0) for name in self.projections}

    def status(self) -> list[ProjectionStatus]:
        head = self.app.head()
        result: list[ProjectionStatus] = []
        for projection in self.projections.values():
            with self.db.transaction() as cur:
                position = _position(cur, projection.name)
                cur.execute("SELECT last_error FROM projection_tracking WHERE name = %s", (projection.name,))
                row = cur.fetchone()
                summary = projection.summary(cur, self.db.dialect)
                result.append(
                    ProjectionStatus(
                        name=projection.name,
                        position=position,
                        head=head,
                        lag=max(head - position, 0),
                        checksum=summary[1],
                        rows=summary[0],
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

    def execute_numbered(self, sql: str, params: Sequence[Any]) -> Any:
        return self._cursor.execute_numbered(self._rename(sql), params)  # type: ignore[attr-defined]

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


def _decode(app: JuminzeiApplication, notifications: Sequence[Notification]) -> Iterator[Any]:
    """The domain events of a page of notifications, in order (their data keys loaded in one go)."""
    mapper: Any = app.mapper
    if hasattr(mapper, "to_domain_events"):
        return iter(mapper.to_domain_events(notifications))
    return (mapper.to_domain_event(n) for n in notifications)


def _batch_cursor(cur: Cursor) -> Cursor:
    """The cursor a projection batch writes through: buffered multi-row inserts where the store can send
    numbered statements (PostgreSQL pipeline), else ``cur`` itself."""
    target = cur._cursor if isinstance(cur, _RenamingCursor) else cur
    return BufferedCursor(cur) if hasattr(target, "execute_numbered") else cur


class ProjectionError(RuntimeError):
    """A projection failed on one event; nothing of its batch was committed."""

    def __init__(self, name: str, position: int, cause: Exception) -> None:
        super().__init__(f"projection {name} failed at position {position}: {type(cause).__name__}")
        self.name = name
        self.position = position


def _index_definitions(cur: Cursor, table: str) -> dict[str, str]:
    """Index name of each index definition on ``table`` (the definition without its name and table)."""
    cur.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = %s::regclass",
        (table,),
    )
    return {
        re.sub(r" INDEX \S+ ON \S+ ", " INDEX ON ", definition): name for name, definition in cur.fetchall()
    }


def _swap_in(cur: Cursor, live: str, shadow: str) -> None:
    """PostgreSQL switch-over: the verified shadow table becomes the live one by renaming, not copying.

    The shadow was created ``LIKE live INCLUDING ALL``, so it has the same columns, defaults, constraints
    and indexes; its indexes (and the constraints they back) get the live ones' names back, so later
    migrations find them. Runs inside the switch-over transaction: readers see the old or the new table.
    """
    live_indexes = _index_definitions(cur, live)
    shadow_indexes = _index_definitions(cur, shadow)
    if set(live_indexes) != set(shadow_indexes):
        raise RuntimeError(f"{shadow} does not have the indexes of {live}")
    cur.execute(f"DROP TABLE {live}")
    cur.execute(f"ALTER TABLE {shadow} RENAME TO {live}")
    for definition, name in shadow_indexes.items():
        if name != live_indexes[definition]:
            cur.execute(f'ALTER INDEX "{name}" RENAME TO "{live_indexes[definition]}"')


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


_Follower = tuple[Projection, Cursor]


def _followers(
    behind: Sequence[Projection], buffered: Cursor, shadows: dict[str, dict[str, str]] | None
) -> tuple[dict[str, list[_Follower]], list[_Follower]]:
    """Each view with the cursor it writes through, by the topics it follows; views without topics
    follow every event (the second list)."""
    followers: dict[str, list[_Follower]] = {}
    every_event: list[_Follower] = []
    for p in behind:
        cur = _RenamingCursor(buffered, shadows[p.name]) if shadows else buffered
        for topic in p.topics:
            followers.setdefault(topic, []).append((p, cur))
        if not p.topics:
            every_event.append((p, cur))
    return followers, every_event


def _interested(
    notifications: Sequence[Notification],
    followers: dict[str, list[_Follower]],
    every_event: list[_Follower],
    positions: dict[str, int],
) -> list[tuple[Notification, list[_Follower]]]:
    """The notifications some view still needs (it follows the topic and has not applied it yet)."""
    wanted: list[tuple[Notification, list[_Follower]]] = []
    for notification in notifications:
        interested = [
            (p, cur)
            for p, cur in [*followers.get(notification.topic, ()), *every_event]
            if positions[p.name] < notification.id
        ]
        if interested:
            wanted.append((notification, interested))
    return wanted
