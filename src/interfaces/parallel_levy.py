"""当初賦課 over several worker processes (issue 9; ADR 0015 step 2: parallel levy workers).

The levy is CPU-bound per taxpayer (loading the facts, the engine with its trace, encoding the event),
and one Python process uses one core. ``run_levy`` splits the candidates into the levy's chunks and
deals the chunks round-robin to ``workers`` processes; each process builds its own container from the
same settings and runs ``LevyService.run`` over its share (``only=``). Nothing else changes:

* the events are the same as one process would store — assessment ids are deterministic (taxpayer ×
  年度) and each taxpayer's command id is derived the same way; the shares are disjoint, so no taxpayer
  is assessed twice, and a taxpayer already assessed is skipped as always;
* each chunk is still one transaction; the event store serialises the inserts (notification order);
* a failing worker does not stop the others; the run then raises. What was saved stays saved and a
  rerun completes the rest, as with one process.

SQLite has a single writer, so more processes only wait for each other there; the in-memory store (POPO)
lives in one process. On both, ``run_levy`` runs in this process.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from uuid import UUID

from adapters.persistence.stores import parse_database_url
from adapters.settings import Settings
from application.assessment.levy import LevyRunResult
from domain.shared.events import CommandContext
from interfaces.bootstrap import Container, build


def run_levy(
    c: Container,
    fiscal_year: int,
    ctx: CommandContext,
    *,
    workers: int = 1,
    only: Sequence[UUID] | None = None,
    progress: Callable[[int, int], None] | None = None,
    worker_peaks_mib: list[float] | None = None,
) -> LevyRunResult:
    """当初賦課 (or 随時賦課 of ``only``) in ``workers`` processes on PostgreSQL, else in this one.

    ``worker_peaks_mib`` receives each worker's peak resident set size (for ``bench levy``)."""
    cfg = c.settings
    if workers <= 1 or parse_database_url(cfg.database_url).kind != "postgres":
        return c.levy.run(fiscal_year, ctx, progress, only=only)
    candidates = c.levy.index.levy_candidates(fiscal_year) if only is None else sorted(set(only))
    size = c.levy.chunk_size
    chunks = [candidates[i : i + size] for i in range(0, len(candidates), size)]
    shares = [[t for chunk in chunks[k::workers] for t in chunk] for k in range(workers)]
    shares = [share for share in shares if share]
    if len(shares) <= 1:
        return c.levy.run(fiscal_year, ctx, progress, only=candidates)
    spawn = multiprocessing.get_context("spawn")  # no forked connection pools or threads
    results: list[LevyRunResult] = []
    errors: list[BaseException] = []
    with ProcessPoolExecutor(max_workers=len(shares), mp_context=spawn) as pool:
        futures = [
            pool.submit(_levy_share, cfg, fiscal_year, ctx, share, c.levy.chunk_size) for share in shares
        ]
        for future in futures:
            try:
                result, peak_mib = future.result()
                results.append(result)
                if worker_peaks_mib is not None:
                    worker_peaks_mib.append(peak_mib)
            except BaseException as error:  # wait for every worker; then raise the first failure
                errors.append(error)
            if progress:
                progress(sum(r.levied + r.non_taxable + r.skipped_total for r in results), len(candidates))
    if errors:
        raise errors[0]
    return _merge(fiscal_year, results)


def _levy_share(
    cfg: Settings, fiscal_year: int, ctx: CommandContext, share: list[UUID], chunk_size: int
) -> tuple[LevyRunResult, float]:
    """One worker process: its own container, the levy of its share of the candidates; returns the result
    and the process's peak resident set size in MiB."""
    from adapters.logging import configure_logging

    configure_logging(cfg.log_format, cfg.log_level)
    c = build(cfg, create_tables=False)  # the parent's container created them
    try:
        c.levy.chunk_size = chunk_size
        return c.levy.run(fiscal_year, ctx, only=share), _peak_rss_mib()
    finally:
        c.close()


def _peak_rss_mib() -> float:
    """This process's peak resident set size since it started its program (``VmHWM``; ``ru_maxrss`` would
    include the parent's size when it was forked to spawn this one). 0 where /proc is not available."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _merge(fiscal_year: int, results: Sequence[LevyRunResult]) -> LevyRunResult:
    merged = LevyRunResult(fiscal_year, skipped=Counter())
    for result in results:
        merged.levied += result.levied
        merged.non_taxable += result.non_taxable
        merged.total_tax += result.total_tax
        merged.skipped.update(result.skipped)
        merged.failures.extend(result.failures)
    return merged
