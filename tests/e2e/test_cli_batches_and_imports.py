"""One run at a time for batches, and imports that hold nothing (issue 22, ADR 0021)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from integration.test_retention import person
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tests_support import CliStaff

_SIGNED_IN: dict[tuple[str, str], dict[str, str]] = {}


def _env(cfg: Any) -> dict[str, str]:
    """The CLI environment of ``cfg`` with clerk01 signed in (once per store and var dir)."""
    key = (cfg.database_url, str(cfg.var_dir))
    if key not in _SIGNED_IN:
        env = {
            "JUMINZEI_DATABASE_URL": cfg.database_url,
            "JUMINZEI_MASTER_KEY": cfg.master_key or "",
            "JUMINZEI_VAR_DIR": str(cfg.var_dir),
        }
        _SIGNED_IN[key] = CliStaff(env, str(cfg.var_dir / "cli-session.json"))("clerk01")
    return dict(_SIGNED_IN[key])


def _ward(cfg: Any) -> None:
    c = build(cfg, upgrade=True)
    try:
        with time_machine.travel(date(2026, 7, 1), tick=False):
            for n in range(3):
                person(c, f"90000{n}", "並行花子", "ヘイコウハナコ", f"東京都目黒区並行{n}", 2026)
    finally:
        c.close()


def test_a_second_levy_while_one_runs_is_refused_then_waits(make_settings: Any, store_url: str) -> None:
    cfg = make_settings(store_url)
    _ward(cfg)
    c = build(cfg)
    runner = CliRunner()
    try:
        with c.batch_lock.hold("levy", "2026"):
            refused = runner.invoke(app, ["levy", "run", "--fiscal-year", "2026"], env=_env(cfg))
            assert refused.exit_code == 6, refused.output
            assert "別の当初賦課が実行中です（2026年度）" in refused.output
            other_year = runner.invoke(app, ["ledger", "open", "--fiscal-year", "2026"], env=_env(cfg))
            assert other_year.exit_code != 6, "another batch kind is not blocked"
        released = threading.Event()

        def hold_then_release() -> None:
            with c.batch_lock.hold("levy", "2026"):
                released.wait(5)
                time.sleep(0.3)

        holder = threading.Thread(target=hold_then_release)
        holder.start()
        time.sleep(0.2)
        released.set()
        waited = runner.invoke(app, ["levy", "run", "--fiscal-year", "2026", "--wait"], env=_env(cfg))
        holder.join()
        assert waited.exit_code == 0, waited.output
    finally:
        c.close()


@pytest.mark.postgres
def test_two_concurrent_levy_processes_give_one_result_and_no_traceback(
    make_settings: Any, pg_database: str
) -> None:
    from tests_support import reset_postgres

    reset_postgres(pg_database)
    cfg = make_settings(pg_database)
    _ward(cfg)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUMINZEI_")} | _env(cfg)
    juminzei = str(Path(sys.executable).with_name("juminzei"))
    c = build(cfg)
    try:
        # The first run holds the levy lock (as a long levy would) while the second process starts.
        with c.batch_lock.hold("levy", "2026"):
            second = subprocess.run(
                [juminzei, "levy", "run", "--fiscal-year", "2026"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert second.returncode == 6 and "別の当初賦課が実行中です" in second.stderr
        assert "Traceback" not in second.stdout + second.stderr
        runs = [
            subprocess.Popen([juminzei, "levy", "run", "--fiscal-year", "2026", "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        outputs = [run.communicate(timeout=180) for run in runs]
        codes = sorted(run.returncode for run in runs)
        for out, err in outputs:
            assert "Traceback" not in out + err and "IntegrityError" not in out + err
        assert codes in ([0, 0], [0, 6]), outputs
        with c.db.transaction() as cur:
            cur.execute("SELECT count(*) FROM juminzei_events WHERE topic = 'juminzei.assessment.Determined'")
            assert cur.fetchone()[0] == 3, "each taxpayer levied exactly once"
    finally:
        c.close()


def test_empty_header_only_and_all_invalid_imports_say_so(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("clerk01", "課税")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["import", "resident-registry", str(empty)], env=env)
    assert result.exit_code == 7 and "empty.csv" in result.output and "レコードがありません" in result.output

    from tools.synthetic.generator import generate

    generate(tmp_path / "files", taxpayers=2, seed=3, fiscal_year=2026)
    header = (tmp_path / "files" / "resident_registry.csv").read_text(encoding="utf-8").splitlines()[0]
    only_header = tmp_path / "header-only.csv"
    only_header.write_text(header + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "resident-registry", str(only_header)], env=env)
    assert result.exit_code == 7 and "header-only.csv" in result.output

    invalid = tmp_path / "invalid.csv"
    invalid.write_text(header + "\ngarbage,line\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "resident-registry", str(invalid)], env=env)
    assert (
        result.exit_code == 7
        and "invalid.csv" in result.output
        and "有効なレコードがありません" in result.output
    )
    assert "invalid.csv:2" in result.output, "the rejected line is named with its reason"
