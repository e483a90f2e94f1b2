"""The FastAPI application factory: ``create_app(container_factory, authenticator)``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import Response

from interfaces.bootstrap import Container
from interfaces.http import problems
from interfaces.http.auth import Authenticator
from interfaces.http.core import ApiState, JobDispatcher
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


def create_app(
    container_factory: Callable[[], Container],
    authenticator: Authenticator,
    *,
    dispatcher: JobDispatcher | None = None,
    wait_timeout: float = 5.0,
    max_ready_lag: int = 1000,
) -> FastAPI:
    """Build the API. ``container_factory`` is called once, on first use; ``dispatcher`` hands jobs to the
    worker (server mode) — without one, jobs run in-process after the response (embedded mode)."""
    api = ApiState(
        container_factory=container_factory,
        authenticator=authenticator,
        dispatcher=dispatcher,
        wait_timeout=wait_timeout,
        max_ready_lag=max_ready_lag,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
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

    @app.middleware("http")
    async def observe(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response: Response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", None) or "(unmatched)"
            api.metrics.observe(route, request.method, status, time.perf_counter() - started)
            log.info("http.request", route=route, method=request.method, status=status)

    app.include_router(ops_router)
    app.include_router(registry_router)
    app.include_router(tax_router)
    return app
