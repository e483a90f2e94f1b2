# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(contracts.app, name="contract")
"""``juminzei contract …``: 委託 — contracts, 従事者, handovers, returns, erasure, the per-contract report.

See docs/compliance.md. Exit codes: 0 done, 1 refused (domain error), 2 usage errors.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from application.usecases.contracts import (
    AssignContractWorker,
    ConfirmErasure,
    ContractReport,
    HandOver,
    OpenHandover,
    RecordReturn,
    RegisterContract,
)
from domain.compliance.contract import TO_CONTRACTOR, TO_WARD
from domain.staff.values import jst_date
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import declared_purpose, iso_day
from interfaces.cli.usecase import emit, run_as

app = typer.Typer(
    help="委託 (outsourcing): contracts, handovers, returns, erasure confirmations.", no_args_is_help=True
)


def _day(text: str | None, option: str, default_today: bool = False) -> date:
    if text is None:
        if default_today:
            return jst_date(datetime.now(UTC))
        fail(f"{option} を指定してください（YYYY-MM-DD）。", 2)
    return iso_day(text, option)


@app.command("register")
def register(
    contract_no: str = typer.Option(..., "--number", help="契約番号"),
    contractor: str = typer.Option(..., "--contractor", help="委託先名"),
    work: str = typer.Option(
        ..., "--work", help="委託事項: data-entry（データエントリー） | printing（帳票印刷・封入封緘）"
    ),
    scope: str = typer.Option("", "--scope", help="取り扱う特定個人情報の範囲"),
    valid_from: str = typer.Option(..., "--from", help="契約期間の開始日"),
    valid_to: str = typer.Option(..., "--to", help="契約期間の終了日"),
    subcontracting: bool = typer.Option(False, "--subcontracting", help="再委託を許諾している"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """委託契約の登録 (所属長)."""
    command = RegisterContract(
        contract_no=contract_no,
        contractor=contractor,
        work=work,
        valid_from=_day(valid_from, "--from"),
        valid_to=_day(valid_to, "--to"),
        scope=scope,
        subcontracting=subcontracting,
    )
    contract = run_as(as_, command)
    emit(
        json_out,
        {"contract_no": contract.contract_no, "contract_id": str(contract.id)},
        f"委託契約 {contract.contract_no}（{contract.contractor}）を登録しました。",
        highlight=False,
    )


@app.command("assign-worker")
def assign_worker(
    contract_no: str = typer.Argument(..., help="契約番号"),
    staff_id: str = typer.Option(
        ..., "--staff-id", help="委託先従事者の職員ID（委託の権限のみを持つアカウント）"
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """従事者の指定 (所属長)."""
    changed = run_as(as_, AssignContractWorker(contract_no, staff_id))
    emit(
        json_out,
        {"contract_no": contract_no, "staff_id": staff_id, "assigned": changed},
        f"{staff_id} を契約 {contract_no} の従事者に指定しました。"
        if changed
        else "指定済みです（変更なし）。",
        highlight=False,
    )


@app.command("handover")
def handover(
    contract_no: str = typer.Argument(..., help="契約番号"),
    what: str = typer.Option(..., "--what", help="受け渡すもの（例 給与支払報告書（紙）第3便）"),
    reference: str | None = typer.Option(None, "--reference", help="取込バッチ・印刷回の番号"),
    count: int = typer.Option(..., "--count", help="件数"),
    sheets: int = typer.Option(..., "--sheets", help="枚数"),
    medium: str = typer.Option("紙", "--medium", help="媒体: 紙 | 電子記録媒体 | LGWAN | その他"),
    handed_by: str = typer.Option(..., "--handed-by", help="渡した者（職員ID／従事者ID）"),
    received_by: str = typer.Option(..., "--received-by", help="受け取った者（職員ID／従事者ID）"),
    to_ward: bool = typer.Option(False, "--to-ward", help="委託先から区への受渡し（既定は区から委託先）"),
    on: str | None = typer.Option(None, "--on", help="受渡し日（既定: 今日）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """受渡しの記録 (date, 件数, 枚数, handed by, received by); refused outside the contract period."""
    day = _day(on, "--on", default_today=True)
    command = HandOver(
        contract_no=contract_no,
        what=what,
        count=count,
        sheets=sheets,
        handed_by=handed_by,
        received_by=received_by,
        on=day,
        direction=TO_WARD if to_ward else TO_CONTRACTOR,
        medium=medium,
        reference=reference,
    )
    # Both parties are recorded: each must have signed in on this terminal (no one typed in unverified).
    number = run_as(as_, command, second_persons=(handed_by, received_by))
    emit(
        json_out,
        {"contract_no": contract_no, "handover": number},
        f"受渡し {number} を記録しました（{count} 件・{sheets} 枚、{day.isoformat()}）。",
        highlight=False,
    )


@app.command("return")
def return_(
    contract_no: str = typer.Argument(..., help="契約番号"),
    number: int = typer.Option(..., "--handover", help="受渡し番号"),
    count: int = typer.Option(..., "--count", help="返却された件数"),
    sheets: int = typer.Option(..., "--sheets", help="返却された枚数"),
    on: str | None = typer.Option(None, "--on", help="返却日（既定: 今日）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """返却の記録 (the recording staff member received it); differing counts are reported, not corrected."""
    command = RecordReturn(contract_no, number, count, sheets, _day(on, "--on", default_today=True))
    outcome = run_as(as_, command)
    h = outcome.handover
    if json_out:
        print_json(
            {
                "contract_no": contract_no,
                "handover": number,
                "recorded": outcome.recorded,
                "discrepancy": h.discrepancy,
            }
        )
        return
    console.print(
        f"受渡し {number} の返却を記録しました。" if outcome.recorded else "返却は記録済みです（変更なし）。"
    )
    if h.discrepancy:
        console.print(
            f"[bold yellow]注意:[/] 返却数が渡した数と一致しません（{h.count} 件・{h.sheets} 枚 → {h.returned_count} 件・"
            f"{h.returned_sheets} 枚）。",
            highlight=False,
        )


@app.command("erase")
def erase(
    contract_no: str = typer.Argument(..., help="契約番号"),
    number: int = typer.Option(..., "--handover", help="受渡し番号"),
    method: str = typer.Option(..., "--method", help="消去方法（例 電子記録媒体の物理破壊）"),
    certificate: str | None = typer.Option(None, "--certificate", help="消去証明書の番号"),
    on: str | None = typer.Option(None, "--on", help="消去日（既定: 今日）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """消去の確認 (所属長, after the return is recorded)."""
    command = ConfirmErasure(contract_no, number, method, _day(on, "--on", default_today=True), certificate)
    changed = run_as(as_, command)
    emit(
        json_out,
        {"contract_no": contract_no, "handover": number, "recorded": changed},
        f"受渡し {number} の消去確認を記録しました。" if changed else "消去確認は記録済みです（変更なし）。",
    )


@app.command("open")
def open_(
    contract_no: str = typer.Argument(..., help="契約番号"),
    number: int = typer.Option(..., "--handover", help="受渡し番号"),
    purpose: str = typer.Option("課税資料取込", "--purpose", help="利用目的"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """委託先従事者: open the entry screen (data entry) or the print files (printing) of one handover."""
    declared = declared_purpose(purpose, name_option=False)
    result = run_as(as_, OpenHandover(contract_no, number, declared))
    if json_out:
        print_json(result)
        return
    h = result["handover"]
    console.print(
        f"契約 {result['contract_no']}（{result['work_label']}）受渡し {h['number']}: {h['what']}"
        f" {h['count']} 件・{h['sheets']} 枚（{h['reference'] or '-'}）",
        highlight=False,
        soft_wrap=True,
    )


@app.command("report")
def report(
    contract_no: str = typer.Argument(..., help="契約番号"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """委託先の取扱状況 (per-contract report for the 所属長): handovers, returns, erasure, open items."""
    data = run_as(as_, ContractReport(contract_no))
    if json_out:
        print_json(data)
        return
    console.rule(f"委託契約 {data['contract_no']} {data['contractor']}（{data['work_label']}）")
    console.print(
        f"契約期間 {data['valid_from']}〜{data['valid_to']}（{'期間内' if data['in_force'] else '期間外'}）"
        f" 従事者 {', '.join(data['workers']) or '-'}",
        highlight=False,
    )
    for h in data["handovers"]:
        console.print(
            f"  {h['number']}. {h['on']} {h['what']} {h['count']} 件・{h['sheets']} 枚 {h['handed_by']} → {h['received_by']}"
            f" [{h['status']}]",
            highlight=False,
            soft_wrap=True,
        )
    for w in data["outstanding"]:
        console.print(f"  [yellow]未了:[/] {w}", highlight=False)
