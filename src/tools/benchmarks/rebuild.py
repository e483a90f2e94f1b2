"""``bench rebuild``: blue/green rebuild of every read model against the raw read+decode of the log."""

from __future__ import annotations

import time
from typing import Any

from interfaces.bootstrap import Container
from tools.benchmarks.common import BenchResult, rate


def raw_read_rate(c: Container, page_size: int = 1000) -> tuple[int, float]:
    """Baseline: read and decode (decrypt, deserialize) every stored event, no view writes."""
    from adapters.audit.merkle_log import _iter_notifications

    started = time.perf_counter()
    count = 0
    page: list[Any] = []
    for notification in _iter_notifications(c.app, 1, page_size):
        page.append(notification)
        if len(page) == page_size:  # decoded a page at a time, as the projections do
            count += len(list(c.app.mapper.to_domain_events(page)))  # type: ignore[attr-defined]
            page = []
    count += len(list(c.app.mapper.to_domain_events(page)))  # type: ignore[attr-defined]
    return count, time.perf_counter() - started


def bench_rebuild(c: Container) -> BenchResult:
    """Blue/green rebuild of every read model against the raw read+decode of the same log."""
    raw_count, raw_seconds = raw_read_rate(c)
    head = c.app.head()
    started = time.perf_counter()
    reports = c.runner.rebuild_many(list(c.runner.projections))  # one pass over the log for all views
    seconds = time.perf_counter() - started
    if not all(report.identical for report in reports):  # a faster rebuild must build the same views
        raise RuntimeError(f"rebuilt views differ: {[r.name for r in reports if not r.identical]}")
    value = rate(head, seconds)
    base = rate(raw_count, raw_seconds)
    return BenchResult.compared(
        "rebuild",
        value,
        "events/s",
        baseline=base,
        details={
            "events": head,
            "seconds": round(seconds, 3),
            "baseline_seconds": round(raw_seconds, 3),
            "views": len(reports),
            "rows_per_view": {r.name: r.rows for r in reports},
        },
    )
