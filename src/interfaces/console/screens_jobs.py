"""ジョブ (screen 10 of the issue): start an import of a 課税資料 file or a 当初賦課 run in the background, follow
its progress, see its result — the same job records, job functions and runner as ``POST /jobs/…`` of the API.

A job runs later as the clerk who started it: the runner checks that principal's grants when it runs
(``interfaces.jobs.job_principal``). Starting one is allowed here only if the policy allows the clerk the
job's action now (``file.import``, ``levy.run``) for the declared 利用目的. In server mode the job goes to the
broker; embedded (SQLite, one desk) it runs in this process before the page answers. The job list holds no
personal data (kinds, counts, the line and item of each rejected record, never its value).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from adapters.formats.registry import FORMATS, IMPORT_KINDS
from adapters.persistence.jobs import QUEUED, RUNNING, JobRecord, JobStore
from adapters.persistence.uploads import keep_upload
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    container,
    field,
    redirect,
    render,
    state,
)

router = APIRouter()

MAX_UPLOAD = 256 * 1024 * 1024
KIND_LABELS = {kind: FORMATS.get(kind).label for kind in IMPORT_KINDS}
STATUS_LABELS = {"queued": "待機中", "running": "実行中", "succeeded": "完了", "failed": "失敗"}
KIND_NAMES = {
    "import": "取込",
    "levy": "当初賦課",
    "document": "文書の再出力",
    "read_models": "照会用データの更新",
}


def _page(request: Request, clerk: Clerk, status: int = 200, /, **extra: object) -> Response:
    jobs = JobStore(container(request).db).list(limit=50)
    return render(
        request,
        "jobs.html",
        clerk,
        status,
        jobs=jobs,
        import_kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        kind_names=KIND_NAMES,
        **extra,
    )


def _submit(request: Request, clerk: Clerk, kind: str, dedup: str, payload: dict[str, object]) -> JobRecord:
    store = JobStore(container(request).db)
    job, dispatch = store.submit(kind, dedup, payload | {"principal_kind": "staff"}, clerk.staff_id)
    if dispatch:
        state(request).dispatch(job.job_id)
    return store.get(job.job_id) or job


@router.get("/jobs")
def jobs(request: Request) -> Response:
    return _page(request, clerk_of(request))


@router.post("/jobs/import")
async def start_import(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "file.import")
    kind, received = field(form, "kind"), form.get("file")
    if kind not in KIND_LABELS or not isinstance(received, UploadFile) or not received.filename:
        return _page(request, clerk, 422, message="取込種別とファイルを指定してください。")
    data = await received.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _page(request, clerk, 413, message="ファイルが大きすぎます（256MiB まで）。")
    path = keep_upload(container(request).settings.var_dir, received.filename, data)
    sha256 = path.parent.name
    job = _submit(
        request,
        clerk,
        "import",
        f"import:{kind}:{sha256}",
        {"kind": kind, "path": str(path), "sha256": sha256},
    )
    return redirect(f"/console/jobs/{job.job_id}")


@router.post("/jobs/levy")
async def start_levy(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "levy.run")
    try:
        fiscal_year = int(field(form, "fiscal_year"))
    except ValueError:
        return _page(request, clerk, 422, message="年度を数字（西暦）で入力してください。")
    if not 2000 <= fiscal_year <= 2100:
        return _page(request, clerk, 422, message="年度は西暦（2000〜2100年）で入力してください。")
    # Each start is a new job; the levy itself is idempotent per taxpayer × 年度.
    payload = {"fiscal_year": fiscal_year, "taxpayers": [], "workers": 1}
    job = _submit(request, clerk, "levy", f"levy:{fiscal_year}:{clerk.staff_id}:{uuid.uuid4()}", payload)
    return redirect(f"/console/jobs/{job.job_id}")


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: str) -> Response:
    clerk = clerk_of(request)
    found = JobStore(container(request).db).get(job_id)
    if found is None:
        return _page(request, clerk, 404, message="指定のジョブはありません。")
    return render(
        request,
        "job.html",
        clerk,
        job=found,
        running=found.status in (QUEUED, RUNNING),
        import_kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        kind_names=KIND_NAMES,
    )
