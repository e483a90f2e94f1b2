"""保留キュー (screen 4): 本人確認・税務調査 of 課税資料, 扶養重複, 収納保留 — list, filter, resolve with a reason.

Resolving a filing is 名寄せ (to an existing 宛名番号), 住登外登録 or 回送; the clerk's reason is required and
recorded with the command (``source_ref``, and the 回送 reason itself). 収納保留 is resolved by 振替 to the
ledger of a 通知書番号 or by 還付, with its reason.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.usecases.collection import ResolveSuspense, SuspenseList
from application.usecases.intake import (
    DependentOverlaps,
    ForwardFiling,
    MatchFiling,
    QueueItems,
    RegisterNonResident,
)
from domain.filings.filing import WorkQueue
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    execute,
    field,
    render,
)

router = APIRouter()

QUEUES = tuple(q.value for q in WorkQueue)
MAX_REASON = 200


def _page(request: Request, clerk: Clerk, queue: str, status: int = 200, **extra: Any) -> Response:
    authorize(request, clerk, "assessment.view")
    items = execute(request, clerk, QueueItems(queue or None))
    overlaps = execute(request, clerk, DependentOverlaps())
    suspense = None
    if clerk.purpose is Purpose.COLLECTION:
        authorize(request, clerk, "payment.post")
        suspense = execute(request, clerk, SuspenseList())
    return render(
        request,
        "queues.html",
        clerk,
        status,
        items=items,
        overlaps=overlaps,
        suspense=suspense,
        queue=queue,
        queues=QUEUES,
        **extra,
    )


@router.get("/queues")
def queues(request: Request) -> Response:
    return _page(request, clerk_of(request), "")


@router.post("/queues")
async def filtered(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    queue = field(form, "queue")
    return _page(request, clerk, queue if queue in QUEUES else "")


def _filing_command(action: str, filing_id: UUID, form: Any) -> Any:
    if action == "match":
        return MatchFiling(filing_id, field(form, "address_number"))
    if action == "register":
        return RegisterNonResident(filing_id)
    return ForwardFiling(filing_id, field(form, "to"), field(form, "reason")[:MAX_REASON])


@router.post("/queues/resolve")
async def resolve(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    queue, action, reason = field(form, "queue_filter"), field(form, "action"), field(form, "reason")
    authorize(request, clerk, "intake.import")
    if not reason:
        return _page(request, clerk, queue, 422, message="処理の理由を入力してください。")
    if action not in ("match", "register", "forward"):
        return _page(request, clerk, queue, 422, message="処理の方法を選択してください。")
    try:
        filing_id = UUID(field(form, "filing_id"))
        execute(
            request,
            clerk,
            _filing_command(action, filing_id, form),
            source_ref=f"処理理由:{reason[:MAX_REASON]}",
        )
    except ValueError:
        return _page(request, clerk, queue, 422, message="対象の課税資料を選び直してください。")
    except DomainError as error:
        return _page(request, clerk, queue, 422, message=str(error))
    done = {"match": "名寄せ", "register": "住登外登録", "forward": "回送"}[action]
    return _page(request, clerk, queue, resolved=f"{done}を記録しました。")


@router.post("/queues/suspense")
async def resolve_suspense(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "payment.post")
    reason, refund = field(form, "reason"), field(form, "action") == "refund"
    if not reason:
        return _page(request, clerk, "", 422, message="処理の理由を入力してください。")
    try:
        year, period = field(form, "fiscal_year"), field(form, "period")
        command = ResolveSuspense(
            UUID(field(form, "suspense_id")),
            reason[:MAX_REASON],
            refund=refund,
            notice_number=None if refund else field(form, "notice_number") or None,
            fiscal_year=int(year) if year else None,
            period=int(period) if period else None,
        )
        execute(request, clerk, command)
    except ValueError:
        return _page(request, clerk, "", 422, message="年度・期別は数字で入力してください。")
    except DomainError as error:
        return _page(request, clerk, "", 422, message=str(error))
    return _page(request, clerk, "", resolved="収納保留を解消しました。")
