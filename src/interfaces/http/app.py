"""The FastAPI application factory: ``create_app(container_factory, authenticator)``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.bootstrap import Container
from interfaces.http import problems
from interfaces.http.auth import Authenticator
from interfaces.http.core import ApiState, JobDispatcher
from interfaces.http.metrics import RequestMetrics
from interfaces.http.routes_ops import router as ops_router
from interfaces.http.routes_registry import router as registry_router
from interfaces.http.routes_tax import router as tax_router
from interfaces.http.schemas import ProblemDocument

log = structlog.get_logger(__name__)

API_VERSION = "0.1.0"
DESCRIPTION = """\
個人住民税 (特別区民税・都民税) の窓口・担当職員向け API。

* Every endpoint except `/health` and `/metrics` needs `Authorization: Bearer <token>`.
* Commands are `POST` with `Idempotency-Key`; updates of an assessment or a queue item need `If-Match`
  with the aggregate version (`ETag` of the read).
* Requests that read or change personal data declare their purpose in `X-Purpose` (利用目的).
* Errors are RFC 9457 `application/problem+json`; `detail` tells the clerk what to fix.
* A command's response carries `position`; pass it as `?min_position=` to a query to read your write.

See docs/http-api.md.
"""

_PROBLEM = {"model": ProblemDocument, "content": {"application/problem+json": {}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**_PROBLEM, "description": "Bad request (missing header, unknown purpose, bad cursor)"},
    401: {**_PROBLEM, "description": "Not signed in"},
    404: {**_PROBLEM, "description": "Not found"},
    409: {**_PROBLEM, "description": "Refused by a rule, or the same Idempotency-Key is in progress"},
    412: {**_PROBLEM, "description": "If-Match does not match the current version"},
    422: {**_PROBLEM, "description": "Invalid input (errors[] names each field)"},
    428: {**_PROBLEM, "description": "If-Match is required"},
    503: {**_PROBLEM, "description": "Read model not caught up within the bounded wait"},
}


class ObserveMiddleware:
    """Request duration and count per route template, and one log line per request — pure ASGI (no
    ``BaseHTTPMiddleware``: no extra task and stream per request, issue 15)."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            method = str(scope.get("method", ""))
            self.metrics.observe(route, method, status, time.perf_counter() - started)
            log.info("http.request", route=route, method=method, status=status)


def create_app(
    container_factory: Callable[[], Container],
    authenticator: Authenticator,
    *,
    dispatcher: JobDispatcher | None = None,
    wait_timeout: float = 5.0,
    max_ready_lag: int = 1000,
    threads: int | None = None,
    background: Callable[[], Callable[[], None]] | None = None,
) -> FastAPI:
    """Build the API. ``container_factory`` is called once, on first use; ``dispatcher`` hands jobs to the
    worker (server mode) — without one, jobs run in-process after the response (embedded mode).

    ``threads``: size of the thread pool the (synchronous) routes run in (default: anyio's 40); sized to
    the database pools in server mode so that requests queue in the pool, not on a connection.
    ``background``: started with the app, returns its stopper (server mode: the sealer and the projection
    follower, ``interfaces.follow.start_followers``)."""
    api = ApiState(
        container_factory=container_factory,
        authenticator=authenticator,
        dispatcher=dispatcher,
        wait_timeout=wait_timeout,
        max_ready_lag=max_ready_lag,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        stop = background() if background is not None else None
        try:
            yield
        finally:
            if stop is not None:
                stop()
            api.close()

    app = FastAPI(
        title="juminzei clerk API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
    )
    app.state.api = api
    problems.install(app, log)

    app.add_middleware(ObserveMiddleware, metrics=api.metrics)
    app.include_router(ops_router)
    app.include_router(registry_router)
    app.include_router(tax_router)
    return app
