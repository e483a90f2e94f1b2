"""``juminzei payments …`` and ``juminzei ledger …``: 収納, 消込, 収納保留, 調定."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from adapters.formats.registry import PAYMENT_KINDS
from application.usecases.collection import (
    ArrearsList,
    AssessLateFees,
    CloseYear,
    CollectionTotals,
    DailyReceipts,
    DebitRequests,
    ImportDebitResult,
    IssueDunning,
    OpenLedgers,
    PaymentStatus,
    PayRefunds,
    ReconcilePayments,
    RefundReturned,
    ResolveSuspense,
    SettleOverpayments,
    SuspenseList,
)
from domain.shared.purpose import Purpose
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    WAIT_OPTION,
    console,
    fail,
    print_json,
    settings,
)
from interfaces.cli.intake import import_one, print_summary
from interfaces.cli.options import iso_date
from interfaces.cli.render import print_table
from interfaces.cli.usecase import emit, emit_totals, run_as, run_unattributed
from interfaces.presenters import summary_json

if TYPE_CHECKING:
    from datetime import date

    from domain.collection.records import ZenginHeader, ZenginKind

payments_app = typer.Typer(
    help="収納 (payments): import receipts (消込), status, suspense.", no_args_is_help=True
)
ledger_app = typer.Typer(help="調定 (ledgers): open or re-post charges from the levy.", no_args_is_help=True)


@ledger_app.command("open")
def ledger_open(
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Open a ledger per levied assessment; re-post charges of changed levies (idempotent)."""
    opened, reposted = run_as(as_, OpenLedgers(fiscal_year), wait=wait)
    emit(json_out, {"opened": opened, "reposted": reposted}, f"調定: 新規 {opened} 件 / 更正 {reposted} 件")


