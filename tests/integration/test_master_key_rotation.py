"""Master-key rotation rewraps every data key; derived keys (blind index, certificate codes) stay the same
(issue 17, ADR 0019). SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.crypto.keystore import MasterKeyError
from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tests_support import CliStaff

NEW_KEY = base64.b64encode(b"n" * 32).decode()
MY_NUMBER = "123456789018"  # passes the check digit (synthetic)


def test_rotation_keeps_data_numbers_and_derived_keys(
    make_settings: Any, store_url: str, tmp_path: Path
) -> None:
    cfg = make_settings(store_url)
    c = build(cfg, upgrade=True)
    ctx = CommandContext(actor="clerk-1", purpose=Purpose.REGISTRY, command_id="reg-1")
    try:
        c.taxpayers.register(
            RegisterTaxpayer("310001", "目黒花子", "メグロハナコ", date(1985, 4, 1), Sex.F, "東京都目黒区1"),
            ctx,
        )
        assert c.vault.link(taxpayer_id("310001"), MY_NUMBER)
        index_before = c.vault.blind_index(MY_NUMBER)
    finally:
        c.close()

    key_file = tmp_path / "new.key"
    key_file.write_text(NEW_KEY + "\n", encoding="ascii")
    env = {
        "JUMINZEI_DATABASE_URL": store_url,
        "JUMINZEI_MASTER_KEY": cfg.master_key or "",
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
    }
    env = CliStaff(env, str(tmp_path / "cli-session.json"))("ops01", "運用")
    rotated = CliRunner().invoke(
        app,
        ["keys", "rotate-master", "--new-key-file", str(key_file), "--json"],
        env=env,
        catch_exceptions=False,
    )
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout)["rewrapped"] >= 2  # the taxpayer's data key and the derivation root

    with pytest.raises(MasterKeyError):
        old = build(cfg)
        try:
            old.app.repository.get(taxpayer_id("310001"))
        finally:
            old.close()

    new = build(cfg.model_copy(update={"master_key": NEW_KEY}))
    try:
        assert new.app.repository.get(taxpayer_id("310001")).name == "目黒花子"
        assert new.vault.blind_index(MY_NUMBER) == index_before, "the blind index survives a rotation"
        assert new.vault.find(MY_NUMBER) == taxpayer_id("310001")
        assert new.vault.reveal(taxpayer_id("310001")) == MY_NUMBER
    finally:
        new.close()


def test_rotation_refuses_a_bad_key_file(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("ops01", "運用")
    bad = tmp_path / "bad.key"
    bad.write_text("not base64 of 32 bytes", encoding="ascii")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(app, ["keys", "rotate-master", "--new-key-file", str(bad)], env=env)
    assert result.exit_code == 2 and "新しいマスター鍵が不正です" in result.output
