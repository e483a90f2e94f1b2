"""``juminzei projections …``: read-model status and catch-up."""

from __future__ import annotations

import typer

from application.usecases.operations import CatchUpReadModels
from interfaces.cli.common import (
    JSON_OPTION,
    WAIT_OPTION,
    batch,
    console,
    container,
    execute,
    fail,
    print_json,
    settings,
    system_principal,
)
from interfaces.cli.render import print_table
from interfaces.cli.usecase import emit, run_unattributed
from interfaces.presenters import fields_json

app = typer.Typer(help="Read models (projections): status and catch-up.", no_args_is_help=True)


@app.command("status")
def status(json_out: bool = JSON_OPTION) -> None:
    """Position, head, lag, checksum and last error of every projection."""
    with container(cfg=settings()) as c:
        rows = c.runner.status()
    if json_out:
        status_fields = ("name", "position", "head", "lag", "checksum", "rows", "error")
        print_json({"projections": [fields_json(s, *status_fields) for s in rows]})
        return
    print_table(
        "Projections",
        ("name", "position", "head", "lag", "rows", "checksum", "error"),
        [
            (s.name, str(s.position), str(s.head), str(s.lag), str(s.rows), s.checksum[:16], s.error or "")
            for s in rows
        ],
    )


@app.command("follow")
def follow(
    interval: float = typer.Option(0.5, "--interval", min=0.05, help="新しいイベントがないときの待ち秒数"),
    max_iterations: int | None = typer.Option(
        None, "--max-iterations", min=1, help="この回数で終了（試験用）"
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Keep every read model current (server mode): catch up continuously until SIGTERM.

    On PostgreSQL only one follower works at a time (advisory lock); others wait as standbys."""
    from interfaces.follow import run_follower, single_follower, stop_on_signals

    cfg = settings()
    with (
        stop_on_signals() as stop,
        single_follower(cfg.database_url, "projections", stop, interval) as active,
    ):
        if not active:
            return
        with container(cfg=cfg) as c:
            who = system_principal(c.settings)
            total = run_follower(
                lambda: sum(execute(c, CatchUpReadModels(), who).values()),
                stop=stop,
                interval=interval,
                max_iterations=max_iterations,
            )
            lag = max((s.lag for s in c.runner.status()), default=0)
    emit(json_out, {"applied": total, "lag": lag}, f"projections follow: {total} events applied, lag {lag}")


@app.command("catch-up")
def refresh_read_models(json_out: bool = JSON_OPTION) -> None:
    """Apply every event not yet applied to each projection."""
    applied = run_unattributed(CatchUpReadModels())
    if json_out:
        print_json({"applied": applied})
    else:
        for name, count in applied.items():
            console.print(f"{name}: {count} events applied")


@app.command("rebuild")
def rebuild(
    name: str | None = typer.Argument(None, help="projection name (see `projections status`)"),
    all_: bool = typer.Option(False, "--all", help="rebuild every projection"),
    batch_size: int = typer.Option(1000, "--batch-size", min=1),
    wait: bool = WAIT_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Build a new version beside the live view, verify it, switch over (resumable after interruption)."""
    from rich.progress import Progress

    if (name is None) == (not all_):
        fail("NAME か --all のどちらか一方を指定してください。", 2)
    with container(cfg=settings()) as c, batch(c, "rebuild", wait=wait):
        names = list(c.runner.projections) if all_ else [name or ""]
        unknown = [n for n in names if n not in c.runner.projections]
        if unknown:
            fail(
                f"projection {unknown[0]} はありません。使用できる名前: {', '.join(c.runner.projections)}", 2
            )
        with Progress(console=console, transient=True, disable=json_out) as bar:
            tasks = {projection: bar.add_task(f"rebuild {projection}", total=None) for projection in names}
            # One pass over the log builds every named view (each event read and decoded once).
            reports = c.runner.rebuild_many(
                names,
                batch_size=batch_size,
                progress=lambda view, done, total: bar.update(tasks[view], completed=done, total=total),
            )
    if json_out:
        rebuilt_fields = ("name", "position", "rows", "checksum", "previous_checksum", "identical")
        print_json({"rebuilt": [fields_json(r, *rebuilt_fields) for r in reports]})
        return
    for r in reports:
        verdict = "同一" if r.identical else f"差異あり（旧 {r.previous_rows} 行 → 新 {r.rows} 行）"
        console.print(f"{r.name}: {r.rows} 行, position {r.position}, 増分構築との比較: {verdict}")


@app.command("verify")
def verify_command(wait: bool = WAIT_OPTION, json_out: bool = JSON_OPTION) -> None:
    """Rebuild every read model from the log and compare with the live one (exit 1 on any difference).

    A difference means a read-model row was changed outside the projections (or a projection bug); the
    rebuilt view, derived from the verified log, replaces the live one."""
    with container(cfg=settings()) as c, batch(c, "rebuild", wait=wait):
        reports = c.runner.rebuild_many(list(c.runner.projections))
    different = [r for r in reports if not r.identical]
    if json_out:
        compared = ("name", "identical", "rows", "previous_rows", "checksum", "previous_checksum")
        print_json({"ok": not different, "projections": [fields_json(r, *compared) for r in reports]})
    else:
        for r in reports:
            verdict = "一致" if r.identical else f"不一致（{r.previous_rows} 行 → 再構築 {r.rows} 行）"
            console.print(f"{r.name}: {verdict}")
    if different:
        fail(
            "読み取りモデルがイベントログから再構築したものと一致しません: "
            + ", ".join(r.name for r in different)
            + "（ログ以外から変更された可能性があります。再構築した内容に置き換えました）"
        )
