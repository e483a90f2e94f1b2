"""``juminzei provision …`` and ``juminzei export …``: 提供・移転 through the allowlist; maker-checker exports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from uuid import UUID

import typer

from application.usecases.provisions import (
    ApproveExport,
    DeliverTransfers,
    Provide,
    ProvisionList,
    RequestExport,
    RunExport,
)
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    console,
    fail,
    print_json,
)
from interfaces.cli.options import parse_uuid, read_json_file
from interfaces.cli.render import print_table
from interfaces.cli.usecase import emit, run_as, run_unattributed

provision_app = typer.Typer(
    help="提供・移転 (provision and internal transfer) through the allowlist.", no_args_is_help=True
)
export_app = typer.Typer(help="データ抽出 (maker-checker exports).", no_args_is_help=True)


@provision_app.command("deliver-outbox")
def deliver_outbox(as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION) -> None:
    """庁内移転: deliver pending transfer records (国保・介護・保育 …) through the allowlist gate."""
    delivered, skipped = run_as(as_, DeliverTransfers())
    emit(
        json_out,
        {"delivered": delivered, "already_delivered": skipped},
        f"移転 {delivered} 件（送付済み {skipped} 件）",
    )


@provision_app.command("provide")
def provide(
    recipient: str = typer.Option(..., "--recipient", help="提供先"),
    basis: str = typer.Option(..., "--basis", help="法令上の根拠 (e.g. 番号法第19条第1号)"),
    items: str = typer.Option(..., "--items", help="提供する項目 (comma-separated)"),
    subjects: str = typer.Option(..., "--subjects", help="宛名番号 (comma-separated)"),
    kind: str = typer.Option("提供", "--kind", help="提供 or 移転"),
    key: str = typer.Option(..., "--key", help="依頼番号 (idempotency)"),
    as_: str | None = AS_OPTION,
) -> None:
    """個別の提供: allowed only along the allowlist; a refusal is recorded with its reason (exit 1)."""
    from datetime import UTC, datetime

    command = Provide(
        key=key,
        kind=kind,
        recipient=recipient,
        legal_basis=basis,
        items=tuple(i.strip() for i in items.split(",") if i.strip()),
        address_numbers=tuple(s.strip() for s in subjects.split(",") if s.strip()),
        requested_at=datetime.now(UTC),
    )
    run_as(as_, command)
    console.print(f"{kind}を記録しました: {recipient}（{basis}）")


@provision_app.command("list")
def provision_list(
    recipient: str | None = typer.Option(None, "--recipient"),
    json_out: bool = JSON_OPTION,
) -> None:
    """提供・移転の記録 (by recipient)."""
    rows = run_unattributed(ProvisionList(recipient))
    if json_out:
        print_json({"records": rows})
        return
    print_table(
        f"提供・移転の記録 {len(rows)} 件",
        ("区分", "結果", "提供先", "根拠", "項目", "提供日時", "依頼者", "承認者"),
        [
            (
                r["kind"],
                r["outcome"],
                r["recipient"],
                r["legal_basis"],
                r["items"],
                r["provided_at"] or "",
                r["requester"],
                r["approver"] or "",
            )
            for r in rows
        ],
    )


def _uuid(text: str) -> UUID:
    return parse_uuid(text, "依頼ID")


def _manifest(path: Path) -> dict[str, Any]:
    data = read_json_file(path)
    if not isinstance(data, dict):
        fail(f"{path}: マニフェストは JSON オブジェクトです。", 2)
    return data


@export_app.command("request")
def export_request(
    manifest: Path = typer.Option(..., "--manifest", help="抽出マニフェスト (JSON)"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """抽出依頼 (maker): the manifest's hash is what the approval binds to."""
    data = _manifest(manifest)
    export = run_as(as_, RequestExport(data))
    emit(
        json_out,
        {"request_id": str(export.id), "manifest_hash": export.manifest_hash},
        f"抽出依頼 {export.id}（マニフェスト {export.manifest_hash[:16]}…）: 所属長の承認待ち",
    )


@export_app.command("approve")
def export_approve(
    request_id: str = typer.Argument(...), as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """承認 (checker, a different supervisor): prints a single-use token bound to the manifest."""
    token = run_as(as_, ApproveExport(_uuid(request_id)))
    emit(
        json_out,
        {"request_id": request_id, "token": token},
        f"承認しました。実行用トークン（1回限り）: {token}",
    )


@export_app.command("run")
def export_run(
    request_id: str = typer.Argument(...),
    manifest: Path = typer.Option(..., "--manifest"),
    token: str = typer.Option(..., "--token"),
    out: Path = typer.Option(..., "--out", help="出力 CSV"),
    as_: str | None = AS_OPTION,
) -> None:
    """実行: the manifest must be the approved one and the token unused; the provision is recorded."""
    data = _manifest(manifest)
    rows = run_as(as_, RunExport(_uuid(request_id), data, token))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(rows[0]) if rows else ["宛名番号"], lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    console.print(f"抽出しました: {out}（{len(rows)} 件）")
