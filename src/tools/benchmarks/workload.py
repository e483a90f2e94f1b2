"""The workload most benchmarks measure: a generated ward taken through import → match → levy →
projections, on a fresh store."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container
from tools.benchmarks.common import BENCH_ACTOR, DEFAULT_ADMIN_URL, fresh_container, work_directory
from tools.synthetic.generator import generate


@dataclass
class PipelineRun:
    """What one end-to-end run (import → match → levy → projections) did and how long it took."""

    seconds: float
    events: int
    taxpayers: int
    levied: int
    non_taxable: int
    skipped: int
    total_tax: int
    records: int
    phases: dict[str, float] = field(default_factory=dict)

    def outcome(self) -> tuple[int, int, int, int, int]:
        return (self.taxpayers, self.levied, self.non_taxable, self.skipped, self.total_tax)


def run_pipeline(
    c: Container,
    manifest: dict[str, Any],
    data_dir: Path,
    *,
    naive: bool = False,
    levy_workers: int = 1,
    worker_peaks_mib: list[float] | None = None,
) -> PipelineRun:
    """Import every manifest file, match, run the 当初賦課 and bring every projection up to date.

    ``naive=True`` is the baseline: one eventsourcing ``save`` per aggregate per command (chunk size 1 in
    intake and levy) in one process — the same code path and guarantees, without batching.
    ``levy_workers`` runs the levy in that many processes (``levy run --workers``; PostgreSQL only).
    """
    from adapters.formats.registry import read_file
    from interfaces.parallel_levy import run_levy

    if naive:
        c.intake.chunk_size = 1
        c.levy.chunk_size = 1
    fiscal_year = int(manifest["fiscal_year"])
    phases = {"parse": 0.0, "import": 0.0, "projections": 0.0, "levy": 0.0}
    started = time.perf_counter()
    records = 0

    def timed(phase: str, fn: Callable[[], Any]) -> Any:
        begin = time.perf_counter()
        value = fn()
        phases[phase] += time.perf_counter() - begin
        return value

    for entry in manifest["files"]:
        received = timed("parse", functools.partial(read_file, entry["kind"], data_dir / entry["path"]))
        ctx = CommandContext(
            actor=BENCH_ACTOR, purpose=Purpose.INTAKE, command_id=f"bench:{received.sha256[:16]}"
        )
        timed("projections", c.runner.catch_up)  # matching reads the registry projection
        summary = timed("import", functools.partial(c.intake.import_file, received, ctx))
        records += summary.received
    timed("projections", c.runner.catch_up)
    levy_ctx = CommandContext(
        actor=BENCH_ACTOR, purpose=Purpose.INITIAL_LEVY, command_id=f"bench-levy:{fiscal_year}"
    )
    workers = 1 if naive else levy_workers
    levy = timed(
        "levy",
        lambda: run_levy(c, fiscal_year, levy_ctx, workers=workers, worker_peaks_mib=worker_peaks_mib),
    )
    timed("projections", c.runner.catch_up)
    seconds = time.perf_counter() - started
    return PipelineRun(
        seconds=seconds,
        events=c.app.head(),
        taxpayers=levy.levied + levy.non_taxable + levy.skipped_total,
        levied=levy.levied,
        non_taxable=levy.non_taxable,
        skipped=levy.skipped_total,
        total_tax=levy.total_tax,
        records=records,
        phases={k: round(v, 2) for k, v in phases.items()},
    )


def generate_ward(
    workdir: Path, taxpayers: int, seed: int, fiscal_year: int
) -> tuple[dict[str, Any], Path, float]:
    """Generate a synthetic ward under ``workdir/data``: (manifest, data directory, seconds taken)."""
    data_dir = workdir / "data"
    started = time.perf_counter()
    manifest = generate(data_dir, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year)
    return manifest, data_dir, time.perf_counter() - started


@contextmanager
def populated_container(
    taxpayers: int,
    *,
    backend: str,
    seed: int = 42,
    fiscal_year: int = 2026,
    admin_url: str = DEFAULT_ADMIN_URL,
) -> Iterator[tuple[Container, PipelineRun]]:
    """A fresh store holding one synthetic ward after its levy (for the read-side benchmarks)."""
    with work_directory(None) as work:
        manifest, data_dir, _ = generate_ward(work, taxpayers, seed, fiscal_year)
        with fresh_container(backend, "read", work, admin_url) as c:
            yield c, run_pipeline(c, manifest, data_dir)
