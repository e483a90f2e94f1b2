"""The ``jobs`` table: background job records (queued → running → succeeded | failed).

A job's payload never holds personal data: a file path, a kind, a 年度, a document id and the actor. The
record is keyed by a deduplication key, so a resubmission finds the job already there.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from application.ports import SqlDatabase

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
KINDS = ("import", "levy", "document", "read_models")


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    kind: str
    dedup_key: str
    payload: dict[str, Any]
    actor: str
    status: str
    attempts: int
    result: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "attempts": self.attempts,
            "actor": self.actor,
            "payload": self.payload,
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


_COLUMNS = "job_id, kind, dedup_key, payload, actor, status, attempts, result, error, created_at, updated_at"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _record(row: Any) -> JobRecord:
    return JobRecord(
        job_id=row[0],
        kind=row[1],
        dedup_key=row[2],
        payload=json.loads(row[3]),
        actor=row[4],
        status=row[5],
        attempts=int(row[6]),
        result=json.loads(row[7]) if row[7] else None,
        error=row[8],
        created_at=row[9],
        updated_at=row[10],
    )


class JobStore:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def submit(
        self, kind: str, dedup_key: str, payload: dict[str, Any], actor: str
    ) -> tuple[JobRecord, bool]:
        """Create a job, or return the existing one with the same key (a failed one is queued again).

        Returns ``(job, dispatch)``: whether the caller must hand the job to a runner.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind}")
        now = _now()
        with self._db.transaction() as cur:
            cur.execute(
                f"INSERT INTO jobs ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (dedup_key) DO NOTHING",
                (
                    str(uuid.uuid4()),
                    kind,
                    dedup_key,
                    json.dumps(payload, sort_keys=True),
                    actor,
                    QUEUED,
                    0,
                    None,
                    None,
                    now,
                    now,
                ),
            )
            created = getattr(cur, "rowcount", 0) == 1
            cur.execute(f"SELECT {_COLUMNS} FROM jobs WHERE dedup_key = %s", (dedup_key,))
            job = _record(cur.fetchone())
            if not created and job.status == FAILED:
                cur.execute(
                    "UPDATE jobs SET status = %s, updated_at = %s WHERE job_id = %s AND status = %s",
                    (QUEUED, now, job.job_id, FAILED),
                )
                cur.execute(f"SELECT {_COLUMNS} FROM jobs WHERE job_id = %s", (job.job_id,))
                return _record(cur.fetchone()), True
        return job, created

    def get(self, job_id: str) -> JobRecord | None:
        with self._db.transaction() as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM jobs WHERE job_id = %s", (job_id,))
            row = cur.fetchone()
        return _record(row) if row else None

    def list(self, status: str | None = None, limit: int = 1000) -> list[JobRecord]:
        sql = f"SELECT {_COLUMNS} FROM jobs"
        params: list[Any] = []
        if status:
            sql += " WHERE status = %s"
            params.append(status)
        sql += " ORDER BY created_at DESC, job_id LIMIT %s"
        params.append(limit)
        with self._db.transaction() as cur:
            cur.execute(sql, params)
            return [_record(r) for r in cur.fetchall()]

    def counts(self) -> dict[str, int]:
        with self._db.transaction() as cur:
            cur.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status")
            rows = cur.fetchall()
        out = dict.fromkeys((QUEUED, RUNNING, SUCCEEDED, FAILED), 0)
        out.update({r[0]: int(r[1]) for r in rows})
        return out

    def failed_attempts(self) -> int:
        """Attempts that did not succeed (failed jobs count every attempt; succeeded ones all but the last)."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT COALESCE(SUM(CASE WHEN status = %s THEN attempts WHEN status = %s THEN attempts - 1"
                " ELSE 0 END), 0) FROM jobs",
                (FAILED, SUCCEEDED),
            )
            return int(cur.fetchone()[0])

    def _set(self, job_id: str, **fields: Any) -> None:
        names = ", ".join(f"{k} = %s" for k in fields)
        with self._db.transaction() as cur:
            cur.execute(
                f"UPDATE jobs SET {names}, updated_at = %s WHERE job_id = %s",
                (*fields.values(), _now(), job_id),
            )

    def start(self, job_id: str) -> None:
        with self._db.transaction() as cur:
            cur.execute(
                "UPDATE jobs SET status = %s, attempts = attempts + 1, error = NULL, updated_at = %s"
                " WHERE job_id = %s",
                (RUNNING, _now(), job_id),
            )

    def succeed(self, job_id: str, result: dict[str, Any]) -> None:
        self._set(job_id, status=SUCCEEDED, result=json.dumps(result, sort_keys=True, ensure_ascii=False))

    def fail(self, job_id: str, error: str) -> None:
        self._set(job_id, status=FAILED, error=error)
