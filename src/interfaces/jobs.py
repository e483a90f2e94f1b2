"""The job functions the worker and the embedded mode both run (the records: ``adapters.persistence.jobs``).

A job's payload never holds personal data: a file path, a kind, a 年度, a document id and the actor. Every
job is idempotent, so a retry (dramatiq redelivery, a clerk resubmitting) is safe: imports are keyed by
file hash (the import batch id is derived from kind + sha256), levy batches by taxpayer × 年度, document
renders by document id, catch-up by the projection positions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from adapters.persistence.jobs import SUCCEEDED, JobRecord, JobStore
from application.usecases import Principal
from application.usecases.intake import ImportFile
from application.usecases.levy import RunLevy
from application.usecases.operations import CatchUpReadModels
from domain.shared.events import DomainError
from interfaces.bootstrap import Container
from interfaces.presenters import levy_run_json

log = structlog.get_logger(__name__)

#: Rejected records listed on an import job's result (the count is always complete).
ERROR_LINES = 200


def job_principal(job: JobRecord) -> Principal:
    """The job runs as whoever submitted it (the record keeps the actor and how they signed in); the
    policy checks that principal's grants as they are when the job runs."""
    kind = str(job.payload.get("principal_kind") or "staff")
    return Principal(actor=job.actor, terminal="worker", kind=kind)


def worker_principal(c: Container, job: JobRecord) -> Principal:
    """With ``JUMINZEI_CREDENTIAL_FILE`` the worker runs every job as that batch credential (checked at
    each job: a revoked or expired credential stops at the next one); otherwise as the job's submitter."""
    path = c.settings.credential_file
    if path is None:
        return job_principal(job)
    from datetime import UTC, datetime

    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError:
        raise DomainError("バッチ用資格情報のファイルを読めません。", code="invalid_job_credential") from None
    credential = c.staff.check_job_credential(secret, datetime.now(UTC))
    return Principal(
        actor=credential.job_id,
        terminal="worker",
        kind="job",
        roles=frozenset(r.value for r in credential.roles),
        issued_by=credential.issued_by,
    )


def _import(c: Container, job: JobRecord) -> dict[str, Any]:
    path = Path(job.payload["path"])
    if not path.is_file():
        raise DomainError(
            f"取込ファイルが見つかりません（{path.name}）。再度アップロードしてください。",
            code="missing_file",
        )
    command = ImportFile(str(job.payload["kind"]), path)
    summary = c.use_cases.execute(command, worker_principal(c, job), command_id=f"job:{job.job_id}")
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
        # Line, item and reason of each rejected record (never its value: RecordError's contract).
        "error_lines": [
            {"line": e.line, "field": e.field, "message": e.message} for e in summary.errors[:ERROR_LINES]
        ],
        "file_name": path.name,
        "already_imported": summary.already_imported,
        "position": c.app.head(),
    }


def _levy(c: Container, job: JobRecord) -> dict[str, Any]:
    command = RunLevy(
        fiscal_year=int(job.payload["fiscal_year"]),
        address_numbers=tuple(job.payload.get("taxpayers") or ()),
        workers=int(job.payload.get("workers") or 1),
    )
    outcome = c.use_cases.execute(command, worker_principal(c, job), command_id=f"job:{job.job_id}")
    return levy_run_json(outcome) | {"position": c.app.head()}


def _document(c: Container, job: JobRecord) -> dict[str, Any]:
    from adapters.documents.pdf import render
    from application.usecases.documents import IssuedDocumentModel

    document_id = str(job.payload["document_id"])
    model = c.use_cases.execute(
        IssuedDocumentModel(document_id), worker_principal(c, job), command_id=f"job:{job.job_id}"
    )
    out = c.settings.var_dir / "documents" / f"{document_id}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = render(model)
    out.write_bytes(data)
    return {"document_id": document_id, "file": str(out), "bytes": len(data)}


def _refresh_read_models(c: Container, job: JobRecord) -> dict[str, Any]:
    applied = c.use_cases.execute(
        CatchUpReadModels(), worker_principal(c, job), command_id=f"job:{job.job_id}"
    )
    return {"applied": applied, "position": c.app.head()}


JOB_FUNCTIONS: dict[str, Callable[[Container, JobRecord], dict[str, Any]]] = {
    "import": _import,
    "levy": _levy,
    "document": _document,
    "read_models": _refresh_read_models,
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
    # Every job function runs a use case, whose unit of work has projected and sealed what it stored.
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
