"""宛名検索 → 納税義務者 (screen 2): search, the person's file, an assessment's trace, the My Number reveal.

Searches and the person's screens are POSTs: no name, kana, birth date or 宛名番号 ever goes into a URL.
Every read is a use case run under the 利用目的 in the header and journaled by it.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.assessment.changes import trace_lines
from application.usecases.assessments import ShowAssessment
from application.usecases.registry import RevealIndividualNumber, SearchTaxpayers, ShowTaxpayerFile
from domain.shared.events import DomainError
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    container,
    execute,
    field,
    render,
    state,
)

router = APIRouter()

SEARCH_LIMIT = 50
MAX_REASON = 200


def _may_reveal(request: Request, clerk: Clerk) -> bool:
    """The reveal button is offered only to a 個人番号利用事務実施者 working for a 個人番号利用事務."""
    designated = container(request).staff.is_designated(clerk.staff_id, state(request).clock())
    return designated and clerk.purpose.uses_individual_number


@router.get("/search")
def search_form(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "taxpayer.search")
    return render(request, "search.html", clerk, kana="", birth_date="", rows=None)


@router.post("/search")
async def search(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "taxpayer.search")
    kana, birth_text = field(form, "kana"), field(form, "birth_date")
    values = {"kana": kana, "birth_date": birth_text}
    try:
        birth = date.fromisoformat(birth_text) if birth_text else None
    except ValueError:
        return render(
            request,
            "search.html",
            clerk,
            422,
            rows=None,
            message="生年月日は 1985-04-01 の形式で入力してください。",
            **values,
        )
    try:
        rows = execute(request, clerk, SearchTaxpayers(kana, birth, SEARCH_LIMIT, clerk.purpose))
    except DomainError as error:
        return render(request, "search.html", clerk, 422, rows=None, message=str(error), **values)
    return render(request, "search.html", clerk, rows=rows, limit=SEARCH_LIMIT, **values)


def _file_page(request: Request, clerk: Clerk, address_number: str, **extra: object) -> Response:
    authorize(request, clerk, "taxpayer.view")
    try:
        found = execute(request, clerk, ShowTaxpayerFile(address_number, clerk.purpose))
    except DomainError as error:
        return render(
            request, "search.html", clerk, 404, rows=None, kana="", birth_date="", message=str(error)
        )
    return render(
        request, "taxpayer.html", clerk, file=found, may_reveal=_may_reveal(request, clerk), **extra
    )


@router.post("/taxpayer")
async def taxpayer(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    return _file_page(request, clerk, field(form, "address_number"))


@router.post("/taxpayer/reveal")
async def reveal(request: Request) -> Response:
    """個人番号の表示: only with the grant, for a 個人番号利用事務, with a reason — journaled before it is shown."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    address_number, reason = field(form, "address_number"), field(form, "reason")
    if not reason:
        return _file_page(
            request, clerk, address_number, message="個人番号を表示する理由を入力してください。"
        )
    authorize(request, clerk, "individual_number.reveal")
    try:
        number = execute(
            request,
            clerk,
            RevealIndividualNumber(address_number, clerk.purpose),
            source_ref=f"閲覧理由:{reason[:MAX_REASON]}",
        )
    except DomainError as error:
        return _file_page(request, clerk, address_number, message=str(error))
    return _file_page(request, clerk, address_number, revealed=number)


@router.post("/taxpayer/assessment")
async def assessment(request: Request) -> Response:
    """賦課の内容と算出の内訳 of one 年度, the trace line by line (parameters and citations)."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "assessment.view")
    address_number = field(form, "address_number")
    try:
        year = int(field(form, "fiscal_year"))
        view = execute(request, clerk, ShowAssessment(address_number, year, clerk.purpose))
    except (ValueError, DomainError) as error:
        message = str(error) if isinstance(error, DomainError) else "年度を数字で指定してください。"
        return render(request, "message.html", clerk, 422, title="賦課の照会", message=message)
    return render(
        request,
        "assessment.html",
        clerk,
        view=view,
        a=view.assessment,
        trace=trace_lines(view.assessment),
        address_number=address_number,
    )
