"""監査 (screen 5): who viewed resident X (the 使用の記録 as a timeline) and the audit log's status.

Inspectors work under the purpose 監査; their own look at the timeline is journaled like any other read.
The audit-log check is the same verification ``juminzei audit verify`` and ``GET /audit/verify`` run.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.usecases.inspection import AccessHistory
from domain.shared.events import DomainError
from domain.taxpayer.model import taxpayer_id
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    container,
    execute,
    field,
    render,
)

router = APIRouter()


def _log_status(request: Request, clerk: Clerk) -> Any:
    from adapters.audit.merkle_log import verify

    authorize(request, clerk, "audit.verify")
    return verify(container(request), witness=None, public_key=None)


@router.get("/audit")
def audit(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "audit.history")
    return render(
        request, "audit.html", clerk, status=_log_status(request, clerk), rows=None, address_number=""
    )


@router.post("/audit/access")
async def access_timeline(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "audit.history")
    address_number = field(form, "address_number")
    values: dict[str, Any] = {"status": _log_status(request, clerk), "address_number": address_number}
    if not address_number:
        return render(
            request, "audit.html", clerk, 422, rows=None, message="宛名番号を入力してください。", **values
        )
    try:
        subject = str(taxpayer_id(address_number))
        rows = execute(request, clerk, AccessHistory(subject=subject, as_purpose=clerk.purpose))
    except DomainError as error:
        return render(request, "audit.html", clerk, 422, rows=None, message=str(error), **values)
    return render(request, "audit.html", clerk, rows=rows, **values)
