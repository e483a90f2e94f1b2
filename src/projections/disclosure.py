"""The records held about one person, read for the 開示請求 pack (個人情報保護法 第76条, 番号法 第30条).

``application.inspection.HeldRecords`` over the intake, 課税台帳 and transfer read models.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from application.ports import SqlDatabase
from application.read_rows import HeldAssessment, HeldFiling, HeldTransfer
from projections.rows import fetch_rows

Row = TypeVar("Row")


class SqlHeldRecords:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def _rows_of(self, taxpayer: UUID, sql: str, row_type: type[Row]) -> list[Row]:
        """The rows ``sql`` selects for ``taxpayer`` (its one parameter), keyed as ``row_type`` declares."""
        with self._db.transaction() as cur:
            cur.execute(sql, (str(taxpayer),))
            return fetch_rows(cur, row_type)

    def filings_of(self, taxpayer: UUID) -> list[HeldFiling]:
        return self._rows_of(
            taxpayer,
            "SELECT kind, tax_year, status, submitter, submission FROM rm_filings WHERE taxpayer_id = %s"
            " ORDER BY tax_year, kind",
            HeldFiling,
        )

    def assessments_of(self, taxpayer: UUID) -> list[HeldAssessment]:
        rows = self._rows_of(
            taxpayer,
            "SELECT assessment_id, fiscal_year, status, method, payable FROM rm_assessments"
            " WHERE taxpayer_id = %s ORDER BY fiscal_year",
            HeldAssessment,
        )
        # The read model stores the id as text and the amount as a number column.
        return [
            row | {"assessment_id": UUID(str(row["assessment_id"])), "payable": int(row["payable"])}
            for row in rows
        ]

    def transfers_of(self, taxpayer: UUID) -> list[HeldTransfer]:
        return self._rows_of(
            taxpayer,
            "SELECT department, fiscal_year, event, items, status, created_at FROM rm_transfer_outbox"
            " WHERE taxpayer_id = %s ORDER BY created_at, department",
            HeldTransfer,
        )
