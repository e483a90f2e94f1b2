"""Continuous witnessing of the audit log's checkpoints (証人; issue 22, ADR 0021).

A DBA who deletes the tail of the event log together with its leaf rows and checkpoints leaves a log that
verifies against itself. What they cannot reach is a copy of the signed checkpoints kept outside the
event database. Every seal therefore hands each new signed checkpoint to the configured witnesses:

- ``FileWitness`` — an append-only JSON-lines file on separate storage (one signed checkpoint per line,
  as ``Checkpoint.to_json`` writes it, including the C2SP signed-note text);
- ``PostgresWitness`` — a table in a second PostgreSQL database reached with a role that may only INSERT
  and SELECT there (``juminzei audit witness init`` creates the table and the grant).

A witness that cannot be reached does not stop sealing: the next seal sends everything it missed, and
``witness_health`` (readiness) fails once it has been unreachable, or behind, for longer than
``JUMINZEI_WITNESS_MAX_DELAY`` seconds. ``audit verify`` checks the log against the witnessed
checkpoints by default: a truncation, a rollback to an older backup, a rewrite (fork) or swapped events
show as a mismatch with the first bad position. Two witnesses holding different roots for the same tree
size is itself reported as a fork.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import structlog

from adapters.audit.merkle_log import Checkpoint, load_checkpoints
from adapters.settings import Settings

log = structlog.get_logger(__name__)


class WitnessError(RuntimeError):
    """A witness cannot be read or written; the message names it."""


class Witness(Protocol):
    name: str

    def checkpoints(self) -> list[Checkpoint]: ...

    def append(self, checkpoints: Sequence[Checkpoint]) -> None: ...


class FileWitness:
    """Append-only JSON-lines file of signed checkpoints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"file:{path}"

    def checkpoints(self) -> list[Checkpoint]:
        if not self.path.exists():
            return []
        found: list[Checkpoint] = []
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    found.append(Checkpoint.from_json(json.loads(line)))
                except (ValueError, KeyError, TypeError) as error:
                    raise WitnessError(
                        f"証人ファイル {self.path} の {number} 行目が読めません: {error}"
                    ) from error
        return sorted(found, key=lambda c: c.tree_size)

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        if not checkpoints:
            return
        body = "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in checkpoints)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
            try:
                os.write(fd, body.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise WitnessError(f"証人ファイル {self.path} に書き込めません: {error}") from error


WITNESS_TABLE = "juminzei_witness_checkpoints"


class PostgresWitness:
    """A table in another PostgreSQL database; the connecting role may only INSERT and SELECT."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        host = self.url.split("@")[-1]
        self.name = f"postgres:{host}"

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=3, autocommit=True)
        except psycopg.Error as error:
            raise WitnessError(
                f"証人データベース {self.name} に接続できません: {type(error).__name__}"
            ) from error

    def checkpoints(self) -> list[Checkpoint]:
        import psycopg

        with self._connect() as conn:
            try:
                rows = conn.execute(f"SELECT checkpoint FROM {WITNESS_TABLE} ORDER BY tree_size").fetchall()
            except psycopg.Error as error:
                raise WitnessError(
                    f"証人データベース {self.name} を読めません: {type(error).__name__}"
                ) from error
        return [Checkpoint.from_json(json.loads(r[0])) for r in rows]

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        import psycopg

        if not checkpoints:
            return
        with self._connect() as conn:
            try:
                with conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {WITNESS_TABLE} (tree_size, checkpoint) VALUES (%s, %s)"
                        " ON CONFLICT (tree_size) DO NOTHING",
                        [(c.tree_size, json.dumps(c.to_json(), ensure_ascii=False)) for c in checkpoints],
                    )
            except psycopg.Error as error:
                raise WitnessError(
                    f"証人データベース {self.name} に書き込めません: {type(error).__name__}"
                ) from error


def init_postgres_witness(admin_url: str, writer_role: str | None = None) -> None:
    """Create the witness table (as its owner) and let ``writer_role`` only INSERT and SELECT."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        admin_url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {WITNESS_TABLE} ("
            " tree_size BIGINT PRIMARY KEY, checkpoint TEXT NOT NULL,"
            " received_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        if writer_role:
            conn.execute(
                sql.SQL("REVOKE ALL ON {} FROM {}").format(
                    sql.Identifier(WITNESS_TABLE), sql.Identifier(writer_role)
                )
            )
            conn.execute(
                sql.SQL("GRANT INSERT, SELECT ON {} TO {}").format(
                    sql.Identifier(WITNESS_TABLE), sql.Identifier(writer_role)
                )
            )


def configured_witnesses(settings: Settings) -> list[Witness]:
    found: list[Witness] = []
    if settings.witness_file:
        found.append(FileWitness(settings.witness_file))
    if settings.witness_url:
        found.append(PostgresWitness(settings.witness_url))
    return found


# -- delivery and health ------------------------------------------------------------------------------


def _status_path(settings: Settings) -> Path:
    return settings.var_dir / "witness-status.json"


def _load_status(settings: Settings) -> dict[str, Any]:
    path = _status_path(settings)
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _save_status(settings: Settings, status: dict[str, Any]) -> None:
    path = _status_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(status, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # pragma: no cover - status is advisory; health then reports "never reached"
        pass


@dataclass
class WitnessSync:
    sent: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def sync_witnesses(
    source: Any, settings: Settings, witnesses: Sequence[Witness] | None = None
) -> WitnessSync:
    """Send every stored checkpoint a witness does not hold yet (never raises; errors are reported)."""
    witnesses = configured_witnesses(settings) if witnesses is None else witnesses
    result = WitnessSync()
    if not witnesses:
        return result
    stored = load_checkpoints(source)
    status = _load_status(settings)
    now = datetime.now(UTC).isoformat()
    for witness in witnesses:
        entry = status.setdefault(witness.name, {})
        try:
            held = {c.tree_size for c in witness.checkpoints()}
            missing = [c for c in stored if c.tree_size not in held]
            witness.append(missing)
            result.sent[witness.name] = len(missing)
            entry.update(
                last_ok=now,
                witnessed_size=max([*held, *(c.tree_size for c in missing)], default=0),
                last_error=None,
            )
        except WitnessError as error:
            result.errors[witness.name] = str(error)
            entry.update(last_error=str(error), last_error_at=now)
            log.warning("audit.witness_unreachable", witness=witness.name, error=type(error).__name__)
    _save_status(settings, status)
    return result


def witnessed_checkpoints(witnesses: Sequence[Witness]) -> tuple[list[Checkpoint], list[str]]:
    """The union of what the witnesses hold, and problems: unreadable witnesses and forks between them."""
    by_size: dict[int, Checkpoint] = {}
    problems: list[str] = []
    for witness in witnesses:
        try:
            held = witness.checkpoints()
        except WitnessError as error:
            problems.append(str(error))
            continue
        for checkpoint in held:
            other = by_size.get(checkpoint.tree_size)
            if other is not None and other.root_hash != checkpoint.root_hash:
                problems.append(
                    f"証人どうしでツリーサイズ {checkpoint.tree_size} の root が異なります（分岐 fork: {witness.name}）"
                )
            by_size.setdefault(checkpoint.tree_size, checkpoint)
    return [by_size[size] for size in sorted(by_size)], problems


def witness_health(source: Any, settings: Settings) -> dict[str, Any]:
    """Readiness: every witness reached, and none behind for longer than the configured delay."""
    witnesses = configured_witnesses(settings)
    if not witnesses:
        return {"ok": True, "configured": False}
    stored = load_checkpoints(source)
    latest = stored[-1] if stored else None
    status = _load_status(settings)
    now = datetime.now(UTC)
    report: dict[str, Any] = {
        "ok": True,
        "configured": True,
        "max_delay_s": settings.witness_max_delay,
        "witnesses": {},
    }
    for witness in witnesses:
        item: dict[str, Any] = {}
        try:
            held = max((c.tree_size for c in witness.checkpoints()), default=0)
            item["witnessed_size"] = held
            behind = [c for c in stored if c.tree_size > held]
            if behind:
                oldest = datetime.fromisoformat(behind[0].timestamp.replace("Z", "+00:00"))
                item["behind_s"] = round((now - oldest).total_seconds(), 1)
                item["ok"] = item["behind_s"] <= settings.witness_max_delay
            else:
                item["ok"] = True
        except WitnessError as error:
            last_ok = status.get(witness.name, {}).get("last_ok")
            unreachable_s = (now - datetime.fromisoformat(last_ok)).total_seconds() if last_ok else None
            item.update(error=str(error), unreachable_s=unreachable_s)
            item["ok"] = unreachable_s is not None and unreachable_s <= settings.witness_max_delay
        report["witnesses"][witness.name] = item
        report["ok"] = report["ok"] and item["ok"]
    report["tree_size"] = latest.tree_size if latest else 0
    return report
