"""Intake read models: import batches and their reconciliation, filings and work queues, 扶養重複.

Maintained from ImportBatch and Filing events. Serves ``juminzei import status``, the work queues and
the importer's look-ups (duplicate fingerprints, the filing a 訂正/取消 supersedes).
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from application.ports import Cursor, SqlDatabase
from application.read_rows import DependentOverlap, ImportBatchRow, QueueItem, SubmitterRow
from domain.filings.filing import Filing, FilingStatus
from domain.imports.batch import ImportBatch
from projections.base import Projection
from projections.rows import fetch_rows, row_of


class IntakeProjection(Projection):
    name = "intake"
    tables = (
        "rm_import_batches",
        "rm_import_errors",
        "rm_import_submitters",
        "rm_intake_fingerprints",
        "rm_filings",
        "rm_dependent_claims",
    )

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Other events are not this view's business."""

    @apply.register
    def _(self, e: ImportBatch.Received, cur: Cursor) -> None:
        cur.execute(
            "INSERT INTO rm_import_batches (batch_id, kind, file_name, sha256, declared_count, received, accepted,"
            " rejected, quarantined, duplicates, gap, reconciled, received_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, 0, 0, 0, 0, NULL, 0, %s)",
            (
                str(e.originator_id),
                e.kind,
                e.file_name,
                e.sha256,
                e.declared_count,
                e.physical_records,
                e.timestamp.isoformat(),
            ),
        )
        for error in e.file_errors:
            self._error(cur, str(e.originator_id), error.line, error.field, error.message)

    @apply.register
    def _(self, e: ImportBatch.OutcomesRecorded, cur: Cursor) -> None:
        batch = str(e.originator_id)
        cur.execute(
            "UPDATE rm_import_batches SET accepted = accepted + %s, rejected = rejected + %s,"
            " quarantined = quarantined + %s, duplicates = duplicates + %s WHERE batch_id = %s",
            (len(e.accepted), len(e.rejected), len(e.quarantined), len(e.duplicates), batch),
        )
        cur.execute("SELECT kind FROM rm_import_batches WHERE batch_id = %s", (batch,))
        kind = cur.fetchone()[0]
        if e.accepted:
            cur.executemany(
                "INSERT INTO rm_intake_fingerprints (kind, fingerprint, batch_id, line) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (kind, fingerprint) DO NOTHING",
                [(kind, a.fingerprint, batch, a.line) for a in e.accepted],
            )
        for r in e.rejected:
            self._error(cur, batch, r.line, r.field, r.message)

    @staticmethod
    def _error(cur: Cursor, batch: str, line: int, field: str, message: str) -> None:
        cur.execute(
            "INSERT INTO rm_import_errors (batch_id, line, field, message) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (batch_id, line, field) DO NOTHING",
            (batch, line, field, message),
        )

    @apply.register
    def _(self, e: ImportBatch.Reconciled, cur: Cursor) -> None:
        batch = str(e.originator_id)
        cur.execute(
            "UPDATE rm_import_batches SET reconciled = 1, gap = %s WHERE batch_id = %s", (e.gap, batch)
        )
        cur.executemany(
            "INSERT INTO rm_import_submitters (batch_id, submitter, received, accepted, rejected, quarantined,"
            " duplicates) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (batch, s.submitter, s.received, s.accepted, s.rejected, s.quarantined, s.duplicates)
                for s in e.by_submitter
            ],
        )

    @apply.register
    def _(self, e: Filing.Received, cur: Cursor) -> None:
        filing = str(e.originator_id)
        status = FilingStatus.CANCELLED if e.submission.value == "取消" else FilingStatus.ACTIVE
        cur.execute(
            "INSERT INTO rm_filings (filing_id, kind, tax_year, fiscal_year, submitter, submission, taxpayer_id,"
            " status, queue, reason, batch_id, line, superseded_by, forwarded_to)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, NULL, NULL)",
            (
                filing,
                e.kind.value,
                e.tax_year,
                e.tax_year + 1,
                e.submitter,
                e.submission.value,
                str(e.taxpayer_id) if e.taxpayer_id else None,
                status.value,
                str(e.batch_id) if e.batch_id else None,
                e.line,
            ),
        )
        self._claims(cur, filing, e.dependent_refs)

    @staticmethod
    def _claims(cur: Cursor, filing: str, refs: Any) -> None:
        if isinstance(refs, tuple) and refs:
            cur.executemany(
                "INSERT INTO rm_dependent_claims (filing_id, dependent_ref) VALUES (%s, %s)"
                " ON CONFLICT (filing_id, dependent_ref) DO NOTHING",
                [(filing, ref) for ref in refs],
            )

    @apply.register
    def _(self, e: Filing.Quarantined, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_filings SET status = %s, queue = %s, reason = %s WHERE filing_id = %s",
            (FilingStatus.QUARANTINED.value, e.queue.value, e.reason, str(e.originator_id)),
        )

    @apply.register
    def _(self, e: Filing.Matched, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_filings SET status = %s, queue = NULL, reason = NULL, taxpayer_id = %s WHERE filing_id = %s",
            (FilingStatus.ACTIVE.value, str(e.taxpayer_id), str(e.originator_id)),
        )
        self._claims(cur, str(e.originator_id), e.dependent_refs)

    @apply.register
    def _(self, e: Filing.Superseded, cur: Cursor) -> None:
        status = FilingStatus.CANCELLED if e.cancelled else FilingStatus.SUPERSEDED
        cur.execute(
            "UPDATE rm_filings SET status = %s, superseded_by = %s WHERE filing_id = %s",
            (status.value, str(e.by_filing_id), str(e.originator_id)),
        )

    @apply.register
    def _(self, e: Filing.Forwarded, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_filings SET status = %s, queue = NULL, forwarded_to = %s WHERE filing_id = %s",
            (FilingStatus.FORWARDED.value, e.municipality_code, str(e.originator_id)),
        )


