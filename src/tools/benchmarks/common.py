"""What every benchmark shares: the result type, fresh throw-away stores and work directories."""

from __future__ import annotations

import base64
import hashlib
import os
import resource
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from adapters.settings import Settings
from interfaces.bootstrap import Container, build

BENCH_ACTOR = "job:bench"
DEFAULT_ADMIN_URL = os.environ.get("JUMINZEI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class BenchResult:
    """One benchmark's figures. ``value`` and ``baseline`` are rates in ``unit``; ``ratio = value / baseline``."""

    name: str
    value: float
    unit: str
    baseline: float
    ratio: float
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def compared(
        cls, name: str, value: float, unit: str, *, baseline: float, details: dict[str, Any]
    ) -> BenchResult:
        """A result with its ratio to ``baseline`` (0 when there is no baseline)."""
        return cls(name, value, unit, baseline, ratio(value, baseline), details)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 2),
            "unit": self.unit,
            "baseline": round(self.baseline, 2),
            "ratio": float(f"{self.ratio:.4g}"),  # significant digits: calc ratios are small
            **self.details,
        }


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline > 0 else 0.0


def rate(count: int, seconds: float) -> float:
    """``count`` per second (0 when no time was measured)."""
    return count / seconds if seconds else 0.0


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def fresh_container(
    backend: str, label: str, workdir: Path, admin_url: str = DEFAULT_ADMIN_URL
) -> Iterator[Container]:
    """A migrated, empty store of ``backend`` (``sqlite`` or ``postgres``), removed afterwards."""
    var_dir = workdir / f"var-{label}"
    var_dir.mkdir(parents=True, exist_ok=True)
    master_key = base64.b64encode(hashlib.sha256(f"bench:{label}".encode()).digest()).decode()
    dropper: Callable[[], None] = lambda: None  # noqa: E731
    if backend == "sqlite":
        url = f"sqlite:///{var_dir / 'bench.db'}"
    elif backend == "postgres":
        url, dropper = _create_postgres_database(admin_url, f"juminzei_bench_{label}_{os.getpid()}")
    else:
        raise ValueError(f"unknown backend {backend!r} (sqlite or postgres)")
    cfg = Settings(database_url=url, master_key=master_key, var_dir=var_dir, log_level="ERROR")
    container = build(cfg, upgrade=True)
    try:
        yield container
    finally:
        container.close()
        dropper()


def _create_postgres_database(admin_url: str, name: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment)), drop


@contextmanager
def work_directory(keep: Path | None) -> Iterator[Path]:
    """``keep`` if given (created, left in place), else a temporary directory removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    path = Path(tempfile.mkdtemp(prefix="juminzei-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
