# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(images.app, name="image")
"""``juminzei image …``: 課税資料イメージ管理 (Sys8) — attach a scan to a filing, show it (journaled).

See docs/integrations/filing-images.md. Exit codes: 0 done, 1 refused (domain error), 2 usage errors.
"""

from __future__ import annotations

from pathlib import Path

import typer

from application.usecases.images import AttachFilingImage, ShowFilingImage
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import declared_purpose, parse_uuid
from interfaces.cli.usecase import run_as

app = typer.Typer(help="課税資料イメージ: 登録 (暗号化保存) と表示 (照会記録あり).", no_args_is_help=True)


@app.command("attach")
def attach(
    filing_id: str = typer.Argument(..., help="名寄せ済みの課税資料ID"),
    file: Path = typer.Option(..., "--file", help="スキャンしたイメージ (PDF/TIFF/PNG/JPEG)"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """課税資料イメージを登録する (納税義務者×年度の鍵で暗号化し、内容のハッシュで課税資料に関連付け)."""
    try:
        data = file.read_bytes()
    except OSError as error:
        fail(f"--file: ファイルを読めません: {file} ({error.strerror})", 2)
    stored = run_as(as_, AttachFilingImage(parse_uuid(filing_id, "課税資料ID"), data, file.name))
    if json_out:
        print_json(
            {
                "content_hash": stored.content_hash,
                "media_type": stored.media_type,
                "size": stored.size,
                "linked": stored.linked,
            }
        )
    elif stored.linked:
        console.print(
            f"イメージを登録しました: {stored.content_hash}（{stored.media_type}, {stored.size} バイト）"
        )
    else:
        console.print(f"このイメージは登録済みです: {stored.content_hash}")


@app.command("show")
def show(
    filing_id: str = typer.Argument(..., help="課税資料ID"),
    out: Path = typer.Option(..., "--out", help="イメージを書き出すファイル"),
    content_hash: str | None = typer.Option(
        None, "--hash", help="イメージのハッシュ（先頭8文字以上; 省略時は最新）"
    ),
    purpose: str = typer.Option("課税資料取込", "--purpose", help="利用目的（照会記録に残ります）"),
    as_: str | None = AS_OPTION,
) -> None:
    """課税資料イメージを表示用に書き出す (照会記録を残してから復号)."""
    view = run_as(
        as_, ShowFilingImage(parse_uuid(filing_id, "課税資料ID"), content_hash, declared_purpose(purpose))
    )
    out.write_bytes(view.data)
    out.chmod(0o600)
    console.print(f"書き出しました: {out}（{view.media_type}, {len(view.data)} バイト）")
