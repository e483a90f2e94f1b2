"""The unit of work around every use-case call, and the one sealer per process (DESIGN §7, issue 21).

``ContainerUnitOfWork`` is what ``application.usecases.UseCases`` runs each handler in: read models brought
up to date before a handler that reads them, the batch lock, and after a handler that stored events their
projection (read-your-writes) and their sealing into the Merkle audit log. Interfaces never do these
themselves.

Server mode (``juminzei serve`` on PostgreSQL, issue 15, ADR 0024) hands that work off instead: a container
with a :class:`Handoff` neither catches up nor seals on the request path. The handler's events (an access
record for a journaled read) are committed before it returns — fail closed stays — and the committed
position is handed to the one sealer and the one projection follower (``interfaces.follow``; session
advisory locks make them single across processes and hosts), which wake up and work continuously. A
handler that reads read models still brings them up to date first; the seal lag is in ``/readyz`` and
``/metrics``.
"""

from __future__ import annotations

import threading
import time
import weakref
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from interfaces.bootstrap import Container

log = structlog.get_logger(__name__)

#: Serialises catch-up and audit sealing inside one process (API threads and worker threads).
PROCESS_LOCK = threading.RLock()


class Handoff:
    """Server mode: committed positions go to the followers (sealer, projections) instead of being sealed
    and projected by the request that stored them. Each follower subscribes an event it waits on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakers: list[threading.Event] = []
        #: Highest position handed over by this process (for the followers' logs and tests).
        self.handed = 0

    def subscribe(self) -> threading.Event:
        waker = threading.Event()
        with self._lock:
            self._wakers.append(waker)
        return waker

    def committed(self, position: int) -> None:
        with self._lock:
            self.handed = max(self.handed, position)
            wakers = list(self._wakers)
        for waker in wakers:
            waker.set()


def handoff(c: Container) -> Handoff | None:
    """The container's handoff in server mode, else None (embedded mode: settle on the request path)."""
    found: Handoff | None = getattr(c, "handoff", None)
    return found


def write_mark(c: Container) -> int:
    """A mark that changes when the calling thread stores events: the head in embedded mode; in server mode
    the thread's last recorded position (no database round trip)."""
    if handoff(c) is not None:
        return c.app.recorded_position()
    return c.app.head()


def catch_up(c: Container) -> dict[str, int]:
    """Apply every stored event to the read models (exactly once), one catch-up at a time per process."""
    with PROCESS_LOCK:
        return c.runner.catch_up()


def seal_step(c: Container) -> int:
    """One round of the sealer: seal what is committed and not yet sealed; how many events it sealed.
    Idle rounds cost two indexed reads (head, last leaf), not a seal transaction."""
    from adapters.audit.merkle_log import seal, sealed_position

    if c.app.head() <= sealed_position(c):
        return 0
    return seal(c).sealed


def projection_step(c: Container) -> int:
    """One round of the projection follower: catch every read model up; how many events it applied."""
    return sum(catch_up(c).values())


class SealGroup:
    """Group commit for audit sealing (DESIGN §7): threads that wrote concurrently share one seal.

    A caller returns only once the log is sealed at least through the position it saw after its own write,
    so every answered request's events are sealed, exactly as with one seal per request; but 50 concurrent
    journaled reads cost a few seals instead of 50 serialised ones. One seal runs at a time per process
    (the database lock in ``seal`` serialises processes).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._sealed_through = 0
        self._running = False

    def seal_through(self, c: Container, position: int) -> None:
        from adapters.audit.merkle_log import AuditLogError, seal
        from adapters.audit.signing import AuditKeyError

        with self._cond:
            while self._sealed_through < position:
                if not self._running:
                    self._running = True
                    break
                self._cond.wait()
            else:
                return
        reached: int | None = None
        try:
            with PROCESS_LOCK:
                reached = seal(c).last_position
        except (AuditLogError, AuditKeyError) as error:
            log.error("audit.seal_failed", error=type(error).__name__)
        finally:
            with self._cond:
                self._running = False
                if reached is not None:
                    self._sealed_through = max(self._sealed_through, reached)
                self._cond.notify_all()


#: One group per application (i.e. per database): a position sealed in one store says nothing of another.
_SEAL_GROUPS: weakref.WeakKeyDictionary[Any, SealGroup] = weakref.WeakKeyDictionary()
_SEAL_GROUPS_LOCK = threading.Lock()


def seal_if_changed(c: Container, head_before: int) -> None:
    """Seal new events into the Merkle audit log like the CLI does after each command (DESIGN §7)."""
    head = c.app.head()
    if head == head_before:
        return
    with _SEAL_GROUPS_LOCK:
        group = _SEAL_GROUPS.get(c.app)
        if group is None:
            group = _SEAL_GROUPS[c.app] = SealGroup()
    group.seal_through(c, head)


def settle(c: Container, head_before: int) -> None:
    """After a change: project the new events (read-your-writes) and seal them; a projection failure is
    logged (the change is committed; the projection's status shows the error)."""
    try:
        catch_up(c)
    except Exception as error:
        log.error("projection.catch_up_failed", error=type(error).__name__)
    seal_if_changed(c, head_before)


def projected_through(c: Container, position: int, *, timeout: float) -> bool:
    """Wait (bounded) until every read model has applied ``position``; whether it did in time."""
    deadline = time.monotonic() + timeout
    while True:
        with PROCESS_LOCK:
            try:
                c.runner.catch_up()
            except Exception as error:
                log.error("projection.catch_up_failed", error=type(error).__name__)
            positions = [c.runner.position(name) for name in c.runner.projections]
        if min(positions, default=position) >= position:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def after_write(c: Container, mark_before: int) -> None:
    """What a command stored outside the use cases (the staff registry, a refusal) is projected and sealed
    (or, in server mode, handed to the followers)."""
    if write_mark(c) != mark_before:
        settle_or_hand_off(c, mark_before)


def settle_or_hand_off(c: Container, mark_before: int) -> None:
    """After a change: settle it here (embedded mode) or hand its position to the followers (server mode)."""
    found = handoff(c)
    if found is None:
        settle(c, mark_before)
    elif c.app.recorded_position() != mark_before:
        found.committed(c.app.recorded_position())


class ContainerUnitOfWork:
    """``application.usecases.UnitOfWork`` over a container (embedded mode, or server mode with a handoff)."""

    def __init__(self, container: Container) -> None:
        self._c = container

    def head(self) -> int:
        return write_mark(self._c)

    def refresh_read_models(self) -> None:
        # Also in server mode: a handler that reads read models sees every committed event (the follower
        # keeps them current, so this usually finds nothing to apply). The hot journaled reads of one
        # taxpayer read the event store and skip this (``reads_read_models = False``).
        catch_up(self._c)

    def hold_batch(self, kind: str, scope: str, *, wait: bool) -> AbstractContextManager[None]:
        return self._c.batch_lock.hold(kind, scope, wait=wait)

    def committed(self, head_before: int) -> None:
        settle_or_hand_off(self._c, head_before)


__all__: list[Any] = [
    "PROCESS_LOCK",
    "ContainerUnitOfWork",
    "Handoff",
    "SealGroup",
    "catch_up",
    "projected_through",
    "seal_if_changed",
    "settle",
    "settle_or_hand_off",
    "write_mark",
]
