# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(juki.app, name="juki")
"""``juminzei juki …``: 住基ネット 本人確認 (Sys9, ⑪) — 4情報照会, 番号照会, 住登外者の本人確認.

The 全国サーバー is configured with ``JUMINZEI_JUKI_ROSTER`` (the fake peer over a roster file) or
``JUMINZEI_JUKI_URL`` (an unverified endpoint adapter); see docs/integrations/juki-net.md. Every query is
journaled with its purpose. Exit codes: 0 done, 1 refused or unconfirmed, 2 usage errors.
"""

from __future__ import annotations

from typing import Any

import typer

from application.usecases.juki import ConfirmFilingIdentity, QueryJukiFourItems, QueryJukiNumber
from domain.juki.identity import JukiRecord
from domain.shared.person import Sex
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import declared_purpose, iso_date, parse_uuid
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as

app = typer.Typer(help="住基ネット 本人確認: 4情報照会, 番号照会, 住登外者の本人確認.", no_args_is_help=True)

PURPOSE_OPTION = typer.Option("課税資料取込", "--purpose", help="利用目的（照会記録に残ります）")


def _row(r: JukiRecord) -> dict[str, Any]:
    return {
        "住民票コード": r.resident_code,
        "氏名": r.name,
        "住所": r.address,
        "生年月日": r.birth_date.isoformat(),
        "性別": r.sex.value,
    }


def _show(records: list[JukiRecord], json_out: bool) -> None:
    rows = [_row(r) for r in records]
    if json_out:
        print_json({"本人確認情報": rows})
        return
    print_table(
        f"本人確認情報: {len(rows)} 件",
        ("住民票コード", "氏名", "住所", "生年月日", "性別"),
        [tuple(str(v) for v in row.values()) for row in rows],
    )


@app.command("four-items")
def four_items(
    name: str = typer.Option(..., "--name", help="氏名"),
    birth_date: str = typer.Option(..., "--birth-date", help="生年月日 YYYY-MM-DD"),
    address: str = typer.Option("", "--address", help="住所"),
    sex: str = typer.Option("U", "--sex", help="性別 M/F（不明は U）"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """4情報照会 (氏名・生年月日で検索し、住所・性別とともに返す)."""
    if sex not in ("M", "F", "U"):
        fail("--sex: M、F または U で指定してください。", 2)
    query = QueryJukiFourItems(
        name, address, iso_date(birth_date, "--birth-date"), Sex(sex), declared_purpose(purpose)
    )
    _show(run_as(as_, query), json_out)


@app.command("number")
def number(
    individual_number: str = typer.Option(
        ...,
        "--individual-number",
        prompt=True,
        hide_input=True,
        help="個人番号（12桁。入力は表示されません）",
    ),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """番号照会 (個人番号から本人確認情報; 個人番号利用事務実施者のみ)."""
    found = run_as(as_, QueryJukiNumber(individual_number.strip(), declared_purpose(purpose)))
    _show([] if found is None else [found], json_out)


@app.command("confirm")
def confirm(
    filing_id: str = typer.Argument(..., help="保留中の課税資料ID"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """住登外者の本人確認: 課税資料の4情報を全国サーバーと照合（不一致は本人確認キューへ）."""
    outcome = run_as(as_, ConfirmFilingIdentity(parse_uuid(filing_id, "課税資料ID")))
    if json_out:
        print_json(
            {"confirmed": outcome.confirmed, "reason": outcome.reason, "candidates": outcome.candidates}
        )
    elif outcome.confirmed:
        console.print(f"本人確認できました: {filing_id}（住登外登録できます）")
    else:
        console.print(f"本人確認できません: {outcome.reason}。本人確認キューに保留しました。")
    if not outcome.confirmed:
        raise typer.Exit(1)
