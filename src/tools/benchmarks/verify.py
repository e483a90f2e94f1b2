"""``bench verify``: Merkle verification of the whole log against bare SHA-256 over the same leaves."""

from __future__ import annotations

import time

from interfaces.bootstrap import Container
from tools.benchmarks.common import BenchResult, rate


def bench_verify(c: Container) -> BenchResult:
    """Merkle verification of the whole log against SHA-256 over the same leaf bytes in a tight loop."""
    from adapters.audit.merkle_log import _iter_notifications, encode_leaf, seal, verify
    from domain.audit.merkle import leaf_hash

    seal(c)
    leaves = [
        encode_leaf(int(n.id), n.originator_id, int(n.originator_version), str(n.topic), bytes(n.state))
        for n in _iter_notifications(c.app, 1, 1000)
    ]
    started = time.perf_counter()
    for leaf in leaves:
        leaf_hash(leaf)
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = verify(c)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"audit log does not verify: {report.reason}")
    value = rate(len(leaves), seconds)
    base = rate(len(leaves), base_seconds)
    return BenchResult.compared(
        "verify",
        value,
        "events/s",
        baseline=base,
        details={
            "events": len(leaves),
            "bytes": sum(len(leaf) for leaf in leaves),
            "seconds": round(seconds, 3),
            "baseline_seconds": round(base_seconds, 4),
            "verified": report.ok,
        },
    )
