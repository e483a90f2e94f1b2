"""``juminzei levy …``, ``juminzei assessment …`` and ``juminzei report levy-totals``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from application.usecases.assessments import (
    ApplyReduction,
    CancelAssessment,
    DecideReduction,
    EmployerListQuery,
    LevyTotalsQuery,
    ShowAssessment,
    SwitchCollectionMethod,
)
from application.usecases.levy import ReassessChanged, RunLevy
from application.usecases.provisions import TransferOutbox
from application.usecases.reports import EucAggregate, TaxStatusSurvey
from domain.shared.purpose import Purpose
from interfaces.cli.common import AS_OPTION, JSON_OPTION, WAIT_OPTION, console, print_json
from interfaces.cli.options import declared_purpose, iso_date
from interfaces.cli.render import print_table
from interfaces.cli.usecase import emit_totals, run_as, run_showing_progress, run_unattributed
from interfaces.presenters import (
    assessment_json,
    levy_run_json,
    levy_totals_json,
    reassessment_json,
    survey_json,
)

levy_app = typer.Typer(help="当初賦課・更正 (annual levy and reassessment).", no_args_is_help=True)
assessment_app = typer.Typer(
    help="賦課の照会と変更 (show, switch method, 減免, cancel).", no_args_is_help=True
)
report_app = typer.Typer(help="帳票・集計 (reports from read models).", no_args_is_help=True)


def without_year(data: dict[str, Any]) -> dict[str, Any]:
    """The CLI's documented JSON (docs/cli.md) names no 年度: the caller gave it."""
    return {k: v for k, v in data.items() if k != "fiscal_year"}


FY = typer.Option(..., "--fiscal-year", help="年度 (2026 = 令和8年度)")
ADDRESS = typer.Option(..., "--address-number", help="宛名番号")


