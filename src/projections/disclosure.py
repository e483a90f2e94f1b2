"""The records held about one person, read for the 開示請求 pack (個人情報保護法 第76条, 番号法 第30条).

``application.inspection.HeldRecords`` over the intake, 課税台帳 and transfer read models.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.ports import SqlDatabase


class SqlHeldRecords:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def _rows_of(self, taxpayer: UUID, sql: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
        """The rows ``sql`` selects for ``taxpayer`` (its one parameter), each as ``keys`` → columns."""
        with self._db.transaction() as cur:
            cur.execute(sql, (str(taxpayer),))
            return [dict(zip(keys, r, strict=True)) for r in cur.fetchall()]

    def filings_of(self, taxpayer: UUID) -> list[dict[str, Any]]:
        return self._rows_of(
            taxpayer,
            "SELECT kind, tax_year, status, submitter, submission FROM rm_filings WHERE taxpayer_id = %s"
            " ORDER BY tax_year, kind",
            ("kind", "tax_year", "status", "submitter", "submission"),
        )

    def assessments_of(self, taxpayer: UUID) -> list[dict[str, Any]]:
        rows = self._rows_of(
            taxpayer,
            "SELECT assessment_id, fiscal_year, status, method, payable FROM rm_assessments"
            " WHERE taxpayer_id = %s ORDER BY fiscal_year",
            ("assessment_id", "fiscal_year", "status", "method", "payable"),
        )
        return [
            row | {"assessment_id": UUID(row["assessment_id"]), "payable": int(row["payable"])}
            for row in rows
        ]

    def transfers_of(self, taxpayer: UUID) -> list[dict[str, Any]]:
        return self._rows_of(
            taxpayer,
            "SELECT department, fiscal_year, event, items, status, created_at FROM rm_transfer_outbox"
            " WHERE taxpayer_id = %s ORDER BY created_at, department",
            ("recipient", "fiscal_year", "reason", "items", "status", "at"),
        )
