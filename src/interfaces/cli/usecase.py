"""Run one use case from a CLI command and show its result (the shape nearly every command has).

A command parses its options into a message, calls :func:`run_as` (the operator named by ``--as``) or
:func:`run_unattributed` (reads of aggregates only), then :func:`emit` prints the JSON or the clerk's line.
Each call builds its own container, so the audit log is sealed and the store closed before anything is
printed, exactly as ``with container(...)`` around :func:`~interfaces.cli.common.execute` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.progress import Progress

from application.usecases.base import Message
from interfaces.cli import common

T = TypeVar("T")


def run_as(
    as_: str | None,
    message: Message[T],
    *,
    wait: bool = False,
    progress: Callable[[int, int], None] | None = None,
    second_persons: tuple[str, ...] = (),
) -> T:
    """Run ``message`` as the signed-in staff member ``as_`` (``principal(as_, c)``); refusals exit as
    ``execute`` says. ``second_persons``: other people the command records (e.g. both parties of a
    handover) — each must be signed in on this terminal under their own factors (exit 2 otherwise)."""
    with common.container(cfg=common.settings()) as c:
        who = common.principal(as_, c)
        for person in second_persons:
            if person.strip() and person.strip() != who.actor:
                common.resolve_principal(c, person.strip())
        return common.execute(c, message, who, wait=wait, progress=progress)


def run_showing_progress(
    as_: str | None, message: Message[T], label: str, *, show: bool, wait: bool = False
) -> T:
    """:func:`run_as` behind a transient progress bar named ``label`` (none when not ``show``, e.g. ``--json``)."""
    if not show:
        return run_as(as_, message, wait=wait)
    with Progress(console=common.console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        return run_as(
            as_,
            message,
            wait=wait,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def run_unattributed(message: Message[T]) -> T:
    """Run a read of aggregates as the signed-in staff member (the default session; ``--as`` is not
    offered). Only the process's own upkeep (``application.access.SYSTEM_MESSAGES``) runs unattributed."""
    from application.access import SYSTEM_MESSAGES

    with common.container(cfg=common.settings()) as c:
        who = (
            common.system_principal(c.settings)
            if type(message) in SYSTEM_MESSAGES
            else common.resolve_principal(c, None)
        )
        return common.execute(c, message, who)


def emit(json_out: bool, data: Any, text: str, **print_options: Any) -> None:
    """``--json``: print ``data`` as JSON; otherwise print the clerk's line ``text``."""
    if json_out:
        common.print_json(data)
    else:
        common.console.print(text, **print_options)


def emit_totals(json_out: bool, totals: dict[str, int]) -> None:
    """``--json``: the totals as JSON; otherwise one ``name: 1,234`` line each."""
    if json_out:
        common.print_json(totals)
        return
    for key, value in totals.items():
        common.console.print(f"{key}: {value:,}")
