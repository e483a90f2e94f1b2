"""Backup and restore keep erasures: the restore drill of issue 17 (SQLite and PostgreSQL, ADR 0019)."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from adapters.audit.merkle_log import seal
from adapters.persistence.backup import BackupError
from application.backups import BackupResult
from application.taxpayers import today_jst
from application.usecases.operations import TakeBackup
from domain.shared.personal import ERASED
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer, taxpayer_id
from domain.taxpayer.values import ResidenceChange
from integration.test_retention import (
    CANARY_ADDRESS,
    CANARY_KANA,
    CANARY_NAME,
    ctx,
    everything_stored,
    person,
)
from interfaces.bootstrap import build
from interfaces.bootstrap.backup import fresh_rebuild_checksums, restore_backup
from interfaces.cli.main import app
from tests_support import staff_principal


@pytest.fixture
def restore_target(store_url: str, tmp_path: Path) -> Any:
    """An empty store of the same kind as ``store_url`` to restore into."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    import psycopg

    base, _ = store_url.rsplit("/", 1)
    name = f"juminzei_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def take_backup(c: Any, out: Path) -> BackupResult:
    """As ``juminzei backup create`` does: the ``TakeBackup`` use case (sealed and projected around it)."""
    operator = staff_principal(c, "ops-1")
    result: BackupResult = c.use_cases.execute(TakeBackup(out), operator, command_id="backup")
    return result


def _move_out(c: Any, number: str) -> None:
    moved: Taxpayer = c.app.repository.get(taxpayer_id(number))
    moved.change_record(
        change=ResidenceChange.MOVE_OUT,
        change_date=date(2024, 9, 30),
        name=CANARY_NAME,
        kana=CANARY_KANA,
        address=CANARY_ADDRESS,
        address_code="",
        household_number="",
        relationship="",
        ctx=ctx("move"),
    )
    c.app.save(moved)


def test_restore_drill_erasure_survives_and_log_verifies(
    make_settings: Any, store_url: str, restore_target: str, tmp_path: Path
) -> None:
    cfg = make_settings(store_url)
    c = build(cfg, upgrade=True)
    try:
        with time_machine.travel(date(2024, 7, 1), tick=False):
            person(c, "700001", CANARY_NAME, CANARY_KANA, CANARY_ADDRESS, 2024)
            person(c, "700002", "保存期間内花子", "ホゾンキカンナイハナコ", "東京都目黒区保存町2", 2024)
            c.levy.run(2024, ctx("levy-2024", Purpose.INITIAL_LEVY))
            _move_out(c, "700001")
        with time_machine.travel(date(2026, 7, 1), tick=False):
            person(c, "700003", "現年度次郎", "ゲンネンドジロウ", "東京都目黒区現年町3", 2026)
        c.runner.catch_up()
        backup = take_backup(c, tmp_path / "before-erasure.tar")
        assert backup.manifest["event_head"] > 0 and backup.manifest["audit"]["root_hash"]

        # More work after the backup, then the retention erasure of the canary.
        with time_machine.travel(date(2033, 4, 1), tick=False):
            erased = c.retention.run(today_jst(), ctx("retention", Purpose.OPERATIONS))
        erased_keys = {k.key_id for k in erased.erased}
        assert f"taxpayer:{taxpayer_id('700001')}" in erased_keys
        assert {e.key_id for e in c.shred_list.entries()} >= erased_keys
        c.runner.catch_up()
        seal(c)
    finally:
        c.close()

    result = restore_backup(
        tmp_path / "before-erasure.tar", restore_target, cfg, ctx("restore", Purpose.OPERATIONS)
    )
    assert result.ok, result.to_json()
    assert result.manifest_root_matches
    assert set(result.reapplied) == erased_keys, "every key destroyed after the backup is destroyed again"

    restored_cfg = cfg.model_copy(update={"database_url": restore_target})
    r = build(restored_cfg)
    try:
        canary: Taxpayer = r.app.repository.get(taxpayer_id("700001"))
        assert canary.name is ERASED, "the erased resident stays unreadable after the restore"
        stored = everything_stored(r)
        for canary_text in (CANARY_NAME, CANARY_KANA, CANARY_ADDRESS):
            assert canary_text not in stored
        assert r.app.repository.get(taxpayer_id("700003")).name == "現年度次郎", "the rest reads"
    finally:
        r.close()
    assert fresh_rebuild_checksums(restored_cfg) == result.projections, "read models equal a fresh rebuild"


def test_backup_then_restore_gives_the_same_root_and_checksums_by_cli(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("ops01", "運用", "課税")
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    assert invoke("db", "upgrade").exit_code == 0
    registered = invoke(
        "taxpayer", "register", "--address-number", "310001", "--name", "目黒花子", "--kana", "メグロハナコ",
        "--birth-date", "1985-04-01", "--sex", "F", "--address", "東京都目黒区上目黒二丁目19番15号",
    )  # fmt: skip
    assert registered.exit_code == 0, registered.output
    archive = tmp_path / "backup.tar"
    created = invoke("backup", "create", "--out", str(archive), "--json")
    assert created.exit_code == 0, created.output
    manifest = json.loads(created.stdout)["manifest"]
    assert invoke("backup", "create", "--out", str(archive)).exit_code == 1, "never overwrites"

    witness = tmp_path / "witness.json"
    assert invoke("audit", "checkpoint", "export", "--out", str(witness), "--all").exit_code == 0
    target = tmp_path / "restored.db"
    restored = invoke(
        "backup", "restore", str(archive), "--to", f"sqlite:///{target}", "--witness", str(witness), "--json"
    )
    assert restored.exit_code == 0, restored.output
    report = json.loads(restored.stdout)
    assert report["ok"] and report["manifest_root_matches"] and report["verify"]["ok"]
    assert report["verify"]["witness_checked"] >= 1, "verified against the exported checkpoints"
    assert report["witness_beyond_backup"] == 1 and report["events_lost_since_backup"] == 1, (
        "the witness saw BackupTaken, made after the image: reported as lost since the backup"
    )
    assert report["projections"] == manifest["projections"], "same projection checksums as at the backup"
    assert report["reapplied_erasures"] == []

    again = invoke("backup", "restore", str(archive), "--to", f"sqlite:///{target}")
    assert again.exit_code == 1 and "復元先" in again.output, "never restores over a store with data"


def test_a_tampered_archive_is_refused(make_settings: Any, tmp_path: Path) -> None:
    cfg = make_settings(f"sqlite:///{tmp_path / 'source.db'}")
    c = build(cfg, upgrade=True)
    try:
        take_backup(c, tmp_path / "good.tar")
    finally:
        c.close()
    bad = tmp_path / "bad.tar"
    with tarfile.open(tmp_path / "good.tar") as good, tarfile.open(bad, "w") as out:
        for member in good.getmembers():
            data = good.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "database.sqlite":
                body = body[:-1] + bytes([body[-1] ^ 1])
            member.size = len(body)

            out.addfile(member, io.BytesIO(body))
    with pytest.raises(BackupError, match="ハッシュがマニフェストと一致しません"):
        restore_backup(bad, f"sqlite:///{tmp_path / 'r.db'}", cfg, ctx("restore", Purpose.OPERATIONS))
