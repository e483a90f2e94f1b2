"""Long-running followers for server mode: the projection follower and the audit sealer (issue 17).

Each runs one step (catch-up, or seal) every ``interval`` seconds until SIGTERM/SIGINT, or for
``max_iterations`` steps (tests, cron). On PostgreSQL a follower first takes a session advisory lock of
its kind, so however many are started (a unit on each of two hosts) only one works at a time and the
others wait as hot standbys; the lock is released when the process ends, however it ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from interfaces.bootstrap import Container

from interfaces.bootstrap.unit_of_work import projection_step, seal_step

log = structlog.get_logger(__name__)

#: Session advisory-lock keys (distinct from the seal transaction's own lock in merkle_log).
FOLLOWER_LOCKS = {"projections": 7_215_030_101, "sealer": 7_215_030_102}


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (restored afterwards); main thread only."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("follower.stopping", signal=signum)
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def single_follower(database_url: str, kind: str, stop: threading.Event, interval: float) -> Iterator[bool]:
    """Hold the follower lock of ``kind`` on PostgreSQL (wait for it); no-op elsewhere.

    Yields False if asked to stop before the lock was obtained.
    """
    if not database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        yield True
        return
    import psycopg

    conn = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
    try:
        key = FOLLOWER_LOCKS[kind]
        waiting_logged = False
        while not stop.is_set():
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if row and row[0]:
                break
            if not waiting_logged:
                log.info("follower.standby", kind=kind)
                waiting_logged = True
            stop.wait(interval)
        else:
            yield False
            return
        log.info("follower.active", kind=kind)
        yield True
    finally:
        conn.close()


def run_follower(
    step: Callable[[], int],
    *,
    stop: threading.Event,
    interval: float,
    max_iterations: int | None = None,
    on_step: Callable[[int, int], None] | None = None,
    wake: threading.Event | None = None,
) -> int:
    """Call ``step`` (returns how much it did) until stopped; returns the total done. When idle it waits
    ``interval`` seconds, or less when ``wake`` is set (a request handed over a committed position)."""
    total = 0
    iterations = 0
    while not stop.is_set():
        done = step()
        total += done
        iterations += 1
        if on_step is not None:
            on_step(iterations, done)
        if max_iterations is not None and iterations >= max_iterations:
            break
        if done == 0:  # idle: sleep until woken; busy: go straight on
            if wake is None:
                stop.wait(interval)
            else:
                wake.wait(interval)
                wake.clear()
    return total


FOLLOWER_STEPS: dict[str, Callable[[Container], int]] = {"sealer": seal_step, "projections": projection_step}


def start_followers(
    c: Container,
    stop: threading.Event,
    *,
    interval: float = 0.2,
    kinds: tuple[str, ...] = ("sealer", "projections"),
) -> list[threading.Thread]:
    """Server mode inside ``juminzei serve`` (and ``juminzei worker``): the sealer and the projection
    follower as daemon threads on ``c``, each behind its session advisory lock (so with several API
    processes, or ``audit seal --follow`` running on another host, one works and the rest stand by), woken
    by ``c.handoff`` when a request commits. A failing step is logged and retried after ``interval``."""
    wakers = {kind: (c.handoff.subscribe() if c.handoff is not None else None) for kind in kinds}

    def run(kind: str) -> None:
        step = FOLLOWER_STEPS[kind]

        def guarded() -> int:
            try:
                return step(c)
            except Exception as error:  # the database went away, a seal was refused: log, retry
                log.error("follower.step_failed", kind=kind, error=type(error).__name__)
                return 0

        with single_follower(c.settings.database_url, kind, stop, interval) as active:
            if active:
                run_follower(guarded, stop=stop, interval=interval, wake=wakers[kind])

    threads = [
        threading.Thread(target=run, args=(kind,), name=f"juminzei-{kind}", daemon=True) for kind in kinds
    ]
    for thread in threads:
        thread.start()
    return threads


def stop_followers(stop: threading.Event, threads: list[threading.Thread], c: Container | None) -> None:
    """Stop the follower threads (waking them) and wait for them briefly."""
    stop.set()
    if c is not None and c.handoff is not None:
        c.handoff.committed(0)
    for thread in threads:
        thread.join(timeout=10)
