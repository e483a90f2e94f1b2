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
from tests_support import reset_postgres

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
            "operator": "test-clerk",
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
    }
    for key in ("JUMINZEI_OPERATOR", "JUMINZEI_TERMINAL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def cli_staff(cli_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """Environment for running the CLI as one member of staff holding ``roles``.

    New CLI tests act through this fixture rather than typing ``--as``: ``env = cli_staff("clerk01",
    "課税")`` then ``runner.invoke(app, [...], env=env)``. Today it names the operator through
    ``JUMINZEI_OPERATOR``; verified sign-in (issue 14) makes it enrol, grant and sign the member in, so
    tests written against it keep working unchanged.
    """

    def as_staff(staff_id: str = "clerk01", *roles: str) -> dict[str, str]:
        env = dict(cli_env)
        env["JUMINZEI_OPERATOR"] = staff_id
        return env

    return as_staff
