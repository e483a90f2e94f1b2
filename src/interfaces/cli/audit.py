# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(audit.app, name="audit")
"""``juminzei audit …``: seal the tamper-evident audit log, verify it, export checkpoints for a witness.

See docs/audit-log.md and ADR 0008. Exit codes of ``verify``: 0 everything verifies, 1 a problem was found
(or, with ``--require-sealed``, events are not yet sealed), 2 usage errors.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from adapters.audit.merkle_log import (
    AuditLogError,
    Checkpoint,
    export_checkpoints,
    seal,
    sealed_position,
    verify,
)
from adapters.audit.signing import AuditKeyError
from adapters.audit.witness import (
    configured_witnesses,
    init_postgres_witness,
    sync_witnesses,
    witness_health,
    witnessed_checkpoints,
)
from interfaces.cli.common import JSON_OPTION, console, container, err_console, fail, print_json, settings

app = typer.Typer(
    help="監査ログ (tamper-evident audit log): seal, verify, export checkpoints for a witness.",
    no_args_is_help=True,
)
checkpoint_app = typer.Typer(help="Signed checkpoints (tree heads) for a witness.", no_args_is_help=True)
app.add_typer(checkpoint_app, name="checkpoint")

WITNESS_OPTION = typer.Option(
    None, "--witness", help="A witness file (from `audit checkpoint export`) to check today's log against."
)
PUBLIC_KEY_OPTION = typer.Option(
    None,
    "--public-key",
    help="Verify signatures with this public key (.pub) instead of the configured private key file.",
)


@app.command("seal")
def seal_command(
    json_out: bool = JSON_OPTION,
    follow: bool = typer.Option(
        False, "--follow", help="封印を続ける（サーバーモードの封印係; SIGTERM で終了）"
    ),
    interval: float = typer.Option(
        0.5, "--interval", min=0.05, help="--follow: 新しいイベントがないときの待ち秒数"
    ),
    max_iterations: int | None = typer.Option(
        None, "--max-iterations", min=1, help="--follow: この回数で終了"
    ),
) -> None:
    """Append every stored event not yet sealed and sign a checkpoint (idempotent).

    ``--follow``: the one sealer of server mode; seals continuously (on PostgreSQL only one sealer works
    at a time, others wait as standbys)."""
    if follow:
        _follow_seal(interval, max_iterations, json_out)
        return
    with container(cfg=settings()) as c:
        try:
            result = seal(c)
        except (AuditLogError, AuditKeyError) as error:
            fail(str(error))
    if json_out:
        print_json(result.to_json())
        return
    if result.sealed:
        console.print(
            f"監査ログを封印しました: {result.sealed} 件追加, tree size {result.previous_size} → {result.tree_size}"
            f" (position {result.last_position}, key {result.key_id})"
        )
    else:
        console.print(
            f"新しいイベントはありません: tree size {result.tree_size} (position {result.last_position})"
        )


def _follow_seal(interval: float, max_iterations: int | None, json_out: bool) -> None:
    from interfaces.follow import run_follower, single_follower, stop_on_signals

    cfg = settings()
    with stop_on_signals() as stop, single_follower(cfg.database_url, "sealer", stop, interval) as active:
        if not active:
            return
        with container(cfg=cfg) as c:

            def step() -> int:
                try:
                    return seal(c).sealed
                except (AuditLogError, AuditKeyError) as error:
                    fail(f"監査ログを封印できません（audit verify で確認してください）: {error}", 4)

            total = run_follower(step, stop=stop, interval=interval, max_iterations=max_iterations)
            lag = max(c.app.head() - sealed_position(c), 0)
    if json_out:
        print_json({"sealed": total, "seal_lag": lag})
    else:
        console.print(f"audit seal --follow: {total} 件封印, seal lag {lag}")


@app.command("verify")
def verify_command(
    json_out: bool = JSON_OPTION,
    witness: Path | None = WITNESS_OPTION,
    public_key: Path | None = PUBLIC_KEY_OPTION,
    require_sealed: bool = typer.Option(
        False, "--require-sealed", help="Also fail when stored events are not yet sealed."
    ),
    no_witness: bool = typer.Option(
        False, "--no-witness", help="設定された証人と照合しない (skip the configured witnesses)."
    ),
) -> None:
    """Recompute the log from the stored events; report the first bad position and any unsealed tail.

    With witnesses configured (JUMINZEI_WITNESS_FILE / JUMINZEI_WITNESS_URL) the log is checked against
    every checkpoint they hold, unless ``--witness FILE`` names another or ``--no-witness``."""
    if witness is not None and not witness.exists():
        fail(f"証人ファイルがありません: {witness}", 2)
    if public_key is not None and not public_key.exists():
        fail(f"公開鍵ファイルがありません: {public_key}", 2)
    with container(cfg=settings()) as c:
        source: Path | list[Checkpoint] | None = witness
        witness_problems: list[str] = []
        configured = configured_witnesses(c.settings)
        if witness is None and configured and not no_witness:
            source, witness_problems = witnessed_checkpoints(configured)
        report = verify(c, witness=source, public_key=public_key)
        if witness_problems:
            report = replace(
                report,
                ok=False,
                reason=report.reason or witness_problems[0],
                problems=(*witness_problems, *report.problems),
            )
    witness = witness or (Path("configured") if configured and not no_witness else None)
    passed = report.ok and not (require_sealed and report.unsealed_tail)
    if json_out:
        print_json(report.to_json())
    elif report.ok:
        console.print(
            f"[green]監査ログは検証されました[/] (verified): tree size {report.tree_size},"
            f" checkpoints {report.checkpoints_checked}, head {report.head}"
            + (f", witness checkpoints {report.witness_checked}" if witness else ""),
            highlight=False,
        )
    else:
        err_console.print(
            f"[bold red]監査ログの検証に失敗しました (verification failed)[/] 位置 position"
            f" {report.first_bad_position} (leaf {report.first_bad_leaf})",
            highlight=False,
        )
        err_console.print(f"  {report.reason}", highlight=False)
        for other in report.problems[1:10]:
            err_console.print(f"  - {other}", highlight=False)
    if report.unsealed_tail and not json_out:
        err_console.print(
            f"未封印のイベントが {report.unsealed_tail} 件あります (unsealed tail: run `juminzei audit seal`)",
            highlight=False,
        )
    if not passed:
        raise typer.Exit(1)


@checkpoint_app.command("export")
def export_command(
    out: Path = typer.Option(
        ..., "--out", help="Witness file; an existing one is extended, never rewritten."
    ),
    include_all: bool = typer.Option(False, "--all", help="Write every stored checkpoint into a new file."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Export the latest signed checkpoint(s) to a file a witness keeps outside this system."""
    with container(cfg=settings()) as c:
        try:
            result = export_checkpoints(c, out, include_all=include_all)
        except (ValueError, OSError, AuditKeyError) as error:
            fail(f"チェックポイントを書き出せません: {error}")
    if result.total == 0:
        fail("封印されたチェックポイントがありません。先に `juminzei audit seal` を実行してください。")
    if json_out:
        print_json(
            {
                "out": str(result.path),
                "written": result.written,
                "checkpoints": result.total,
                "tree_size": result.tree_size,
                "public_key": result.public_key,
            }
        )
        return
    console.print(
        f"{result.path} にチェックポイントを {result.written} 件書き出しました (tree size {result.tree_size},"
        f" {result.total} in file). 公開鍵 public key: {result.public_key}",
        highlight=False,
    )


