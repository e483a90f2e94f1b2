"""Choose the event store from ``JUMINZEI_DATABASE_URL`` (ADR 0002).

- ``sqlite:///relative/or/absolute.db`` → ``eventsourcing.sqlite`` (embedded default; WAL file database).
- ``postgresql://user[:password]@host[:port]/dbname`` → ``eventsourcing.postgres`` via psycopg 3.
- ``memory://`` → POPO (in-memory; unit tests only).

``POSTGRES_ENABLE_DB_FUNCTIONS`` stays off: the function path skips the table lock that makes insert
order equal commit order, so a projection could skip an event for good (ADR 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


class ConfigurationError(ValueError):
    """The configuration is unusable; the message says which setting and why."""


@dataclass(frozen=True)
class StoreConfig:
    """A parsed database URL."""

    kind: str  # "sqlite" | "postgres" | "memory"
    sqlite_path: Path | None = None
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""

    def eventsourcing_env(self, pool_size: int = 2) -> dict[str, str]:
        """Environment for ``eventsourcing.Application`` (library variable names)."""
        if self.kind == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": "4",
            "POSTGRES_CONNECT_TIMEOUT": "10",
        }

    def describe(self) -> str:
        """Human description without the password."""
        if self.kind == "sqlite":
            return f"SQLite {self.sqlite_path}"
        if self.kind == "postgres":
            return f"PostgreSQL {self.user}@{self.host}:{self.port}/{self.dbname}"
        return "in-memory (POPO)"


def parse_database_url(url: str) -> StoreConfig:
    """Parse ``JUMINZEI_DATABASE_URL``; raise ``ConfigurationError`` naming the problem."""
    if url in ("memory://", "popo://"):
        return StoreConfig(kind="memory")
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if not str(path):
            raise ConfigurationError("JUMINZEI_DATABASE_URL: sqlite:/// needs a file path")
        return StoreConfig(kind="sqlite", sqlite_path=path)
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dbname = parsed.path.lstrip("/")
        if not parsed.hostname or not dbname:
            raise ConfigurationError("JUMINZEI_DATABASE_URL: postgresql:// needs a host and a database name")
        return StoreConfig(
            kind="postgres",
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or ""),
            dbname=dbname,
        )
    raise ConfigurationError(
        f"JUMINZEI_DATABASE_URL: unsupported scheme {parsed.scheme or url!r}; "
        "use sqlite:///path, postgresql://user@host:port/db or memory://"
    )
