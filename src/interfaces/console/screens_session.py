"""サインイン, サインアウト, 利用目的の変更 and the menu (screen 1)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.console import security
from interfaces.console.app import (
    PURPOSES,
    TERMINAL,
    BadForm,
    checked_form,
    clear_session,
    clerk_of,
    container,
    field,
    redirect,
    render,
    set_cookie,
    state,
)

router = APIRouter()


def _purpose(name: str) -> Purpose | None:
    return next((p for p in PURPOSES if p.name == name), None)


def sign_in_page(
    request: Request, *, message: str | None = None, status: int = 200, staff_id: str = ""
) -> HTMLResponse:
    token = security.new_login_token()
    response = render(
        request, "sign_in.html", None, status, message=message, login_csrf=token, staff_id=staff_id
    )
    set_cookie(request, response, security.LOGIN_CSRF_COOKIE, token)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    return sign_in_page(request)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    if not security.same(str(form.get("csrf", "")), request.cookies.get(security.LOGIN_CSRF_COOKIE)):
        raise BadForm()
    staff_id = field(form, "staff_id")
    purpose = _purpose(field(form, "purpose"))
    if purpose is None:
        return sign_in_page(request, message="利用目的を選択してください。", status=422, staff_id=staff_id)
    try:
        result = container(request).staff.sign_in(
            staff_id=staff_id,
            password=str(form.get("password", "")),
            totp_code=field(form, "totp"),
            terminal=TERMINAL,
            now=state(request).clock(),
        )
    except DomainError as error:
        return sign_in_page(request, message=str(error), status=401, staff_id=staff_id)
    response = redirect("/console/")
    set_cookie(request, response, security.SESSION_COOKIE, result.token)
    set_cookie(request, response, security.PURPOSE_COOKIE, purpose.name)
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path=security.COOKIE_PATH)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    clerk = clerk_of(request)
    await checked_form(request, clerk)
    container(request).staff.sign_out(clerk.token, state(request).clock())
    response = sign_in_page(request, message="サインアウトしました。")
    clear_session(response)
    return response


@router.post("/purpose")
async def change_purpose(request: Request) -> Response:
    """利用目的の変更: explicit, by this form only; the header shows the purpose every screen runs under."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    purpose = _purpose(field(form, "purpose"))
    if purpose is None:
        return render(request, "home.html", clerk, 422, message="利用目的を選択してください。")
    response = redirect("/console/")
    set_cookie(request, response, security.PURPOSE_COOKIE, purpose.name)
    return response


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html", clerk_of(request))
