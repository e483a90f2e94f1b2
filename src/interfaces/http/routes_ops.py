"""Operations (health, metrics) and background jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from adapters.audit.merkle_log import sealed_position
from adapters.audit.witness import witness_health
from adapters.persistence.jobs import FAILED, QUEUED, RUNNING, SUCCEEDED, JobStore
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container, pending_migrations
from interfaces.http import pagination
from interfaces.http.auth import Principal
from interfaces.http.core import (
    IdempotencyKey,
    Outcome,
    PurposeHeader,
    Who,
    command_purpose,
    run_command,
    state,
)
from interfaces.http.metrics import family
from interfaces.http.problems import Problem
from interfaces.http.routes_registry import UPLOAD_BODY, Cursor, Limit, read_upload, store_upload
from interfaces.http.schemas import DocumentJobIn, LevyJobIn

router = APIRouter()


def _projection_positions(c: Container) -> dict[str, int]:
    return c.runner.positions()


ReadinessCheck = Callable[[Container, Any], dict[str, Any]]


def _database_check(c: Container, st: Any) -> dict[str, Any]:
    with c.db.transaction() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return {"ok": True, "kind": c.store.kind}


def _schema_check(c: Container, st: Any) -> dict[str, Any]:
    behind = pending_migrations(c.db)
    return {"ok": not behind, "pending": behind}


def _projections_check(c: Container, st: Any) -> dict[str, Any]:
    head = c.app.head()
    lags = {name: max(head - pos, 0) for name, pos in _projection_positions(c).items()}
    behind = {name: lag for name, lag in lags.items() if lag > st.max_ready_lag}
    return {"ok": not behind, "head": head, "lag": lags, "max_lag": st.max_ready_lag}


def _seal_check(c: Container, st: Any) -> dict[str, Any]:
    lag = max(c.app.head() - sealed_position(c), 0)
    return {"ok": lag <= st.max_ready_lag, "seal_lag": lag, "max_lag": st.max_ready_lag}


#: What ``/readyz`` asks, in order; each returns ``{"ok": bool, ...}``. Other checks (e.g. the external
#: audit witness) are appended here by the module that owns them.
READINESS_CHECKS: dict[str, ReadinessCheck] = {
    "database": _database_check,
    "schema": _schema_check,
    "projections": _projections_check,
    "audit_seal": _seal_check,
    "audit_witness": lambda c, st: witness_health(c, c.settings),
}


def _readiness(request: Request, names: list[str], *, fast: bool = False) -> JSONResponse:
    st = state(request)
    checks: dict[str, Any] = {}
    ready = True
    try:
        c = st.container()
    except Exception as error:
        checks["database"] = {"ok": False, "error": type(error).__name__}
        c = None
        ready = False
    if c is not None and fast:
        try:
            checks["database"] = {"ok": True, "kind": c.store.kind}
            checks["projections"] = _projections_check(c, st)
        except Exception as error:
            checks = {"database": {"ok": False, "error": type(error).__name__}}
        ready = all(bool(check["ok"]) for check in checks.values())
    elif c is not None:
        for name in names:
            try:
                checks[name] = READINESS_CHECKS[name](c, st)
            except Exception as error:
                checks[name] = {"ok": False, "error": type(error).__name__}
            ready = ready and bool(checks[name]["ok"])
    body = {"status": "ok" if ready else "unavailable", "live": True, "ready": ready, "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/livez", tags=["operations"], summary="liveness: the process answers (touches nothing)")
async def livez() -> JSONResponse:
    return JSONResponse({"live": True})


@router.get(
    "/readyz",
    tags=["operations"],
    summary="readiness: database, schema, projection lag, seal lag and registered checks (no authentication)",
)
def readyz(request: Request) -> JSONResponse:
    return _readiness(request, list(READINESS_CHECKS))


@router.get("/health", tags=["operations"], summary="liveness and readiness (no authentication)")
def health(request: Request) -> JSONResponse:
    # Two round trips (head, projection positions): reaching them is the database check.
    return _readiness(request, ["database", "projections"], fast=True)


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics (text format, no authentication)",
    response_class=PlainTextResponse,
)
def metrics(request: Request) -> PlainTextResponse:
    st = state(request)
    c = st.container()
    head = c.app.head()
    positions = _projection_positions(c)
    lines: list[str] = []
    lines += family("juminzei_event_log_head", "gauge", "Position of the last stored event.", [({}, head)])
    lines += family(
        "juminzei_projection_position",
        "gauge",
        "Position each projection has applied.",
        [({"projection": n}, p) for n, p in sorted(positions.items())],
    )
    lines += family(
        "juminzei_projection_lag",
        "gauge",
        "Events not yet applied by each projection.",
        [({"projection": n}, max(head - p, 0)) for n, p in sorted(positions.items())],
    )
    sealed = sealed_position(c)
    lines += family(
        "juminzei_audit_sealed_position",
        "gauge",
        "Position of the last event sealed into the audit log.",
        [({}, sealed)],
    )
    lines += family(
        "juminzei_audit_seal_lag",
        "gauge",
        "Events committed but not yet sealed into the Merkle audit log.",
        [({}, max(head - sealed, 0))],
    )
    jobs = JobStore(c.db)
    counts = jobs.counts()
    lines += family(
        "juminzei_jobs", "gauge", "Jobs by status.", [({"status": s}, n) for s, n in sorted(counts.items())]
    )
    lines += family(
        "juminzei_job_queue_depth",
        "gauge",
        "Jobs queued or running.",
        [({}, counts[QUEUED] + counts[RUNNING])],
    )
    lines += family(
        "juminzei_job_failures_total", "counter", "Job attempts that failed.", [({}, jobs.failed_attempts())]
    )
    outcomes: dict[tuple[str, str], int] = {}
    batches: dict[str, int] = {}
    for b in c.intake_index.batches():
        batches[b["kind"]] = batches.get(b["kind"], 0) + 1
        for outcome in ("accepted", "rejected", "quarantined", "duplicates"):
            outcomes[(b["kind"], outcome)] = outcomes.get((b["kind"], outcome), 0) + int(b[outcome] or 0)
    lines += family(
        "juminzei_import_batches_total",
        "counter",
        "Import batches received, by kind.",
        [({"kind": k}, n) for k, n in sorted(batches.items())],
    )
    lines += family(
        "juminzei_import_records_total",
        "counter",
        "Imported records by kind and outcome.",
        [({"kind": k, "outcome": o}, n) for (k, o), n in sorted(outcomes.items())],
    )
    lines += st.metrics.lines()
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8")


# -- jobs ---------------------------------------------------------------------------------------


def _submit(
    request: Request, c: Container, kind: str, dedup: str, payload: dict[str, Any], who: Principal
) -> Outcome:
    """Queue a job run later as its submitter: the worker re-checks the submitter's grants when it runs."""
    store = JobStore(c.db)
    submitted_as = {"principal_kind": "staff" if who.session is not None else "development"}
    job, dispatch = store.submit(kind, dedup, payload | submitted_as, who.staff_id)
    if dispatch:
        state(request).dispatch(job.job_id)
        job = store.get(job.job_id) or job
    return Outcome(job.to_json(), status=202, headers={"Location": f"/jobs/{job.job_id}"})


