"""``juminzei taxpayer …``: register and search taxpayers (納税義務者の登録・宛名検索)."""

from __future__ import annotations

from datetime import date

import typer

from application.usecases.registry import (
    RegisterTaxpayerCommand,
    ResidenceOnLevyDate,
    RevealIndividualNumber,
    SearchTaxpayers,
)
from domain.shared.purpose import Purpose
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import declared_purpose
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as
from interfaces.presenters import residence_json, taxpayer_row_json

app = typer.Typer(help="納税義務者 (taxpayers): register and search.", no_args_is_help=True)


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: 日付は YYYY-MM-DD 形式で指定してください（指定値: {value!r}）。", 2)


@app.command("register")
def register(
    address_number: str = typer.Option(..., "--address-number", help="宛名番号"),
    name: str = typer.Option(..., "--name", help="氏名"),
    kana: str = typer.Option(..., "--kana", help="カナ氏名"),
    birth_date: str = typer.Option(..., "--birth-date", help="生年月日 YYYY-MM-DD"),
    sex: str = typer.Option(..., "--sex", help="性別 M|F"),
    address: str = typer.Option(..., "--address", help="住所"),
    non_registered: bool = typer.Option(False, "--non-registered", help="住登外 (registered elsewhere)"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """納税義務者を登録する (register a taxpayer)."""
    born = _parse_date(birth_date, "--birth-date")
    command = RegisterTaxpayerCommand(
        address_number, name, kana, born, sex, address, non_registered=non_registered
    )
    result = run_as(as_, command)
    if json_out:
        print_json(
            {
                "taxpayer_id": str(result.aggregate_id),
                "address_number": command.address_number.strip(),
                "changed": result.changed,
                "position": result.position,
            }
        )
    elif result.changed:
        console.print(f"登録しました: 宛名番号 {command.address_number} (taxpayer id {result.aggregate_id})")
    else:
        console.print(f"登録済みです（変更なし）: 宛名番号 {command.address_number}")


@app.command("search")
def search(
    kana: str = typer.Option(..., "--kana", help="カナ氏名の前方一致"),
    birth_date: str | None = typer.Option(None, "--birth-date", help="生年月日 YYYY-MM-DD"),
    purpose: str = typer.Option(
        Purpose.REGISTRY.value, "--purpose", help="利用目的 (recorded in the access journal)"
    ),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """宛名検索: search by kana prefix (and birth date). Every search is recorded in the access journal."""
    declared = declared_purpose(purpose)
    born = _parse_date(birth_date, "--birth-date") if birth_date else None
    rows = run_as(as_, SearchTaxpayers(kana, born, limit, declared))
    if json_out:
        print_json(
            {"count": len(rows), "purpose": declared.value, "results": [taxpayer_row_json(r) for r in rows]}
        )
        return
    print_table(
        f"宛名検索 カナ「{kana}」 {len(rows)} 件（利用目的: {declared.value}）",
        ("宛名番号", "氏名", "カナ", "生年月日", "性別", "住所", "区分"),
        [
            (
                r.address_number,
                r.name,
                r.kana,
                r.birth_date.isoformat(),
                r.sex,
                r.address,
                r.registration_kind,
            )
            for r in rows
        ],
    )


@app.command("residence")
def residence(
    address_number: str = typer.Option(..., "--address-number", help="宛名番号"),
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="年度 (賦課期日 = その年の1月1日)"),
    purpose: str = typer.Option(Purpose.REGISTRY.value, "--purpose", help="利用目的"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """賦課期日 (1月1日) に住所を有していたか (residence on 1 January of the 年度)."""
    declared = declared_purpose(purpose)
    answer = run_as(as_, ResidenceOnLevyDate(address_number, fiscal_year, declared))
    if json_out:
        print_json(residence_json(answer))
        return
    verdict = "住所あり（課税団体）" if answer.resident else "住所なし"
    console.print(
        f"宛名番号 {answer.address_number} {answer.fiscal_year}年度 賦課期日 {answer.levy_date}: {verdict}"
    )


@app.command("reveal-number")
def reveal_number(
    address_number: str = typer.Option(..., "--address-number", help="宛名番号"),
    purpose: str = typer.Option(..., "--purpose", help="利用目的 (個人番号利用事務に限る)"),
    as_: str | None = AS_OPTION,
) -> None:
    """個人番号を表示する: 個人番号利用事務実施者のみ、利用事務のみ。表示の前に記録される。"""
    declared = declared_purpose(purpose)
    number = run_as(as_, RevealIndividualNumber(address_number, declared))
    console.print(number)
