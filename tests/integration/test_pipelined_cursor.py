"""A pipelined PostgreSQL transaction (projection batches) reads back the right rows after large
``executemany`` calls on the same cursor (psycopg 3.3 pipeline mode could hand ``fetchone`` an earlier
INSERT's result; see ``adapters.persistence.database._PipelinedCursor``)."""

from __future__ import annotations

from adapters.persistence.database import PostgresDatabase
from adapters.persistence.stores import parse_database_url


def test_fetch_after_large_executemany_in_a_pipelined_transaction(pg_database: str) -> None:
    db = PostgresDatabase(parse_database_url(pg_database))
    try:
        with db.transaction() as cur:
            cur.execute("DROP TABLE IF EXISTS t_pipe; DROP TABLE IF EXISTS t_pipe_rows")
            cur.execute("CREATE TABLE t_pipe (a INT PRIMARY KEY, b TEXT)")
            cur.execute("CREATE TABLE t_pipe_rows (a INT PRIMARY KEY)")
        for _ in range(4):  # timing dependent without the fix: several rounds
            with db.transaction(pipelined=True) as cur:
                cur.execute("DELETE FROM t_pipe")
                cur.execute("DELETE FROM t_pipe_rows")
                for event in range(40):
                    cur.execute("UPDATE t_pipe SET b = b WHERE a = %s", (event,))
                    cur.execute("INSERT INTO t_pipe VALUES (%s, %s) ON CONFLICT DO NOTHING", (event, "x"))
                    cur.execute("SELECT b FROM t_pipe WHERE a = %s", (event,))
                    assert cur.fetchone()[0] == "x"
                    cur.executemany(
                        "INSERT INTO t_pipe_rows VALUES (%s) ON CONFLICT DO NOTHING",
                        [(event * 10_000 + k,) for k in range(1000)],
                    )
                    cur.execute(
                        "INSERT INTO t_pipe VALUES (%s, %s) ON CONFLICT DO NOTHING", (10**6 + event, "e")
                    )
            with db.transaction() as cur:
                cur.execute("SELECT COUNT(*) FROM t_pipe_rows")
                assert cur.fetchone()[0] == 40 * 1000
        with db.transaction() as cur:
            cur.execute("DROP TABLE t_pipe; DROP TABLE t_pipe_rows")
    finally:
        db.close()
