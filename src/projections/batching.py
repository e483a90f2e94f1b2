"""Buffered view writes for projection batches on PostgreSQL (issue 9; docs/performance.md).

A projection handles one event at a time and writes a few rows per event. Sent one statement per row,
the statements — not the rows — are the cost: psycopg's work per statement (placeholders, parameters,
the pipeline) and the server's per statement. ``BufferedCursor`` collects a batch's plain
``INSERT … VALUES (…)`` rows (``ON CONFLICT … DO NOTHING`` included) per statement and writes them as one
multi-row ``INSERT`` per ``ROWS_PER_STATEMENT`` rows:

* as soon as a statement has that many rows pending, so the server works while the next events are
  decoded (the batch runs in pipeline mode);
* all pending rows before any other statement (``UPDATE``, ``DELETE``, ``SELECT``, ``DO UPDATE``) and
  before a different ``INSERT`` into a table that already has rows pending;
* at the end of the batch (``flush``), before its position is written.

So every statement sees the rows written before it, exactly as when each row is written with its event,
and rows of one statement keep their order. Only rows of *different* tables may reach the database in
another order than their events; views have no triggers or foreign keys between them. The multi-row
statements use PostgreSQL's own ``$n`` placeholders (psycopg ``RawCursor``), which psycopg sends without
parsing them again. A failing row fails at its write, inside the batch's transaction, which rolls back as
a whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from application.ports import Cursor

#: Rows per multi-row statement of a ``BufferedCursor``.
ROWS_PER_STATEMENT = 100


_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\(", re.IGNORECASE)
_MULTIROW = re.compile(
    r"^(?P<head>\s*INSERT\s+INTO\s+\w+\s*\([^()]*\)\s*VALUES\s*)(?P<row>\([^()]*\))"
    r"(?P<tail>(?:\s+ON\s+CONFLICT\s*\([^()]*\)\s*DO\s+NOTHING)?\s*)$",
    re.IGNORECASE | re.DOTALL,
)


@functools.lru_cache(maxsize=1024)
def _insert_table(sql: str) -> str | None:
    match = _INSERT.match(sql)
    return match.group(1).lower() if match else None


@functools.lru_cache(maxsize=1024)
def _multirow_parts(sql: str) -> tuple[str, str, str, int] | None:
    """(head, row, tail, parameters per row) of a plain ``INSERT … VALUES (…)``, or None."""
    match = _MULTIROW.match(sql)
    if match is None:
        return None
    head, row, tail = match.group("head"), match.group("row"), match.group("tail")
    if "%" in head + tail or row.count("%") != row.count("%s"):
        return None  # a literal percent sign: leave the statement as it is
    return head, row, tail, row.count("%s")


@functools.lru_cache(maxsize=1024)
def _multirow_sql(sql: str, rows: int) -> str:
    parts = _multirow_parts(sql)
    assert parts is not None
    head, row, tail, _ = parts
    return head + ", ".join([row] * rows) + tail


class BufferedCursor:
    """A projection batch's cursor that writes its plain ``INSERT`` rows many per statement (see the
    module docstring). Call ``flush`` before the batch's transaction commits."""

    def __init__(self, cursor: Cursor, rows_per_statement: int = ROWS_PER_STATEMENT) -> None:
        self._cursor = cursor
        self._rows_per_statement = rows_per_statement
        self._pending: dict[str, list[Sequence[Any]]] = {}
        self._statement_of: dict[str, str] = {}  # table → the INSERT statement with rows pending

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        table = _bufferable(sql)
        if table is None:
            self.flush()
            return self._cursor.execute(sql, params)
        self._add(table, sql, (params,))
        return None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        table = _bufferable(sql)
        if table is None:
            self.flush()
            return self._cursor.executemany(sql, rows)
        self._add(table, sql, rows)
        return None

    def fetchone(self) -> Any:
        return self._cursor.fetchone()  # the statement it reads flushed everything before it ran

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def _add(self, table: str, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._statement_of.get(table, sql) != sql:
            self.flush()  # another statement into the same table: keep the two in order
        self._statement_of[table] = sql
        pending = self._pending.setdefault(sql, [])
        pending.extend(rows)
        while len(pending) >= self._rows_per_statement:  # write as we go: the server works meanwhile
            self._write(sql, pending[: self._rows_per_statement])
            del pending[: self._rows_per_statement]

    def flush(self) -> None:
        """Write every pending row, statement by statement in the order they were first used."""
        pending, self._pending = self._pending, {}
        self._statement_of.clear()
        for sql, rows in pending.items():
            if rows:
                self._write(sql, rows)

    def _write(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if len(rows) == 1:
            self._cursor.execute(sql, rows[0])
            return
        per_row = _multirow_parts(sql)[3]  # type: ignore[index]  # bufferable statements have parts
        params = [value for row in rows for value in row]
        if len(params) != per_row * len(rows):  # a row of the wrong arity: let the database say so
            self._cursor.executemany(sql, rows)
            return
        self._cursor.execute_numbered(_numbered_multirow_sql(sql, len(rows)), params)  # type: ignore[attr-defined]


def _bufferable(sql: str) -> str | None:
    """The table of a plain ``INSERT … VALUES (…)`` [``ON CONFLICT … DO NOTHING``], else None."""
    return _insert_table(sql) if _multirow_parts(sql) is not None else None


@functools.lru_cache(maxsize=1024)
def _numbered_multirow_sql(sql: str, rows: int) -> str:
    """The multi-row statement with PostgreSQL's own ``$n`` placeholders, which psycopg sends without
    parsing (it parses ``%s`` statements of over 50 parameters again on every call)."""
    parts = _multirow_parts(sql)
    assert parts is not None
    head, row, tail, per_row = parts
    pieces = row.split("%s")
    groups = []
    for r in range(rows):
        first = r * per_row
        groups.append(pieces[0] + "".join(f"${first + i + 1}{pieces[i + 1]}" for i in range(per_row)))
    return head + ", ".join(groups) + tail
