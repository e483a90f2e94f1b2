"""The console application: sessions, the access policy before every screen, rendering (ADR 0027).

``create_console(container)`` builds the ASGI sub-application; ``attach(api, container)`` mounts it at
``/console`` on the API application and sends ``/`` there (what ``juminzei serve`` runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from application.access import AccessPolicy
from application.usecases import Principal as UseCasePrincipal
from application.usecases.base import Message
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from domain.staff.policy import Decision, Resource
from interfaces.bootstrap import Container
from interfaces.bootstrap.unit_of_work import after_write, write_mark
from interfaces.console import security

log = structlog.get_logger(__name__)

T = TypeVar("T")

#: 利用目的 a clerk can declare in the header (デモ is the demo generator's own).
PURPOSES = tuple(p for p in Purpose if p is not Purpose.DEMO)
TERMINAL = "console"


@dataclass(frozen=True)
class Clerk:
    """The signed-in staff member behind a console request."""

    token: str
    session: Any  # domain.staff.policy.Principal (grants, session id, terminal)
    purpose: Purpose

    @property
    def staff_id(self) -> str:
        return str(self.session.staff_id)

    @property
    def csrf(self) -> str:
        return security.csrf_for_session(self.token)


class SignInRequired(Exception):
    """No live session: show the sign-in page with the reason (expired, idle, signed out …)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message


class Refused(Exception):
    """The access policy refused the screen for this purpose."""

    def __init__(self, decision: Decision, clerk: Clerk) -> None:
        super().__init__(decision.reason)
        self.decision = decision
        self.clerk = clerk


class BadForm(Exception):
    """A form without a valid CSRF token (a forged or stale request)."""


@dataclass
class ConsoleState:
    container: Callable[[], Container]
    secure_cookies: bool = True
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    #: Hands a queued job to the runner: the broker in server mode; None runs it here (embedded mode).
    dispatcher: Callable[[str], None] | None = None

    def dispatch(self, job_id: str) -> None:
        if self.dispatcher is not None:
            self.dispatcher(job_id)
        else:
            from interfaces.jobs import run_inline

            run_inline(self.container(), job_id)


