"""Provision and transfer records (提供・移転の記録の照会): by recipient, by subject."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from application.ports import Cursor, SqlDatabase
from application.read_rows import ProvisionRow
from domain.audit.provision import DisclosureRecord
from projections.base import Projection
from projections.rows import fetch_rows


class ProvisionsProjection(Projection):
    name = "provisions"
    tables = ("rm_provisions",)

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Other events are not this view's business."""

    @apply.register
    def _(self, e: DisclosureRecord.Provided, cur: Cursor) -> None:
        self._rows(
            cur,
            e,
            "提供済",
            e.requested_at.isoformat(),
            e.provided_at.isoformat(),
            e.requester,
            e.approver,
            None,
        )

    @apply.register
    def _(self, e: DisclosureRecord.Refused, cur: Cursor) -> None:
        self._rows(cur, e, "拒否", None, None, e.actor, None, e.reason)

    @staticmethod
    def _rows(
        cur: Cursor,
        e: Any,
        outcome: str,
        requested: str | None,
        provided: str | None,
        requester: str,
        approver: str | None,
        reason: str | None,
    ) -> None:
        subjects = [str(s) for s in e.subject_ids] or ["-"]
        cur.executemany(
            "INSERT INTO rm_provisions (record_id, subject_id, outcome, kind, recipient, legal_basis, items,"
            " requested_at, provided_at, requester, approver, terminal, reason)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    str(e.originator_id),
                    s,
                    outcome,
                    e.kind.value,
                    e.recipient,
                    e.legal_basis,
                    "・".join(e.items),
                    requested,
                    provided,
                    requester,
                    approver,
                    e.terminal,
                    reason,
                )
                for s in subjects
            ],
        )


class SqlProvisions:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def query(self, *, recipient: str | None = None, subject: str | None = None) -> list[ProvisionRow]:
        sql = (
            "SELECT record_id, subject_id, outcome, kind, recipient, legal_basis, items, requested_at, provided_at,"
            " requester, approver, terminal, reason FROM rm_provisions WHERE 1 = 1"
        )
        params: list[Any] = []
        if recipient is not None:
            sql += " AND recipient = %s"
            params.append(recipient)
        if subject is not None:
            sql += " AND subject_id = %s"
            params.append(subject)
        with self._db.transaction() as cur:
            cur.execute(sql + " ORDER BY provided_at, record_id, subject_id", params)
            return fetch_rows(cur, ProvisionRow)
