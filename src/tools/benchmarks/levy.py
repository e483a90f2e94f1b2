"""``bench levy``: import + match + levy + projections, batched against the naive path."""

from __future__ import annotations

from pathlib import Path

from tools.benchmarks.common import (
    DEFAULT_ADMIN_URL,
    BenchResult,
    fresh_container,
    peak_rss_mib,
    work_directory,
)
from tools.benchmarks.workload import PipelineRun, generate_ward, run_pipeline


def bench_levy(
    taxpayers: int,
    *,
    seed: int = 42,
    fiscal_year: int = 2026,
    backend: str = "postgres",
    admin_url: str = DEFAULT_ADMIN_URL,
    baseline: bool = True,
    workdir: Path | None = None,
    levy_workers: int = 2,
) -> BenchResult:
    """Import + match + levy + projections, batched (ours) against the naive one-save-per-aggregate path.

    Ours runs the levy in ``levy_workers`` processes (``levy run --workers``; PostgreSQL only); the naive
    path is one process, one save per aggregate per command."""
    with work_directory(workdir) as work:
        manifest, data_dir, generate_seconds = generate_ward(work, taxpayers, seed, fiscal_year)
        with fresh_container(backend, "ours", work, admin_url) as c:
            worker_peaks: list[float] = []
            ours = run_pipeline(
                c, manifest, data_dir, levy_workers=levy_workers, worker_peaks_mib=worker_peaks
            )
        peak = peak_rss_mib()
        naive: PipelineRun | None = None
        if baseline:
            with fresh_container(backend, "naive", work, admin_url) as c:
                naive = run_pipeline(c, manifest, data_dir, naive=True)
            if naive.outcome() != ours.outcome():  # a faster path must compute the same levy
                raise RuntimeError(f"batched and naive runs disagree: {ours.outcome()} != {naive.outcome()}")
    value = ours.taxpayers / ours.seconds if ours.seconds else 0.0
    base = naive.taxpayers / naive.seconds if naive and naive.seconds else 0.0
    return BenchResult.compared(
        "levy",
        value,
        "taxpayers/s",
        baseline=base,
        details={
            "backend": backend,
            "levy_workers": levy_workers if backend == "postgres" else 1,
            "baseline_levy_workers": 1,
            "taxpayers": ours.taxpayers,
            "levied": ours.levied,
            "records_imported": ours.records,
            "events": ours.events,
            "seconds": round(ours.seconds, 2),
            "events_per_s": round(ours.events / ours.seconds, 1) if ours.seconds else 0.0,
            "seconds_by_phase": ours.phases,
            "baseline_seconds": round(naive.seconds, 2) if naive else None,
            "baseline_seconds_by_phase": naive.phases if naive else None,
            "baseline_events": naive.events if naive else None,
            "generate_seconds": round(generate_seconds, 2),
            "generate_taxpayers_per_s": round(taxpayers / generate_seconds, 1) if generate_seconds else 0.0,
            "peak_rss_mib": round(peak, 1),
            # Each levy worker is a process of its own, running beside this one.
            "peak_rss_levy_workers_mib": [round(w, 1) for w in worker_peaks],
            "total_tax": ours.total_tax,
        },
    )
