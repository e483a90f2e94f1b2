"""口座振替 (screen 7 of the issue, the 口座振替 part): a 口座振替依頼書 (登録・変更・解約) entered at the
console, with the 金融機関 and 支店 looked up by code in the ``zengin-code`` master as the clerk types them
(a server round trip: the console's CSP allows no script), and 過誤納金の処理 (充当・還付).

The 依頼書 is written as a one-line file of OUR 口座振替依頼書 CSV layout (``adapters.formats.debit_mandates``)
under ``var/uploads/<sha256>/`` and imported with ``ImportFile("debit-mandates", …, 収納)`` — the same use
case and the same line checks as ``juminzei import debit-mandates`` (no second way to register a mandate).
A rejected line comes back with its 項目 and message. The 受付番号 is the clerk's, so one 依頼書 submitted
twice is the same file and is not posted twice.

充当・還付 runs ``SettleOverpayments`` (the same use case as ``juminzei payments refunds settle``): 充当 to
the taxpayer's unpaid 期別 first, 還付の決定 with 還付加算金 for the rest (地方税法 第17条・第17条の2・第17条の4).
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from zengin_code import Bank

from adapters.formats import debit_mandates
from adapters.formats.zengin import bank_branch_problem
from application.taxpayers import today_jst
from application.usecases.collection import SettleOverpayments
from application.usecases.intake import ImportFile
from domain.collection.records import DEBIT_ACCOUNT_TYPES, MandateAction
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.console.app import (
    Clerk,
    authorize,
    checked_form,
    clerk_of,
    container,
    execute,
    field,
    render,
)

router = APIRouter()

ACCOUNT_TYPES = sorted(DEBIT_ACCOUNT_TYPES, key=lambda t: t.value)
FIELDS = (
    "receipt",
    "address_number",
    "action",
    "start_date",
    "bank",
    "branch",
    "account_type",
    "account",
    "holder",
)


def lookup(bank_code: str, branch_code: str) -> dict[str, str]:
    """銀行名・支店名 of the codes (``zengin-code`` master), or the 項目 and message of what is wrong."""
    found: dict[str, str] = {}
    bank = Bank.all.get(bank_code)
    if bank is not None:
        found["bank_name"] = bank.name
        branch = bank.branches.get(branch_code)
        if branch is not None:
            found["branch_name"] = branch.name
    problem = bank_branch_problem(bank_code, branch_code) if bank_code or branch_code else None
    if problem is not None:
        found["problem_field"], found["problem"] = problem
    return found


def _page(request: Request, clerk: Clerk, status: int = 200, /, **values: Any) -> Response:
    return render(
        request,
        "debit.html",
        clerk,
        status,
        actions=list(MandateAction),
        account_types=ACCOUNT_TYPES,
        today=today_jst().isoformat(),
        **values,
    )


def _typed(form: FormData) -> dict[str, str]:
    return {name: field(form, name) for name in FIELDS}


@router.get("/debit")
def debit(request: Request) -> Response:
    clerk = clerk_of(request)
    authorize(request, clerk, "refund.determine" if clerk.purpose is Purpose.REFUND else "payment.post")
    return _page(request, clerk, typed={})


@router.post("/debit/lookup")
async def bank_lookup(request: Request) -> Response:
    """照会: the names of the typed 金融機関コード・支店コード (nothing is stored)."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "payment.post")
    typed = _typed(form)
    found = lookup(typed["bank"], typed["branch"])
    return _page(request, clerk, 422 if "problem" in found else 200, typed=typed, found=found)


def _mandate_file(request: Request, typed: dict[str, str]) -> Path:
    """The 依頼書 as a one-line file of the 口座振替依頼書 layout, kept where the uploads are kept."""
    labels = {t.value: t.label for t in ACCOUNT_TYPES}
    row = [
        typed["receipt"],
        typed["address_number"],
        typed["action"],
        typed["start_date"],
        typed["bank"],
        typed["branch"],
        labels.get(typed["account_type"], typed["account_type"]),
        typed["account"],
        typed["holder"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "mandate.csv"
        with debit_mandates.open_writer(staged) as writer:
            writer.write_raw(row)
        data = staged.read_bytes()
    directory = container(request).settings.var_dir / "uploads" / hashlib.sha256(data).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "console-debit-mandate.csv"
    if not path.exists():
        path.write_bytes(data)
    return path


@router.post("/debit")
async def submit(request: Request) -> Response:
    """登録・変更・解約: imported as a one-line 口座振替依頼書 (the import's line checks apply)."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "payment.post")
    typed = _typed(form)
    found = lookup(typed["bank"], typed["branch"])
    if not typed["receipt"]:
        return _page(request, clerk, 422, typed=typed, found=found, message="受付番号を入力してください。")
    if "problem" in found:
        return _page(request, clerk, 422, typed=typed, found=found, message=found["problem"])
    try:
        summary = execute(
            request,
            clerk,
            ImportFile(debit_mandates.KIND, _mandate_file(request, typed), Purpose.COLLECTION),
        )
    except DomainError as error:
        return _page(request, clerk, 422, typed=typed, found=found, message=str(error))
    if summary.errors:
        message = "　".join(f"{e.field}：{e.message}" for e in summary.errors)
        return _page(request, clerk, 422, typed=typed, found=found, message=message)
    if summary.already_imported or summary.duplicates:
        done = "この依頼書は受付済みです（変更はありません）。"
    else:
        done = f"口座振替の{typed['action']}を受け付けました。"
    return _page(request, clerk, typed={}, done=done)


@router.post("/debit/settle")
async def settle(request: Request) -> Response:
    """過誤納金の処理: 充当 to unpaid 期別, else 還付の決定 (as of the date the clerk gives)."""
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "refund.determine")
    try:
        as_of = date.fromisoformat(field(form, "as_of"))
        result = execute(request, clerk, SettleOverpayments(as_of))
    except ValueError:
        return _page(request, clerk, 422, typed={}, message="基準日を YYYY-MM-DD で入力してください。")
    except DomainError as error:
        return _page(request, clerk, 422, typed={}, message=str(error))
    return _page(request, clerk, typed={}, settlement=result, as_of=as_of.isoformat())
