"""The read-model queries behind 納税義務者照会 (``application.taxpayer_file.TaxpayerFileRecords``)."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from application.ports import SqlDatabase
from application.taxpayer_file import FileAssessment, FileDocument, FileFiling
from projections.rows import fetch_rows

Row = TypeVar("Row")


class SqlTaxpayerFile:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def _rows(self, taxpayer: UUID, sql: str, row_type: type[Row]) -> list[Row]:
        with self._db.transaction() as cur:
            cur.execute(sql, (str(taxpayer),))
            return fetch_rows(cur, row_type)

    def filings(self, taxpayer: UUID) -> list[FileFiling]:
        rows = self._rows(
            taxpayer,
            "SELECT f.kind, f.tax_year, f.fiscal_year, f.status, f.submitter, b.file_name, f.line, f.queue,"
            " f.reason FROM rm_filings f LEFT JOIN rm_import_batches b ON b.batch_id = f.batch_id"
            " WHERE f.taxpayer_id = %s ORDER BY f.fiscal_year DESC, f.kind, b.file_name, f.line",
            FileFiling,
        )
        return [row | {"line": int(row["line"])} for row in rows]

    def assessments(self, taxpayer: UUID) -> list[FileAssessment]:
        rows = self._rows(
            taxpayer,
            "SELECT fiscal_year, status, method, total, payable FROM rm_assessments WHERE taxpayer_id = %s"
            " ORDER BY fiscal_year DESC",
            FileAssessment,
        )
        return [row | {"total": int(row["total"]), "payable": int(row["payable"])} for row in rows]

    def documents(self, taxpayer: UUID) -> list[FileDocument]:
        return self._rows(
            taxpayer,
            "SELECT a.fiscal_year, d.kind, d.issued_at, d.verification_code FROM rm_documents d"
            " JOIN rm_assessments a ON a.assessment_id = d.assessment_id WHERE a.taxpayer_id = %s"
            " ORDER BY d.issued_at DESC",
            FileDocument,
        )
