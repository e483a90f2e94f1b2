"""Shared CLI plumbing: settings, operator identity, command context, JSON output, errors."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from adapters.logging import configure_logging
from adapters.persistence.stores import ConfigurationError
from adapters.settings import Settings
from application.degraded import READ_ONLY_MESSAGE
from application.usecases import InvalidCommandError, Principal
from application.usecases.base import Message
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import (
    Container,
    DatabaseUnavailableError,
    MigrationsMissingError,
    SchemaNotReadyError,
    build,
)

console = Console()
err_console = Console(stderr=True)

T = TypeVar("T")

#: Exit code of a command refused because the store is a read-only replica (縮退運用, ADR 0020).
READ_ONLY_EXIT = 5
#: Exit code of a batch refused because another run of it is in progress (ADR 0021).
BATCH_RUNNING_EXIT = 6

#: Exit code of an import whose file holds no record, or no valid one (ADR 0021, docs/cli.md).
NOTHING_TO_IMPORT_EXIT = 7

WAIT_OPTION = typer.Option(
    False, "--wait", help="別の実行中の同じ処理が終わるまで待つ (wait for the other run)."
)

AS_OPTION = typer.Option(
    None,
    "--as",
    help="操作者の職員ID: この端末でサインイン済みの職員から選ぶ (staff sign-in; --as alone is refused).",
    show_default=False,
)
JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON.")


def settings() -> Settings:
    return Settings()


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]エラー:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def sign_in_hint(staff_id: str | None = None) -> str:
    return f"juminzei staff sign-in --staff-id {staff_id or '職員ID'} でサインインしてください。"


def resolve_principal(c: Container, as_: str | None) -> Principal:
    """Who runs this command: a job credential (``JUMINZEI_CREDENTIAL_FILE``) or a signed-in staff session.

    ``--as`` only chooses among the sessions signed in on this terminal; it never authenticates anyone.
    Every session is re-validated by the staff service (expiry, idle timeout, sign-out, lockout), exactly
    as the HTTP API validates its bearer tokens (ADR 0023).
    """
    from interfaces.cli import session

    cfg = c.settings
    now = datetime.now(UTC)
    terminal = cfg.terminal or "cli"
    wanted = (as_ or "").strip() or None
    if cfg.credential_file is not None:
        if wanted is not None:
            fail("--as はバッチ用資格情報（JUMINZEI_CREDENTIAL_FILE）と併用できません。", 2)
        try:
            secret = cfg.credential_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            fail(f"JUMINZEI_CREDENTIAL_FILE を読めません: {cfg.credential_file}: {error.strerror}", 2)
        try:
            credential = c.staff.check_job_credential(secret, now)
        except DomainError as error:
            fail(error.message, 2)
        return Principal(
            actor=credential.job_id,
            terminal=terminal,
            kind="job",
            roles=frozenset(r.value for r in credential.roles),
            issued_by=credential.issued_by,
        )
    stored = session.find(cfg.session_path(), wanted)
    if stored is None:
        if wanted is not None:
            fail(
                f"職員 {wanted} のサインインが確認できません（--as だけでは操作できません）。"
                + sign_in_hint(wanted),
                2,
            )
        fail("サインインしていません。" + sign_in_hint(), 2)
    try:
        verified = c.staff.check_session(stored.token, now, record=not c.read_only)
    except DomainError as error:
        fail(f"{error.message} " + sign_in_hint(stored.staff_id), 2)
    return Principal(
        actor=verified.staff_id,
        terminal=terminal,
        kind="staff",
        roles=frozenset(g.role.value for g in verified.grants if g.in_force(now, c.staff.review_policy)),
    )


def command_context(
    as_: str | None, purpose: Purpose, cfg: Settings | Container, *, action: str | None = None
) -> CommandContext:
    """The context of a command run outside the use cases, attributed to the verified principal; with
    ``action``, the access policy decides it first (a refusal is journaled and exits 1).

    ``cfg``: the command's open container (nothing built twice), or its settings (a container is built
    for the check alone, for commands that must not hold one, e.g. a restore)."""
    if isinstance(cfg, Container):
        who = resolve_principal(cfg, as_)
        decision_id = authorize_action(cfg, who, action, purpose) if action else None
    else:
        with container(cfg=cfg) as c:
            who = resolve_principal(c, as_)
            decision_id = authorize_action(c, who, action, purpose) if action else None
    return CommandContext(
        actor=who.actor,
        purpose=purpose,
        command_id=f"cli:{decision_id or uuid.uuid4()}",
        terminal=who.terminal,
    )


def authorize_action(c: Container, who: Principal, action: str, purpose: Purpose) -> str:
    """The access policy's decision for a command outside the bus (same rules, same journal)."""
    from application.access import AccessPolicy

    head_before = c.app.head()
    try:
        return AccessPolicy(c.staff, lambda: datetime.now(UTC)).check(who, action, purpose)
    except DomainError as error:
        if c.app.head() != head_before:
            seal_log(c)
        fail(error.message, 1)


