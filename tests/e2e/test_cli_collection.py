"""収納 through the `juminzei` CLI on SQLite: the demo's collection, reconcile and suspense resolution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from interfaces.cli.main import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_demo_collection_then_reconcile_and_resolve(cli_staff: Any) -> None:
    demo = invoke("demo", "--taxpayers", "60", "--seed", "3", "--json")
    assert demo.exit_code == 0, demo.output
    cli_staff.supervisor = "demo01"  # the demo's signed-in 所属長 enrols the clerk and the inspector
    cli_staff("inspector-1", "監査")
    cli_staff("clerk-1")
    col = json.loads(demo.stdout)["collection"]
    assert col["conserved"] is True
    samples = col["sample_payment_files"]
    bank = next(f for f in samples["files"] if f["file"] == "sample_bank_payments.csv")
    assert bank["duplicates"] == 1 and bank["suspense"] >= 1 and all(f["gap"] == 0 for f in samples["files"])
    assert samples["suspense_refunded"] == 1, "the planted unknown reference is refunded by hand"
    prior = col["prior_year_arrears"]
    assert prior["fiscal_year"] == 2025 and prior["levied"] == 1 and prior["tax"] > 0
    assert col["overpayments"]["appropriated"] >= 1, "the overpayment goes to the unpaid earlier 年度 first"
    assert col["overpayments"]["appropriated_amount"] == col["totals"]["appropriated_out"]
    assert col["dunning"]["issued"] >= 1, "the failed direct debit leaves 第1期 unpaid: 督促"
    for file in col["dunning"]["files"]:
        assert Path(file).read_bytes().startswith(b"%PDF")
    assert (
        json.loads(
            invoke("payments", "dunning", "--as-of", "2026-07-21", "--as", "clerk-1", "--json").stdout
        )["issued"]
        == 0
    ), "one 督促 per installment"

    shown = invoke(
        "payments", "show", prior["address_number"], "--fiscal-year", "2025", "--as", "clerk-1", "--json"
    )
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.stdout)
    assert status["appropriated_in"] == col["overpayments"]["appropriated_amount"] and status["conserved"]
    assert (
        sum(p["tax_paid"] for p in status["periods"]) + sum(p["late_fee_paid"] for p in status["periods"])
        == (status["allocated"])
    )
    access = json.loads(
        invoke("audit", "access", "--staff", "clerk-1", "--as", "inspector-1", "--json").stdout
    )
    assert any(r["action"] == "payments.show" for r in access["entries"]), "the status read is journaled"
    missing = invoke("payments", "show", "0999999999", "--fiscal-year", "2026", "--as", "clerk-1")
    assert missing.exit_code == 1 and "収納台帳がありません" in missing.output

    first = invoke("payments", "reconcile", "--as", "clerk-1", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["ok"] is True and report["ledgers_unbalanced"] == []
    assert report["suspense"]["still_held"] == samples["suspense_open"] >= 1
    assert {f["file_name"] for f in report["files"]} >= {"sample_bank_payments.csv", "bank_payments.csv"}

    held = json.loads(invoke("payments", "suspense", "--json").stdout)["suspense"]
    assert len(held) == report["suspense"]["still_held"]
    target = json.loads(invoke("payments", "arrears", "--as-of", "2026-12-31", "--json").stdout)["arrears"]
    notice = next(r["notice_number"] for r in target if r["fiscal_year"] == 2026)

    both = invoke(
        "payments", "resolve", held[0]["suspense_id"], "--refund", "--notice-number", notice, "--reason", "x"
    )
    assert both.exit_code == 2 and "どちらか一方" in both.output
    no_year = invoke(
        "payments", "resolve", held[0]["suspense_id"], "--notice-number", notice, "--reason", "x"
    )
    assert no_year.exit_code == 2 and "--fiscal-year" in no_year.output
    for row in held:
        done = invoke(
            "payments",
            "resolve",
            row["suspense_id"],
            "--notice-number",
            notice,
            "--fiscal-year",
            "2026",
            "--reason",
            "納付者に確認し振替",
            "--as",
            "clerk-1",
            "--json",
        )
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["outcome"] == "消込"
    again = invoke(
        "payments", "resolve", held[0]["suspense_id"], "--refund", "--reason", "x", "--as", "clerk-1"
    )
    assert again.exit_code == 1 and "処理済み" in again.output

    final = json.loads(invoke("payments", "reconcile", "--as", "clerk-1", "--json").stdout)
    assert final["ok"] is True and final["suspense"]["still_held"] == 0
    every = json.loads(invoke("payments", "suspense", "--all", "--json").stdout)["suspense"]
    assert {r["status"] for r in every} == {"消込", "還付"}


def test_levy_run_for_one_taxpayer_rejects_unknown_numbers(cli_staff: Any) -> None:
    cli_staff("clerk")
    bad = invoke("levy", "run", "--fiscal-year", "2025", "--taxpayer", "12a", "--as", "clerk", "--json")
    assert bad.exit_code == 2 and "数字" in bad.output
    unknown = invoke(
        "levy", "run", "--fiscal-year", "2025", "--taxpayer", "999999", "--as", "clerk", "--json"
    )
    assert unknown.exit_code == 2 and "登録されていません" in unknown.output
