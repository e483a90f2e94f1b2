"""``BatchLock`` adapters: PostgreSQL advisory locks, or ``flock`` on files for SQLite (ADR 0021)."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from application.batches import BATCH_LABELS, BatchAlreadyRunningError


def _key(kind: str, scope: str) -> int:
    """A stable signed 64-bit advisory-lock key of the batch kind and scope."""
    digest = hashlib.blake2b(f"juminzei:batch:{kind}:{scope}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _check(kind: str) -> None:
    if kind not in BATCH_LABELS:
        raise ValueError(f"unknown batch kind {kind!r}")


class PostgresBatchLock:
    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)

    @contextmanager
    def hold(self, kind: str, scope: str = "", *, wait: bool = False) -> Iterator[None]:
        import psycopg

        _check(kind)
        key = _key(kind, scope)
        with psycopg.connect(self.url, autocommit=True) as conn:
            if wait:
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            else:
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
                if not (row and row[0]):
                    raise BatchAlreadyRunningError(kind, scope)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


class FileBatchLock:
    """Exclusive ``flock`` on ``directory/<kind>-<scope>.lock`` (one machine: the embedded store)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @contextmanager
    def hold(self, kind: str, scope: str = "", *, wait: bool = False) -> Iterator[None]:
        _check(kind)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{kind}-{scope or 'all'}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise BatchAlreadyRunningError(kind, scope) from None
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
