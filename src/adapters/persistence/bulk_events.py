"""Read the stored events of many aggregates in one query (docs/performance.md, ADR 0015 step 1).

``Repository.get`` costs one ``select_events`` round trip per aggregate; a chunk of an import or of the
levy loads hundreds. These readers return, for many originator ids at once, exactly the rows the
library's ``select_events(originator_id)`` returns for each (same table, same columns, ascending
``originator_version``); ``JuminzeiApplication.get_many`` maps and projects them exactly as
``Repository.get`` does. Read-only: nothing here writes or locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Recorder, StoredEvent

from application.ports import StoredEventReader

#: Ids per statement (SQLite's bound-parameter limit is 999 on old builds; PostgreSQL takes one array).
_SQLITE_IDS_PER_QUERY = 500


class PostgresStoredEventReader:
    """``SELECT … WHERE originator_id = ANY(%s)`` on the recorder's own table and connection pool."""

    def __init__(self, recorder: Any) -> None:
        from psycopg.sql import SQL, Identifier

        self._recorder = recorder
        self._statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
            " WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version ASC"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))

    def select_events_many(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        from eventsourcing.utils import retry
        from psycopg import InterfaceError, OperationalError

        @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's reads
        def select() -> dict[UUID, list[StoredEvent]]:
            found: dict[UUID, list[StoredEvent]] = {}
            with self._recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self._statement, (list(originator_ids),), prepare=True)
                for row in curs.fetchall():
                    found.setdefault(row["originator_id"], []).append(
                        StoredEvent(
                            originator_id=row["originator_id"],
                            originator_version=row["originator_version"],
                            topic=row["topic"],
                            state=bytes(row["state"]),
                        )
                    )
            return found

        return select() if originator_ids else {}


class SqliteStoredEventReader:
    """``SELECT … WHERE originator_id IN (…)`` on the recorder's own SQLite connection."""

    def __init__(self, recorder: Any) -> None:
        self._recorder = recorder
        self._table = recorder.events_table_name

    def select_events_many(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found: dict[UUID, list[StoredEvent]] = {}
        ids = [i.hex for i in originator_ids]
        with self._recorder.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), _SQLITE_IDS_PER_QUERY):
                part = ids[start : start + _SQLITE_IDS_PER_QUERY]
                marks = ",".join("?" * len(part))
                c.execute(
                    f"SELECT originator_id, originator_version, topic, state FROM {self._table}"
                    f" WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version ASC",
                    part,
                )
                for row in c.fetchall():
                    originator_id = self._recorder.convert_originator_id(row["originator_id"])
                    found.setdefault(originator_id, []).append(
                        StoredEvent(
                            originator_id=originator_id,
                            originator_version=row["originator_version"],
                            topic=row["topic"],
                            state=row["state"],
                        )
                    )
        return found


def binary_event_inserts(recorder: Recorder) -> bool:
    """Send the events of a save to PostgreSQL in binary (``%b``) instead of text.

    The library's insert passes the events as one array of its composite type; dumped as text, every
    event's ``state`` (bytea) is hex-escaped and then regex-quoted for the array literal, which costs
    ~0.3 ms per event in Python. The binary dump of the same array carries the same values (same
    statement, same table lock, same ``RETURNING notification_id``). Returns whether it was switched;
    a statement of another shape (a different library version) is left alone.
    """
    from eventsourcing.postgres import PostgresAggregateRecorder
    from psycopg.sql import SQL

    if not isinstance(recorder, PostgresAggregateRecorder):
        return False
    with recorder.datastore.get_connection() as conn:
        text = recorder.insert_events_statement.as_string(conn)
    if text.count("unnest(%s::") != 1 or "%b" in text:
        return False
    recorder.insert_events_statement = SQL(text.replace("unnest(%s::", "unnest(%b::"))  # type: ignore[assignment]
    return True


def stored_event_reader(recorder: Recorder) -> StoredEventReader | None:
    """The bulk reader for the application's recorder, or None (POPO: per-aggregate reads are local)."""
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    if isinstance(recorder, PostgresAggregateRecorder):
        return PostgresStoredEventReader(recorder)
    if isinstance(recorder, SQLiteAggregateRecorder):
        return SqliteStoredEventReader(recorder)
    return None
