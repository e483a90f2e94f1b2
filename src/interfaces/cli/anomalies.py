# register_hint: interfaces/cli/main.py registers this under audit: anomalies.register(audit.app)
"""``juminzei audit anomalies``: the 自己点検 access-anomaly report, and ``… review`` of a finding.

See docs/compliance.md and ADR 0022. Exit codes: 0 report written (findings or not), 1 refused
(domain error), 2 usage errors.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from application.usecases.compliance import AnomalyReport, ReviewFinding
from domain.audit.anomalies import parse_outcome
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import iso_day
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as


def _day(text: str | None, option: str) -> date:
    if text is None:
        fail(f"{option} を指定してください（例 {option} 2026-12-07）。", 2)
    return iso_day(text, option)


def register(audit_app: typer.Typer) -> None:
    anomalies_app = typer.Typer(
        help="アクセス記録の点検（自己点検）: findings with rule and evidence; a 所属長 records reviews.",
        invoke_without_command=True,
    )
    audit_app.add_typer(anomalies_app, name="anomalies")

    @anomalies_app.callback()
    def anomalies(
        ctx: typer.Context,
        from_: str | None = typer.Option(None, "--from", help="開始日 (JST, YYYY-MM-DD)"),
        to: str | None = typer.Option(None, "--to", help="終了日 (JST, YYYY-MM-DD, 含む)"),
        out: Path | None = typer.Option(
            None, "--out", help="出力ディレクトリ (anomalies.json, anomalies.html, anomalies.pdf)"
        ),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """Flag access patterns for review: volume, off-hours, repeated subject, My Number, break-glass, no grant."""
        if ctx.invoked_subcommand is not None:
            return
        start, end = _day(from_, "--from"), _day(to, "--to")
        report = run_as(as_, AnomalyReport(start, end))
        files: dict[str, str] = {}
        if out is not None:
            from adapters.reporting.anomalies import write_report

            files = write_report(report, out)
        if json_out:
            print_json({**report, "files": files} if files else report)
            return
        summary = report["summary"]
        console.print(
            f"アクセス記録の点検 {report['from']}〜{report['to']}: 照会記録 {summary['records_examined']:,} 件を点検、"
            f"検出 {summary['findings']} 件（未確認 {summary['unreviewed']} 件）",
            highlight=False,
            soft_wrap=True,
        )
        print_table(
            "検出事項",
            ("点検項目ID", "日", "規則", "重要度", "職員", "内容", "確認"),
            [
                (
                    f["finding_id"],
                    f["day"],
                    f["rule"],
                    f["severity"],
                    f["staff_id"],
                    f["summary"],
                    f["review_outcome"] or "未確認",
                )
                for f in report["findings"]
            ],
        )
        for kind, path in files.items():
            console.print(f"{kind}: {path}", highlight=False)

    @anomalies_app.command("review")
    def review(
        finding_id: str = typer.Argument(..., help="点検項目ID (AF-YYYYMMDD-…)"),
        outcome: str = typer.Option(
            ...,
            "--outcome",
            help="確認結果: appropriate（適正）, inappropriate（不適正）, follow-up（要調査）",
        ),
        note: str = typer.Option(..., "--note", help="確認内容（個人の氏名等は書かない）"),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """所属長 records the outcome of one finding (an event; a later review appends)."""
        try:
            code = parse_outcome(outcome)
        except ValueError as error:
            fail(str(error), 2)
        result = run_as(as_, ReviewFinding(finding_id, code, note))
        if json_out:
            print_json(result)
            return
        console.print(
            f"点検項目 {result['finding_id']}（{result['rule']}, {result['staff_id']}, {result['day']}）に"
            f"確認結果「{result['outcome_label']}」を記録しました。",
            highlight=False,
            soft_wrap=True,
        )
