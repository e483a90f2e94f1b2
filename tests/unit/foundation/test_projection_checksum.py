"""A view's checksum depends on its rows, not on the order the database returns them (a rebuilt copy
of ``rm_installments`` has many rows per first column; ``ORDER BY 1`` left their order open)."""

from __future__ import annotations

from typing import Any

from adapters.persistence.database import SqliteDatabase
from projections.base import Projection


class _TwoColumnView(Projection):
    name = "two_columns"
    topics = ()
    tables = ("t_rows",)

    def apply(self, event: Any, cur: Any) -> None:  # pragma: no cover - no events here
        raise AssertionError


def _checksum(rows: list[tuple[str, int]]) -> str:
    db = SqliteDatabase(":memory:")
    with db.transaction() as cur:
        cur.execute("CREATE TABLE t_rows (assessment_id TEXT, seq INTEGER)")
        cur.executemany("INSERT INTO t_rows VALUES (%s, %s)", rows)
    with db.transaction() as cur:
        return _TwoColumnView().checksum(cur)


def test_checksum_ignores_row_order_within_the_first_column() -> None:
    rows = [("a", 1), ("a", 2), ("b", 1)]
    assert _checksum(rows) == _checksum(list(reversed(rows)))


def test_checksum_sees_a_changed_row() -> None:
    assert _checksum([("a", 1), ("a", 2)]) != _checksum([("a", 1), ("a", 3)])
