"""Taxpayer search read model (宛名検索): kana prefix, birth date → 宛名番号 and identity.

Holds the identity fields search needs, in clear (DESIGN §6: read models may hold what search needs;
erasure deletes their rows). Never holds a My Number. Served to clerks only through the journaled query
service in ``application.taxpayers``.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from application.ports import Cursor, SqlDatabase, TaxpayerSearchRow
from domain.retention.policy import ErasureRun
from domain.shared.person import RegistrationKind
from domain.taxpayer.model import Taxpayer
from domain.taxpayer.values import ResidenceChange
from projections.base import Projection


class TaxpayerSearchProjection(Projection):
    name = "taxpayer_search"
    tables = ("rm_taxpayer_search",)

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Events of other types are not this view's business."""

    @apply.register
    def _(self, event: Taxpayer.Registered, cur: Cursor) -> None:
        cur.execute(
            "INSERT INTO rm_taxpayer_search (taxpayer_id, address_number, name, kana, birth_date, sex,"
            " address, registration_kind, residence_status, version)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                str(event.originator_id),
                event.address_number,
                str(event.name),
                str(event.kana),
                _iso(event.birth_date),
                event.sex.value,
                str(event.address),
                event.registration_kind.value,
                "住民" if event.registration_kind is RegistrationKind.RESIDENT else "住登外",
                event.originator_version,
            ),
        )

    @apply.register
    def _(self, event: Taxpayer.ResidentRecordChanged, cur: Cursor) -> None:
        status = {
            ResidenceChange.MOVE_OUT: "転出",
            ResidenceChange.DEATH: "死亡",
            ResidenceChange.MOVE_IN: "住民",
        }
        cur.execute(
            "UPDATE rm_taxpayer_search SET name = %s, kana = %s, address = %s,"
            " residence_status = COALESCE(%s, residence_status), version = %s WHERE taxpayer_id = %s",
            (
                str(event.name),
                str(event.kana),
                str(event.address),
                status.get(event.change),
                event.originator_version,
                str(event.originator_id),
            ),
        )

    @apply.register
    def _(self, event: ErasureRun.ErasureRecorded, cur: Cursor) -> None:
        """消去: identity keys destroyed → the search rows go too (DESIGN §6)."""
        for key in event.erased:
            if key.scope == "identity":
                cur.execute(
                    "DELETE FROM rm_taxpayer_search WHERE taxpayer_id = %s", (key.key_id.split(":", 1)[1],)
                )


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class SqlTaxpayerDirectory:
    """``TaxpayerDirectory`` over ``rm_taxpayer_search``."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def search(self, kana_prefix: str, birth_date: date | None, limit: int) -> list[TaxpayerSearchRow]:
        return self._select(kana_prefix, birth_date, limit)

    def search_after(
        self, kana_prefix: str, birth_date: date | None, limit: int, after: tuple[str, str, str] | None
    ) -> list[TaxpayerSearchRow]:
        """``search``, continued after the row keyed ``(kana, birth_date, address_number)`` (HTTP paging)."""
        if after is None:
            return self.search(kana_prefix, birth_date, limit)
        kana, born, number = after
        continuation = (
            " AND (kana > %s OR (kana = %s AND birth_date > %s)"
            " OR (kana = %s AND birth_date = %s AND address_number > %s))"
        )
        return self._select(
            kana_prefix, birth_date, limit, continuation, [kana, kana, born, kana, born, number]
        )

    def _select(
        self,
        kana_prefix: str,
        birth_date: date | None,
        limit: int,
        continuation: str = "",
        continuation_params: list[Any] | None = None,
    ) -> list[TaxpayerSearchRow]:
        """Rows whose kana starts with ``kana_prefix`` (and born on ``birth_date``), in search order."""
        sql = (
            "SELECT taxpayer_id, address_number, name, kana, birth_date, sex, address, registration_kind"
            " FROM rm_taxpayer_search WHERE kana LIKE %s ESCAPE '!'"
        )
        params: list[Any] = [_escape_like(kana_prefix) + "%"]
        if birth_date is not None:
            sql += " AND birth_date = %s"
            params.append(birth_date.isoformat())
        sql += continuation + " ORDER BY kana, birth_date, address_number LIMIT %s"
        params += [*(continuation_params or []), limit]
        with self._db.transaction() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        return [
            TaxpayerSearchRow(
                taxpayer_id=UUID(r[0]),
                address_number=r[1],
                name=r[2],
                kana=r[3],
                birth_date=date.fromisoformat(r[4]),
                sex=r[5],
                address=r[6],
                registration_kind=r[7],
            )
            for r in rows
        ]

    def count(self) -> int:
        with self._db.transaction() as cur:
            cur.execute("SELECT COUNT(*) FROM rm_taxpayer_search")
            return int(cur.fetchone()[0])


def _escape_like(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
