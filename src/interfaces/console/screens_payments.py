"""収納 (screen 7 of the issue, first part): upload a payment file (bank, コンビニ, eLTAX, 特別徴収, 年金) and see
its reconciliation — 受付 = 消込 + 保留 + 不備 + 重複, each error with its line and item — then 再照合.

The file is kept under ``var/uploads/<sha256>/`` as the API keeps its uploads, and imported with
``ImportFile`` under the purpose 収納 (the same use case as ``juminzei import``); an already imported file
is reported as such, not posted twice. 収納保留 are resolved on the 保留キュー screen.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from adapters.formats.registry import PAYMENT_KINDS
from adapters.persistence.uploads import keep_upload
from application.usecases.collection import ReconcilePayments
from application.usecases.intake import ImportFile
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.console.app import authorize, checked_form, clerk_of, container, execute, field, render

router = APIRouter()

MAX_UPLOAD = 64 * 1024 * 1024


@router.get("/payments")
def payments(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "payment.post")
    return render(request, "payments.html", clerk, kinds=PAYMENT_KINDS)


@router.post("/payments")
async def upload(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "payment.post")
    kind, received = field(form, "kind"), form.get("file")
    if kind not in PAYMENT_KINDS or not isinstance(received, UploadFile) or not received.filename:
        return render(
            request,
            "payments.html",
            clerk,
            422,
            kinds=PAYMENT_KINDS,
            message="種別とファイルを指定してください。",
        )
    data = await received.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return render(
            request, "payments.html", clerk, 413, kinds=PAYMENT_KINDS, message="ファイルが大きすぎます。"
        )
    path = keep_upload(container(request).settings.var_dir, received.filename, data)
    try:
        summary = execute(request, clerk, ImportFile(kind, path, Purpose.COLLECTION))
    except DomainError as error:
        return render(request, "payments.html", clerk, 422, kinds=PAYMENT_KINDS, message=str(error))
    return render(request, "payments.html", clerk, kinds=PAYMENT_KINDS, summary=summary, file_name=path.name)


@router.post("/payments/reconcile")
async def reconcile(request: Request) -> Response:
    """再照合: held receipts matched again against the ledgers; every payment file's counts checked."""
    clerk = clerk_of(request)
    await checked_form(request, clerk)
    authorize(request, clerk, "payment.post")
    try:
        result = execute(request, clerk, ReconcilePayments())
    except DomainError as error:
        return render(request, "payments.html", clerk, 422, kinds=PAYMENT_KINDS, message=str(error))
    return render(request, "payments.html", clerk, kinds=PAYMENT_KINDS, reconciliation=result)