witness_app = typer.Typer(help="証人 (continuous witnessing of checkpoints, ADR 0021).", no_args_is_help=True)
app.add_typer(witness_app, name="witness")


@witness_app.command("status")
def witness_status(json_out: bool = JSON_OPTION) -> None:
    """Whether every configured witness is reached and current (the readiness check); exit 1 if not."""
    with container(cfg=settings()) as c:
        health = witness_health(c, c.settings)
    if json_out:
        print_json(health)
    elif not health["configured"]:
        console.print("証人は設定されていません (JUMINZEI_WITNESS_FILE / JUMINZEI_WITNESS_URL)。")
    else:
        for name, item in health["witnesses"].items():
            mark = "OK" if item["ok"] else "NG"
            console.print(f"{mark} {name}: {item}", highlight=False, soft_wrap=True)
    if not health["ok"]:
        raise typer.Exit(1)


@witness_app.command("sync")
def witness_sync(json_out: bool = JSON_OPTION) -> None:
    """Send the witnesses every checkpoint they do not hold yet (each seal does this itself)."""
    with container(cfg=settings()) as c:
        result = sync_witnesses(c, c.settings)
    if json_out:
        print_json({"sent": result.sent, "errors": result.errors})
    else:
        for name, count in result.sent.items():
            console.print(f"{name}: {count} 件送信", highlight=False)
        for name, error in result.errors.items():
            err_console.print(f"[bold red]{name}[/]: {error}", highlight=False)
    if result.errors:
        raise typer.Exit(1)


@witness_app.command("init")
def witness_init(
    admin_url: str = typer.Option(..., "--admin-url", help="証人データベースの管理者接続 URL"),
    writer_role: str | None = typer.Option(None, "--writer-role", help="INSERT と SELECT だけを許すロール"),
) -> None:
    """Create the witness table in a second PostgreSQL database; grant the writer role INSERT/SELECT only."""
    try:
        init_postgres_witness(admin_url, writer_role)
    except Exception as error:  # psycopg errors: report, never a traceback
        fail(f"証人データベースを準備できません: {type(error).__name__}: {error}")
    console.print("証人データベースを準備しました。")
