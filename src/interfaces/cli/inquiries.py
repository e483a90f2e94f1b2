# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(inquiries.app, name="inquiry")
"""``juminzei inquiry …``: 問合せ (seed V-2) — record, handle, escalate, close, list, show, report.

See docs/compliance.md. Exit codes: 0 done, 1 refused (domain error), 2 usage errors.
"""

from __future__ import annotations

from datetime import date

import typer

from application.usecases.inquiries import (
    AddInquiryStep,
    CloseInquiry,
    EscalateInquiry,
    InquiryList,
    InquiryReport,
    RecordInquiry,
    ShowInquiry,
)
from domain.compliance.inquiry import INFORMATION_POLICY_SECTION
from domain.shared.purpose import Purpose
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, print_json
from interfaces.cli.options import declared_purpose, iso_day
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as

app = typer.Typer(
    help="問合せ (inquiries, V-2): record, handling steps, escalation, listing, report.", no_args_is_help=True
)

#: Inquiries are handled as part of the 事務 they concern; the purpose is declared per command.
PURPOSE_OPTION = typer.Option("開示請求対応", "--purpose", help="利用目的（既定 開示請求対応）")


def _purpose(text: str) -> Purpose:
    return declared_purpose(text, name_option=False)


def _day(text: str | None, option: str) -> date | None:
    return None if text is None else iso_day(text, option)


@app.command("record")
def record(
    channel: str = typer.Option(
        ..., "--channel", help="受付方法: 窓口 | 電話 | メール | 文書 | 電子申請 | その他"
    ),
    category: str = typer.Option(
        ...,
        "--category",
        help="種別: tax | payment | certificate | personal-data | leak（漏えい等の疑い） | other",
    ),
    content: str = typer.Option(..., "--content", help="問合せの内容（暗号化して記録）"),
    address_number: str | None = typer.Option(
        None, "--taxpayer", help="関係する納税義務者の宛名番号（任意）"
    ),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """問合せの受付."""
    command = RecordInquiry(channel, category, content, address_number, _purpose(purpose))
    inquiry = run_as(as_, command)
    if json_out:
        print_json(inquiry.to_json(with_content=False))
        return
    console.print(f"問合せ {inquiry.number} を受け付けました。", highlight=False)
    if inquiry.leak_related:
        console.print(
            f"[bold yellow]漏えい等の疑い:[/] {INFORMATION_POLICY_SECTION}へ報告してください"
            f"（juminzei inquiry escalate {inquiry.number} --reason …）。",
            highlight=False,
        )


@app.command("step")
def step(
    number: str = typer.Argument(..., help="問合せ番号 (Q-…)"),
    note: str = typer.Option(..., "--note", help="対応内容（暗号化して記録）"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """対応の記録."""
    command = AddInquiryStep(number, note, _purpose(purpose))
    inquiry = run_as(as_, command)
    console.print(
        f"問合せ {inquiry.number} に対応を記録しました（{len(inquiry.steps)} 件目）。", highlight=False
    )


@app.command("escalate")
def escalate(
    number: str = typer.Argument(..., help="問合せ番号 (Q-…)"),
    reason: str = typer.Option(..., "--reason", help="報告の理由（暗号化して記録）"),
    to: str = typer.Option(INFORMATION_POLICY_SECTION, "--to", help="報告先"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """報告（エスカレーション）: leak-related inquiries go to the information-policy section."""
    command = EscalateInquiry(number, reason, to, _purpose(purpose))
    inquiry = run_as(as_, command)
    console.print(f"問合せ {inquiry.number} を{to}へ報告しました。", highlight=False)


@app.command("close")
def close(
    number: str = typer.Argument(..., help="問合せ番号 (Q-…)"),
    resolution: str = typer.Option(..., "--resolution", help="対応結果（暗号化して記録）"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """対応完了 (a leak-related inquiry must have been escalated first)."""
    command = CloseInquiry(number, resolution, _purpose(purpose))
    inquiry = run_as(as_, command)
    console.print(f"問合せ {inquiry.number} を対応完了としました。", highlight=False)


@app.command("show")
def show(
    number: str = typer.Argument(..., help="問合せ番号 (Q-…)"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """問合せの内容と対応記録 (journaled)."""
    query = ShowInquiry(number, _purpose(purpose))
    data = run_as(as_, query)
    if json_out:
        print_json(data)
        return
    console.rule(f"問合せ {data['number']}（{data['channel']}・{data['category_label']}・{data['status']}）")
    console.print(f"受付 {data['received_at']}  納税義務者 {data['taxpayer_id'] or '-'}", highlight=False)
    console.print(f"内容: {data['content']}", highlight=False, soft_wrap=True)
    for s in data["handling"]:
        console.print(f"  {s['at']} {s['by']}: {s['note']}", highlight=False, soft_wrap=True)
    for e in data["escalations"]:
        console.print(f"  報告 {e['at']} → {e['to']}: {e['reason']}", highlight=False, soft_wrap=True)
    if data["resolution"]:
        console.print(f"対応結果: {data['resolution']}", highlight=False, soft_wrap=True)


@app.command("list")
def list_(
    from_: str | None = typer.Option(None, "--from", help="受付日（から）"),
    to: str | None = typer.Option(None, "--to", help="受付日（まで）"),
    open_only: bool = typer.Option(False, "--open", help="対応中のものだけ"),
    purpose: str = PURPOSE_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """問合せの一覧 (no content; journaled)."""
    query = InquiryList(_day(from_, "--from"), _day(to, "--to"), open_only, _purpose(purpose))
    rows = run_as(as_, query)
    if json_out:
        print_json({"inquiries": rows})
        return
    print_table(
        "問合せ",
        ("番号", "受付", "方法", "種別", "納税義務者", "状態", "報告先"),
        [
            (
                r["number"],
                r["received_at"][:19],
                r["channel"],
                r["category_label"],
                r["taxpayer_id"] or "-",
                r["status"],
                ", ".join(r["escalated_to"]) or "-",
            )
            for r in rows
        ],
    )


@app.command("report")
def report(
    from_: str = typer.Option(..., "--from", help="受付日（から）"),
    to: str = typer.Option(..., "--to", help="受付日（まで）"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """問合せの集計 (counts only: channel, category, status; open leak-related inquiries)."""
    start, end = _day(from_, "--from"), _day(to, "--to")
    assert start is not None and end is not None  # both options are required
    data = run_as(as_, InquiryReport(start, end))
    if json_out:
        print_json(data)
        return
    console.print(
        f"問合せ {data['from']}〜{data['to']}: {data['total']} 件（報告 {data['escalated']} 件）",
        highlight=False,
    )
    for label, key in (("受付方法", "by_channel"), ("種別", "by_category"), ("状態", "by_status")):
        console.print(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()), highlight=False)
    if data["leak_related_open"]:
        console.print(
            f"  [yellow]未完了の漏えい等の疑い:[/] {', '.join(data['leak_related_open'])}", highlight=False
        )
