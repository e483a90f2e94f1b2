"""Server-mode followers: ``projections follow`` and ``audit seal --follow`` (issue 17; SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from interfaces.bootstrap import build
from interfaces.cli.main import app
from interfaces.follow import FOLLOWER_LOCKS, single_follower


def _register_without_catch_up(cfg: Any, count: int) -> None:
    c = build(cfg, upgrade=True)
    try:
        for n in range(count):
            number = f"3100{n:02d}"
            c.taxpayers.register(
                RegisterTaxpayer(
                    number, "目黒花子", "メグロハナコ", date(1985, 4, 1), Sex.F, "東京都目黒区1"
                ),
                CommandContext(actor="clerk-1", purpose=Purpose.REGISTRY, command_id=f"reg-{number}"),
            )
    finally:
        c.close()


def test_followers_bring_lag_and_seal_lag_to_zero(make_settings: Any, store_url: str) -> None:
    cfg = make_settings(store_url)
    _register_without_catch_up(cfg, 3)
    env = {
        "JUMINZEI_DATABASE_URL": store_url,
        "JUMINZEI_MASTER_KEY": cfg.master_key or "",
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
    }
    runner = CliRunner()
    status = json.loads(runner.invoke(app, ["projections", "status", "--json"], env=env).stdout)
    assert max(p["lag"] for p in status["projections"]) == 3

    followed = runner.invoke(
        app, ["projections", "follow", "--max-iterations", "2", "--interval", "0.05", "--json"], env=env
    )
    assert followed.exit_code == 0, followed.output
    assert json.loads(followed.stdout)["lag"] == 0

    sealed = runner.invoke(
        app, ["audit", "seal", "--follow", "--max-iterations", "2", "--interval", "0.05", "--json"], env=env
    )
    assert sealed.exit_code == 0, sealed.output
    body = json.loads(sealed.stdout)
    assert body["sealed"] == 3 and body["seal_lag"] == 0
    verified = runner.invoke(app, ["audit", "verify", "--require-sealed", "--json"], env=env)
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True


@pytest.mark.postgres
def test_only_one_sealer_works_at_a_time_on_postgres(pg_database: str) -> None:
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (FOLLOWER_LOCKS["sealer"],))
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        with single_follower(pg_database, "sealer", stop, 0.05) as active:
            assert active is False, "a second sealer waits as a standby while the first holds the lock"
        holder.execute("SELECT pg_advisory_unlock(%s)", (FOLLOWER_LOCKS["sealer"],))
    with single_follower(pg_database, "sealer", threading.Event(), 0.05) as active:
        assert active is True, "once the first is gone the standby takes over"
