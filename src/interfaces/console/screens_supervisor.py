"""所属長 (screen 8 of the issue, first part): the access review, 権限付与, 定期見直し, ロック解除 and the
mandatory post-hoc review of break-glass access (by a 所属長 other than its user).

The staff registry is not on the use-case bus yet (docs/architecture.md: "still outside the bus"); these
forms call ``StaffService`` — the same methods ``juminzei staff …`` calls — after the access policy allowed
the action for the signed-in 所属長. The service itself refuses anyone who is not a 所属長 in force, and a
grant approved by its own grantee.
"""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.usecases.provisions import ApproveExport, ExportRequests
from domain.shared.events import CommandContext, DomainError
from domain.staff.values import Role
from interfaces.console.app import (
    TERMINAL,
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    container,
    execute,
    field,
    render,
    settled,
    state,
)

router = APIRouter()

GRANTABLE = tuple(r for r in Role if r not in (Role.CONTRACTOR_DATA_ENTRY, Role.CONTRACTOR_PRINT))
MAX_REASON = 200


def _ctx(clerk: Clerk, label: str) -> CommandContext:
    return CommandContext(
        actor=clerk.staff_id,
        purpose=clerk.purpose,
        command_id=f"console-{label}:{uuid.uuid4()}",
        terminal=clerk.session.terminal or TERMINAL,
    )


def _page(request: Request, clerk: Clerk, status: int = 200, **extra: object) -> Response:
    authorize(request, clerk, "staff.review")
    review = container(request).staff.review(state(request).clock())
    exports = execute(request, clerk, ExportRequests(pending=True))
    return render(
        request, "supervisor.html", clerk, status, review=review, roles=GRANTABLE, exports=exports, **extra
    )


@router.get("/supervisor")
def supervisor(request: Request) -> Response:
    return _page(request, clerk_of(request))


@router.post("/supervisor/{action}")
async def act(request: Request, action: str) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    staff, now = container(request).staff, state(request).clock()
    staff_id, reason = field(form, "staff_id"), field(form, "reason")[:MAX_REASON]
    with settled(container(request)):
        try:
            if action == "grant":
                authorize(request, clerk, "staff.grant")
                role = Role[field(form, "role")]
                temporary = field(form, "temporary") == "yes"
                valid_to = field(form, "valid_to")
                terminals = [t.strip() for t in field(form, "terminals").split(",") if t.strip()]
                number = staff.grant(
                    staff_id=staff_id,
                    role=role,
                    reason=reason or None,
                    temporary=temporary,
                    valid_to=date.fromisoformat(valid_to) if valid_to else None,
                    hours=field(form, "hours") or None,
                    terminals=terminals,
                    ctx=_ctx(clerk, "grant"),
                    now=now,
                )
                kind = "臨時の" if temporary else ""
                done = f"{staff_id} に {role.value} の{kind}権限を付与しました（付与番号 {number}）。"
            elif action == "approve-export":
                token = execute(request, clerk, ApproveExport(UUID(field(form, "request_id"))))
                return _page(request, clerk, done="データ抽出を承認しました。", export_token=token)
            elif action == "attest":
                authorize(request, clerk, "staff.attest")
                attested = staff.attest(
                    staff_id=staff_id,
                    grant_numbers=[int(field(form, "grant_number"))],
                    ctx=_ctx(clerk, "attest"),
                    now=now,
                )
                done = (
                    f"{staff_id} の権限を確認しました。" if attested else "この権限は今期すでに確認済みです。"
                )
            elif action == "unlock":
                authorize(request, clerk, "staff.unlock")
                if not reason:
                    return _page(request, clerk, 422, message="ロック解除の理由を入力してください。")
                staff.unlock(staff_id=staff_id, reason=reason, ctx=_ctx(clerk, "unlock"), now=now)
                done = f"{staff_id} のロックを解除しました。"
            elif action == "break-glass":
                authorize(request, clerk, "staff.review_break_glass")
                if not reason:
                    return _page(request, clerk, 422, message="確認の所見を入力してください。")
                staff.review_break_glass(
                    staff_id=staff_id,
                    number=int(field(form, "number")),
                    appropriate=field(form, "appropriate") == "yes",
                    note=reason,
                    ctx=_ctx(clerk, "break-glass-review"),
                    now=now,
                )
                done = f"{staff_id} の緊急時アクセスの事後確認を記録しました。"
            else:
                return _page(request, clerk, 404, message="この操作はありません。")
        except (KeyError, ValueError):
            return _page(request, clerk, 422, message="入力内容を確認してください。")
        except DomainError as error:
            return _page(request, clerk, 422, message=str(error))
    return _page(request, clerk, done=done)
