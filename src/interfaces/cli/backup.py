"""``juminzei backup …``: whole-store backup and restore that keeps erasures (issue 17, ADR 0019)."""

from __future__ import annotations

from pathlib import Path

import typer

from adapters.crypto.shred_list import ShredListError
from adapters.persistence.backup import BackupError
from adapters.persistence.stores import ConfigurationError
from application.usecases.operations import TakeBackup
from domain.shared.purpose import Purpose
from interfaces.bootstrap import DatabaseUnavailableError
from interfaces.bootstrap.backup import restore_backup
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    command_context,
    console,
    err_console,
    fail,
    print_json,
    settings,
)
from interfaces.cli.usecase import emit, run_as

app = typer.Typer(
    help="バックアップと復元 (backup and restore; erasures survive a restore).", no_args_is_help=True
)


@app.command("create")
def create(
    out: Path = typer.Option(
        ..., "--out", help="書き出すバックアップファイル (tar); 既存のファイルは上書きしません"
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Seal the log, take a consistent image of the whole store and write it with its manifest."""
    try:
        result = run_as(as_, TakeBackup(out))
    except (BackupError, ShredListError, OSError) as error:
        fail(f"バックアップを作成できません: {error}")
    manifest = result.manifest
    if json_out:
        print_json({"out": str(result.path), "sha256": result.sha256, "manifest": manifest})
        return
    console.print(
        f"バックアップを作成しました: {result.path} (backup id {manifest['backup_id']}, event head"
        f" {manifest['event_head']}, tree size {manifest['audit']['tree_size']}, sha256 {result.sha256[:16]}…)",
        highlight=False,
        soft_wrap=True,
    )


@app.command("restore")
def restore(
    archive: Path = typer.Argument(..., help="backup create で作成したファイル"),
    to: str = typer.Option(..., "--to", help="復元先のデータベース URL（空であること）"),
    witness: Path | None = typer.Option(
        None, "--witness", help="audit checkpoint export で書き出したチェックポイント（照合に使う）"
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Restore into an empty store, re-apply the shred list, rebuild read models, verify the log."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg, action="operations.backup")
    if witness is not None and not witness.exists():
        fail(f"証人ファイルがありません: {witness}", 2)
    try:
        result = restore_backup(archive, to, cfg, ctx, witness=witness)
    except ConfigurationError as error:
        fail(f"--to: {error}", 2)
    except (BackupError, ShredListError, OSError, DatabaseUnavailableError) as error:
        fail(f"復元できません: {error}")
    emit(
        json_out,
        result.to_json(),
        f"復元しました: {result.target} (backup id {result.backup_id}); 消去の再適用 {len(result.reapplied)} 件;"
        f" 監査ログ検証 {'OK' if result.verify.get('ok') else 'NG'} (tree size {result.verify.get('tree_size')});"
        f" マニフェストの root と一致: {'はい' if result.manifest_root_matches else 'いいえ'}",
        highlight=False,
        soft_wrap=True,
    )
    if not result.ok:
        err_console.print(
            f"[bold red]復元後の検証に失敗しました[/]: {result.verify.get('reason') or 'マニフェストの root と一致しません'}",
            highlight=False,
        )
        raise typer.Exit(1)
