"""Projection batches on PostgreSQL write their plain INSERTs many rows per statement
(``projections.batching.BufferedCursor``); the tables end exactly as with one statement per row."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.persistence.database import PostgresDatabase
from adapters.persistence.stores import parse_database_url
from projections.batching import ROWS_PER_STATEMENT, BufferedCursor, _multirow_parts, _numbered_multirow_sql

INSERT = "INSERT INTO t_buf (k, v) VALUES (%s, %s)"
INSERT_OR_SKIP = "INSERT INTO t_buf (k, v) VALUES (%s, %s) ON CONFLICT (k) DO NOTHING"
INSERT_LOG = "INSERT INTO t_buf_log (n, note) VALUES (%s, 'x')"
UPDATE = "UPDATE t_buf SET v = v || '+' WHERE k = %s"

# One operation: (statement, key). Keys collide on purpose (ON CONFLICT DO NOTHING, UPDATE of a row
# written earlier in the same batch); the plain INSERT uses keys that never collide.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("skip"), st.integers(0, 30)),
        st.tuples(st.just("insert"), st.integers(100, 10**6)),
        st.tuples(st.just("log"), st.integers(0, 10**6)),
        st.tuples(st.just("update"), st.integers(0, 30)),
        st.tuples(st.just("many"), st.integers(0, 2 * ROWS_PER_STATEMENT + 3)),
    ),
    max_size=60,
)


def _apply(cur: Any, ops: list[tuple[str, int]]) -> None:
    for serial, (kind, key) in enumerate(ops):
        if kind == "skip":
            cur.execute(INSERT_OR_SKIP, (key, f"s{serial}"))
        elif kind == "insert":
            cur.execute(INSERT, (10**7 * (serial + 1) + key, f"i{serial}"))
        elif kind == "log":
            cur.execute(INSERT_LOG, (key,))
        elif kind == "update":
            cur.execute(UPDATE, (key,))
        else:
            cur.executemany(INSERT_OR_SKIP, [((k * 7) % 40, f"m{serial}.{k}") for k in range(key)])


def _contents(db: PostgresDatabase) -> tuple[list[Any], list[Any]]:
    with db.transaction() as cur:
        cur.execute("SELECT k, v FROM t_buf ORDER BY k")
        rows = cur.fetchall()
        cur.execute("SELECT n, note FROM t_buf_log ORDER BY n, note")
        return rows, cur.fetchall()


def _reset(db: PostgresDatabase) -> None:
    with db.transaction() as cur:
        cur.execute("DROP TABLE IF EXISTS t_buf; DROP TABLE IF EXISTS t_buf_log")
        cur.execute("CREATE TABLE t_buf (k BIGINT PRIMARY KEY, v TEXT NOT NULL)")
        cur.execute("CREATE TABLE t_buf_log (n BIGINT NOT NULL, note TEXT NOT NULL)")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
@example(ops=[("skip", 5), ("update", 5)])  # a row buffered, then updated within the batch
@example(ops=[("skip", 5), ("many", 3), ("skip", 14)])  # a conflict across two buffered statements
def test_buffered_writes_end_as_one_statement_per_row(pg_database: str, ops: list[tuple[str, int]]) -> None:
    db = PostgresDatabase(parse_database_url(pg_database))
    try:
        _reset(db)
        with db.transaction(pipelined=True) as cur:
            _apply(cur, ops)
        expected = _contents(db)
        _reset(db)
        with db.transaction(pipelined=True) as cur:
            buffered = BufferedCursor(cur)
            _apply(buffered, ops)
            buffered.flush()
        assert _contents(db) == expected
    finally:
        db.close()


def test_a_failing_buffered_row_fails_the_batch(pg_database: str) -> None:
    import psycopg
    import pytest

    db = PostgresDatabase(parse_database_url(pg_database))
    try:
        _reset(db)
        with pytest.raises(psycopg.Error), db.transaction(pipelined=True) as cur:
            buffered = BufferedCursor(cur)
            buffered.executemany(INSERT, [(1, "a"), (2, "b"), (1, "duplicate key")])
            buffered.flush()
        assert _contents(db) == ([], [])
    finally:
        db.close()


def test_only_plain_inserts_are_buffered() -> None:
    assert _multirow_parts(INSERT) is not None
    assert _multirow_parts(INSERT_OR_SKIP) is not None
    assert _multirow_parts("INSERT INTO t (a) VALUES (%s) ON CONFLICT (a) DO UPDATE SET a = 1") is None
    assert _multirow_parts("INSERT INTO t (a) SELECT a FROM u WHERE a = %s") is None
    assert _multirow_parts("INSERT INTO t (a, b) VALUES (%s, '100%%')") is None
    assert _multirow_parts("INSERT INTO t (a, b) VALUES (%s, lower(%s))") is None


def test_numbered_statement_places_every_parameter() -> None:
    sql = _numbered_multirow_sql("INSERT INTO t (a, b, c) VALUES (%s, 0, %s) ON CONFLICT (a) DO NOTHING", 3)
    assert sql == (
        "INSERT INTO t (a, b, c) VALUES ($1, 0, $2), ($3, 0, $4), ($5, 0, $6) ON CONFLICT (a) DO NOTHING"
    )
