"""``juminzei payments …`` and ``juminzei ledger …``: 収納, 消込, 収納保留, 調定."""

from __future__ import annotations

from pathlib import Path

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
