"""``juminzei certificate …``, ``juminzei notice …`` and ``juminzei document render``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from adapters.documents import employer_csv
from adapters.documents.pdf import render
from application.assessment.documents import IssuedDocument
from application.taxpayers import today_jst
from application.usecases.documents import (
    IssueCertificate,
    IssuedDocumentModel,
    IssueEmployerNotices,
    IssueNonResidentNotice,
    IssueNotice,
    NoticeKind,
    ReissueSlip,
    VerifyCertificate,
)
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    console,
    container,
    execute,
    fail,
    principal,
    print_json,
    settings,
    system_principal,
)

certificate_app = typer.Typer(help="課税・非課税証明書 (issue and verify).", no_args_is_help=True)
notice_app = typer.Typer(
    help="通知書 (納税通知書, 税額変更通知書, 特別徴収税額決定通知書).", no_args_is_help=True
)
document_app = typer.Typer(help="発行済み文書の再出力 (re-render from the record).", no_args_is_help=True)

FY = typer.Option(..., "--fiscal-year", help="年度")
OUT = typer.Option(..., "--out", help="出力ファイル (PDF)")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _issue_date(value: str | None) -> date:
    if value is None:
        return today_jst()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail("--issue-date: 日付は YYYY-MM-DD 形式で指定してください。", 2)


ISSUE_DATE = typer.Option(None, "--issue-date", help="発行日 (default: today, JST)")


def _report(doc: IssuedDocument, out: Path, json_out: bool) -> None:
    _write(out, render(doc.model))
    data: dict[str, Any] = {
        "document_id": doc.document_id,
        "kind": doc.kind,
        "file": str(out),
        "already_issued": doc.already_issued,
    }
    if doc.verification_code:
        data["code"] = doc.verification_code
    if json_out:
        print_json(data)
    else:
        console.print(
            f"{doc.kind} を出力しました: {out}"
            + (f"（確認コード {doc.verification_code}）" if doc.verification_code else "")
        )


@certificate_app.command("issue")
def certificate_issue(
    taxpayer: str = typer.Option(..., "--taxpayer", help="宛名番号"),
    fiscal_year: int = FY,
    out: Path = OUT,
    use: str = typer.Option("", "--use", help="使用目的 (printed)"),
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """課税証明書 / 非課税証明書 を発行する (with a verification code)."""
    command = IssueCertificate(taxpayer, fiscal_year, _issue_date(issue_date), use)
    with container(cfg=settings()) as c:
        doc = execute(c, command, principal(as_, c.settings))
    _report(doc, out, json_out)


@certificate_app.command("verify")
def certificate_verify(
    code: str = typer.Argument(..., help="確認コード"), json_out: bool = JSON_OPTION
) -> None:
    """証明書の確認コードを照合する (exit 0 valid, 1 otherwise)."""
    with container(cfg=settings()) as c:
        result = execute(c, VerifyCertificate(code), system_principal(c.settings))
    if json_out:
        print_json(
            {
                "valid": result.valid,
                "reason": result.reason,
                "document_id": result.document_id,
                "kind": result.kind,
                "current": result.current,
            }
        )
    else:
        console.print(result.reason)
    if not result.valid:
        raise typer.Exit(1)


def _issue_notice(
    kind: NoticeKind,
    address_number: str,
    fiscal_year: int,
    out: Path,
    issue_date: str | None,
    as_: str | None,
    json_out: bool,
) -> None:
    """Issue one per-taxpayer notice and write/report it."""
    command = IssueNotice(kind, address_number, fiscal_year, _issue_date(issue_date))
    with container(cfg=settings()) as c:
        doc = execute(c, command, principal(as_, c.settings))
    _report(doc, out, json_out)


@notice_app.command("tax")
def notice_tax(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = FY,
    out: Path = OUT,
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """納税通知書（普通徴収）with payment slips."""
    _issue_notice("tax", address_number, fiscal_year, out, issue_date, as_, json_out)


@notice_app.command("change")
def notice_change(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = FY,
    out: Path = OUT,
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """税額変更通知書 (after 更正)."""
    _issue_notice("change", address_number, fiscal_year, out, issue_date, as_, json_out)


@notice_app.command("employee")
def notice_employee(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = FY,
    out: Path = OUT,
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """特別徴収税額決定通知書（納税義務者用）."""
    _issue_notice("employee", address_number, fiscal_year, out, issue_date, as_, json_out)


@notice_app.command("reissue")
def notice_reissue(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = FY,
    period: int = typer.Option(..., "--period", min=1, help="期別"),
    due_date: str = typer.Option(..., "--due-date", help="新しい納期限 YYYY-MM-DD"),
    out: Path = OUT,
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """再発行納付書: unpaid amount, new due date, 再発行区分 incremented, 延滞金 to date shown separately."""
    when = _issue_date(issue_date)
    try:
        new_due = date.fromisoformat(due_date)
    except ValueError:
        fail("--due-date: 日付は YYYY-MM-DD 形式で指定してください。", 2)
    command = ReissueSlip(address_number, fiscal_year, period, new_due, when)
    with container(cfg=settings()) as c:
        doc = execute(c, command, principal(as_, c.settings))
    _report(doc, out, json_out)


@notice_app.command("non-resident")
def notice_non_resident(
    address_number: str = typer.Option(..., "--address-number"),
    fiscal_year: int = FY,
    to_code: str = typer.Option(..., "--to", help="住民登録地の団体コード"),
    to_name: str = typer.Option(..., "--to-name", help="宛先 (e.g. 川崎市長)"),
    registered_address: str = typer.Option(..., "--registered-address", help="住民票上の住所"),
    out: Path = OUT,
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """住登外課税の通知 (他団体通知) to the municipality of registration."""
    command = IssueNonResidentNotice(
        address_number, fiscal_year, _issue_date(issue_date), to_code, to_name, registered_address
    )
    with container(cfg=settings()) as c:
        doc = execute(c, command, principal(as_, c.settings))
    _report(doc, out, json_out)


@notice_app.command("employers")
def notice_employers(
    fiscal_year: int = FY,
    out: Path = typer.Option(..., "--out", help="出力ディレクトリ"),
    issue_date: str | None = ISSUE_DATE,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """特別徴収税額決定通知書（特別徴収義務者用）PDF and the employer CSV, one per 指定番号."""
    written: list[dict[str, Any]] = []
    with container(cfg=settings()) as c:
        notices = execute(
            c, IssueEmployerNotices(fiscal_year, _issue_date(issue_date)), principal(as_, c.settings)
        )
        for notice in notices:
            number, doc = notice.designation_number, notice.document
            pdf = out / f"special-collection-{number}.pdf"
            csv_path = out / f"special-collection-{number}.csv"
            _write(pdf, render(doc.model))
            _write(csv_path, employer_csv.write(doc.model))
            written.append(
                {
                    "designation_number": number,
                    "pdf": str(pdf),
                    "csv": str(csv_path),
                    "employees": len(doc.model.rows),
                }
            )
    if json_out:
        print_json({"employers": written})
    else:
        console.print(f"特別徴収義務者 {len(written)} 件の通知書を出力しました: {out}")


@document_app.command("render")
def document_render(document_id: str = typer.Argument(...), out: Path = OUT) -> None:
    """Re-render an issued document from its record (byte-for-byte identical)."""
    with container(cfg=settings()) as c:
        model = execute(c, IssuedDocumentModel(document_id), system_principal(c.settings))
    _write(out, render(model))
    console.print(f"再出力しました: {out}")