def _submit_once(
    request: Request,
    who: Principal,
    key: str | None,
    payload: Any,
    kind: str,
    dedup: str,
    job: dict[str, Any],
) -> Response:
    """Submit job ``kind`` (deduplicated by ``dedup``) once per ``Idempotency-Key``: 202 with its state."""

    def run(c: Container) -> Outcome:
        return _submit(request, c, kind, dedup, job, who)

    return run_command(request, who, key, payload, run)


@router.post(
    "/jobs/imports",
    tags=["jobs"],
    summary="取込をバックグラウンドで実行する (file hash で冪等)",
    status_code=202,
    openapi_extra=UPLOAD_BODY,
)
async def submit_import(request: Request, who: Who, key: IdempotencyKey, purpose: PurposeHeader) -> Response:
    command_purpose(purpose, Purpose.INTAKE)
    upload = await read_upload(request)

    def run(c: Container) -> Outcome:
        path = store_upload(c, upload)
        payload = {"kind": upload.kind, "path": str(path), "sha256": upload.sha256}
        return _submit(request, c, "import", f"import:{upload.kind}:{upload.sha256}", payload, who)

    payload = {"kind": upload.kind, "sha256": upload.sha256}
    return await run_in_threadpool(run_command, request, who, key, payload, run)


@router.post("/jobs/levy", tags=["jobs"], summary="当初賦課をバックグラウンドで実行する", status_code=202)
def submit_levy(
    request: Request, body: LevyJobIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.INITIAL_LEVY)
    # One job per 年度 and request key: the levy itself is idempotent per taxpayer × 年度.
    job = {"fiscal_year": body.fiscal_year, "taxpayers": body.taxpayers, "workers": body.workers}
    dedup = f"levy:{body.fiscal_year}:{who.staff_id}:{key}"
    return _submit_once(request, who, key, body.model_dump(mode="json"), "levy", dedup, job)


@router.post(
    "/jobs/documents",
    tags=["jobs"],
    summary="発行済み文書の再出力 (PDF) をバックグラウンドで行う",
    status_code=202,
)
def submit_document(
    request: Request, body: DocumentJobIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.CERTIFICATE)
    job = {"document_id": body.document_id}
    return _submit_once(
        request, who, key, body.model_dump(mode="json"), "document", f"document:{body.document_id}", job
    )


@router.post(
    "/jobs/catch-up",
    tags=["jobs"],
    summary="照会用データ (projections) の更新をバックグラウンドで行う",
    status_code=202,
)
def submit_read_model_refresh(request: Request, who: Who, key: IdempotencyKey) -> Response:
    return _submit_once(request, who, key, {}, "read_models", f"read_models:{who.staff_id}:{key}", {})


@router.get("/jobs", tags=["jobs"], summary="ジョブの一覧")
def list_jobs(
    request: Request,
    who: Who,
    status: Annotated[str | None, Query(pattern=f"^({QUEUED}|{RUNNING}|{SUCCEEDED}|{FAILED})$")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> JSONResponse:
    c = state(request).container()
    jobs = JobStore(c.db).list(status)
    page, next_cursor = pagination.page_of(jobs, cursor, limit, {"list": "jobs", "status": status})
    return JSONResponse({"jobs": [j.to_json() for j in page], "next_cursor": next_cursor})


@router.get("/jobs/{job_id}", tags=["jobs"], summary="ジョブの状態と結果")
def get_job(request: Request, who: Who, job_id: Annotated[str, PathParam(max_length=64)]) -> JSONResponse:
    c = state(request).container()
    job = JobStore(c.db).get(job_id)
    if job is None:
        raise Problem(404, "not-found", f"ジョブ {job_id} はありません。")
    return JSONResponse(job.to_json())
