"""What the route modules share: a read after waiting for a position, and a command run once per key.

Built on :mod:`interfaces.http.core` (state, idempotency, principals); a route parses its input, names the
use case and how its result is presented, and leaves the unit of work to the bus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response

from application.usecases.base import Message
from interfaces.bootstrap import Container
from interfaces.http.auth import Principal
from interfaces.http.core import Outcome, principal_of, run_command, state, wait_for

T = TypeVar("T")


def read_view(request: Request, min_position: int | None = None) -> Container:
    """The request's container once every projection has reached ``min_position`` (reads after writes)."""
    st = state(request)
    c = st.container()
    wait_for(st, c, min_position)
    return c


def execute_once(
    request: Request,
    who: Principal,
    key: str | None,
    payload: Any,
    command: Message[T],
    present: Callable[[T], Outcome | dict[str, Any]],
) -> Response:
    """Run ``command`` as the request's principal, once per ``Idempotency-Key``; ``present`` its result
    (a JSON body, or an :class:`Outcome` that sets the status, headers or media type)."""

    def run(c: Container) -> Outcome:
        shown = present(c.use_cases.execute(command, principal_of(who)))
        return shown if isinstance(shown, Outcome) else Outcome(shown)

    return run_command(request, who, key, payload, run)
