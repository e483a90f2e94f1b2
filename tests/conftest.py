"""Shared fixtures: stores (POPO, SQLite, PostgreSQL), settings and containers.

PostgreSQL tests use ``JUMINZEI_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``).
Each test session creates its own throw-away database there. With ``CI=true`` an unreachable server is a
failure, never a skip.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.settings import Settings
from tests_support import CliStaff, reset_postgres

PG_ADMIN_URL = os.environ.get("JUMINZEI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_MASTER_KEY = base64.b64encode(b"k" * 32).decode()


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as error:  # pragma: no cover - depends on the machine
        return f"{type(error).__name__}: {error}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; yields its URL."""
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem})")
    import psycopg

    name = f"juminzei_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Database URL for each durable store; the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'juminzei.db'}"
    url: str = request.getfixturevalue("pg_database")
    reset_postgres(url)
    return url


@pytest.fixture
def make_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    def factory(database_url: str = "memory://", **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": database_url,
            "master_key": TEST_MASTER_KEY,
            "var_dir": tmp_path / "var",
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def container(make_settings):  # type: ignore[no-untyped-def]
    """A POPO-backed container (unit level)."""
    from interfaces.bootstrap import build

    built = build(make_settings("memory://"))
    yield built
    built.close()


@pytest.fixture
def durable_container(make_settings, store_url):  # type: ignore[no-untyped-def]
    """A container on SQLite or PostgreSQL (integration level)."""
    from interfaces.bootstrap import build

    built = build(make_settings(store_url), upgrade=True)
    yield built
    built.close()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for CLI tests: a private SQLite file and var dir, no operator configured."""
    env = {
        "JUMINZEI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "JUMINZEI_VAR_DIR": str(tmp_path / "var"),
        "JUMINZEI_MASTER_KEY": TEST_MASTER_KEY,
        "JUMINZEI_SESSION_FILE": str(tmp_path / "cli-session.json"),
    }
    for key in ("JUMINZEI_OPERATOR", "JUMINZEI_TERMINAL", "JUMINZEI_CREDENTIAL_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def cli_staff(cli_env: dict[str, str]) -> CliStaff:
    """Staff signed in through the real CLI path (``staff bootstrap``/``enroll``/``grant``/``sign-in``).

    ``env = cli_staff("clerk01")`` signs clerk01 in (the first one called with no roles is bootstrapped as
    the first 所属長 with every role; later ones are enrolled and granted ``roles`` — default every role —
    by the fixture's 所属長) and makes them this terminal's current session; ``--as clerk01`` then picks
    them among those signed in. ``runner.invoke(app, [...], env=env)`` or the monkeypatched environment.
    """
    return CliStaff(cli_env, cli_env["JUMINZEI_SESSION_FILE"])
