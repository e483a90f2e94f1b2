"""``juminzei keys …``: custody of the master key (マスター鍵の更新; ADR 0004, ADR 0019)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer

from adapters.crypto.keystore import MasterKeyError, decode_master_key
from domain.audit.backup import MasterKeyRotated
from domain.shared.purpose import Purpose
from interfaces.cli.common import AS_OPTION, JSON_OPTION, command_context, container, fail, settings
from interfaces.cli.usecase import emit

app = typer.Typer(help="鍵の管理 (master-key custody).", no_args_is_help=True)


@app.command("rotate-master")
def rotate_master(
    new_key_file: Path = typer.Option(
        ...,
        "--new-key-file",
        help="新しいマスター鍵 (32 バイトの base64) を収めたファイル（コマンド行には書かない）",
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Rewrap every data key under a new master key; then set JUMINZEI_MASTER_KEY to it."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg, action="operations.keys")
    try:
        new_key = decode_master_key(new_key_file.read_text(encoding="ascii").strip())
    except OSError as error:
        fail(f"新しいマスター鍵のファイルを読めません: {new_key_file}: {error}", 2)
    except ValueError as error:
        fail(f"新しいマスター鍵が不正です ({new_key_file}): {error}", 2)
    new_key_id = hashlib.sha256(new_key).hexdigest()[:8]
    with container(cfg=cfg) as c:
        try:
            # One transaction: if any key fails to unwrap, nothing is rewrapped.
            count = c.keystore.rotate_master(new_key)
        except MasterKeyError as error:
            fail(f"マスター鍵を更新できません: {error}")
        c.app.save_all(MasterKeyRotated.record(rewrapped=count, new_key_id=new_key_id, ctx=ctx))
    text = (
        f"マスター鍵を更新しました: {count} 件を新しい鍵 ({new_key_id}) で包み直しました。"
        " 次の起動の前に JUMINZEI_MASTER_KEY を新しい鍵に切り替えてください。"
    )
    emit(json_out, {"rewrapped": count, "new_key_id": new_key_id}, text, highlight=False, soft_wrap=True)