class SqlIntakeIndex:
    """``IntakeIndex`` and the queries behind ``juminzei import status`` and the work queues."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def fingerprints_seen(self, kind: str, fingerprints: list[str]) -> set[str]:
        found: set[str] = set()
        with self._db.transaction() as cur:
            for start in range(0, len(fingerprints), 500):
                part = fingerprints[start : start + 500]
                if not part:
                    continue
                marks = ", ".join(["%s"] * len(part))
                cur.execute(
                    f"SELECT fingerprint FROM rm_intake_fingerprints WHERE kind = %s AND fingerprint IN ({marks})",
                    (kind, *part),
                )
                found.update(r[0] for r in cur.fetchall())
        return found

    def active_filing(self, kind: str, tax_year: int, submitter: str, taxpayer: UUID) -> UUID | None:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT filing_id FROM rm_filings WHERE kind = %s AND tax_year = %s AND submitter = %s"
                " AND taxpayer_id = %s AND status = %s AND submission <> %s ORDER BY batch_id, line DESC",
                (kind, tax_year, submitter, str(taxpayer), FilingStatus.ACTIVE.value, "取消"),
            )
            row = cur.fetchone()
        return UUID(row[0]) if row else None

    def batches(self) -> list[ImportBatchRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT batch_id, kind, file_name, declared_count, received, accepted, rejected, quarantined,"
                " duplicates, gap, reconciled, received_at FROM rm_import_batches ORDER BY received_at, batch_id"
            )
            rows = cur.fetchall()
        result = [row_of(row, ImportBatchRow) for row in rows]
        for r in result:
            r["reconciled"] = bool(r["reconciled"])  # stored as 0/1
        return result

    def submitters(self, batch_id: str) -> list[SubmitterRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT submitter, received, accepted, rejected, quarantined, duplicates FROM rm_import_submitters"
                " WHERE batch_id = %s ORDER BY submitter",
                (batch_id,),
            )
            return fetch_rows(cur, SubmitterRow)

    def queue(self, queue: str | None = None) -> list[QueueItem]:
        sql = "SELECT filing_id, kind, tax_year, queue, reason, batch_id, line FROM rm_filings WHERE status = %s"
        params: list[Any] = [FilingStatus.QUARANTINED.value]
        if queue:
            sql += " AND queue = %s"
            params.append(queue)
        with self._db.transaction() as cur:
            cur.execute(sql + " ORDER BY queue, batch_id, line", params)
            rows = cur.fetchall()
        return [QueueItem(UUID(r[0]), r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in rows]

    def forwarded(self) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT filing_id FROM rm_filings WHERE status = %s ORDER BY forwarded_to, filing_id",
                (FilingStatus.FORWARDED.value,),
            )
            return [UUID(r[0]) for r in cur.fetchall()]

    def queue_counts(self) -> dict[str, int]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT queue, COUNT(*) FROM rm_filings WHERE status = %s GROUP BY queue ORDER BY queue",
                (FilingStatus.QUARANTINED.value,),
            )
            rows = cur.fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def dependent_overlaps(self, fiscal_year: int | None = None) -> list[DependentOverlap]:
        sql = (
            "SELECT f.fiscal_year, c.dependent_ref, f.taxpayer_id, f.filing_id FROM rm_dependent_claims c"
            " JOIN rm_filings f ON f.filing_id = c.filing_id WHERE f.status = %s AND f.taxpayer_id IS NOT NULL"
        )
        params: list[Any] = [FilingStatus.ACTIVE.value]
        if fiscal_year is not None:
            sql += " AND f.fiscal_year = %s"
            params.append(fiscal_year)
        with self._db.transaction() as cur:
            cur.execute(sql + " ORDER BY f.fiscal_year, c.dependent_ref, f.taxpayer_id", params)
            rows = cur.fetchall()
        groups: dict[tuple[int, str], list[tuple[str, str]]] = {}
        for year, ref, taxpayer, filing in rows:
            groups.setdefault((int(year), ref), []).append((taxpayer, filing))
        overlaps = []
        for (year, ref), claims in groups.items():
            taxpayers = tuple(sorted({t for t, _ in claims}))
            if len(taxpayers) > 1:
                overlaps.append(DependentOverlap(year, ref, taxpayers, tuple(sorted(f for _, f in claims))))
        return overlaps
