"""Audit sealing after API writes is group-committed: concurrent writers share seals, and none returns
before the log is sealed through its own write (DESIGN §7)."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from adapters.audit import merkle_log
from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from interfaces.bootstrap import unit_of_work as jobs


def register(c: Any, n: int) -> int:
    """One write (a registration); returns the head before it."""
    before = c.app.head()
    c.taxpayers.register(
        RegisterTaxpayer(f"77{n:04d}", "目黒太郎", "メグロタロウ", date(1980, 1, 1), Sex.M, "東京都目黒区1"),
        CommandContext(actor="clerk-1", purpose=Purpose.REGISTRY, command_id=f"seal-group-{n}"),
    )
    return before


def sealed_through(c: Any) -> int:
    checkpoints = merkle_log.load_checkpoints(c)
    return checkpoints[-1].last_position if checkpoints else 0


def test_concurrent_writers_are_each_sealed_through_their_write(durable_container: Any) -> None:
    c = durable_container
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)
    one_writer = threading.Lock()  # SQLite has a single writer; the seals are what runs concurrently here

    def writer(n: int) -> None:
        try:
            start.wait()
            with one_writer:
                before = register(c, n)
                head = c.app.head()
            jobs.seal_if_changed(c, before)
            results[n] = (head, sealed_through(c))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(sealed >= head for head, sealed in results.values()), results
    assert merkle_log.verify(c).ok


def test_seals_are_shared_not_one_per_writer(durable_container: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """While one seal runs, writers that arrive wait for it (or the next) instead of each sealing."""
    c = durable_container
    real_seal = merkle_log.seal
    calls: list[int] = []
    inside = threading.Event()
    release = threading.Event()

    def slow_seal(source: Any, **kwargs: Any) -> Any:
        calls.append(1)
        inside.set()
        release.wait(timeout=30)
        return real_seal(source, **kwargs)

    monkeypatch.setattr(merkle_log, "seal", slow_seal)
    before = [register(c, n) for n in range(6)]
    head = c.app.head()
    first = threading.Thread(target=jobs.seal_if_changed, args=(c, before[0]))
    first.start()
    assert inside.wait(timeout=30)
    # five more writers arrive while the first seal is held open; all their events are already stored
    others = [threading.Thread(target=jobs.seal_if_changed, args=(c, b)) for b in before[1:]]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join(timeout=60)
    assert sealed_through(c) >= head
    assert len(calls) <= 2, "one seal covered the writers that waited for it (at most one more ran)"


def test_groups_are_per_store(make_settings: Any, tmp_path: Any) -> None:
    """A position sealed in one store never lets a writer of another store skip its seal."""
    from interfaces.bootstrap import build

    first = build(make_settings(f"sqlite:///{tmp_path / 'first.db'}"), upgrade=True)
    second = build(make_settings(f"sqlite:///{tmp_path / 'second.db'}"), upgrade=True)
    try:
        for n in range(5):
            jobs.seal_if_changed(first, register(first, n))
        assert sealed_through(first) > 1
        before = register(second, 99)
        assert second.app.head() < sealed_through(first), "the second store is behind the first"
        jobs.seal_if_changed(second, before)
        assert sealed_through(second) >= second.app.head() > 0
    finally:
        first.close()
        second.close()
