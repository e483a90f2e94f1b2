"""The use-case layer: typed commands and queries, their handlers, and the bus every entry point calls.

Every entry point — the CLI, the HTTP API, the background worker (and the console to come) — parses its
input into a command object, hands it with the verified principal to ``UseCases.execute``, and renders the
typed result. What surrounds each handler call is decided here once, not by each caller (issue 21):

1. the principal is authorised for the command (``Authorizer``; the identity work plugs its policy in);
2. a batch command holds its batch lock for its 年度 (one run at a time, ADR 0021);
3. read models are brought up to date first where the handler reads them;
4. after the handler, new events are projected (read-your-writes) and handed to the sealer (DESIGN §7).

Steps 3 and 4 are the unit of work's (``UnitOfWork``), implemented in the composition root.
"""

from __future__ import annotations

import inspect
import typing
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose

R = TypeVar("R")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Principal:
    """Who acts (操作者): a signed-in staff member, an issued job credential, or a configured operator.

    ``kind`` says how the identity was established; the access journal and every event record ``actor``.
    """

    actor: str
    terminal: str
    kind: str = "staff"
    roles: frozenset[str] = frozenset()
    #: For a job credential: the 所属長 who issued it (recorded beside the job id).
    issued_by: str | None = None


class Message(Generic[R]):
    """A command or query whose handler returns ``R``. Class attributes tell the bus how to run it."""

    #: 利用目的 under which the use case runs (events and access records carry it).
    purpose: ClassVar[Purpose]
    #: Batch kind (``application.batches.BATCH_LABELS``) when only one run at a time may proceed.
    batch: ClassVar[str | None] = None
    #: Whether the handler reads read models, which must first include every stored event.
    reads_read_models: ClassVar[bool] = True

    def declared_purpose(self) -> Purpose:
        """The purpose this call runs under: the use case's own, unless the message lets the caller declare
        one in an ``as_purpose`` field (問合せ, 監査 queries, 宛名検索 …)."""
        declared = getattr(self, "as_purpose", None)
        return declared if isinstance(declared, Purpose) else self.purpose

    def batch_scope(self) -> str:
        """The batch lock's scope: the 年度 where the command has one."""
        year = getattr(self, "fiscal_year", None)
        return "" if year is None else str(year)


class Command(Message[R]):
    """Changes state; its events are projected and sealed after it succeeds."""


class Query(Message[R]):
    """Reads; a read of personal data is journaled by the handler's query service."""


@dataclass(frozen=True)
class Call:
    """One execution: the command context (actor, purpose, command id, terminal) and per-call options."""

    context: CommandContext
    principal: Principal
    progress: Progress | None = None
    #: Wait for another run of the same batch instead of refusing (``--wait``).
    wait: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


class UnitOfWork(Protocol):
    """What surrounds a handler call (implemented in ``interfaces.bootstrap``)."""

    def head(self) -> int:
        """The notification position of the newest stored event."""
        ...

    def refresh_read_models(self) -> None:
        """Apply every stored event to the read models (exactly once)."""
        ...

    def hold_batch(self, kind: str, scope: str, *, wait: bool) -> AbstractContextManager[None]:
        """The one run of batch ``kind`` for ``scope``; raises ``BatchAlreadyRunningError`` if taken."""
        ...

    def committed(self, head_before: int) -> None:
        """After a handler: project new events (read-your-writes) and hand them to the sealer."""
        ...


class Authorizer(Protocol):
    def __call__(self, principal: Principal, message: Message[Any], /) -> str | None:
        """Raise ``DomainError(code="forbidden")`` if ``principal`` may not run ``message`` (after journaling
        the refusal); otherwise return the decision id (or None when no decision was needed)."""
        ...


def allow_all(principal: Principal, message: Message[Any], /) -> str | None:
    """Attribution only — for unit tests of the bus itself; the composition root wires
    ``application.access.AccessPolicy`` for every entry point."""
    return None


class UnknownUseCaseError(LookupError):
    """No handler is registered for a message type (a wiring bug, never a clerk's input)."""


class UseCases:
    """The bus: one handler per message type, each call wrapped in the unit of work."""

    def __init__(self, uow: UnitOfWork, authorize: Authorizer = allow_all) -> None:
        self._uow = uow
        self.authorize = authorize
        self._handlers: dict[type[Message[Any]], Callable[[Any, Call], Any]] = {}

    def register(self, message_type: type[Message[R]], handler: Callable[[Any, Call], R]) -> None:
        if message_type in self._handlers:
            raise ValueError(f"a handler for {message_type.__name__} is already registered")
        self._handlers[message_type] = handler

    def register_handlers(self, handlers: object) -> None:
        """Register every public method of ``handlers`` whose first parameter is typed with a message
        class (``def show(self, query: ShowAssessment, call: Call)``) as the handler of that message."""
        for name in dir(handlers):
            method = getattr(handlers, name)
            if name.startswith("_") or not inspect.ismethod(method):
                continue
            first = next(iter(inspect.signature(method).parameters), None)
            message_type = typing.get_type_hints(method).get(first) if first else None
            if isinstance(message_type, type) and issubclass(message_type, Message):
                self.register(message_type, method)

    def registered(self) -> list[type[Message[Any]]]:
        return list(self._handlers)

    def execute(
        self,
        message: Message[R],
        principal: Principal,
        *,
        command_id: str | None = None,
        source_ref: str | None = None,
        progress: Progress | None = None,
        wait: bool = False,
        **extras: Any,
    ) -> R:
        """Run ``message`` as ``principal``: authorise, lock, freshen, handle, project and seal."""
        handler = self._handlers.get(type(message))
        if handler is None:
            raise UnknownUseCaseError(type(message).__name__)
        head_before = self._uow.head()
        try:
            decision_id = self.authorize(principal, message)
        except DomainError:
            # The refusal was journaled: project and seal it like any other event.
            if self._uow.head() != head_before:
                self._uow.committed(head_before)
            raise
        if source_ref is None and principal.issued_by:
            source_ref = f"issued-by:{principal.issued_by}"
        context = CommandContext(
            actor=principal.actor,
            purpose=message.declared_purpose(),
            command_id=command_id or f"{principal.terminal}:{decision_id or uuid.uuid4()}",
            source_ref=source_ref,
            terminal=principal.terminal,
        )
        call = Call(context=context, principal=principal, progress=progress, wait=wait, extras=extras)
        if message.batch is not None:
            with self._uow.hold_batch(message.batch, message.batch_scope(), wait=wait):
                return cast(R, self._run(handler, message, call))
        return cast(R, self._run(handler, message, call))

    def _run(self, handler: Callable[[Any, Call], Any], message: Message[Any], call: Call) -> Any:
        head_before = self._uow.head()
        if message.reads_read_models:
            self._uow.refresh_read_models()
        try:
            return handler(message, call)
        finally:
            # Also after a refusal: what a handler stored before refusing (e.g. an access record of the
            # attempt) is projected and sealed like any other event.
            if self._uow.head() != head_before:
                self._uow.committed(head_before)


class InvalidCommandError(DomainError):
    """A command's input is wrong: ``field`` names it (CLI exit 2, HTTP 422)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, code="invalid_command")
        self.field = field


class StaleVersionError(DomainError):
    """The caller changed an aggregate at a version that is no longer current (HTTP 412 with the ETag)."""

    def __init__(self, what: str, expected: int, current: int) -> None:
        super().__init__(
            f"この{what}は他の操作で更新されています（指定の版 {expected}、現在の版 {current}）。"
            "最新の内容を照会してから操作し直してください。",
            code="version_mismatch",
        )
        self.expected = expected
        self.current = current
