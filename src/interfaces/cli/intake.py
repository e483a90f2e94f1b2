"""``juminzei import …`` and ``juminzei queue …``: intake files, reconciliation and work queues."""

from __future__ import annotations

from pathlib import Path

import typer

from adapters.formats import debit_mandates
from adapters.formats.registry import FORMATS, IMPORT_KINDS
from application.intake.importer import ImportSummary
from application.usecases.intake import (
    DependentOverlaps,
    ForwardFiling,
    ForwardingExport,
    ImportFile,
    IntakeStatus,
    MatchFiling,
    QueueItems,
    RegisterNonResident,
)
from domain.shared.purpose import Purpose
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    NOTHING_TO_IMPORT_EXIT,
    console,
    fail,
    print_json,
)
from interfaces.cli.options import parse_uuid
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as, run_showing_progress, run_unattributed
from interfaces.presenters import queue_item_json, summary_json

queue_app = typer.Typer(help="保留キュー (work queues): 本人確認, 税務調査, 扶養重複.", no_args_is_help=True)


def import_one(
    kind: str,
    path: Path,
    as_: str | None,
    show_progress: bool,
    purpose: Purpose = Purpose.INTAKE,
    *,
    refuse_empty: bool = False,
) -> ImportSummary:
    command = ImportFile(kind, path, purpose, refuse_empty=refuse_empty)
    return run_showing_progress(as_, command, f"{kind} {path.name}", show=show_progress)