@payments_app.command("import")
def payments_import(
    kind: str = typer.Argument(..., help=f"収納データの種別: {', '.join(PAYMENT_KINDS)}"),
    file: Path = typer.Argument(...),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """収納データの取込と消込 (unmatched receipts go to 収納保留, never lost). Output as `juminzei import`."""
    if kind not in PAYMENT_KINDS:
        fail(f"収納データの種別 '{kind}' は扱えません。使用できる種別: {', '.join(PAYMENT_KINDS)}", 2)
    if not file.is_file():
        fail(f"ファイルが見つかりません: {file}", 2)
    summary = import_one(kind, file, as_, show_progress=not json_out, purpose=Purpose.COLLECTION)
    if json_out:
        print_json(summary_json(summary))
    else:
        print_summary(summary, file)
    if summary.gap:
        fail(f"件数が一致しません（差異 {summary.gap} 件）。", 3)


@payments_app.command("status")
def payments_status(
    fiscal_year: int = typer.Option(..., "--fiscal-year"), json_out: bool = JSON_OPTION
) -> None:
    """収納状況: charged, received, allocated, held overpayment, refunds, suspense."""
    totals = run_unattributed(CollectionTotals(fiscal_year))
    emit_totals(json_out, totals)


@payments_app.command("suspense")
def payments_suspense(
    all_: bool = typer.Option(False, "--all", help="処理済み（消込・還付）も表示"),
    json_out: bool = JSON_OPTION,
) -> None:
    """収納保留: receipts that matched no ledger, with the reason (work queue)."""
    rows = run_unattributed(SuspenseList(all_))
    if json_out:
        print_json({"suspense": rows})
        return
    print_table(
        f"収納保留 {len(rows)} 件",
        ("id", "receipt", "channel", "paid_on", "amount", "reason", "status"),
        [
            (
                r["suspense_id"],
                r["receipt_key"],
                r["channel"],
                r["paid_on"],
                f"{r['amount']:,}",
                r["reason"],
                r["status"],
            )
            for r in rows
        ],
    )


@payments_app.command("show")
def payments_show(
    address_number: str = typer.Argument(..., help="宛名番号"),
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """収納状況照会: per 期別 the charge, 本税 paid and outstanding, 延滞金, 督促; overpayment and refunds
    (journaled read)."""
    data = run_as(as_, PaymentStatus(address_number, fiscal_year))
    if json_out:
        print_json(data)
        return
    print_table(
        f"{fiscal_year}年度 収納状況 通知書番号 {data['notice_number']}",
        ("期別", "徴収方法", "納期限", "税額", "納付済", "未納", "延滞金", "督促"),
        [
            (
                p["label"],
                p["method"],
                p["due_date"] or "-",
                f"{p['amount']:,}",
                f"{p['tax_paid']:,}",
                f"{p['tax_outstanding']:,}",
                f"{p['late_fee_due']:,}",
                "済" if p["dunned"] else "",
            )
            for p in data["periods"]
        ],
    )
    console.print(
        f"収納 {data['received']:,} 円 / 過誤納（保留）{data['held']:,} 円 / 充当 受 {data['appropriated_in']:,}"
        f" 出 {data['appropriated_out']:,} 円 / 還付決定 {data['refund_determined']:,} 円（支払済"
        f" {data['refund_paid']:,} 円）",
        soft_wrap=True,
    )


@payments_app.command("reconcile")
def payments_reconcile(as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION) -> None:
    """消込の照合: match every open 収納保留 again (posted if it now matches), then check every payment file
    is reconciled (件数) and every ledger conserves its money. Exit 3 if anything does not add up."""
    found = run_as(as_, ReconcilePayments())
    rematch, files, totals_held = found.rematch, found.files, found.still_held
    checked, unbalanced = found.ledgers_checked, found.ledgers_unbalanced
    data: dict[str, Any] = {
        "suspense": {
            "rematched": rematch.posted,
            "rematched_amount": rematch.posted_amount,
            "still_held": len(totals_held),
            "still_held_amount": sum(r["amount"] for r in totals_held),
            "already_posted": rematch.duplicates,
        },
        "files": [
            {
                k: f[k]
                for k in (
                    "file_name",
                    "kind",
                    "received",
                    "accepted",
                    "quarantined",
                    "rejected",
                    "duplicates",
                    "gap",
                    "reconciled",
                )
            }
            for f in files
        ],
        "files_not_reconciled": found.files_not_reconciled,
        "ledgers_checked": checked,
        "ledgers_unbalanced": unbalanced,
        "ok": found.ok,
    }
    if json_out:
        print_json(data)
    else:
        console.print(
            f"再照合: 消込 {rematch.posted} 件 {rematch.posted_amount:,} 円 / 保留のまま"
            f" {data['suspense']['still_held']} 件 {data['suspense']['still_held_amount']:,} 円",
            soft_wrap=True,
        )
        for f in files:
            mark = "OK" if f["reconciled"] and not f["gap"] else "要確認"
            console.print(
                f"  {mark} {f['file_name']} ({f['kind']}): 受付 {f['received']} = 消込 {f['accepted']}"
                f" + 保留 {f['quarantined']} + エラー {f['rejected']} + 重複 {f['duplicates']}"
                f" 差異 {f['gap'] or 0}",
                soft_wrap=True,
                highlight=False,
            )
        console.print(f"収納台帳 {checked} 件: 保存則の不一致 {len(unbalanced)} 件")
    if not data["ok"]:
        fail("照合で不一致があります（上記の要確認・不一致を確認してください）。", 3)


@payments_app.command("resolve")
def payments_resolve(
    suspense_id: str = typer.Argument(..., help="収納保留のID (`payments suspense` の id)"),
    notice_number: str | None = typer.Option(None, "--notice-number", help="振替先の通知書番号"),
    fiscal_year: int | None = typer.Option(None, "--fiscal-year", help="振替先の年度"),
    period: int | None = typer.Option(None, "--period", help="振替先の期別（省略時は古い期から充当）"),
    refund: bool = typer.Option(False, "--refund", help="収納台帳に振り替えず、納付者へ還付する"),
    reason: str = typer.Option(..., "--reason", help="処理の理由（記録されます）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """収納保留の解消: post a held receipt to the ledger the clerk identified (振替), or refund it (還付)."""
    from uuid import UUID

    try:
        held = UUID(suspense_id)
    except ValueError:
        fail(f"収納保留のIDの形式が正しくありません: {suspense_id}", 2)
    if refund == (notice_number is not None):
        fail(
            "--notice-number と --fiscal-year で振替先を指定するか、--refund を指定してください（どちらか一方）。",
            2,
        )
    if notice_number is not None and fiscal_year is None:
        fail("--fiscal-year: 振替先の年度を指定してください。", 2)
    command = ResolveSuspense(held, reason, refund, notice_number, fiscal_year, period)
    ledger = run_as(as_, command)
    data: dict[str, Any] = {"suspense_id": str(held), "outcome": "還付"}
    if ledger is not None:
        data = {"suspense_id": str(held), "outcome": "消込", "ledger_id": str(ledger.id)}
    emit(json_out, data, f"収納保留 {held}: {data['outcome']}")


debit_app = typer.Typer(help="口座振替 (direct debit): request file, result file.", no_args_is_help=True)

#: The ward's own collection account and 委託者 code (configuration; placeholders for the demo).
ORIGINATOR_CODE = "1311050001"
ORIGINATOR_NAME = "ﾒｸﾞﾛｸ"
WARD_BANK = ("0001", "001", "1234567")


def _ward_header(kind: ZenginKind, day: date) -> ZenginHeader:
    """The 全銀 header of a file the ward sends: its 委託者 code and its own account, for ``day``."""
    from domain.collection.records import AccountType, ZenginHeader

    return ZenginHeader(
        kind=kind,
        originator_code=ORIGINATOR_CODE,
        originator_name=ORIGINATOR_NAME,
        mmdd=day.strftime("%m%d"),
        bank_code=WARD_BANK[0],
        bank_name="",
        branch_code=WARD_BANK[1],
        branch_name="",
        account_type=AccountType("1"),
        account_number=WARD_BANK[2],
    )


@debit_app.command("export")
def debit_export(
    due_date: str = typer.Option(..., "--due-date", help="引落日 (= 納期限) YYYY-MM-DD"),
    out: Path = typer.Option(..., "--out", help="全銀 種別91 依頼ファイル"),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """口座振替依頼ファイル (Zengin 種別91, 120-byte records, cp932, CRLF) for one 納期."""

    from adapters.formats import zengin
    from domain.collection.records import AccountType, DebitMandate, MandateAction, ZenginKind

    when = iso_date(due_date, "--due-date")
    requests = run_as(as_, DebitRequests(when), wait=wait)
    lines = []
    for r in requests:
        m = r.mandate
        record = DebitMandate(
            mandate_id=str(m.id),
            address_number="",
            action=MandateAction.REGISTER,
            start_date=m.start_date,
            bank_code=m.bank_code,
            branch_code=m.branch_code,
            account_type=AccountType(m.account_type),
            account_number=str(m.account_number),
            holder_kana=str(m.holder_kana),
        )
        lines.append(zengin.request_line(record, amount=r.amount, customer_number=r.customer_number))
    header = _ward_header(ZenginKind.DEBIT, when)
    out.parent.mkdir(parents=True, exist_ok=True)
    zengin.write_debit_request(out, header, lines)
    emit(
        json_out,
        {"file": str(out), "records": len(lines), "amount": sum(line.amount for line in lines)},
        f"口座振替依頼 {len(lines)} 件 {sum(line.amount for line in lines):,} 円: {out}",
    )


@debit_app.command("import-result")
def debit_import_result(
    file: Path = typer.Argument(..., help="全銀 種別91 結果ファイル"),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """振替結果の取込: code 0 → 収納 (消込); other codes → 振替不能 (督促へ). Trailer totals are checked."""
    if not file.is_file():
        fail(f"ファイルが見つかりません: {file}", 2)
    data = run_as(as_, ImportDebitResult(file), wait=wait)
    emit(
        json_out,
        data,
        f"振替結果 {data['records']} 件: 振替済 {data['collected']} 件 {data['amount_collected']:,} 円 /"
        f" 振替不能 {data['failed']} 件 {data['by_code']}",
        soft_wrap=True,
    )


@payments_app.command("late-fees")
def late_fees(
    as_of: str = typer.Option(..., "--as-of"), as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """延滞金の計算 (地方税法326条) for every overdue or late-paid installment, from the engine."""
    day = iso_date(as_of, "--as-of")
    assessed, total = run_as(as_, AssessLateFees(day))
    emit(
        json_out,
        {"assessed": assessed, "late_fee_total": total},
        f"延滞金: 更新 {assessed} 件 / 合計 {total:,} 円",
    )


@payments_app.command("dunning")
def dunning(
    as_of: str = typer.Option(..., "--as-of", help="発付日 YYYY-MM-DD"),
    out: Path | None = typer.Option(None, "--out", help="督促状PDFの出力先（既定: var/out/dunning-発付日）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """督促 (地方税法329条: 納期限後20日以内) for unpaid overdue 普通徴収 installments: a `DunningIssued` event
    and a 督促状 (recorded document, rendered to PDF) for each."""
    from adapters.documents.pdf import render

    cfg = settings()
    day = iso_date(as_of, "--as-of")
    folder = out or cfg.var_dir / "out" / f"dunning-{day.isoformat()}"
    issued = run_as(as_, IssueDunning(day))
    rows = []
    for d in issued:
        path = None
        if d.document is not None:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"dunning-{d.ledger.notice_number}-{d.period}.pdf"
            path.write_bytes(render(d.document.model))
        rows.append(
            {
                "notice_number": d.ledger.notice_number,
                "fiscal_year": d.ledger.fiscal_year,
                "period": d.period,
                "unpaid": d.unpaid,
                "late_fee": d.document.model.late_fee if d.document else None,
                "after_20_days": d.after_20_days,
                "document_id": d.document.document_id if d.document else None,
                "file": str(path) if path else None,
            }
        )
    emit(
        json_out,
        {"issued": len(rows), "dunning": rows},
        f"督促 {len(rows)} 件（20日経過後 {sum(1 for r in rows if r['after_20_days'])} 件）"
        + (f" 督促状: {folder}" if rows else ""),
    )


@payments_app.command("arrears")
def arrears(as_of: str = typer.Option(..., "--as-of"), json_out: bool = JSON_OPTION) -> None:
    """滞納一覧: installments past their 納期限 with 本税 unpaid."""
    day = iso_date(as_of, "--as-of")
    rows = run_unattributed(ArrearsList(day))
    emit(json_out, {"arrears": rows}, f"滞納 {len(rows)} 件 {sum(r['unpaid'] for r in rows):,} 円")


@payments_app.command("report")
def daily_report(date_: str = typer.Option(..., "--date"), json_out: bool = JSON_OPTION) -> None:
    """収納日計: receipts by channel for one day."""
    day = iso_date(date_, "--date")
    data = run_unattributed(DailyReceipts(day))
    emit(
        json_out,
        data,
        f"{data['date']} 収納 {data['total']:,} 円 {data['channels']} 保留 {data['suspense']}",
        soft_wrap=True,
    )


refunds_app = typer.Typer(help="過誤納金: 充当・還付 and the 総合振込 file.", no_args_is_help=True)


@refunds_app.command("settle")
def refunds_settle(
    as_of: str = typer.Option(..., "--as-of"), as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """過誤納金の処理: 充当 to the same taxpayer's unpaid charges, else 還付の決定 with 還付加算金."""
    day = iso_date(as_of, "--as-of")
    result = run_as(as_, SettleOverpayments(day))
    data = {
        "appropriated": result.appropriated,
        "appropriated_amount": result.appropriated_amount,
        "refunded": result.refunded,
        "refund_amount": result.refund_amount,
        "refund_interest": result.refund_interest,
    }
    emit(
        json_out,
        data,
        f"充当 {result.appropriated} 件 {result.appropriated_amount:,} 円 / 還付決定 {result.refunded} 件"
        f" {result.refund_amount:,} 円（還付加算金 {result.refund_interest:,} 円）",
        soft_wrap=True,
    )


@refunds_app.command("returned")
def refunds_returned(
    notice_number: str = typer.Option(..., "--notice-number"),
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    amount: int = typer.Option(..., "--amount", help="還付不能額（円）"),
    reason: str = typer.Option(..., "--reason", help="振込不能の理由（口座解約・名義相違 など）"),
    withdrawn: bool = typer.Option(
        False, "--withdrawn", help="支払前の還付決定の取消（既定: 支払済みの振込が返却された）"
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """還付不能の受入: the amount is held again; the next `refunds settle` re-handles it (充当, else 還付)."""
    command = RefundReturned(fiscal_year, notice_number, amount, reason, withdrawn)
    ledger = run_as(as_, command)
    data = {"notice_number": notice_number, "fiscal_year": fiscal_year, "held": ledger.held}
    emit(json_out, data, f"還付不能 {amount:,} 円を過誤納金に戻しました（保留 {ledger.held:,} 円）。")


@refunds_app.command("export")
def refunds_export(
    out: Path = typer.Option(..., "--out", help="全銀 種別21 総合振込ファイル"),
    paid_on: str = typer.Option(..., "--paid-on", help="振込指定日 YYYY-MM-DD"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """還付の支払: 総合振込 (種別21) to the registered account; the rest are listed for 窓口払い."""
    from adapters.formats import zengin
    from domain.collection.records import AccountType, TransferLine, ZenginKind

    day = iso_date(paid_on, "--paid-on")
    paid = run_as(as_, PayRefunds(day))
    lines = []
    counter = []
    for payment in paid:
        ledger, amount, m = payment.ledger, payment.amount, payment.mandate
        if m is None:
            counter.append({"notice_number": ledger.notice_number, "amount": amount})
            continue
        lines.append(
            TransferLine(
                bank_code=m.bank_code,
                bank_name=zengin.bank_kana(m.bank_code),
                branch_code=m.branch_code,
                branch_name=zengin.branch_kana(m.bank_code, m.branch_code),
                account_type=AccountType(m.account_type),
                account_number=str(m.account_number),
                payee_kana=str(m.holder_kana),
                amount=amount,
                customer_code1=ledger.notice_number.zfill(10)[-10:],
            )
        )
    header = _ward_header(ZenginKind.TRANSFER, day)
    out.parent.mkdir(parents=True, exist_ok=True)
    zengin.write_transfer(out, header, lines)
    data = {
        "file": str(out),
        "transfers": len(lines),
        "amount": sum(x.amount for x in lines),
        "counter": counter,
    }
    emit(
        json_out, data, f"総合振込 {len(lines)} 件 {data['amount']:,} 円 / 窓口払い {len(counter)} 件: {out}"
    )


closing_app = typer.Typer(help="決算 (year-end closing).", no_args_is_help=True)


@closing_app.command("run")
def closing_run(
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """決算: 調定額, 収入済額, 還付未済額, 滞納繰越額 per 年度, with carry-forward events."""
    totals = run_as(as_, CloseYear(fiscal_year), wait=wait)
    emit(
        json_out,
        {"fiscal_year": fiscal_year, **totals},
        f"{fiscal_year}年度 決算: 調定 {totals['charged']:,} / 収入済 {totals['collected']:,} /"
        f" 還付未済 {totals['refund_unpaid']:,} / 滞納繰越 {totals['carried_forward']:,} 円",
        soft_wrap=True,
    )
