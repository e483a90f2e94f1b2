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
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, fail
from interfaces.cli.options import ADDRESS_NUMBER_OPTION, iso_date
from interfaces.cli.usecase import emit, run_as, run_unattributed
from interfaces.presenters import certificate_check_json

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
    return today_jst() if value is None else iso_date(value, "--issue-date")


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
    code = f"（確認コード {doc.verification_code}）" if doc.verification_code else ""
    emit(json_out, data, f"{doc.kind} を出力しました: {out}{code}")


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
    _report(run_as(as_, command), out, json_out)


@certificate_app.command("convenience")
def certificate_convenience(
    requests: Path = typer.Argument(
        ..., help="証明書交付センターの交付要求ファイル (docs/formats/convenience-certificates.md)"
    ),
    out: Path = typer.Option(..., "--out", help="証明書データの出力先"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """コンビニ交付: 交付要求に証明書データ（確認コード付き）で応答する (照会記録あり; exit 0, 1 if any 交付不可)."""
    from adapters.formats.convenience import ConvenienceFileError, parse_requests, write_answers
    from application.usecases.convenience import AnswerConvenienceRequests

    try:
        batch_id, parsed = parse_requests(requests)
    except ConvenienceFileError as error:
        fail(str(error), 2)
    answers = run_as(as_, AnswerConvenienceRequests(batch_id, parsed))
    write_answers(out, answers)
    issued = sum(a.issued for a in answers)
    refused = [{"要求番号": a.request_number, "理由": a.reason} for a in answers if not a.issued]
    emit(
        json_out,
        {"batch_id": batch_id, "requests": len(answers), "issued": issued, "refused": refused},
        f"証明書データを出力しました: {out}（交付可 {issued} 件、交付不可 {len(refused)} 件）",
    )
    for r in refused if not json_out else []:
        console.print(f"  交付不可 {r['要求番号']}: {r['理由']}", highlight=False)


@certificate_app.command("verify")
def certificate_verify(
    code: str = typer.Argument(..., help="確認コード"), json_out: bool = JSON_OPTION
) -> None:
    """証明書の確認コードを照合する (exit 0 valid, 1 otherwise)."""
    result = run_unattributed(VerifyCertificate(code))
    emit(json_out, certificate_check_json(result), result.reason)
    if not result.valid:
        raise typer.Exit(1)


#: The per-taxpayer notices: command name (= the notice kind) and its help.
NOTICE_COMMANDS: tuple[tuple[NoticeKind, str], ...] = (
    ("tax", "納税通知書（普通徴収）with payment slips."),
    ("change", "税額変更通知書 (after 更正)."),
    ("employee", "特別徴収税額決定通知書（納税義務者用）."),
)


def _notice_command(kind: NoticeKind, help_text: str) -> None:
    @notice_app.command(kind, help=help_text)
    def notice(
        address_number: str = ADDRESS_NUMBER_OPTION,
        fiscal_year: int = FY,
        out: Path = OUT,
        issue_date: str | None = ISSUE_DATE,
        as_: str | None = AS_OPTION,
        json_out: bool = JSON_OPTION,
    ) -> None:
        command = IssueNotice(kind, address_number, fiscal_year, _issue_date(issue_date))
        _report(run_as(as_, command), out, json_out)


for _kind, _help in NOTICE_COMMANDS:
    _notice_command(_kind, _help)


@notice_app.command("reissue")
def notice_reissue(
    address_number: str = ADDRESS_NUMBER_OPTION,
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
    command = ReissueSlip(address_number, fiscal_year, period, iso_date(due_date, "--due-date"), when)
    _report(run_as(as_, command), out, json_out)


@notice_app.command("non-resident")
def notice_non_resident(
    address_number: str = ADDRESS_NUMBER_OPTION,
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
    _report(run_as(as_, command), out, json_out)


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
    for notice in run_as(as_, IssueEmployerNotices(fiscal_year, _issue_date(issue_date))):
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
    emit(json_out, {"employers": written}, f"特別徴収義務者 {len(written)} 件の通知書を出力しました: {out}")


@document_app.command("render")
def document_render(document_id: str = typer.Argument(...), out: Path = OUT) -> None:
    """Re-render an issued document from its record (byte-for-byte identical)."""
    model = run_unattributed(IssuedDocumentModel(document_id))
    _write(out, render(model))
    console.print(f"再出力しました: {out}")