def print_summary(s: ImportSummary, path: Path) -> None:
    if s.already_imported:
        console.print(f"取込済みのファイルです（変更なし）: {path.name} batch {s.batch_id}")
    console.print(
        f"{s.kind} {path.name}: 受付 {s.received} / 受理 {s.accepted} / 不備 {s.rejected} / 保留 {s.quarantined}"
        f" / 重複 {s.duplicates} / 差異 {s.gap}"
    )
    for error in s.errors[:20]:
        console.print(f"  {path.name}:{error.line} 【{error.field}】 {error.message}", highlight=False)
    if len(s.errors) > 20:
        console.print(f"  … ほか {len(s.errors) - 20} 件（--json で全件）")


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_command(
        kind: str = typer.Argument(..., help=f"取込種別: {', '.join(IMPORT_KINDS)} — or 'status'"),
        file: Path | None = typer.Argument(None, help="The received file."),
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        """課税資料・宛名の取込 (import a received file), or `import status`."""
        if kind == "status":
            _status(json_out)
            return
        if kind not in FORMATS.kinds():
            fail(f"取込種別 '{kind}' は扱えません。使用できる種別: {', '.join(IMPORT_KINDS)}, status", 2)
        if file is None:
            fail("取込ファイルを指定してください。", 2)
        if not file.is_file():
            fail(f"ファイルが見つかりません: {file}", 2)
        summary = import_one(kind, file, as_, show_progress=not json_out, refuse_empty=True)
        changes = debit_mandates.kana_changes(file) if kind == debit_mandates.KIND else []
        if json_out:
            print_json(
                summary_json(summary) | ({"kana_changes": changes} if kind == debit_mandates.KIND else {})
            )
        else:
            print_summary(summary, file)
            for change in changes:
                console.print(
                    f"  {file.name}:{change['line']} 【{change['field']}】 全銀協の文字に置き換えました:"
                    f" {'、'.join(change['changes'])}（金融機関の登録名義と照合してください）",
                    highlight=False,
                    soft_wrap=True,
                )
        if summary.gap:
            fail(f"件数が一致しません（差異 {summary.gap} 件）。", 3)
        if (
            not summary.already_imported
            and summary.received
            and not (summary.accepted or summary.quarantined or summary.duplicates)
        ):
            fail(
                f"{file}: 有効なレコードがありません（全 {summary.received} 件が不備。行・項目ごとの理由は上記）。",
                NOTHING_TO_IMPORT_EXIT,
            )


def _status(json_out: bool) -> None:
    view = run_unattributed(IntakeStatus())
    batches, queues_out = view.batches, view.queues
    if json_out:
        print_json({"batches": batches, "queues": queues_out})
        return
    print_table(
        "取込状況 (import batches)",
        ("kind", "file", "受付", "受理", "不備", "保留", "重複", "差異", "照合"),
        [
            (
                b["kind"],
                b["file_name"],
                str(b["received"]),
                str(b["accepted"]),
                str(b["rejected"]),
                str(b["quarantined"]),
                str(b["duplicates"]),
                str(b["gap"]),
                "済" if b["reconciled"] else "未",
            )
            for b in batches
        ],
    )
    console.print("保留キュー: " + (", ".join(f"{k} {v} 件" for k, v in queues_out.items()) or "なし"))


@queue_app.command("list")
def queue_list(
    queue: str | None = typer.Option(None, "--queue", help="本人確認 or 税務調査"),
    json_out: bool = JSON_OPTION,
) -> None:
    """保留中の課税資料 (quarantined filings) — ids, kinds and reasons only."""
    items = run_unattributed(QueueItems(queue))
    if json_out:
        print_json({"items": [queue_item_json(i) for i in items]})
        return
    print_table(
        f"保留キュー {queue or '全件'}: {len(items)} 件",
        ("filing_id", "kind", "年分", "queue", "reason", "line"),
        [(str(i.filing_id), i.kind, str(i.tax_year), i.queue, i.reason, str(i.line)) for i in items],
    )


@queue_app.command("match")
def queue_match(
    filing_id: str = typer.Argument(..., help="保留中の課税資料ID"),
    address_number: str = typer.Option(..., "--address-number", help="照合先の宛名番号"),
    as_: str | None = AS_OPTION,
) -> None:
    """既存の宛名に名寄せする (match to an existing taxpayer)."""
    run_as(as_, MatchFiling(parse_uuid(filing_id), address_number))
    console.print(f"名寄せしました: {filing_id} → 宛名番号 {address_number}")


@queue_app.command("register-non-resident")
def queue_register(filing_id: str = typer.Argument(...), as_: str | None = AS_OPTION) -> None:
    """住登外者として登録し名寄せする (register as 住登外 with a system-issued 宛名番号)."""
    number = run_as(as_, RegisterNonResident(parse_uuid(filing_id)))
    console.print(f"住登外者として登録しました: 宛名番号 {number}")


@queue_app.command("forward")
def queue_forward(
    filing_id: str = typer.Argument(...),
    to: str = typer.Option(..., "--to", help="回送先の団体コード (1月1日の住所地)"),
    reason: str = typer.Option("1月1日の住所地が他団体", "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """回送する (forward to the municipality of 1 January residence)."""
    run_as(as_, ForwardFiling(parse_uuid(filing_id), to, reason))
    console.print(f"回送しました: {filing_id} → {to}")


@queue_app.command("dependents")
def queue_dependents(
    fiscal_year: int | None = typer.Option(None, "--fiscal-year"), json_out: bool = JSON_OPTION
) -> None:
    """扶養重複: dependents claimed by more than one taxpayer in a 年度 (for 扶養是正)."""
    overlaps = run_unattributed(DependentOverlaps(fiscal_year))
    rows = [
        {
            "fiscal_year": o.fiscal_year,
            "dependent_ref": o.dependent_ref[:16],
            "taxpayer_ids": list(o.taxpayer_ids),
            "filing_ids": list(o.filing_ids),
        }
        for o in overlaps
    ]
    if json_out:
        print_json({"overlaps": rows})
        return
    console.print(f"扶養重複: {len(rows)} 件")
    for o in overlaps:
        console.print(
            f"  {o.fiscal_year}年度 扶養親族 {o.dependent_ref[:16]}… 申告者 {', '.join(o.taxpayer_ids)}"
        )


@queue_app.command("forwarding-file")
def forwarding_file(
    out: Path = typer.Option(..., "--out", help="回送ファイル (UTF-8 CSV)"),
    as_: str | None = AS_OPTION,
) -> None:
    """回送ファイルを作成する: forwarded filings for the municipalities of 1 January residence."""
    import csv

    rows = run_as(as_, ForwardingExport())
    out.parent.mkdir(parents=True, exist_ok=True)
    header = ["回送先団体コード", "課税資料ID", "資料種別", "年分", "氏名", "カナ", "生年月日", "住所"]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    console.print(f"回送ファイルを作成しました: {out} ({len(rows)} 件)")
