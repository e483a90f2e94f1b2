"""The records held about one person, read for the 開示請求 pack (個人情報保護法 第76条, 番号法 第30条).

``application.inspection.HeldRecords`` over the intake, 課税台帳 and transfer read models.
"""

from __future__ import annotations

from uuid import UUID

from application.ports import SqlDatabase
from application.read_rows import HeldAssessment, HeldFiling, HeldTransfer


class SqlHeldRecords:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def filings_of(self, taxpayer: UUID) -> list[HeldFiling]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT kind, tax_year, status, submitter, submission FROM rm_filings WHERE taxpayer_id = %s"
                " ORDER BY tax_year, kind",
                (str(taxpayer),),
            )
            return [
                {"kind": r[0], "tax_year": r[1], "status": r[2], "submitter": r[3], "submission": r[4]}
                for r in cur.fetchall()
            ]

    def assessments_of(self, taxpayer: UUID) -> list[HeldAssessment]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT assessment_id, fiscal_year, status, method, payable FROM rm_assessments"
                " WHERE taxpayer_id = %s ORDER BY fiscal_year",
                (str(taxpayer),),
            )
            return [
                {
                    "assessment_id": UUID(r[0]),
                    "fiscal_year": r[1],
                    "status": r[2],
                    "method": r[3],
                    "payable": int(r[4]),
                }
                for r in cur.fetchall()
            ]

    def transfers_of(self, taxpayer: UUID) -> list[HeldTransfer]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT department, fiscal_year, event, items, status, created_at FROM rm_transfer_outbox"
                " WHERE taxpayer_id = %s ORDER BY created_at, department",
                (str(taxpayer),),
            )
            return [
                {
                    "recipient": r[0],
                    "fiscal_year": r[1],
                    "reason": r[2],
                    "items": r[3],
                    "status": r[4],
                    "at": r[5],
                }
                for r in cur.fetchall()
            ]
