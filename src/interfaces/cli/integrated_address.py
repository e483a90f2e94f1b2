# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(integrated_address.app, name="integrated-address")
"""``juminzei integrated-address …``: 団体内統合宛名番号 (Sys4-4) — issue, attach, merge, split, show.

See docs/integrated-address.md. Exit codes: 0 done, 1 refused (domain error), 2 usage errors.
"""

from __future__ import annotations

from typing import Any

import typer

from application.usecases.integrated_address import (
    AttachAddressNumber,
    IssueIntegratedAddress,
    MergeIntegratedAddresses,
    ShowIntegratedAddress,
    SplitIntegratedAddress,
)
from domain.integrated_address.model import IntegratedAddress
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, print_json
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as

app = typer.Typer(
    help="団体内統合宛名番号 (Sys4-4): 付番, 宛名番号の追加, 統合, 分割, 照会.", no_args_is_help=True
)

REASON_OPTION = typer.Option(..., "--reason", help="理由（暗号化して記録）")


def _summary(number: IntegratedAddress) -> dict[str, Any]:
    return {"number": number.number, "status": number.status, "address_numbers": list(number.address_numbers)}


def _done(number: IntegratedAddress, message: str, json_out: bool) -> None:
    if json_out:
        print_json(_summary(number))
        return
    console.print(
        f"{message}: 団体内統合宛名番号 {number.number}（宛名番号 {'、'.join(number.address_numbers)}）",
        highlight=False,
    )


@app.command("issue")
def issue(
    address_number: str = typer.Argument(..., help="宛名番号"),
    reason: str = typer.Option("新規付番", "--reason", help="理由（暗号化して記録）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """付番 (the existing number when the 宛名番号 already has one)."""
    _done(run_as(as_, IssueIntegratedAddress(address_number, reason)), "付番しました", json_out)


@app.command("attach")
def attach(
    number: str = typer.Argument(..., help="団体内統合宛名番号"),
    address_number: str = typer.Argument(..., help="追加する宛名番号（同一人の別の宛名番号）"),
    reason: str = REASON_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """宛名番号の追加 (refused if the 宛名番号 already belongs to another number: merge instead)."""
    _done(run_as(as_, AttachAddressNumber(number, address_number, reason)), "追加しました", json_out)


@app.command("merge")
def merge(
    survivor: str = typer.Argument(..., help="残す団体内統合宛名番号"),
    absorbed: str = typer.Argument(..., help="統合して消除する団体内統合宛名番号"),
    reason: str = REASON_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """統合 (同一人と判明): every 宛名番号 of ABSORBED moves to SURVIVOR; ABSORBED is retired."""
    _done(run_as(as_, MergeIntegratedAddresses(survivor, absorbed, reason)), "統合しました", json_out)


@app.command("split")
def split(
    number: str = typer.Argument(..., help="分割する団体内統合宛名番号"),
    move: list[str] = typer.Option(..., "--move", help="新しい番号へ移す宛名番号（複数指定可）"),
    reason: str = REASON_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """分割 (別人と判明): the --move 宛名番号 get a newly issued number; at least one stays."""
    created = run_as(as_, SplitIntegratedAddress(number, tuple(move), reason))
    _done(created, "分割して新たに付番しました", json_out)


@app.command("show")
def show(
    number: str | None = typer.Argument(None, help="団体内統合宛名番号"),
    address_number: str | None = typer.Option(None, "--address-number", help="宛名番号から照会"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """照会: status, 宛名番号 and the history with reasons (journaled)."""
    data = run_as(as_, ShowIntegratedAddress(number, address_number))
    if json_out:
        print_json(data)
        return
    retired = f"（統合先 {data['merged_into']}）" if data["merged_into"] else ""
    console.rule(f"団体内統合宛名番号 {data['number']}  {data['status']}{retired}")
    console.print(f"宛名番号: {'、'.join(data['address_numbers']) or '-'}", highlight=False)
    print_table(
        "履歴",
        ("日時", "区分", "宛名番号", "相手番号", "操作者", "理由"),
        [
            (
                h["at"][:19],
                h["kind"],
                "、".join(h["address_numbers"]),
                h["other_number"] or "-",
                h["by"],
                str(h["reason"]),
            )
            for h in data["history"]
        ],
    )
