"""Rows of a query as the typed rows of ``application.read_rows``."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from application.ports import Cursor

Row = TypeVar("Row")


def fetch_rows(cur: Cursor, row_type: type[Row]) -> list[Row]:
    """Every row of the last query on ``cur``, keyed in the order ``row_type`` declares its fields (the
    SELECT lists its columns in that order)."""
    keys = tuple(row_type.__annotations__)
    return [cast(Row, dict(zip(keys, r, strict=True))) for r in cur.fetchall()]


def row_of(values: Any, row_type: type[Row]) -> Row:
    """One row (a tuple in declaration order) as ``row_type``."""
    return cast(Row, dict(zip(tuple(row_type.__annotations__), values, strict=True)))
