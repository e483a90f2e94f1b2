"""``juminzei audit replay|explain|access``: what inspectors and residents rely on (DESIGN §7)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from application.usecases.inspection import (
    AccessHistory,
    CompileDisclosure,
    ExplainAssessment,
    ProvisionRecords,
    ReplayAggregate,
)
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail, print_json
from interfaces.cli.options import parse_uuid
from interfaces.cli.render import print_table
from interfaces.cli.usecase import emit, run_as
from interfaces.presenters import explanation_json, replay_json


# mccabe counts the commands defined inside register() into it; each command is short.
def register(audit_app: typer.Typer) -> None:  # noqa: C901
    @audit_app.command("replay")
    def replay(
        aggregate_id: str = typer.Argument(..., help="集約ID (taxpayer, assessment, filing, batch …)"),
        version: int | None = typer.Option(None, "--version", help="この版の状態"),
        as_of: str | None = typer.Option(
            None, "--as-of", help="この時刻の状態 (ISO 8601, e.g. 2026-06-01T00:00:00+09:00)"
        ),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """集約の再生: the state at a version or time, and every event with actor, purpose, source."""
        when = None
        if as_of is not None:
            try:
                when = datetime.fromisoformat(as_of)
            except ValueError:
                fail("--as-of: ISO 8601 の日時で指定してください。", 2)
        query = ReplayAggregate(parse_uuid(aggregate_id), version, when)
        result = run_as(as_, query)
        data = replay_json(result)
        if json_out:
            print_json(data)
            return
        console.rule(
            f"{result.aggregate_type} {result.aggregate_id} — 版 {result.version} / {result.latest_version}"
        )
        for key, value in result.state.items():
            console.print(f"  {key}: {value}", soft_wrap=True, highlight=False)
        print_table(
            "イベント履歴",
            ("版", "イベント", "日時", "操作者", "利用目的", "コマンドID", "資料"),
            [
                (
                    str(e.version),
                    e.event,
                    e.timestamp.isoformat(timespec="seconds"),
                    e.actor,
                    str(e.purpose),
                    e.command_id,
                    e.source_ref or "",
                )
                for e in result.timeline
            ],
        )

    @audit_app.command("explain")
    def explain(
        assessment_id: str = typer.Argument(..., help="賦課ID"),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """賦課の再計算: re-run the engine with the recorded input and rule set; compare line by line."""
        query = ExplainAssessment(parse_uuid(assessment_id))
        result = run_as(as_, query)
        data = explanation_json(result)
        if json_out:
            print_json(data)
        else:
            verdict = "再現しました" if result.reproduces else f"差異 {len(result.differences)} 件"
            console.print(
                f"賦課 {result.assessment_id}（規則 {result.rule_set_id}）: {verdict}。"
                f" 記録 {result.recorded_total:,} 円 / 再計算 {result.recomputed_total:,} 円"
                f"（{result.lines_compared} 行を比較）",
                soft_wrap=True,
            )
            for d in result.differences:
                console.print(f"  {d.step}: 記録 {d.recorded} / 再計算 {d.recomputed}", soft_wrap=True)
        if not result.reproduces:
            raise typer.Exit(1)

    @audit_app.command("disclosure")
    def disclosure(
        taxpayer_id: str = typer.Argument(..., help="納税義務者ID"),
        out: Path = typer.Option(..., "--out", help="出力ディレクトリ"),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """開示請求への回答: what is held, access history by department and purpose, provisions (JSON + PDF)."""
        from adapters.documents.disclosure_pdf import render_disclosure

        query = CompileDisclosure(parse_uuid(taxpayer_id))
        data = run_as(as_, query)
        out.mkdir(parents=True, exist_ok=True)
        (out / "disclosure.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        (out / "disclosure.pdf").write_bytes(render_disclosure(data))
        emit(
            json_out,
            {
                "files": [str(out / "disclosure.json"), str(out / "disclosure.pdf")],
                "access_entries": len(data["access_history"]),
                "provisions": len(data["provisions"]),
            },
            f"開示資料を出力しました: {out}",
        )

    @audit_app.command("provisions")
    def provisions(
        recipient: str | None = typer.Option(None, "--recipient", help="提供先"),
        subject: str | None = typer.Option(None, "--subject", help="納税義務者ID"),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """提供・移転の記録 by recipient or by subject (inspectors; journaled)."""
        rows = run_as(as_, ProvisionRecords(recipient, subject))
        if json_out:
            print_json({"records": rows})
        else:
            for r in rows:
                console.print(
                    f"{r['provided_at'] or '-'} {r['kind']} {r['outcome']} → {r['recipient']} ({r['legal_basis']})"
                    f" {r['items']}",
                    soft_wrap=True,
                )

    @audit_app.command("access")
    def access(
        subject: str | None = typer.Option(None, "--subject", help="納税義務者ID (taxpayer id)"),
        staff: str | None = typer.Option(None, "--staff", help="職員ID"),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """使用の記録: who viewed a person (--subject), or what a staff member viewed (--staff)."""
        if (subject is None) == (staff is None):
            fail("--subject か --staff のどちらか一方を指定してください。", 2)
        rows = run_as(as_, AccessHistory(subject, staff))
        if json_out:
            print_json({"subject": subject, "staff": staff, "entries": rows})
            return
        print_table(
            f"使用の記録 {'対象者 ' + subject if subject else '職員 ' + str(staff)}: {len(rows)} 件",
            ("日時", "職員", "端末", "利用目的", "操作", "項目", "対象者"),
            [
                (
                    r["at"],
                    r["actor"],
                    r["terminal"] or "",
                    r["purpose"],
                    r["action"],
                    r["items"],
                    r["subject_id"],
                )
                for r in rows
            ],
        )
