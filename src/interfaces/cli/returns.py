"""``juminzei return …``: 住民税申告書 — four-eyes paper entry and electronic submission."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pydantic import ValidationError

from application.intake.returns import EntryOutcome
from application.usecases.intake import KeyResidentReturn
from domain.filings.resident_return import ResidentReturn
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    console,
    container,
    err_console,
    execute,
    fail,
    principal,
    print_json,
    settings,
)
from interfaces.schemas.resident_return import ResidentReturnIn

app = typer.Typer(help="住民税申告書: 窓口入力（二者確認）とマイナポータル受付.", no_args_is_help=True)


def load_return(path: Path) -> ResidentReturn:
    """Read and validate a return; on bad input print every bad field (file and path) and exit 2."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"ファイルが見つかりません: {path}", 2)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path}: JSON として読めません ({error})", 2)
    try:
        return ResidentReturnIn.model_validate(raw).to_record()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(p) for p in problem["loc"]) or "(root)"
            err_console.print(f"{path}: {where}: {problem['msg']}", highlight=False, soft_wrap=True)
        fail(f"{path}: 申告書の内容に不備が {error.error_count()} 件あります。", 2)


def _report(outcome: EntryOutcome, json_out: bool) -> None:
    data = {
        "receipt_number": outcome.receipt_number,
        "status": outcome.status,
        "mismatched_items": list(outcome.mismatched_items),
        "filing_id": str(outcome.filing_id) if outcome.filing_id else None,
        "filing_outcome": outcome.filing_outcome,
    }
    if json_out:
        print_json(data)
        return
    console.print(f"受付番号 {outcome.receipt_number}: {outcome.status}")
    if outcome.mismatched_items:
        console.print("不一致の項目: " + ", ".join(outcome.mismatched_items))
    if outcome.filing_id:
        console.print(f"課税資料 {outcome.filing_id} ({outcome.filing_outcome})")


RECEIPT = typer.Option(..., "--receipt", help="受付番号")
FILE = typer.Option(..., "--file", help="申告書の内容 (JSON)")


@app.command("enter")
def enter(
    receipt: str = RECEIPT, file: Path = FILE, as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """入力 (first keying of a paper return)."""
    record = load_return(file)
    with container(cfg=settings()) as c:
        outcome = execute(c, KeyResidentReturn("enter", receipt, record), principal(as_, c.settings))
    _report(outcome, json_out)


@app.command("verify")
def verify(
    receipt: str = RECEIPT, file: Path = FILE, as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """確認入力 by a different clerk: equal → filing; different → returned for correction."""
    record = load_return(file)
    with container(cfg=settings()) as c:
        outcome = execute(c, KeyResidentReturn("verify", receipt, record), principal(as_, c.settings))
    _report(outcome, json_out)


@app.command("correct")
def correct(
    receipt: str = RECEIPT, file: Path = FILE, as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """訂正入力 after a mismatch."""
    record = load_return(file)
    with container(cfg=settings()) as c:
        outcome = execute(c, KeyResidentReturn("correct", receipt, record), principal(as_, c.settings))
    _report(outcome, json_out)


@app.command("submit")
def submit(
    receipt: str = RECEIPT, file: Path = FILE, as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """マイナポータル等の電子申告を受け付ける (no re-keying needed)."""
    record = load_return(file)
    with container(cfg=settings()) as c:
        outcome = execute(c, KeyResidentReturn("submit", receipt, record), principal(as_, c.settings))
    _report(outcome, json_out)
