"""The CLI contract of ``juminzei audit`` (seal, verify, checkpoint export), on a private SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from interfaces.cli import audit
from interfaces.cli.main import app as main_app

runner = CliRunner()

VERIFY_KEYS = {"ok", "tree_size", "head", "checkpoints", "first_bad_position", "reason", "unsealed_tail"}


def juminzei(*args: str) -> Any:
    return runner.invoke(main_app, list(args), catch_exceptions=False)


def audit_cli(*args: str) -> Any:
    return runner.invoke(audit.app, list(args), catch_exceptions=False)


def register(number: str) -> Any:
    result = juminzei(
        "taxpayer",
        "register",
        "--address-number",
        number,
        "--name",
        "監査花子",
        "--kana",
        "カンサハナコ",
        "--birth-date",
        "1985-04-01",
        "--sex",
        "F",
        "--address",
        "東京都目黒区上目黒二丁目19番15号",
        "--as",
        "clerk-01",
    )
    assert result.exit_code == 0, result.output
    return result


def register_without_sealing(number: str) -> None:
    """Store an event through the application directly (no CLI command, hence no seal)."""
    from datetime import date

    from adapters.settings import Settings
    from application.taxpayers import RegisterTaxpayer
    from domain.shared.events import CommandContext
    from domain.shared.person import Sex
    from domain.shared.purpose import Purpose
    from interfaces.bootstrap import build

    c = build(Settings())
    try:
        c.taxpayers.register(
            RegisterTaxpayer(number, "監査花子", "カンサハナコ", date(1985, 4, 1), Sex.F, "東京都目黒区"),
            CommandContext("clerk-01", Purpose.REGISTRY, f"direct-{number}"),
        )
    finally:
        c.close()


def db_file(env: dict[str, str]) -> str:
    return env["JUMINZEI_DATABASE_URL"].removeprefix("sqlite:///")


def test_seal_verify_export_and_detect(cli_env: dict[str, str], cli_staff: Any, tmp_path: Path) -> None:
    assert juminzei("db", "upgrade").exit_code == 0
    empty = audit_cli("verify", "--json")
    assert empty.exit_code == 0, empty.output
    assert json.loads(empty.stdout)["tree_size"] == 0
    key = Path(cli_env["JUMINZEI_VAR_DIR"]) / "audit_ed25519.key"
    assert not key.exists()

    cli_staff("clerk-01")  # bootstrap and sign-in are the first events sealed: the signing key is generated
    assert key.exists()
    before = json.loads(audit_cli("verify", "--json").stdout)
    base, base_checkpoints = before["tree_size"], before["checkpoints"]
    assert before["ok"] is True and base > 0 and before["unsealed_tail"] == 0
    register("410001")
    register("410002")
    # Every CLI command that stores events leaves the log sealed up to its head.
    sealed = audit_cli("seal", "--json")
    assert sealed.exit_code == 0, sealed.output
    body = json.loads(sealed.stdout)
    assert (body["sealed"], body["tree_size"], body["key_created"]) == (0, base + 2, False)

    verified = audit_cli("verify", "--json")
    assert verified.exit_code == 0, verified.output
    report = json.loads(verified.stdout)
    assert report.keys() >= VERIFY_KEYS
    assert report["ok"] is True and report["tree_size"] == base + 2 and report["head"] == base + 2
    assert (
        report["checkpoints"] == base_checkpoints + 2
        and report["first_bad_position"] is None
        and report["unsealed_tail"] == 0
    )

    witness = tmp_path / "witness" / "checkpoints.json"
    exported = audit_cli("checkpoint", "export", "--out", str(witness))
    assert exported.exit_code == 0, exported.output
    assert json.loads(witness.read_text(encoding="utf-8"))["checkpoints"][-1]["tree_size"] == base + 2
    assert audit_cli("verify", "--witness", str(witness)).exit_code == 0

    # An unsealed tail is reported; it fails only with --require-sealed.
    register_without_sealing("410003")
    tail = audit_cli("verify", "--json")
    assert tail.exit_code == 0 and json.loads(tail.stdout)["unsealed_tail"] == 1
    assert audit_cli("verify", "--require-sealed").exit_code == 1

    # Tamper with the first stored event directly in the database file.
    with sqlite3.connect(db_file(cli_env)) as conn:
        (state,) = conn.execute("SELECT state FROM stored_events WHERE rowid = 1").fetchone()
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 1", (bytes(state) + b" ",))
    broken = audit_cli("verify", "--json")
    assert broken.exit_code == 1
    report = json.loads(broken.stdout)
    assert report["ok"] is False and report["first_bad_position"] == 1 and "改ざん" in report["reason"]

    human = audit_cli("verify", "--witness", str(witness))
    assert human.exit_code == 1
    assert "position 1" in human.stderr and "改ざん" in human.stderr


def test_verify_refuses_an_unmigrated_database(cli_env: dict[str, str]) -> None:
    result = audit_cli("verify")
    assert result.exit_code == 1
    assert "db upgrade" in result.output


def test_export_without_checkpoints_fails(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert juminzei("db", "upgrade").exit_code == 0
    result = audit_cli("checkpoint", "export", "--out", str(tmp_path / "w.json"))
    assert result.exit_code == 1
    assert "audit seal" in result.output


def test_missing_witness_file_is_a_usage_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert juminzei("db", "upgrade").exit_code == 0
    assert audit_cli("verify", "--witness", str(tmp_path / "nope.json")).exit_code == 2
