"""Group commit of access-journal writes (server mode, issue 15, ADR 0024).

Every read of personal data stores a one-event ``AccessRecord`` before it answers. On PostgreSQL each event
insert holds the events table's lock until its commit (insert order is commit order, which the Merkle
sealer relies on), so fifty concurrent reads are fifty serialised lock-insert-fsync rounds. Here threads
that store access records at the same time share one transaction: the first becomes the leader and saves
every record waiting at that moment; the others wait until that transaction has committed (or failed) and
then return their own recordings. Nothing answers before its own record is committed — fail closed, as
with one save per read. If the shared transaction fails (e.g. two retries of one query id collide), each
record is saved again on its own, so one bad record fails only its own request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Pending:
    events: list[Any]
    recordings: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class JournalGroup:
    """Leader/follower group commit over ``save(*events) -> recordings`` (one transaction per call)."""

    def __init__(self, save: Callable[..., list[Any]], *, max_batch: int = 64) -> None:
        self._save = save
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._leading = False
        #: Transactions and records committed through the group (for the benchmark and tests).
        self.transactions = 0
        self.records = 0

    def save(self, events: Sequence[Any]) -> list[Any]:
        """Store ``events`` (of one caller) in a transaction shared with concurrent callers."""
        entry = _Pending(list(events))
        with self._cond:
            self._queue.append(entry)
        while True:
            with self._cond:
                while not entry.done and self._leading:
                    self._cond.wait()
                if entry.done:
                    break
                self._leading = True  # lead: commit what is waiting now (ours among it, or in a later round)
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            try:
                self._commit(batch)
            finally:
                with self._cond:
                    for pending in batch:
                        pending.done = True
                    self._leading = False
                    self._cond.notify_all()
        if entry.error is not None:
            raise entry.error
        return entry.recordings

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            recordings = self._save(*[event for pending in batch for event in pending.events])
        except Exception:
            for pending in batch:  # the shared transaction rolled back: each on its own
                raise_into(pending, self._save)
            return
        self.transactions += 1
        self.records += len(batch)
        offset = 0
        for pending in batch:
            pending.recordings = recordings[offset : offset + len(pending.events)]
            offset += len(pending.events)


def raise_into(pending: _Pending, save: Callable[..., list[Any]]) -> None:
    """Save one caller's events alone, keeping its result or its error for it."""
    try:
        pending.recordings = save(*pending.events)
    except Exception as error:
        pending.error = error
