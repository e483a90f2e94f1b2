"""Job records (``jobs`` table) and the job functions the worker and the embedded mode both run.

A job's payload never holds personal data: a file path, a kind, a 年度, a document id and the actor. Every
job is idempotent, so a retry (dramatiq redelivery, a clerk resubmitting) is safe: imports are keyed by
file hash (the import batch id is derived from kind + sha256), levy batches by taxpayer × 年度, document
renders by document id, catch-up by the projection positions.
"""

from __future__ import annotations

import json
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from application.ports import SqlDatabase
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container

log = structlog.get_logger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
KINDS = ("import", "levy", "document", "catch_up")

#: Serialises catch-up and audit sealing inside one process (API threads and worker threads).
PROCESS_LOCK = threading.RLock()


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


# -- job functions ------------------------------------------------------------------------------


def _ctx(job: JobRecord, purpose: Purpose) -> CommandContext:
    return CommandContext(actor=job.actor, purpose=purpose, command_id=f"job:{job.job_id}", terminal="worker")


def catch_up(c: Container) -> dict[str, int]:
    with PROCESS_LOCK:
        return c.runner.catch_up()


class SealGroup:
    """Group commit for audit sealing (DESIGN §7): threads that wrote concurrently share one seal.

    A caller returns only once the log is sealed at least through the position it saw after its own write,
    so every answered request's events are sealed, exactly as with one seal per request; but 50 concurrent
    journaled reads cost a few seals instead of 50 serialised ones. One seal runs at a time per process
    (the database lock in ``seal`` serialises processes).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._sealed_through = 0
        self._running = False

    def seal_through(self, c: Container, position: int) -> None:
        from adapters.audit.merkle_log import AuditLogError, seal
        from adapters.audit.signing import AuditKeyError

        with self._cond:
            while self._sealed_through < position:
                if not self._running:
                    self._running = True
                    break
                self._cond.wait()
            else:
                return
        reached: int | None = None
        try:
            with PROCESS_LOCK:
                reached = seal(c).last_position
        except (AuditLogError, AuditKeyError) as error:
            log.error("audit.seal_failed", error=type(error).__name__)
        finally:
            with self._cond:
                self._running = False
                if reached is not None:
                    self._sealed_through = max(self._sealed_through, reached)
                self._cond.notify_all()


#: One group per application (i.e. per database): a position sealed in one store says nothing of another.
_SEAL_GROUPS: weakref.WeakKeyDictionary[Any, SealGroup] = weakref.WeakKeyDictionary()
_SEAL_GROUPS_LOCK = threading.Lock()


def seal_if_changed(c: Container, head_before: int) -> None:
    """Seal new events into the Merkle audit log like the CLI does after each command (DESIGN §7)."""
    head = c.app.head()
    if head == head_before:
        return
    with _SEAL_GROUPS_LOCK:
        group = _SEAL_GROUPS.get(c.app)
        if group is None:
            group = _SEAL_GROUPS[c.app] = SealGroup()
    group.seal_through(c, head)


def _import(c: Container, job: JobRecord) -> dict[str, Any]:
    from adapters.formats.registry import read_file

    path = Path(job.payload["path"])
    if not path.is_file():
        raise DomainError(
            f"取込ファイルが見つかりません（{path.name}）。再度アップロードしてください。",
            code="missing_file",
        )
    received = read_file(job.payload["kind"], path)
    catch_up(c)
    summary = c.intake.import_file(received, _ctx(job, Purpose.INTAKE))
    catch_up(c)
    return {
        "batch_id": str(summary.batch_id),
        "kind": summary.kind,
        "received": summary.received,
        "accepted": summary.accepted,
        "rejected": summary.rejected,
        "quarantined": summary.quarantined,
        "duplicates": summary.duplicates,
        "gap": summary.gap,
        "errors": len(summary.errors),
        "already_imported": summary.already_imported,
        "position": c.app.head(),
    }


def _levy(c: Container, job: JobRecord) -> dict[str, Any]:
    fiscal_year = int(job.payload["fiscal_year"])
    catch_up(c)
    with c.batch_lock.hold("levy", str(fiscal_year)):
        result = c.levy.run(fiscal_year, _ctx(job, Purpose.INITIAL_LEVY))
    catch_up(c)
    return {
        "fiscal_year": fiscal_year,
        "levied": result.levied,
        "non_taxable": result.non_taxable,
        "skipped": result.skipped_total,
        "total_tax": result.total_tax,
        "position": c.app.head(),
    }


def _document(c: Container, job: JobRecord) -> dict[str, Any]:
    from uuid import UUID

    from adapters.documents.pdf import render

    document_id = str(job.payload["document_id"])
    catch_up(c)
    found = c.ledger.document(document_id)
    if found is None:
        raise DomainError(f"文書 {document_id} の発行記録がありません。", code="not_found")
    model = c.documents.model_of(document_id, UUID(found["assessment_id"]))
    out = c.settings.var_dir / "documents" / f"{document_id}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = render(model)
    out.write_bytes(data)
    return {"document_id": document_id, "file": str(out), "bytes": len(data)}


def _catch_up(c: Container, job: JobRecord) -> dict[str, Any]:
    return {"applied": catch_up(c), "position": c.app.head()}


JOB_FUNCTIONS: dict[str, Callable[[Container, JobRecord], dict[str, Any]]] = {
    "import": _import,
    "levy": _levy,
    "document": _document,
    "catch_up": _catch_up,
}


class JobFailed(RuntimeError):
    """A job attempt failed; the record holds a message without personal data."""


def run_job(c: Container, job_id: str) -> JobRecord:
    """Run one job attempt (the worker's actor and the embedded ``run_inline`` path both call this).

    A job that already succeeded is not run again. A failure is recorded and re-raised as ``JobFailed``
    so that dramatiq retries it; a clerk-facing DomainError message is kept, other errors only by type.
    """
    store = JobStore(c.db)
    job = store.get(job_id)
    if job is None:
        raise JobFailed(f"job {job_id} does not exist")
    if job.status == SUCCEEDED:
        return job
    store.start(job_id)
    head_before = c.app.head()
    log.info("job.started", job_id=job_id, kind=job.kind)
    try:
        result = JOB_FUNCTIONS[job.kind](c, job)
    except DomainError as error:
        store.fail(job_id, error.message)
        log.warning("job.failed", job_id=job_id, kind=job.kind, code=error.code)
        raise JobFailed(f"job {job_id} refused: {error.code}") from None
    except Exception as error:
        store.fail(job_id, f"{type(error).__name__}（システム担当に連絡してください）")
        log.error("job.failed", job_id=job_id, kind=job.kind, error=type(error).__name__)
        raise JobFailed(f"job {job_id} failed: {type(error).__name__}") from None
    finally:
        seal_if_changed(c, head_before)
    store.succeed(job_id, result)
    log.info("job.succeeded", job_id=job_id, kind=job.kind)
    done = store.get(job_id)
    assert done is not None
    return done


def run_inline(c: Container, job_id: str) -> JobRecord:
    """Embedded mode: run the job in this process now; failures stay recorded on the job."""
    try:
        return run_job(c, job_id)
    except JobFailed:
        job = JobStore(c.db).get(job_id)
        assert job is not None
        return job
