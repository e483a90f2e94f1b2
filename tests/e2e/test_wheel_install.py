"""A wheel installed into a fresh virtual environment works with no source tree beside it (issue 17, ADR 0017).

The wheel is built from this checkout, installed with its dependencies (as an operator's ``pip install .``
would) into a new venv, and run from an empty directory: ``--version``, ``db upgrade`` and a command that
reads the tables, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests_support import reset_postgres

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bin/`` of a fresh venv holding the wheel of this checkout and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(ROOT)],
        cwd=work,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("juminzei-*.whl")
    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    assert made.returncode == 0, made.stderr
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=work)
    assert pip.returncode == 0, pip.stderr
    return venv / "bin"


def _env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUMINZEI_", "PYTHON"))}
    env |= {
        "JUMINZEI_DATABASE_URL": database_url,
        "JUMINZEI_VAR_DIR": str(tmp / "var"),
        "JUMINZEI_MASTER_KEY": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
    }
    return env


def _check_installed_cli(bin_dir: Path, tmp: Path, database_url: str) -> None:
    cwd = tmp / "elsewhere"
    cwd.mkdir()
    env = _env(tmp, database_url)
    juminzei = str(bin_dir / "juminzei")

    where = _run(
        [str(bin_dir / "python"), "-c", "import adapters; print(adapters.__file__)"], cwd=cwd, env=env
    )
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout, "the installed package must not come from the source tree"

    version = _run([juminzei, "--version"], cwd=cwd, env=env)
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"juminzei {expected}"

    upgrade = _run([juminzei, "db", "upgrade", "--json"], cwd=cwd, env=env)
    assert upgrade.returncode == 0, upgrade.stderr
    applied = json.loads(upgrade.stdout)["applied_now"]
    assert "0001" in applied and len(applied) >= 15

    status = _run([juminzei, "projections", "status", "--json"], cwd=cwd, env=env)
    assert status.returncode == 0, status.stderr
    names = {row["name"] for row in json.loads(status.stdout)["projections"]}
    assert {"taxpayer_search", "levy_ledger", "access_log"} <= names


def test_wheel_install_on_sqlite(installed: Path, tmp_path: Path) -> None:
    db = tmp_path / "wheel.db"
    _check_installed_cli(installed, tmp_path, f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"data_keys", "schema_migrations", "projection_tracking"} <= tables


@pytest.mark.postgres
def test_wheel_install_on_postgres(installed: Path, tmp_path: Path, pg_database: str) -> None:
    import psycopg

    reset_postgres(pg_database)
    _check_installed_cli(installed, tmp_path, pg_database)
    with psycopg.connect(pg_database) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"data_keys", "schema_migrations", "projection_tracking"} <= tables


def test_wheel_install_ships_the_tooling(installed: Path, tmp_path: Path) -> None:
    """``tools`` (benchmarks, synthetic ward) is in the wheel: ``generate``, ``bench`` and ``demo`` run."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'wheel.db'}")
    juminzei = str(installed / "juminzei")
    where = _run([str(installed / "python"), "-c", "import tools; print(tools.__file__)"], cwd=cwd, env=env)
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout, "the installed package must not come from the source tree"

    out = tmp_path / "ward"
    generated = _run(
        [juminzei, "generate", "--taxpayers", "20", "--seed", "3", "--out", str(out), "--json"],
        cwd=cwd,
        env=env,
    )
    assert generated.returncode == 0, generated.stderr
    assert json.loads(generated.stdout)["files"] and (out / "manifest.json").is_file()

    calc = _run([juminzei, "bench", "calc", "--count", "50", "--json"], cwd=cwd, env=env)
    assert calc.returncode == 0, calc.stderr
    assert json.loads(calc.stdout)["computations"] == 50

    demo = _run([juminzei, "demo", "--taxpayers", "10", "--json"], cwd=cwd, env=env)
    assert demo.returncode == 0, demo.stderr


_CONSOLE_PROBE = """
from fastapi.testclient import TestClient
from interfaces.serve import default_app
client = TestClient(default_app())
page = client.get("/console/sign-in")
css = client.get("/console/static/console.css")
print(page.status_code, "サインイン" in page.text, css.status_code, len(css.content) > 100)
"""


def test_wheel_install_serves_the_console(installed: Path, tmp_path: Path) -> None:
    """The console's templates and stylesheet are package data: the installed app renders its pages."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'console.db'}")
    probe = _run([str(installed / "python"), "-c", _CONSOLE_PROBE], cwd=cwd, env=env)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines()[-1].split() == ["200", "True", "200", "True"], probe.stdout


def test_missing_migrations_are_an_error_not_up_to_date(tmp_path: Path) -> None:
    """An installation without its SQL files must fail loudly, never report 「最新」."""
    from adapters.persistence.database import open_database
    from adapters.persistence.migrations import MigrationsMissingError, apply_migrations
    from adapters.persistence.stores import parse_database_url

    empty = tmp_path / "no-sql"
    empty.mkdir()
    db = open_database(parse_database_url(f"sqlite:///{tmp_path / 'x.db'}"))
    try:
        with pytest.raises(MigrationsMissingError, match="マイグレーションが見つかりません"):
            apply_migrations(db, empty)
    finally:
        db.close()
