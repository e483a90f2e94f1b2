"""No Python traceback reaches a user from any command (issue 22): every leaf command of the CLI is run
against a provoked database error — a PostgreSQL database that does not exist, and a SQLite file that is
not a database — and must end with a clean (Japanese) message and a non-zero exit, never an exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from interfaces.cli.main import app

#: Long-running servers and benchmarks: they are not one-shot commands.
SKIP = {"serve", "worker", "bench", "demo", "generate"}


def _leaves(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if hasattr(command, "commands"):
        found = []
        for name, sub in sorted(command.commands.items()):
            if name in SKIP:
                continue
            found += _leaves(sub, (*path, name))
        return found
    return [(path, command)]


def _value(param: Any, tmp: Path) -> str:
    """A plausible value for a required parameter, from its annotation and name."""
    name = (param.name or "").lower()
    annotation = param.type_descriptor.annotation
    choices = getattr(annotation, "__members__", None)
    if choices:
        return str(next(iter(choices.values())).value)
    if annotation is int:
        return "2026" if "year" in name else "1"
    if annotation is float:
        return "1"
    if annotation is Path or "file" in name or name in ("path", "manifest", "archive", "out"):
        target = tmp / f"in-{name}.txt"
        target.write_text("x\n", encoding="utf-8")
        return str(target)
    if "date" in name or name in ("as_of", "when", "to", "from_"):
        return "2026-07-01"
    return "1"


def _args(command: Any, tmp: Path) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if param.param_type_name == "argument" and param.required:
            args.append(_value(param, tmp))
        elif param.param_type_name == "option":
            if param.required:
                args += [param.opts[0], _value(param, tmp)]
            elif "--as" in param.opts:
                args += ["--as", "clerk01"]
    return args


LEAVES = _leaves(typer.main.get_command(app))


@pytest.mark.parametrize("provoked", ["missing-postgres-database", "sqlite-file-not-a-database"])
def test_every_command_reports_a_database_error_cleanly(
    provoked: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str]
) -> None:
    assert len(LEAVES) > 60, "the command tree was walked"
    monkeypatch.chdir(tmp_path)
    env = dict(cli_env)
    if provoked == "missing-postgres-database":
        env["JUMINZEI_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/juminzei_no_such_database"
    else:
        broken = tmp_path / "broken.db"
        broken.write_bytes(b"this is not a database file at all" * 100)
        env["JUMINZEI_DATABASE_URL"] = f"sqlite:///{broken}"
    runner = CliRunner()
    offenders: list[str] = []
    for path, command in LEAVES:
        result: Any = runner.invoke(app, [*path, *_args(command, tmp_path)], env=env)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or "Traceback" in result.output:
            offenders.append(f"{' '.join(path)}: {type(result.exception).__name__}: {result.exception}")
    assert not offenders, "\n".join(offenders)
