"""The walking skeleton through every layer, on SQLite and PostgreSQL (DESIGN §11)."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest

from application.taxpayers import RegisterTaxpayer
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import RegistrationKind, Sex
from domain.shared.personal import ERASED
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer, taxpayer_id

CANARY_NAME = "鈴木カナリア"
CANARY_KANA = "スズキカナリア"
CANARY_ADDRESS = "東京都目黒区カナリア町9丁目9番9号"


def ctx(command_id: str, purpose: Purpose = Purpose.REGISTRY) -> CommandContext:
    return CommandContext(actor="clerk-007", purpose=purpose, command_id=command_id, terminal="T-12")


def canary() -> RegisterTaxpayer:
    return RegisterTaxpayer(
        address_number="4242",
        name=CANARY_NAME,
        kana=CANARY_KANA,
        birth_date=date(1977, 7, 7),
        sex=Sex.F,
        address=CANARY_ADDRESS,
    )


def search_status(container: Any) -> Any:
    return next(s for s in container.runner.status() if s.name == "taxpayer_search")


def _stored_states(container: Any) -> list[bytes]:
    recorder = container.app.recorder
    return [bytes(n.state) for n in recorder.select_notifications(start=1, limit=10_000)]


def test_register_project_search_and_journal(durable_container: Any) -> None:
    c = durable_container
    result = c.taxpayers.register(canary(), ctx("reg-1"))
    assert result.changed and result.aggregate_id == taxpayer_id("4242")
    c.runner.catch_up()

    rows = c.taxpayer_queries.search(
        kana_prefix="スズキ", birth_date=None, ctx=ctx("q-1", Purpose.CERTIFICATE)
    )
    assert [r.address_number for r in rows] == ["4242"]
    assert rows[0].name == CANARY_NAME and rows[0].birth_date == date(1977, 7, 7)

    # The read was journaled: who, why, whom, from where.
    journal = [
        c.app.mapper.to_domain_event(n)
        for n in c.app.recorder.select_notifications(start=1, limit=100)
        if n.topic == AccessRecord.PersonalDataViewed.TOPIC
    ]
    assert len(journal) == 1
    entry = journal[0]
    assert entry.actor == "clerk-007"
    assert entry.purpose is Purpose.CERTIFICATE
    assert entry.subject_ids == (taxpayer_id("4242"),)
    assert entry.terminal == "T-12"
    assert "氏名" in entry.items


def test_search_by_birth_date_narrows(durable_container: Any) -> None:
    c = durable_container
    c.taxpayers.register(canary(), ctx("reg-1"))
    other = RegisterTaxpayer("4243", "鈴木一郎", "スズキイチロウ", date(1960, 1, 1), Sex.M, "東京都目黒区1")
    c.taxpayers.register(other, ctx("reg-2"))
    c.runner.catch_up()
    rows = c.taxpayer_queries.search(kana_prefix="スズキ", birth_date=date(1960, 1, 1), ctx=ctx("q"))
    assert [r.address_number for r in rows] == ["4243"]


def test_stored_events_hold_no_plaintext_personal_data(durable_container: Any) -> None:
    c = durable_container
    c.taxpayers.register(canary(), ctx("reg-1"))
    c.runner.catch_up()
    c.taxpayer_queries.search(kana_prefix="スズキ", birth_date=None, ctx=ctx("q-1"))
    states = _stored_states(c)
    assert states, "events were stored"
    for state in states:
        for canary_text in (CANARY_NAME, CANARY_KANA, CANARY_ADDRESS, "1977-07-07"):
            assert canary_text.encode() not in state
    # Loading decrypts.
    taxpayer: Taxpayer = c.app.repository.get(taxpayer_id("4242"))
    assert taxpayer.name == CANARY_NAME and taxpayer.address == CANARY_ADDRESS


def test_destroyed_key_yields_placeholder_not_crash(durable_container: Any) -> None:
    c = durable_container
    other = RegisterTaxpayer("5000", "田中花子", "タナカハナコ", date(1990, 3, 3), Sex.F, "東京都目黒区2")
    c.taxpayers.register(canary(), ctx("reg-1"))
    c.taxpayers.register(other, ctx("reg-2"))
    assert c.keystore.destroy(f"taxpayer:{taxpayer_id('4242')}") is True
    erased: Taxpayer = c.app.repository.get(taxpayer_id("4242"))
    assert erased.name is ERASED and erased.address is ERASED and erased.birth_date is ERASED
    assert erased.address_number == "4242"  # codes stay clear
    kept: Taxpayer = c.app.repository.get(taxpayer_id("5000"))
    assert kept.name == "田中花子"
    # Destroying twice reports nothing destroyed; the key cannot come back.
    assert c.keystore.destroy(f"taxpayer:{taxpayer_id('4242')}") is False


def test_batch_key_preparation_never_revives_a_destroyed_key(durable_container: Any) -> None:
    """``prepare`` (one transaction for a batch save's keys) creates missing keys and keeps destroyed
    ones destroyed — in a fresh key store too, whose memory knows nothing of the destruction."""
    from adapters.crypto.keystore import KeyDestroyedError, SqlKeyStore

    c = durable_container
    c.taxpayers.register(canary(), ctx("reg-1"))
    erased_key = f"taxpayer:{taxpayer_id('4242')}"
    assert c.keystore.destroy(erased_key) is True
    fresh = SqlKeyStore(c.db, base64.b64decode(c.settings.master_key))
    fresh.prepare([erased_key, "taxpayer:new-subject", "taxpayer:new-subject"])
    with pytest.raises(KeyDestroyedError):
        fresh.encrypt(erased_key, b"x", b"aad")
    sealed = fresh.encrypt("taxpayer:new-subject", b"secret", b"aad")
    assert c.keystore.decrypt("taxpayer:new-subject", sealed, b"aad") == b"secret", "the key was stored"
    with c.db.transaction() as cur:
        cur.execute("SELECT wrapped_key FROM data_keys WHERE key_id = %s", (erased_key,))
        assert cur.fetchone()[0] is None


def test_registration_is_idempotent_and_conflicts_are_refused(durable_container: Any) -> None:
    c = durable_container
    first = c.taxpayers.register(canary(), ctx("reg-1"))
    head = c.app.head()
    again = c.taxpayers.register(canary(), ctx("reg-2"))
    assert again.aggregate_id == first.aggregate_id and not again.changed
    assert c.app.head() == head, "a rerun stores nothing"
    changed = RegisterTaxpayer("4242", "別人", "ベツジン", date(1977, 7, 7), Sex.F, CANARY_ADDRESS)
    with pytest.raises(DomainError) as info:
        c.taxpayers.register(changed, ctx("reg-3"))
    assert "4242" in info.value.message and "別人" not in info.value.message


def test_non_registered_taxpayer(durable_container: Any) -> None:
    c = durable_container
    cmd = RegisterTaxpayer(
        "9001",
        "家屋敷太郎",
        "カオクシキタロウ",
        date(1950, 5, 5),
        Sex.M,
        "神奈川県横浜市1",
        RegistrationKind.NON_RESIDENT,
    )
    c.taxpayers.register(cmd, ctx("reg"))
    c.runner.catch_up()
    rows = c.taxpayer_queries.search(kana_prefix="カオク", birth_date=None, ctx=ctx("q"))
    assert rows[0].registration_kind == "住登外"


def test_projection_catch_up_is_exactly_once_and_rebuild_is_identical(durable_container: Any) -> None:
    c = durable_container
    commands = [
        RegisterTaxpayer(
            f"{7000 + i}", f"試験{i}", f"シケン{i:03d}", date(1980, 1, 1 + i % 28), Sex.M, f"目黒{i}"
        )
        for i in range(30)
    ]
    c.taxpayers.register_many(commands, ctx("batch"))
    c.runner.catch_up(batch_size=7)
    c.runner.catch_up(batch_size=7)  # nothing left: no duplicates (unique keys would fail otherwise)
    status = search_status(c)
    assert status.rows == 30 and status.lag == 0
    incremental = status.checksum
    c.runner.reset("taxpayer_search")
    assert search_status(c).rows == 0
    c.runner.catch_up(batch_size=1000)
    assert search_status(c).checksum == incremental


def test_projection_failure_commits_nothing_and_resumes(durable_container: Any) -> None:
    from projections.base import ProjectionError

    c = durable_container
    commands = [
        RegisterTaxpayer(f"{8000 + i}", f"試験{i}", f"シケン{i:03d}", date(1980, 1, 1), Sex.F, f"目黒{i}")
        for i in range(10)
    ]
    c.taxpayers.register_many(commands, ctx("batch"))
    projection = c.runner.projections["taxpayer_search"]
    original = projection.apply
    calls = {"n": 0}

    def flaky(event: Any, cur: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("simulated crash mid-batch")
        original(event, cur)

    projection.apply = flaky  # type: ignore[method-assign]
    with pytest.raises(ProjectionError):
        c.runner.catch_up(batch_size=5)
    status = search_status(c)
    assert status.rows == 5, "the first batch committed, the failed one not at all"
    projection.apply = original  # type: ignore[method-assign]
    c.runner.catch_up(batch_size=5)
    status = search_status(c)
    assert status.rows == 10 and status.lag == 0


def test_journal_failure_means_no_results(durable_container: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    c = durable_container
    c.taxpayers.register(canary(), ctx("reg-1"))
    c.runner.catch_up()

    def broken_save(*_: Any, **__: Any) -> Any:
        raise OSError("journal store unavailable")

    monkeypatch.setattr(c.taxpayer_queries.app, "save", broken_save)
    with pytest.raises(OSError):
        c.taxpayer_queries.search(kana_prefix="スズキ", birth_date=None, ctx=ctx("q-2"))


def test_blue_green_rebuild_is_identical_resumable_and_keeps_serving(durable_container: Any) -> None:
    from projections.base import ProjectionError

    c = durable_container
    commands = [
        RegisterTaxpayer(
            f"{6000 + i}", f"再構築{i}", f"サイコウチク{i:03d}", date(1970, 1, 1 + i % 28), Sex.F, f"目黒{i}"
        )
        for i in range(40)
    ]
    c.taxpayers.register_many(commands, ctx("batch"))
    c.runner.catch_up()
    incremental = search_status(c).checksum
    projection = c.runner.projections["taxpayer_search"]
    original = projection.apply
    calls = {"n": 0}

    def interrupted(event: Any, cur: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 25:
            raise RuntimeError("operator pressed Ctrl-C")
        original(event, cur)

    projection.apply = interrupted  # type: ignore[method-assign]
    with pytest.raises(ProjectionError):
        c.runner.rebuild("taxpayer_search", batch_size=10)
    projection.apply = original  # type: ignore[method-assign]
    # The live view kept serving during the half-done rebuild.
    assert len(c.taxpayer_queries.directory.search("サイコウチク", None, 100)) == 40
    report = c.runner.rebuild("taxpayer_search", batch_size=10)
    assert report.identical and report.rows == 40 and report.checksum == incremental
    assert search_status(c).lag == 0 and search_status(c).checksum == incremental
    with c.db.transaction() as cur:
        cur.execute("SELECT name FROM projection_tracking")
        assert {r[0] for r in cur.fetchall()} == set(c.runner.projections), "no shadow tracking left behind"


def test_a_failing_view_statement_is_a_projection_error_and_nothing_is_committed(
    durable_container: Any,
) -> None:
    """Batches run pipelined on PostgreSQL, where a bad statement may only fail at commit: it is still
    reported as a ProjectionError, recorded, and the view's position does not move."""
    from eventsourcing.utils import get_topic

    from projections.base import Projection, ProjectionError

    class Broken(Projection):
        name = "broken_view"
        topics = (get_topic(Taxpayer.Registered),)
        tables = ()

        def apply(self, event: Any, cur: Any) -> None:
            cur.execute("INSERT INTO no_such_table VALUES (%s)", (1,))

    c = durable_container
    c.taxpayers.register(canary(), ctx("reg-1"))
    c.runner.projections["broken_view"] = Broken()
    with pytest.raises(ProjectionError):
        c.runner.catch_up("broken_view")
    assert c.runner.position("broken_view") == 0
    with c.db.transaction() as cur:
        cur.execute("SELECT last_error FROM projection_tracking WHERE name = %s", ("broken_view",))
        row = cur.fetchone()
    assert row is not None and "projection broken_view failed" in row[0]