def principal(as_: str | None, c: Container) -> Principal:
    """The principal a CLI command runs as (see :func:`resolve_principal`)."""
    return resolve_principal(c, as_)


def system_principal(cfg: Settings) -> Principal:
    """For the process's own upkeep only (applying events to read models): nothing attributable to a person."""
    return Principal(actor="system", terminal=cfg.terminal or "cli", kind="system")


def execute(
    c: Container,
    message: Message[T],
    who: Principal,
    *,
    wait: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> T:
    """Run a use case; its refusals become the CLI's exit codes (1 rule, 2 input naming the option,
    5 read-only replica, 6 batch already running)."""
    from application.batches import BatchAlreadyRunningError

    try:
        return c.use_cases.execute(message, who, wait=wait, progress=progress)
    except BatchAlreadyRunningError as error:
        fail(error.message, BATCH_RUNNING_EXIT)
    except InvalidCommandError as error:
        fail(f"--{error.field.replace('_', '-')}: {error.message}", 2)
    except DomainError as error:
        codes = {
            "read_only": READ_ONLY_EXIT,
            "nothing_to_import": NOTHING_TO_IMPORT_EXIT,
            "file_not_reconciled": 3,
        }
        fail(error.message, codes.get(error.code, 1))


@contextmanager
def container(*, upgrade: bool = False, cfg: Settings | None = None) -> Iterator[Container]:
    """Build the container, turning configuration and schema problems into clear CLI errors.

    A command that stored events leaves the audit log sealed up to the head (DESIGN §7): the Merkle
    integrator runs after the command body succeeds. A seal that fails (e.g. the latest checkpoint no
    longer verifies) is reported and the command exits 4 — the data stays committed.
    """
    cfg = cfg or settings()
    configure_logging(cfg.log_format, cfg.log_level)
    try:
        built = build(cfg, upgrade=upgrade)
    except (
        ConfigurationError,
        SchemaNotReadyError,
        MigrationsMissingError,
        DatabaseUnavailableError,
        ValueError,
    ) as error:
        fail(str(error))
    head_before = built.app.head()
    try:
        yield built
        if built.app.head() != head_before:
            seal_log(built)
    except Exception as error:
        if _is_read_only_refusal(error):
            fail(READ_ONLY_MESSAGE, READ_ONLY_EXIT)
        raise
    finally:
        built.close()


def _is_read_only_refusal(error: BaseException) -> bool:
    """A write refused by a read-only replica (縮退運用), by our own guard or by the database itself."""
    if isinstance(error, DomainError) and error.code == "read_only":
        return True
    try:
        from psycopg.errors import ReadOnlySqlTransaction
    except ImportError:  # pragma: no cover
        return False
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ReadOnlySqlTransaction):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@contextmanager
def batch(c: Container, kind: str, scope: object = "", *, wait: bool = False) -> Iterator[None]:
    """Run the block as the one run of batch ``kind`` (for 年度 ``scope``); a second start is refused (exit 6)."""
    from application.batches import BatchAlreadyRunningError

    try:
        with c.batch_lock.hold(kind, str(scope), wait=wait):
            yield
    except BatchAlreadyRunningError as error:
        fail(error.message, BATCH_RUNNING_EXIT)


def seal_log(c: Container) -> None:
    """Seal every stored event into the Merkle audit log (idempotent)."""
    from adapters.audit.merkle_log import AuditLogError, seal
    from adapters.audit.signing import AuditKeyError

    try:
        seal(c)
    except (AuditLogError, AuditKeyError) as error:
        fail(f"監査ログを封印できません（audit verify で確認してください）: {error}", 4)


def run_guarded(fn: Callable[[], T]) -> T:
    """Run a command body, reporting domain errors as a clerk-readable message (exit 1)."""
    try:
        return fn()
    except DomainError as error:
        fail(error.message, READ_ONLY_EXIT if error.code == "read_only" else 1)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
