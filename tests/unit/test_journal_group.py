"""Group commit of access-journal writes: every caller gets exactly its own recordings back, only after
the transaction holding them committed; a failed shared transaction fails only the bad caller."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.journal_group import JournalGroup


class FakeStore:
    """``save(*events)``: one transaction; refuses any transaction holding a ``"bad"`` event."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.committed: list[list[Any]] = []
        self.gate = gate
        self.lock = threading.Lock()
        self.in_flight = 0

    def save(self, *events: Any) -> list[Any]:
        self.in_flight = len(events)
        if self.gate is not None:
            self.gate.wait(5)  # hold the first transaction open so that others queue up behind it
        if any(e == "bad" for e in events):
            raise RuntimeError("refused")
        with self.lock:
            self.committed.append(list(events))
        return [("recorded", e) for e in events]


def run_callers(group: JournalGroup, payloads: list[list[Any]]) -> list[Any]:
    results: list[Any] = [None] * len(payloads)

    def call(i: int) -> None:
        try:
            results[i] = group.save(payloads[i])
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(payloads))]
    for t in threads:
        t.start()
    return [results, threads]


def wait_until_queued(group: JournalGroup, store: FakeStore, n: int) -> None:
    """Until every caller is either in the held transaction or queued (bounded, not a timing check)."""
    pause = threading.Event()
    for _ in range(500):
        with group._cond:
            if store.in_flight + len(group._queue) == n:
                return
        pause.wait(0.01)
    raise AssertionError("callers did not queue")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(), min_size=1, max_size=3), min_size=1, max_size=12))
def test_each_caller_gets_its_own_recordings(payloads: list[list[int]]) -> None:
    store = FakeStore()
    group = JournalGroup(store.save)
    results, threads = run_callers(group, payloads)
    for t in threads:
        t.join()
    assert results == [[("recorded", e) for e in p] for p in payloads]
    stored = sorted(e for tx in store.committed for e in tx)
    assert stored == sorted(e for p in payloads for e in p)  # each event stored exactly once
    assert group.records == len(payloads)


def test_waiting_callers_share_one_transaction() -> None:
    gate = threading.Event()
    store = FakeStore(gate)
    group = JournalGroup(store.save)
    results, threads = run_callers(group, [[n] for n in range(10)])
    # The first leader's transaction is held open; everyone else queues behind it.
    wait_until_queued(group, store, 10)
    first = store.in_flight
    gate.set()
    for t in threads:
        t.join()
    assert results == [[("recorded", n)] for n in range(10)]
    assert group.transactions == 2  # the first batch, then all who waited, together
    assert sorted(len(tx) for tx in store.committed) == sorted([first, 10 - first])


def test_a_bad_record_fails_only_its_own_caller() -> None:
    gate = threading.Event()
    store = FakeStore(gate)
    group = JournalGroup(store.save)
    payloads: list[list[Any]] = [[0], [1], ["bad"], [3]]
    results, threads = run_callers(group, payloads)
    wait_until_queued(group, store, 4)
    gate.set()
    for t in threads:
        t.join()
    assert isinstance(results[2], RuntimeError)
    for i in (0, 1, 3):
        assert results[i] == [("recorded", payloads[i][0])]
    assert sorted(e for tx in store.committed for e in tx) == [0, 1, 3]


def test_an_error_reaches_the_caller_alone_in_its_transaction() -> None:
    group = JournalGroup(FakeStore().save)
    with pytest.raises(RuntimeError):
        group.save(["bad"])
    assert group.save([7]) == [("recorded", 7)]
