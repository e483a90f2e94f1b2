"""Delivery state of the transfer outbox (庁内移転), in its own table (migration 0017).

The outbox rows themselves are a read model (``rm_transfer_outbox``, recreated by a rebuild); which of
them were delivered is not derivable from the levy's events, so it lives here, where no projection owns
it. Implements ``application.provision.TransferDeliveries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from application.ports import SqlDatabase
from application.provision import OutboxKey, TransferDelivery


class SqlTransferDeliveries:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def delivered(self, keys: Iterable[OutboxKey]) -> set[OutboxKey]:
        wanted = set(keys)
        if not wanted:
            return set()
        found: set[OutboxKey] = set()
        with self._db.transaction() as cur:
            assessments = sorted({k.assessment_id for k in wanted})
            for start in range(0, len(assessments), 500):
                part = assessments[start : start + 500]
                cur.execute(
                    "SELECT assessment_id, version, department FROM transfer_deliveries"
                    f" WHERE assessment_id IN ({', '.join(['%s'] * len(part))})",
                    part,
                )
                found.update(OutboxKey(r[0], int(r[1]), r[2]) for r in cur.fetchall())
        return found & wanted

    def record(self, deliveries: Sequence[TransferDelivery]) -> None:
        if not deliveries:
            return
        with self._db.transaction() as cur:
            for d in deliveries:
                cur.execute(
                    "SELECT 1 FROM transfer_deliveries WHERE assessment_id = %s AND version = %s"
                    " AND department = %s",
                    (d.key.assessment_id, d.key.version, d.key.department),
                )
                if cur.fetchone() is None:
                    cur.execute(
                        "INSERT INTO transfer_deliveries (assessment_id, version, department, record_id,"
                        " delivered_at) VALUES (%s, %s, %s, %s, %s)",
                        (d.key.assessment_id, d.key.version, d.key.department, d.record_id, d.delivered_at),
                    )

    def all(self) -> list[TransferDelivery]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT assessment_id, version, department, record_id, delivered_at FROM transfer_deliveries"
                " ORDER BY assessment_id, version, department"
            )
            return [TransferDelivery(OutboxKey(r[0], int(r[1]), r[2]), r[3], r[4]) for r in cur.fetchall()]
