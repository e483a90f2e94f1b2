"""The read-model and key-store database: the same database as the event store (DESIGN §8).

One small adapter over sqlite3 and psycopg 3 so projections, the key store and migrations write SQL once,
with ``%s`` placeholders (translated to ``?`` for SQLite). Every ``transaction()`` commits on normal exit
and rolls back on error; a projection writes its rows and its tracking position in one of them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adapters.persistence.stores import StoreConfig


class _SqliteCursor:
    """A sqlite3 cursor that accepts ``%s`` placeholders."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(sql.replace("%s", "?"), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(sql.replace("%s", "?"), [tuple(r) for r in rows])

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class SqliteDatabase:
    """SQLite file (WAL) or shared in-memory database. One connection, serialised by a lock."""

    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path not in (":memory:",) and "mode=memory" not in self.path:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        uri = self.path.startswith("file:")
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30, uri=uri
        )
        self._conn.execute("PRAGMA busy_timeout = 30000")
        if ":memory:" not in self.path and "mode=memory" not in self.path:
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[_SqliteCursor]:
        """One transaction; a nested call on the same thread joins the outer one (``pipelined``: no-op)."""
        with self._lock:
            cur = self._conn.cursor()
            outer = self._depth == 0
            if outer:
                cur.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield _SqliteCursor(cur)
            except BaseException:
                self._depth -= 1
                if outer:
                    cur.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if outer:
                    cur.execute("COMMIT")
            finally:
                cur.close()

    def close(self) -> None:
        self._conn.close()


class _PipelinedCursor:
    """A psycopg cursor in pipeline mode whose ``executemany`` runs on a cursor of its own.

    With psycopg 3.3 in pipeline mode, after an ``executemany`` of a few hundred rows on a cursor, a later
    ``execute`` + ``fetchone`` on that same cursor can get an earlier statement's result ("the last
    operation didn't produce records (command status: INSERT 0 1)"); it is timing dependent and broke a
    20,000-taxpayer ``bench levy`` in the intake projection. Running ``executemany`` on a separate cursor
    of the same connection (same transaction, same pipeline) does not show it. Everything else is the
    wrapped cursor's.
    """

    def __init__(self, conn: Any, cur: Any) -> None:
        self._conn = conn
        self._cur = cur
        self._numbered: Any = None

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._cur.execute(*args, **kwargs)

    def executemany(self, *args: Any, **kwargs: Any) -> Any:
        with self._conn.cursor() as other:
            other.executemany(*args, **kwargs)

    def execute_numbered(self, sql: str, params: Sequence[Any]) -> None:
        """Run a write whose placeholders are PostgreSQL's own ``$1, $2, …``: psycopg sends it without
        parsing it (long multi-row inserts of projection batches). On a cursor of its own, like
        ``executemany``, and nothing is fetched from it."""
        if self._numbered is None:
            import psycopg

            self._numbered = psycopg.RawCursor(self._conn)
        self._numbered.execute(sql, params)

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        rows: list[Any] = self._cur.fetchall()
        return rows

    def close_numbered(self) -> None:
        if self._numbered is not None:
            self._numbered.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


class PostgresDatabase:
    """PostgreSQL through a small psycopg 3 connection pool."""

    dialect = "postgres"

    def __init__(self, config: StoreConfig, *, max_size: int = 4) -> None:
        from psycopg_pool import ConnectionPool

        conninfo = f"host={config.host} port={config.port} dbname={config.dbname} user={config.user}" + (
            f" password={config.password}" if config.password else ""
        )
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=max_size, open=True, timeout=30)

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[Any]:
        with self._pool.connection() as conn:
            if pipelined:  # batch writes of a projection: one round trip per sync, not per statement
                with conn.pipeline(), conn.transaction(), conn.cursor() as cur:
                    pipelined_cursor = _PipelinedCursor(conn, cur)
                    try:
                        yield pipelined_cursor
                    finally:
                        pipelined_cursor.close_numbered()
            else:
                with conn.transaction(), conn.cursor() as cur:
                    yield cur

    def close(self) -> None:
        self._pool.close()


def open_database(config: StoreConfig, *, pool_size: int = 4) -> SqliteDatabase | PostgresDatabase:
    """The read-model database for a store configuration (POPO gets a private in-memory SQLite)."""
    if config.kind == "sqlite":
        assert config.sqlite_path is not None
        return SqliteDatabase(config.sqlite_path)
    if config.kind == "postgres":
        return PostgresDatabase(config, max_size=pool_size)
    return SqliteDatabase(":memory:")
