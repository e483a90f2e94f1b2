"""``JuminzeiApplication.get_many`` returns exactly what ``repository.get`` returns for each id, on SQLite
and PostgreSQL (one query for many aggregates) and on POPO (the per-id fallback)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from tools.benchmarks.workload import generate_ward, run_pipeline


def _all_ids(c: Any) -> list[UUID]:
    ids: dict[UUID, None] = {}
    start = 1
    while True:
        page = c.app.recorder.select_notifications(start=start, limit=1000)
        if not page:
            return list(ids)
        ids.update((n.originator_id, None) for n in page)
        start = page[-1].id + 1


def _state(aggregate: Any) -> dict[str, Any]:
    return {"type": type(aggregate), **vars(aggregate)}


def _assert_same_as_get(c: Any, ids: list[UUID]) -> dict[UUID, Any]:
    many = c.app.get_many(ids)
    for aggregate_id in ids:
        try:
            one = c.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            assert aggregate_id not in many
            continue
        assert _state(many[aggregate_id]) == _state(one), aggregate_id
    return many


def test_get_many_equals_get_for_every_aggregate_of_a_ward(durable_container: Any, tmp_path: Path) -> None:
    c = durable_container
    manifest, data_dir, _ = generate_ward(tmp_path, 60, 7, 2026)
    run_pipeline(c, manifest, data_dir)
    ids = _all_ids(c)
    assert len(ids) > 100  # taxpayers, filings, employers, batches, assessments
    missing = [uuid.uuid4() for _ in range(3)]
    # Unknown ids are absent, duplicates are harmless, order of the request does not matter.
    asked = [missing[0], *reversed(ids), missing[1], ids[0], missing[2]]
    many = _assert_same_as_get(c, asked)
    assert set(many) == set(ids)
    assert c.app.get_many([]) == {}

    # A crypto-shredded subject reads back the same (redacted) way through both paths.
    taxpayer = next(i for i in ids if type(many[i]).__name__ == "Taxpayer")
    c.keystore.destroy(f"taxpayer:{taxpayer}")
    _assert_same_as_get(c, [taxpayer])

    # A returned aggregate can be changed and saved like one from ``get`` (versions line up).
    changed = c.app.get_many([taxpayer])[taxpayer]
    assert changed.version == c.app.repository.get(taxpayer).version


def test_get_many_sqlite_more_ids_than_one_statement(make_settings: Any, tmp_path: Path) -> None:
    from interfaces.bootstrap import build

    c = build(make_settings(f"sqlite:///{tmp_path / 'many.db'}"), upgrade=True)
    try:
        manifest, data_dir, _ = generate_ward(tmp_path, 400, 11, 2026)
        run_pipeline(c, manifest, data_dir)
        ids = _all_ids(c)
        assert len(ids) > 1000  # several IN (...) statements
        assert set(_assert_same_as_get(c, ids)) == set(ids)
    finally:
        c.close()


def test_get_many_popo_falls_back_to_get(container: Any) -> None:
    assert container.app.get_many([uuid.uuid4()]) == {}


def test_event_inserts_binary_on_postgres_round_trip_exactly(durable_container: Any) -> None:
    import os

    from eventsourcing.persistence import StoredEvent

    from adapters.persistence.bulk_events import binary_event_inserts

    c = durable_container
    statement = c.app.recorder.insert_events_statement
    if c.db.dialect == "postgres":
        assert "unnest(%b::" in str(statement)
    assert binary_event_inserts(c.app.recorder) is False  # already switched, or not PostgreSQL
    awkward = b"\x00\\'\"{},()NULL\n" + os.urandom(2000)
    events = [
        StoredEvent(
            originator_id=uuid.uuid4(),
            originator_version=v,
            topic="juminzei.test:T",
            state=awkward + bytes([v]),
        )
        for v in range(1, 4)
    ]
    c.app.recorder.insert_events(events)
    for event in events:
        assert c.app.recorder.select_events(event.originator_id) == [event]
