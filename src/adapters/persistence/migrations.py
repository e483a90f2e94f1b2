"""Apply the numbered SQL migrations in order, once each (``juminzei db upgrade``).

The files live in the package ``adapters.persistence.schema`` and are read as package data
(``importlib.resources``), so an installed wheel or image finds them exactly as a source checkout does
(ADR 0017). Files hold portable SQL; a file named ``NNNN_name.postgres.sql`` or ``NNNN_name.sqlite.sql``
applies only to that dialect. Applied versions are recorded in ``schema_migrations``, so running twice is
a no-op.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from application.ports import SqlDatabase

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgres))?\.sql$")
SCHEMA_PACKAGE = "adapters.persistence.schema"


class MigrationsMissingError(RuntimeError):
    """No migration files were found: the installation is incomplete (package data missing)."""


def default_migrations_dir() -> Traversable:
    """The shipped migrations: package data of ``adapters.persistence.schema``."""
    return resources.files(SCHEMA_PACKAGE)


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Traversable


def discover(directory: Path | Traversable, dialect: str) -> list[Migration]:
    """Every migration for ``dialect`` in version order; raises when the directory holds none."""
    found: list[Migration] = []
    entries = sorted(
        (entry for entry in directory.iterdir() if entry.is_file() and entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    if not entries:
        raise MigrationsMissingError(
            f"マイグレーションが見つかりません ({directory})。インストールが不完全です"
            "（パッケージデータの SQL が含まれていません）。"
        )
    for path in entries:
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path}: migration file names must look like 0001_name[.sqlite|.postgres].sql")
        version, name, only = match.groups()
        if only and only != dialect:
            continue
        found.append(Migration(version=version, name=name, path=path))
    return found


def _statements(sql: str) -> list[str]:
    # Migrations contain no semicolons inside literals or bodies; keep them that way.
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def apply_migrations(db: SqlDatabase, directory: Path | Traversable | None = None) -> list[str]:
    """Apply pending migrations; return the versions applied by this call."""
    directory = directory or default_migrations_dir()
    with db.transaction() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    applied: list[str] = []
    for migration in discover(directory, db.dialect):
        with db.transaction() as cur:
            cur.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,))
            if cur.fetchone():
                continue
            for statement in _statements(migration.path.read_text(encoding="utf-8")):
                cur.execute(statement)
            cur.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, CURRENT_TIMESTAMP)",
                (migration.version, migration.name),
            )
        applied.append(migration.version)
    return applied
