"""Catch-up of several views in one pass over the log, and the blue/green rebuild of all of them
(``ProjectionRunner``; ADR 0002, issue 9), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose


def _ctx(command_id: str) -> CommandContext:
    return CommandContext(actor="clerk-007", purpose=Purpose.REGISTRY, command_id=command_id, terminal="T-1")


def _register(c: Any, first: int, count: int) -> None:
    commands = [
        RegisterTaxpayer(
            f"{first + i}", f"一括{i}", f"イッカツ{i:03d}", date(1980, 1, 1 + i % 28), Sex.M, f"目黒{i}"
        )
        for i in range(count)
    ]
    c.taxpayers.register_many(commands, _ctx(f"batch-{first}"))


def _checksums(c: Any) -> dict[str, tuple[int, str]]:
    return {s.name: (s.rows, s.checksum) for s in c.runner.status()}


def test_views_at_different_positions_catch_up_together_exactly_once(durable_container: Any) -> None:
    c = durable_container
    _register(c, 5000, 20)
    c.runner.catch_up("taxpayer_search", batch_size=3)  # one view ahead of the others
    _register(c, 6000, 15)
    applied = c.runner.catch_up(batch_size=4)
    assert applied["taxpayer_search"] == 15, "the view ahead applies only what it had not applied"
    status = {s.name: s for s in c.runner.status()}
    assert all(s.lag == 0 and s.error is None for s in status.values())
    assert status["taxpayer_search"].rows == 35
    incremental = _checksums(c)
    for name in c.runner.projections:
        c.runner.reset(name)
    c.runner.catch_up(batch_size=1000)
    assert _checksums(c) == incremental


def test_a_failing_view_does_not_hold_back_the_others(durable_container: Any) -> None:
    from projections.base import ProjectionError

    c = durable_container
    _register(c, 7000, 12)
    projection = c.runner.projections["taxpayer_search"]
    original = projection.apply

    def broken(event: Any, cur: Any) -> None:
        raise RuntimeError("bad view code")

    projection.apply = broken  # type: ignore[method-assign]
    with pytest.raises(ProjectionError) as failure:
        c.runner.catch_up(batch_size=5)
    assert failure.value.name == "taxpayer_search"
    status = {s.name: s for s in c.runner.status()}
    assert status["taxpayer_search"].position == 0 and status["taxpayer_search"].rows == 0
    assert "taxpayer_search failed" in (status["taxpayer_search"].error or "")
    healthy = [s for name, s in status.items() if name != "taxpayer_search"]
    assert healthy and all(s.lag == 0 and s.error is None for s in healthy)
    projection.apply = original  # type: ignore[method-assign]
    c.runner.catch_up()
    status = {s.name: s for s in c.runner.status()}
    assert status["taxpayer_search"].rows == 12 and status["taxpayer_search"].error is None


def test_rebuild_of_every_view_is_identical_and_keeps_the_tables_indexes(durable_container: Any) -> None:
    c = durable_container
    _register(c, 8000, 25)
    c.runner.catch_up()
    before = _checksums(c)
    indexes = _index_names(c)
    reports = c.runner.rebuild_many(list(c.runner.projections), batch_size=7)
    assert [r.name for r in reports] == list(c.runner.projections)
    assert all(r.identical for r in reports)
    assert _checksums(c) == before
    assert _index_names(c) == indexes, "the switch-over leaves each live table's indexes as migrated"
    with c.db.transaction() as cur:
        cur.execute("SELECT name FROM projection_tracking")
        assert {r[0] for r in cur.fetchall()} == set(c.runner.projections), "no shadow tracking left"
    _register(c, 9000, 3)  # the live tables still take the views' writes (unique keys, ON CONFLICT)
    c.runner.catch_up()
    assert {s.name: s.rows for s in c.runner.status()}["taxpayer_search"] == 28


def test_each_view_writes_only_its_own_tables(durable_container: Any) -> None:
    """A rebuild writes into shadow copies of a view's ``tables``; a table missing there would be written
    live during the rebuild (``rm_assessment_stats`` once was)."""
    from tools.benchmarks.workload import run_pipeline
    from tools.synthetic.generator import generate

    c = durable_container
    data = c.settings.var_dir / "ward"
    manifest = generate(data, taxpayers=60, seed=3, fiscal_year=2026)
    run_pipeline(c, manifest, data)
    written: dict[str, set[str]] = {}

    class Recording:
        def __init__(self, cur: Any, name: str) -> None:
            self._cur, self._name = cur, name

        def execute(self, sql: str, params: Any = ()) -> Any:
            self._note(sql)
            return self._cur.execute(sql, params)

        def executemany(self, sql: str, rows: Any) -> Any:
            self._note(sql)
            return self._cur.executemany(sql, rows)

        def fetchone(self) -> Any:
            return self._cur.fetchone()

        def fetchall(self) -> Any:
            return self._cur.fetchall()

        def _note(self, sql: str) -> None:
            match = re.match(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", sql, re.IGNORECASE)
            if match:
                written.setdefault(self._name, set()).add(match.group(1))

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), c.db.transaction() as cur:
        for name in c.runner.projections:
            for table in c.runner.projections[name].tables:
                cur.execute(f"DELETE FROM {table}")
        for notification in c.app.recorder.select_notifications(start=1, limit=10**6):
            event = c.app.mapper.to_domain_event(notification)
            for name, projection in c.runner.projections.items():
                if notification.topic in projection.topics:
                    projection.apply(event, Recording(cur, name))
        raise Rollback
    assert {"taxpayer_search", "intake", "levy_ledger"} <= set(written)
    for name, tables in written.items():
        assert tables <= set(c.runner.projections[name].tables), name


def _index_names(c: Any) -> dict[str, set[str]]:
    tables = [t for p in c.runner.projections.values() for t in p.tables]
    with c.db.transaction() as cur:
        if c.db.dialect == "postgres":
            cur.execute("SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s)", (tables,))
        else:
            cur.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'")
        found: dict[str, set[str]] = {}
        for table, index in cur.fetchall():
            if table in tables:
                found.setdefault(table, set()).add(index)
    return found


def test_a_view_without_topics_follows_every_event_when_caught_up_with_others(durable_container: Any) -> None:
    from projections.base import Projection

    seen: list[int] = []

    class EveryEvent(Projection):
        name = "every_event"
        topics = ()
        tables = ()

        def apply(self, event: Any, cur: Any) -> None:
            seen.append(event.originator_version)

    c = durable_container
    _register(c, 9500, 4)
    c.runner.projections["every_event"] = EveryEvent()
    c.runner.catch_up(batch_size=3)
    assert len(seen) == c.app.head() > 0
