"""``juminzei payments …`` and ``juminzei ledger …``: 収納, 消込, 収納保留, 調定."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from application.collection import PAYMENT_KINDS
from domain.shared.purpose import Purpose
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    command_context,
    console,
    container,
    fail,
    print_json,
    run_guarded,
    settings,
)
from interfaces.cli.intake import import_one, print_summary, summary_json

payments_app = typer.Typer(
    help="収納 (payments): import receipts (消込), status, suspense.", no_args_is_help=True
)
ledger_app = typer.Typer(help="調定 (ledgers): open or re-post charges from the levy.", no_args_is_help=True)


@ledger_app.command("open")
def ledger_open(
    fiscal_year: int = typer.Option(..., "--fiscal-year"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Open a ledger per levied assessment; re-post charges of changed levies (idempotent)."""
    cfg = settings()
    ctx = command_context(as_, Purpose.COLLECTION, cfg)
    with container(cfg=cfg) as c:
        c.runner.catch_up()
        opened, reposted = run_guarded(lambda: c.collection.open_ledgers(fiscal_year, ctx))
        c.runner.catch_up()
    if json_out:
        print_json({"opened": opened, "reposted": reposted})
    else:
        console.print(f"調定: 新規 {opened} 件 / 更正 {reposted} 件")


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
    cfg = settings()
    with container(cfg=cfg) as c:
        summary = import_one(c, kind, file, as_, show_progress=not json_out, purpose=Purpose.COLLECTION)
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
    with container(cfg=settings()) as c:
        c.runner.catch_up()
        totals = c.collection_index.totals(fiscal_year)
    if json_out:
        print_json(totals)
        return
    for key, value in totals.items():
        console.print(f"{key}: {value:,}")


@payments_app.command("suspense")
def payments_suspense(json_out: bool = JSON_OPTION) -> None:
    """収納保留: receipts that matched no ledger, with the reason (work queue)."""
    with container(cfg=settings()) as c:
        c.runner.catch_up()
        rows = c.collection_index.suspense()
    if json_out:
        print_json({"suspense": rows})
        return
    table = Table(title=f"収納保留 {len(rows)} 件")
    for column in ("receipt", "channel", "paid_on", "amount", "reason"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["receipt_key"], r["channel"], r["paid_on"], f"{r['amount']:,}", r["reason"])
    console.print(table)


debit_app = typer.Typer(help="口座振替 (direct debit): request file, result file.", no_args_is_help=True)

#: The ward's own collection account and 委託者 code (configuration; placeholders for the demo).
ORIGINATOR_CODE = "1311050001"
ORIGINATOR_NAME = "ﾒｸﾞﾛｸ"
WARD_BANK = ("0001", "001", "1234567")


@debit_app.command("export")
def debit_export(
    due_date: str = typer.Option(..., "--due-date", help="引落日 (= 納期限) YYYY-MM-DD"),
    out: Path = typer.Option(..., "--out", help="全銀 種別91 依頼ファイル"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """口座振替依頼ファイル (Zengin 種別91, 120-byte records, cp932, CRLF) for one 納期."""
    from datetime import date

    from adapters.formats import zengin
    from domain.collection.records import AccountType, DebitMandate, MandateAction, ZenginHeader, ZenginKind

    try:
        when = date.fromisoformat(due_date)
    except ValueError:
        fail("--due-date: 日付は YYYY-MM-DD 形式で指定してください。", 2)
    cfg = settings()
    ctx = command_context(as_, Purpose.COLLECTION, cfg)
    with container(cfg=cfg) as c:
        c.runner.catch_up()
        requests = run_guarded(lambda: c.debit.requests(when, ctx))
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
    header = ZenginHeader(
        kind=ZenginKind.DEBIT,
        originator_code=ORIGINATOR_CODE,
        originator_name=ORIGINATOR_NAME,
        mmdd=when.strftime("%m%d"),
        bank_code=WARD_BANK[0],
        bank_name="",
        branch_code=WARD_BANK[1],
        branch_name="",
        account_type=AccountType("1"),
        account_number=WARD_BANK[2],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    zengin.write_debit_request(out, header, lines)
    if json_out:
        print_json({"file": str(out), "records": len(lines), "amount": sum(line.amount for line in lines)})
    else:
        console.print(f"口座振替依頼 {len(lines)} 件 {sum(line.amount for line in lines):,} 円: {out}")


@debit_app.command("import-result")
def debit_import_result(
    file: Path = typer.Argument(..., help="全銀 種別91 結果ファイル"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """振替結果の取込: code 0 → 収納 (消込); other codes → 振替不能 (督促へ). Trailer totals are checked."""
    from collections import Counter

    from adapters.formats import zengin
    from application.intake.importer import ReceivedFile
    from domain.collection.records import resolve_mmdd
    from domain.intake import ParsedRecord

    if not file.is_file():
        fail(f"ファイルが見つかりません: {file}", 2)
    outcome = zengin.parse_debit_result(file)
    if outcome.file_errors:
        for e in outcome.file_errors:
            console.print(f"{file.name}:{e.line} 【{e.field}】 {e.message}", highlight=False, soft_wrap=True)
        fail("結果ファイルの合計レコードが明細と一致しません。取り込みません。", 3)
    headers = outcome.headers()
    if not headers:
        fail("結果ファイルにヘッダーレコードがありません。", 2)
    from application.taxpayers import today_jst

    debit_date = resolve_mmdd(headers[0].mmdd, today_jst().replace(month=1, day=1))
    results = zengin.debit_results(outcome)
    by_code: Counter[str] = Counter(str(r.record.result_code) for r in results)
    collected = [r for r in results if r.record.collected]
    receipts = zengin.debit_receipts([r.record for r in collected], debit_date)
    items = [
        ParsedRecord(r.line, receipt, r.fingerprint) for r, receipt in zip(collected, receipts, strict=True)
    ]
    cfg = settings()
    ctx = command_context(as_, Purpose.COLLECTION, cfg)
    with container(cfg=cfg) as c:
        c.runner.catch_up()
        summary = run_guarded(
            lambda: c.intake.import_file(
                ReceivedFile(
                    kind="debit-results",
                    file_name=file.name,
                    sha256=outcome.sha256,
                    declared_count=None,
                    physical_records=len(items),
                    items=items,
                ),
                ctx,
            )
        )
        from domain.collection.records import notice_from_customer_number

        def ledger_of(number: str) -> Any:
            decoded = notice_from_customer_number(number)
            return (
                c.collection_index.ledger_by_notice(decoded[0].fiscal_year, decoded[0].notice_number)
                if decoded
                else None
            )

        failures = [
            (r.record.customer_number, r.record.result_code, r.record.result_meaning)
            for r in results
            if not r.record.collected
        ]
        run_guarded(lambda: c.debit.record_failures(failures, ctx, ledger_of))
        c.runner.catch_up()
    data = {
        "records": len(results),
        "collected": len(collected),
        "failed": len(results) - len(collected),
        "amount_collected": sum(r.record.amount for r in collected),
        "by_code": dict(sorted(by_code.items())),
        "flagged_unknown_codes": [r.record.raw_result_code for r in results if r.record.unknown_code],
        "posted": summary.accepted,
        "suspended": summary.quarantined,
        "already_imported": summary.already_imported,
    }
    if json_out:
        print_json(data)
    else:
        console.print(
            f"振替結果 {data['records']} 件: 振替済 {data['collected']} 件 {data['amount_collected']:,} 円 /"
            f" 振替不能 {data['failed']} 件 {data['by_code']}",
            soft_wrap=True,
        )