@levy_app.command("run")
def levy_run(
    fiscal_year: int = FY,
    taxpayers: list[str] = typer.Option(
        [], "--taxpayer", help="随時賦課: この宛名番号の納税者だけを賦課（複数指定可）"
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="ワーカープロセス数（PostgreSQL のみ並列。SQLite は書込みが一つずつのため 1 で実行）",
    ),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """当初賦課: assess everyone with 課税資料 (resumable; a rerun creates no duplicate levy); with
    ``--taxpayer``, 随時賦課 of just those taxpayers (e.g. after a 期限後申告 for an earlier 年度).
    ``--workers N`` shares the taxpayers among N processes on PostgreSQL (the same events as one)."""
    command = RunLevy(fiscal_year=fiscal_year, address_numbers=tuple(taxpayers), workers=workers)
    label = f"{fiscal_year}年度 {'随時' if taxpayers else '当初'}賦課"
    outcome = run_showing_progress(as_, command, label, show=not json_out, wait=wait)
    if json_out:
        print_json(without_year(levy_run_json(outcome)))
        return
    console.print(
        f"{fiscal_year}年度 当初賦課: 課税 {outcome.levied} 人 / 非課税決定 {outcome.non_taxable} 人 /"
        f" 対象外 {outcome.skipped} 人 / 税額合計 {outcome.total_tax:,} 円",
        soft_wrap=True,
    )
    for reason, count in sorted(outcome.skipped_reasons.items()):
        console.print(f"  対象外: {reason} {count} 人")


@levy_app.command("reassess")
def levy_reassess(
    fiscal_year: int = FY,
    reason: str = typer.Option("課税資料の追加・訂正による更正", "--reason"),
    wait: bool = WAIT_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """更正: recompute every assessment whose 課税資料 changed after the levy."""
    outcome = run_as(as_, ReassessChanged(fiscal_year=fiscal_year, reason=reason), wait=wait)
    if json_out:
        print_json(without_year(reassessment_json(outcome)))
        return
    console.print(f"更正 {len(outcome.changes)} 件")
    for aid, delta in outcome.changes:
        console.print(f"  {aid}: 差額 {delta:+,} 円")


@assessment_app.command("show")
def assessment_show(
    address_number: str = ADDRESS,
    fiscal_year: int = FY,
    purpose: str = typer.Option(Purpose.INITIAL_LEVY.value, "--purpose", help="利用目的"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """賦課の内容と算出の内訳 (journaled)."""
    declared = declared_purpose(purpose)
    view = run_as(as_, ShowAssessment(address_number, fiscal_year, declared))
    history = view.history
    data = assessment_json(view.assessment, address_number, history)
    if json_out:
        print_json(data)
        return
    console.rule(f"{fiscal_year}年度 個人住民税 宛名番号 {address_number}")
    console.print(
        f"区分: {data['status']}  資料: {data['basis']}  徴収方法: {data['method']}  規則: {data['rule_set_id']}"
    )
    amounts = data["amounts"]
    console.print(
        f"特別区民税 所得割 {amounts['municipal_income_levy']:,} 円 / 均等割 {amounts['municipal_per_capita']:,} 円;"
        f" 都民税 所得割 {amounts['prefectural_income_levy']:,} 円 / 均等割 {amounts['prefectural_per_capita']:,} 円;"
        f" 森林環境税 {amounts['forest_environment_tax']:,} 円; 合計 {amounts['total']:,} 円;"
        f" 減免 {amounts['reduction']:,} 円; 納付額 {amounts['payable']:,} 円",
        soft_wrap=True,
    )
    print_table(
        "算出の内訳 (trace)",
        ("step", "value", "citation"),
        [
            (
                str(line.get("step")),
                f"{line.get('value'):,}" if isinstance(line.get("value"), int) else "",
                str(line.get("citation", "")),
            )
            for line in data["trace"]
        ],
    )
    print_table(
        "期別税額",
        ("期別", "納期限", "税額", "方法"),
        [
            (i["label"], i["due_date"] or "（天引き）", f"{i['amount']:,}", i["method"])
            for i in data["installments"]
        ],
    )
    for note in data["notes"]:
        console.print(f"注記: {note}")
    for h in history:
        console.print(
            f"履歴 v{h['version']} {h['event']} 差額 {h['delta']:+,} {h['reason'] or ''} ({h['actor']})"
        )


@assessment_app.command("switch-method")
def switch_method(
    address_number: str = ADDRESS,
    fiscal_year: int = FY,
    left_on: str = typer.Option(..., "--left-on", help="退職日 YYYY-MM-DD"),
    reason: str = typer.Option("退職による特別徴収から普通徴収への切替", "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """退職・異動届: remaining 特別徴収 months to 普通徴収 (Jan–Apr: 一括徴収)."""
    when = iso_date(left_on, "--left-on")
    command = SwitchCollectionMethod(address_number, fiscal_year, when, reason)
    a = run_as(as_, command)
    console.print(f"徴収方法を変更しました: {a.method.value}")


@assessment_app.command("reduction-apply")
def reduction_apply(
    address_number: str = ADDRESS,
    fiscal_year: int = FY,
    kind: str = typer.Option(..., "--kind", help="減免の種類 (生活保護, 災害, …)"),
    amount: int = typer.Option(..., "--amount", help="申請額 (円)"),
    grounds: str = typer.Option(..., "--grounds", help="申請理由"),
    as_: str | None = AS_OPTION,
) -> None:
    """減免申請を受け付ける."""
    command = ApplyReduction(address_number, fiscal_year, kind, amount, grounds)
    run_as(as_, command)
    console.print("減免申請を受け付けました（所属長の決定待ち）")


@assessment_app.command("reduction-decide")
def reduction_decide(
    address_number: str = ADDRESS,
    fiscal_year: int = FY,
    grant: bool = typer.Option(..., "--grant/--refuse", help="承認 or 却下"),
    amount: int = typer.Option(0, "--amount", help="減免額 (円)"),
    reason: str = typer.Option(..., "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """減免の決定 (by a supervisor other than the clerk who took the application)."""
    command = DecideReduction(address_number, fiscal_year, grant, reason, amount)
    a = run_as(as_, command)
    console.print(f"減免を{'決定' if grant else '却下'}しました。納付額 {a.amounts.payable:,} 円")


@assessment_app.command("cancel")
def cancel(
    address_number: str = ADDRESS,
    fiscal_year: int = FY,
    reason: str = typer.Option(..., "--reason"),
    forward_to: str | None = typer.Option(None, "--forward-to", help="回送先団体コード"),
    as_: str | None = AS_OPTION,
) -> None:
    """賦課の取消 (e.g. no 住所 here on 1 January, discovered late)."""
    command = CancelAssessment(address_number, fiscal_year, reason, forward_to)
    run_as(as_, command)
    console.print("賦課を取り消しました")


@report_app.command("levy-totals")
def levy_totals(fiscal_year: int = FY, json_out: bool = JSON_OPTION) -> None:
    """課税台帳の集計 (from the read model)."""
    t = run_unattributed(LevyTotalsQuery(fiscal_year))
    data = without_year(levy_totals_json(fiscal_year, t))
    emit_totals(json_out, data)


@levy_app.command("employers")
def employers(fiscal_year: int = FY, json_out: bool = JSON_OPTION) -> None:
    """特別徴収義務者別一覧 (employees and annual amounts per 指定番号)."""
    rows = run_unattributed(EmployerListQuery(fiscal_year))
    if json_out:
        print_json({"employers": rows})
        return
    for r in rows:
        console.print(f"{r['designation_number']}: {r['employees']} 人 {r['annual']:,} 円")


@levy_app.command("outbox")
def outbox(json_out: bool = JSON_OPTION) -> None:
    """庁内移転の記録 (transfer records to 国保・介護・保育 …) awaiting delivery."""
    rows = run_unattributed(TransferOutbox())
    if json_out:
        print_json({"transfers": rows})
        return
    console.print(f"移転記録 {len(rows)} 件")


@report_app.command("tax-status-survey")
def tax_status_survey(
    fiscal_year: int = FY,
    out: Path = typer.Option(..., "--out", help="出力ディレクトリ (CSV, XLSX, HTML)"),
    json_out: bool = JSON_OPTION,
) -> None:
    """市町村税課税状況等の調 (個人住民税): 第2表, 第11表, 課税標準額段階別, 寄附金税額控除 — from read models."""
    from adapters.reporting import write_survey

    found = run_unattributed(TaxStatusSurvey(fiscal_year))
    result, ledger = found.survey, found.ledger
    files = write_survey(result, out)
    ok = found.reconciled
    if json_out:
        print_json(survey_json(fiscal_year, found) | {"files": [str(f) for f in files]})
    else:
        console.print(f"{fiscal_year}年度 課税状況調: {len(files)} ファイル ({out})")
        console.print(
            f"税額合計 {result.total_tax:,} 円 / 課税台帳 {ledger.total_tax:,} 円: {'一致' if ok else '不一致'}"
        )
    if not ok:
        raise typer.Exit(3)


@report_app.command("euc")
def euc(
    fiscal_year: int = FY,
    by: str = typer.Option(
        "income_class", "--by", help="集計キー (comma-separated: income_class, band, status …)"
    ),
    measures: str = typer.Option(
        "total_income,municipal_income_levy", "--measures", help="集計項目 (comma-separated)"
    ),
    min_cell: int = typer.Option(10, "--min-cell", min=1, help="これ未満の人数のセルは秘匿"),
    out: Path | None = typer.Option(None, "--out", help="CSV 出力先"),
    json_out: bool = JSON_OPTION,
) -> None:
    """EUC: aggregate-only statistics with small cells suppressed (purpose 統計作成)."""
    from adapters.reporting import write_aggregate_csv

    query = EucAggregate(fiscal_year, tuple(by.split(",")), tuple(measures.split(",")), min_cell)
    table = run_unattributed(query)
    if out is not None:
        write_aggregate_csv(table, out)
    if json_out:
        print_json({"rows": table})
    else:
        for row in table:
            console.print(", ".join(f"{k}={v}" for k, v in row.items()), soft_wrap=True)
