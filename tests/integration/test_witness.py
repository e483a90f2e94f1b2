"""Continuous witnessing (issue 22, ADR 0021): checkpoints reach witnesses outside the event database as
they are made, and ``audit verify`` catches what a DBA covering tracks would do (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.audit.merkle_log import load_checkpoints, seal
from adapters.audit.witness import FileWitness, PostgresWitness, init_postgres_witness, witness_health
from integration.test_audit_log import execute, register, two_batches
from interfaces.bootstrap import build
from interfaces.cli.main import app


def _env(c: Any) -> dict[str, str]:
    cfg = c.settings
    env = {
        "JUMINZEI_DATABASE_URL": cfg.database_url,
        "JUMINZEI_MASTER_KEY": cfg.master_key or "",
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
    }
    if cfg.witness_file:
        env["JUMINZEI_WITNESS_FILE"] = str(cfg.witness_file)
    if cfg.witness_url:
        env["JUMINZEI_WITNESS_URL"] = cfg.witness_url
    return env


@pytest.fixture
def witnessed(make_settings: Any, store_url: str, tmp_path: Path) -> Any:
    cfg = make_settings(store_url, witness_file=tmp_path / "separate-storage" / "witness.jsonl")
    c = build(cfg, upgrade=True)
    yield c
    c.close()


def test_every_checkpoint_reaches_the_witness_as_it_is_made(witnessed: Any) -> None:
    c = witnessed
    two_batches(c)
    held = FileWitness(c.settings.witness_file).checkpoints()
    assert [cp.tree_size for cp in held] == [cp.tree_size for cp in load_checkpoints(c)] == [6, 9]


def test_dba_truncation_with_leaves_and_checkpoints_fails_verify_naming_the_truncation(
    witnessed: Any,
) -> None:
    """The case of the issue: the tail deleted with its leaf rows and checkpoints."""
    c = witnessed
    two_batches(c)
    execute(c, "DELETE FROM {events} WHERE {id} > %s", (6,))
    execute(c, "DELETE FROM audit_leaves WHERE leaf_index >= %s", (6,))
    execute(c, "DELETE FROM audit_checkpoints WHERE tree_size > 6")
    result = CliRunner().invoke(app, ["audit", "verify", "--json"], env=_env(c))
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["ok"] is False
    assert report["first_bad_position"] == 7 and "truncated" in report["reason"]
    assert report["witness_checked"] >= 1
    unwitnessed = CliRunner().invoke(app, ["audit", "verify", "--no-witness", "--json"], env=_env(c))
    assert json.loads(unwitnessed.stdout)["ok"] is True, "without the witness the shortened log looks intact"


def test_rewritten_and_resealed_log_is_a_fork_against_the_witness(witnessed: Any) -> None:
    c = witnessed
    two_batches(c)
    # Swap two payloads, then rebuild leaves and checkpoints as a DBA with the signing key could.
    rows = execute(c, "SELECT {id}, state FROM {events} WHERE {id} IN (2, 3) ORDER BY {id}")
    execute(c, "UPDATE {events} SET state = %s WHERE {id} = 2", (rows[1][1],))
    execute(c, "UPDATE {events} SET state = %s WHERE {id} = 3", (rows[0][1],))
    execute(c, "DELETE FROM audit_leaves")
    execute(c, "DELETE FROM audit_checkpoints")
    seal(_without_witness(c))
    result = CliRunner().invoke(app, ["audit", "verify", "--json"], env=_env(c))
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and "rewritten" in report["reason"] and report["first_bad_leaf"] == 0


def _without_witness(c: Any) -> Any:
    """The same container parts, but sealing without telling the witness (what the DBA would do)."""
    from adapters.audit.merkle_log import audit_parts

    return audit_parts(c)


def test_two_witnesses_that_disagree_are_reported_as_a_fork(witnessed: Any, tmp_path: Path) -> None:
    c = witnessed
    two_batches(c)
    other = tmp_path / "other-witness.jsonl"
    forged = load_checkpoints(c)[0]
    from dataclasses import replace

    other.write_text(json.dumps(replace(forged, root_hash=b"\x00" * 32).to_json()) + "\n", encoding="utf-8")
    from adapters.audit.witness import witnessed_checkpoints

    _, problems = witnessed_checkpoints([FileWitness(c.settings.witness_file), FileWitness(other)])
    assert problems and "fork" in problems[0]


def test_readiness_fails_when_a_witness_is_unreachable_too_long(make_settings: Any, tmp_path: Path) -> None:
    cfg = make_settings(
        f"sqlite:///{tmp_path / 'w.db'}",
        witness_url="postgresql://postgres@127.0.0.1:1/nowhere",
        witness_max_delay=0,
    )
    c = build(cfg, upgrade=True)
    try:
        register(c, 1, 2)
        seal(c)  # the witness is down: sealing still works
        health = witness_health(c, c.settings)
        assert health["ok"] is False
        (item,) = health["witnesses"].values()
        assert "接続できません" in item["error"]
        status = CliRunner().invoke(app, ["audit", "witness", "status", "--json"], env=_env(c))
        assert status.exit_code == 1
    finally:
        c.close()


@pytest.mark.postgres
def test_postgres_witness_with_an_insert_only_role(
    make_settings: Any, pg_database: str, tmp_path: Path
) -> None:
    import psycopg

    base = pg_database.rsplit("/", 1)[0]
    name = f"juminzei_witness_{uuid.uuid4().hex[:8]}"
    role = f"witness_writer_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        init_postgres_witness(f"{base}/{name}", role)
        writer_url = f"postgresql://{role}@{base.split('@', 1)[1]}/{name}"
        cfg = make_settings(f"sqlite:///{tmp_path / 'w.db'}", witness_url=writer_url)
        c = build(cfg, upgrade=True)
        try:
            two_batches(c)
            assert [cp.tree_size for cp in PostgresWitness(writer_url).checkpoints()] == [6, 9]
            with (
                psycopg.connect(writer_url, autocommit=True) as conn,
                pytest.raises(psycopg.errors.InsufficientPrivilege),
            ):
                conn.execute("DELETE FROM juminzei_witness_checkpoints")
            assert witness_health(c, c.settings)["ok"] is True
        finally:
            c.close()
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_projections_verify_catches_an_edited_read_model_row(witnessed: Any) -> None:
    c = witnessed
    register(c, 1, 3)
    c.runner.catch_up()
    execute(c, "UPDATE rm_taxpayer_search SET address_number = '999999' WHERE address_number = '770001'")
    result = CliRunner().invoke(app, ["projections", "verify", "--json"], env=_env(c))
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False
    assert [p["name"] for p in body["projections"] if not p["identical"]] == ["taxpayer_search"]
    again = CliRunner().invoke(app, ["projections", "verify", "--json"], env=_env(c))
    assert again.exit_code == 0, "the rebuilt view replaced the edited one"
