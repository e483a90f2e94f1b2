"""Run one use case from a CLI command and show its result (the shape nearly every command has).

A command parses its options into a message, calls :func:`run_as` (the operator named by ``--as``) or
:func:`run_unattributed` (reads of aggregates only), then :func:`emit` prints the JSON or the clerk's line.
Each call builds its own container, so the audit log is sealed and the store closed before anything is
printed, exactly as ``with container(...)`` around :func:`~interfaces.cli.common.execute` does.
"""

from __future__ import annotations

from typing import Any, TypeVar

from application.usecases.base import Message
from interfaces.cli.common import (
    console,
    container,
    execute,
    principal,
    print_json,
    settings,
    system_principal,
)

T = TypeVar("T")


def run_as(as_: str | None, message: Message[T], *, wait: bool = False) -> T:
    """Run ``message`` as the operator ``as_`` (``principal(as_, cfg)``); refusals exit as ``execute`` says."""
    with container(cfg=settings()) as c:
        return execute(c, message, principal(as_, c.settings), wait=wait)


def run_unattributed(message: Message[T]) -> T:
    """Run a read of aggregates (no personal data, nothing journaled) as ``system_principal(cfg)``."""
    with container(cfg=settings()) as c:
        return execute(c, message, system_principal(c.settings))


def emit(json_out: bool, data: Any, text: str, **print_options: Any) -> None:
    """``--json``: print ``data`` as JSON; otherwise print the clerk's line ``text``."""
    if json_out:
        print_json(data)
    else:
        console.print(text, **print_options)
