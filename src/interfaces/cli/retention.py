"""``juminzei retention …``: 保存期間経過後の消去 (crypto-shredding) and holds."""

from __future__ import annotations

import typer

from application.retention import describe
from application.usecases.operations import PlaceRetentionHold, ReleaseRetentionHold, RunRetention
from interfaces.cli.common import AS_OPTION, JSON_OPTION, WAIT_OPTION, console
from interfaces.cli.options import iso_date
from interfaces.cli.usecase import emit, run_as

app = typer.Typer(help="保管・消去 (retention and erasure).", no_args_is_help=True)


@app.command("run")
def run(
    as_of: str = typer.Option(..., "--as-of", help="基準日 YYYY-MM-DD"),
    years: int = typer.Option(
        7, "--years", min=5, max=30, help="年度終了後の保存年数 (地方税法17条の5: 既定7年)"
    ),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Destroy the data keys whose retention ended; record a PII-free erasure event (rerun: no change)."""
    when = iso_date(as_of, "--as-of")
    result = run_as(as_, RunRetention(when, years), wait=wait)
    data = describe(result)
    emit(
        json_out,
        data,
        f"基準日 {data['as_of']}: 消去 {data['erased']} 件 {data['erased_by_scope']} / 保留 {data['held']} 件 /"
        f" 保存継続 {data['kept']} 件",
        soft_wrap=True,
    )


@app.command("hold")
def hold(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    reason: str = typer.Option(..., "--reason", help="審査請求・訴訟・滞納 など"),
    as_: str | None = AS_OPTION,
) -> None:
    """保存延長: keep a 年度 of a taxpayer past its period (until released); recorded as an event."""
    run_as(as_, PlaceRetentionHold(address_number, fiscal_year, reason))
    console.print(f"保存を延長しました: 宛名番号 {address_number} {fiscal_year}年度")


@app.command("release")
def release(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    reason: str = typer.Option(..., "--reason", help="解除の理由 (判決確定・完納 など)"),
    as_: str | None = AS_OPTION,
) -> None:
    """保存延長の解除 (recorded as an event with the reason)."""
    released = run_as(as_, ReleaseRetentionHold(address_number, fiscal_year, reason))
    console.print(f"解除しました ({released} 件)")
