"""System-issued numbers (採番)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from application.ports import SqlDatabase

NON_RESIDENT_PREFIX = "9"


class SqlNonResidentNumbers:
    """住登外者宛名番号: ``9`` + a 9-digit sequence, one per filing (asking twice gives the same number)."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def __call__(self, filing_id: UUID) -> str:
        with self._db.transaction() as cur:
            cur.execute("SELECT seq FROM non_resident_numbers WHERE filing_id = %s", (str(filing_id),))
            row = cur.fetchone()
            if row is None:
                cur.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM non_resident_numbers")
                seq = int(cur.fetchone()[0])
                cur.execute(
                    "INSERT INTO non_resident_numbers (filing_id, seq, issued_at) VALUES (%s, %s, %s)",
                    (str(filing_id), seq, datetime.now(UTC).isoformat()),
                )
            else:
                seq = int(row[0])
        return f"{NON_RESIDENT_PREFIX}{seq:09d}"
