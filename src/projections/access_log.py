"""Access journal read model (使用の記録の照会): who viewed whom, why, when (DESIGN §7)."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from application.ports import Cursor, SqlDatabase
from application.read_rows import AccessRow
from domain.audit.access import AccessRecord
from projections.base import Projection
from projections.rows import fetch_rows

NO_SUBJECT = "-"


class AccessLogProjection(Projection):
    name = "access_log"
    tables = ("rm_access_log",)

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Other events are not this view's business."""

    @apply.register
    def _(self, e: AccessRecord.PersonalDataViewed, cur: Cursor) -> None:
        subjects = [str(s) for s in e.subject_ids] or [NO_SUBJECT]
        cur.executemany(
            "INSERT INTO rm_access_log (record_id, subject_id, at, actor, terminal, purpose, action, items, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    str(e.originator_id),
                    s,
                    e.timestamp.isoformat(),
                    e.actor,
                    e.terminal,
                    e.purpose.value,
                    e.action,
                    "・".join(e.items),
                    0,
                )
                for s in subjects
            ],
        )

    @apply.register
    def _(self, e: AccessRecord.AccessDenied, cur: Cursor) -> None:
        """A refusal by the access policy: shown as ``拒否:<action>`` with the decision id as its item."""
        cur.execute(
            "INSERT INTO rm_access_log (record_id, subject_id, at, actor, terminal, purpose, action, items, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                str(e.originator_id),
                NO_SUBJECT,
                e.timestamp.isoformat(),
                e.actor,
                e.terminal,
                e.purpose.value,
                f"{DENIED_PREFIX}{e.action}",
                f"判断ID {e.decision_id}",
                0,
            ),
        )


#: The action column of a refused request: ``拒否:taxpayer.search``.
DENIED_PREFIX = "拒否:"


class SqlAccessLog:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def _rows(self, where: str, value: str) -> list[AccessRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT at, actor, terminal, purpose, action, items, subject_id, record_id FROM rm_access_log"
                f" WHERE {where} = %s ORDER BY at, record_id",
                (value,),
            )
            return fetch_rows(cur, AccessRow)

    def by_subject(self, subject_id: str) -> list[AccessRow]:
        return self._rows("subject_id", subject_id)

    def by_staff(self, actor: str) -> list[AccessRow]:
        return self._rows("actor", actor)

    def between(self, start_at: str, end_at: str) -> list[AccessRow]:
        """Rows with ``start_at <= at < end_at`` (ISO 8601 UTC instants), for the 自己点検 analysis."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT at, actor, terminal, purpose, action, items, subject_id, record_id FROM rm_access_log"
                " WHERE at >= %s AND at < %s ORDER BY at, record_id",
                (start_at, end_at),
            )
            return fetch_rows(cur, AccessRow)
