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
from typing import Any

import structlog

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
) -> int:
    """Call ``step`` (returns how much it did) until stopped; returns the total done."""
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
        if done == 0:
            stop.wait(interval)  # idle: sleep; busy: go straight on
    return total
