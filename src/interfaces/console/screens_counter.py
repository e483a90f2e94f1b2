"""窓口 (screen 3): 課税証明書・非課税証明書 issued as a PDF in the browser, and the public verification page.

The verification page needs no sign-in: whoever holds a certificate can check its code. It shows only
whether the code is valid, the kind of certificate and whether it is still the current one — never a
name, an amount or a 宛名番号.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.taxpayers import today_jst
from application.usecases import Principal as UseCasePrincipal
from application.usecases.documents import IssueCertificate, VerifyCertificate
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.console import security
from interfaces.console.app import (
    BadForm,
    authorize,
    checked_form,
    clerk_of,
    container,
    execute,
    field,
    pdf_response,
    render,
    set_cookie,
)

router = APIRouter()

#: Who runs the public check: nobody signed in (the query returns no personal data).
PUBLIC = UseCasePrincipal(actor="public-verification", terminal="console-public", kind="public")


def _form(request: Request, status: int = 200, **values: object) -> Response:
    clerk = clerk_of(request)
    defaults = {"address_number": "", "fiscal_year": str(today_jst().year), "use": ""}
    return render(request, "certificates.html", clerk, status, **(defaults | values))


@router.get("/certificates")
def certificate_form(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "certificate.issue")
    return _form(request)


@router.post("/certificates")
async def issue_certificate(request: Request) -> Response:
    """The PDF of the 課税証明書 (or 非課税証明書), shown by the browser; issuing is an event of the assessment."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "certificate.issue")
    values = {k: field(form, k) for k in ("address_number", "fiscal_year", "use")}
    if clerk.purpose is not Purpose.CERTIFICATE:
        return _form(
            request, 422, message="利用目的を「証明書交付」に変更してから発行してください。", **values
        )
    try:
        year = int(values["fiscal_year"])
    except ValueError:
        return _form(request, 422, message="年度を数字で入力してください（例 2026）。", **values)
    try:
        doc = execute(
            request, clerk, IssueCertificate(values["address_number"], year, today_jst(), values["use"])
        )
    except DomainError as error:
        return _form(request, 422, message=str(error), **values)
    return pdf_response(doc.document_id, doc.model)


def _verify_page(request: Request, status: int = 200, **values: object) -> Response:
    return render(request, "verify.html", None, status, **values)


@router.get("/verify")
def verify_form(request: Request) -> Response:
    token = security.new_login_token()
    response = _verify_page(request, login_csrf=token)
    set_cookie(request, response, security.LOGIN_CSRF_COOKIE, token)
    return response


@router.post("/verify")
async def verify(request: Request) -> Response:
    """証明書の真正性確認 by code (POST: the code is not put in a URL or a log)."""
    form = await request.form()
    if not security.same(str(form.get("csrf", "")), request.cookies.get(security.LOGIN_CSRF_COOKIE)):
        raise BadForm()
    code = field(form, "code")[:64]
    token = str(form.get("csrf", ""))
    if not code:
        return _verify_page(request, 422, login_csrf=token, message="確認コードを入力してください。")
    result = container(request).use_cases.execute(VerifyCertificate(code), PUBLIC)
    return _verify_page(request, login_csrf=token, result=result)