_templates = Environment(
    loader=PackageLoader("interfaces.console", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters["yen"] = lambda v: "" if v is None else f"{int(v):,}円"


def state(request: Request) -> ConsoleState:
    found: ConsoleState = request.app.state.console
    return found


def container(request: Request) -> Container:
    return state(request).container()


def render(
    request: Request, template: str, clerk: Clerk | None = None, status: int = 200, /, **values: Any
) -> HTMLResponse:
    page = _templates.get_template(template).render(
        clerk=clerk, purposes=PURPOSES, request_path=request.url.path, **values
    )
    return HTMLResponse(page, status_code=status, headers=security.HEADERS)


def pdf_response(document_id: str, model: Any) -> Response:
    """An issued document's PDF, shown inline by the browser (証明書・通知書), with the console's headers."""
    from adapters.documents.pdf import render as render_pdf

    headers = dict(security.HEADERS)
    headers["Content-Disposition"] = f'inline; filename="{document_id}.pdf"'
    headers["X-Document-Id"] = document_id
    return Response(render_pdf(model), media_type="application/pdf", headers=headers)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=security.HEADERS)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        path=security.COOKIE_PATH,
        secure=state(request).secure_cookies,
        httponly=True,
        samesite="strict",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(security.SESSION_COOKIE, path=security.COOKIE_PATH)


# -- sessions, CSRF and the policy ------------------------------------------------------------------


def purpose_of(request: Request) -> Purpose:
    name = request.cookies.get(security.PURPOSE_COOKIE, "")
    for p in PURPOSES:
        if p.name == name:
            return p
    return Purpose.REGISTRY


def clerk_of(request: Request) -> Clerk:
    """The live session of the request (same check as the API: expiry, idle timeout, sign-out, lock)."""
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        raise SignInRequired()
    try:
        session = container(request).staff.check_session(token, state(request).clock())
    except DomainError as error:
        raise SignInRequired(str(error)) from None
    return Clerk(token=token, session=session, purpose=purpose_of(request))


async def checked_form(request: Request, clerk: Clerk) -> FormData:
    form = await request.form()
    if not security.same(str(form.get("csrf", "")), clerk.csrf):
        raise BadForm()
    return form


def authorize(request: Request, clerk: Clerk, action: str, purpose: Purpose | None = None) -> Decision:
    """The access policy's decision (``StaffService.authorize``, as for the API) — refused: a 403 page."""
    c = container(request)
    declared = purpose or clerk.purpose
    decision = c.staff.authorize(
        clerk.session, action, Resource(kind=action.split(".")[0]), declared, state(request).clock()
    )
    if not decision.allowed:
        # Journaled like every refusal (``audit access``), as the API's route policy does.
        with settled(c):
            AccessPolicy(c.staff, state(request).clock).journal_refusal(
                principal_of(request, clerk), declared, action, decision.decision_id, decision.matched_rules
            )
        raise Refused(decision, clerk)
    return decision


@contextmanager
def settled(c: Container) -> Iterator[None]:
    """Around a change stored outside the use-case bus (the staff registry, a refusal): what it stored is
    projected and sealed (server mode: handed to the followers) as a use case's unit of work does."""
    mark = write_mark(c)
    yield
    after_write(c, mark)


def principal_of(request: Request, clerk: Clerk) -> UseCasePrincipal:
    staff = container(request).staff
    now = state(request).clock()
    roles = frozenset(g.role.name for g in clerk.session.grants if g.in_force(now, staff.review_policy))
    return UseCasePrincipal(
        actor=clerk.staff_id, terminal=clerk.session.terminal or TERMINAL, kind="staff", roles=roles
    )


def execute(request: Request, clerk: Clerk, message: Message[T], **options: Any) -> T:
    """Run a use case as the signed-in clerk (the bus journals, projects and seals)."""
    return container(request).use_cases.execute(message, principal_of(request, clerk), **options)


def field(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


# -- the application ------------------------------------------------------------------------------


def create_console(
    container_factory: Callable[[], Container],
    *,
    secure_cookies: bool = True,
    clock: Callable[[], datetime] | None = None,
    dispatcher: Callable[[str], None] | None = None,
) -> FastAPI:
    """The console sub-application (mounted at ``/console``; its routes are not in the API's OpenAPI)."""
    from interfaces.console import (
        screens_audit,
        screens_counter,
        screens_debit,
        screens_inspect,
        screens_jobs,
        screens_payments,
        screens_queues,
        screens_reduction,
        screens_registry,
        screens_returns,
        screens_session,
        screens_supervisor,
    )

    app = FastAPI(title="juminzei console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = ConsoleState(
        container=container_factory,
        secure_cookies=secure_cookies,
        dispatcher=dispatcher,
        **({"clock": clock} if clock is not None else {}),
    )
    app.mount("/static", StaticFiles(packages=[("interfaces.console", "static")]), name="static")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, error: SignInRequired) -> Response:
        response = screens_session.sign_in_page(request, message=error.message, status=401)
        clear_session(response)
        return response

    @app.exception_handler(Refused)
    async def _refused(request: Request, error: Refused) -> Response:
        log.info("console.refused", decision_id=error.decision.decision_id, staff_id=error.clerk.staff_id)
        return render(request, "refused.html", error.clerk, 403, decision=error.decision)

    @app.exception_handler(BadForm)
    async def _bad_form(request: Request, _: BadForm) -> Response:
        return render(
            request,
            "message.html",
            None,
            403,
            title="操作を受け付けませんでした",
            message="画面の有効期限が切れたか、不正な送信です。画面を開き直してから操作してください。",
        )

    for module in (
        screens_session,
        screens_registry,
        screens_counter,
        screens_queues,
        screens_payments,
        screens_debit,
        screens_returns,
        screens_reduction,
        screens_audit,
        screens_inspect,
        screens_supervisor,
        screens_jobs,
    ):
        app.include_router(module.router)
    return app


def attach(api: FastAPI, container_factory: Callable[[], Container], **options: Any) -> FastAPI:
    """Mount the console on the API application at ``/console``; ``/`` sends the browser there."""

    @api.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=303)

    api.mount("/console", create_console(container_factory, **options), name="console")
    return api
