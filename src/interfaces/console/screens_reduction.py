"""減免 (screen 5 of the issue, the 減免 part): see the assessment, preview the reduction before and after per
期別, take the application (申請) with its grounds, decide it (決定・却下, by another clerk) with a reason,
and issue the 税額変更通知書 as a PDF.

The preview is computed with the same function the decision uses (``reduce_installments``); nothing is
stored until the clerk submits. Each submission carries the assessment version the clerk saw, so a change
made meanwhile by someone else is refused (``StaleVersionError``) instead of overwritten.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from application.assessment.changes import reduce_installments
from application.taxpayers import today_jst
from application.usecases.assessments import ApplyReduction, DecideReduction, ShowAssessment
from application.usecases.documents import IssueNotice
from domain.shared.events import DomainError
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    execute,
    field,
    pdf_response,
    render,
)

router = APIRouter()
MAX_TEXT = 200


def _target(form: FormData) -> tuple[str, int]:
    return field(form, "address_number"), int(field(form, "fiscal_year"))


def _amount(form: FormData) -> int:
    value = int(field(form, "amount").replace(",", ""))
    if value < 0:
        raise ValueError("negative")
    return value


def _show(request: Request, clerk: Clerk, form: FormData, status: int = 200, /, **extra: Any) -> Response:
    authorize(request, clerk, "assessment.view")
    try:
        number, year = _target(form)
        view = execute(request, clerk, ShowAssessment(number, year, clerk.purpose))
    except ValueError:
        return render(
            request, "reduction.html", clerk, 422, view=None, message="年度を数字で入力してください。"
        )
    except DomainError as error:
        return render(request, "reduction.html", clerk, 422, view=None, message=str(error))
    return render(
        request, "reduction.html", clerk, status, view=view, a=view.assessment, address_number=number, **extra
    )


def _preview(request: Request, clerk: Clerk, form: FormData) -> Response:
    """Before and after per 期別 for the amount typed — nothing is stored."""
    try:
        amount = _amount(form)
        number, year = _target(form)
        view = execute(request, clerk, ShowAssessment(number, year, clerk.purpose))
        after = reduce_installments(view.assessment.installments, amount)
    except ValueError:
        return _show(request, clerk, form, 422, message="金額は円単位の整数で入力してください。")
    except DomainError as error:
        return _show(request, clerk, form, 422, message=str(error))
    rows = list(zip(view.assessment.installments, after, strict=True))
    return _show(request, clerk, form, preview={"amount": amount, "rows": rows}, typed=dict(form))


@router.get("/reduction")
def reduction(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "assessment.view")
    return render(request, "reduction.html", clerk, view=None)


@router.post("/reduction")
async def show(request: Request) -> Response:
    clerk = clerk_of(request)
    return _show(request, clerk, await checked_form(request, clerk))


@router.post("/reduction/{step}")
async def submit(request: Request, step: str) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "assessment.reduce")
    if field(form, "preview"):
        return _preview(request, clerk, form)
    try:
        number, year = _target(form)
        version = int(field(form, "version"))
        if step == "apply":
            command: Any = ApplyReduction(
                number,
                year,
                field(form, "kind")[:MAX_TEXT],
                _amount(form),
                field(form, "grounds")[:MAX_TEXT],
                version,
            )
            done = "減免申請を受け付けました。別の職員が決定します。"
        elif step == "decide":
            grant = field(form, "decision") == "grant"
            command = DecideReduction(
                number,
                year,
                grant=grant,
                reason=field(form, "reason")[:MAX_TEXT],
                amount=_amount(form) if grant else 0,
                expected_version=version,
            )
            done = (
                "減免を決定しました。税額変更通知書を発行してください。"
                if grant
                else "減免申請を却下しました。"
            )
        else:
            return _show(request, clerk, form, 404, message="この操作はありません。")
        execute(request, clerk, command)
    except ValueError:
        return _show(request, clerk, form, 422, message="金額は円単位の整数で入力してください。")
    except DomainError as error:
        return _show(request, clerk, form, 422, message=str(error))
    return _show(request, clerk, form, done=done, decided=step == "decide")


@router.post("/reduction-notice")
async def notice(request: Request) -> Response:
    """税額変更通知書 after the decision (PDF in the browser)."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "assessment.reduce")
    try:
        number, year = _target(form)
        doc = execute(request, clerk, IssueNotice("change", number, year, today_jst()))
    except (ValueError, DomainError) as error:
        message = str(error) if isinstance(error, DomainError) else "年度を数字で入力してください。"
        return _show(request, clerk, form, 422, message=message)
    return pdf_response(doc.document_id, doc.model)
