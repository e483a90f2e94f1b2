"""``juminzei return …``: 住民税申告書 — four-eyes paper entry and electronic submission."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from application.intake.returns import EntryOutcome
from application.usecases.intake import KeyResidentReturn, ReturnAction
from domain.filings.resident_return import ResidentReturn
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, err_console, fail, print_json
from interfaces.cli.options import read_json_file
from interfaces.cli.usecase import run_as
from interfaces.schemas.resident_return import ResidentReturnIn

app = typer.Typer(help="住民税申告書: 窓口入力（二者確認）とマイナポータル受付.", no_args_is_help=True)


def load_return(path: Path) -> ResidentReturn:
    """Read and validate a return; on bad input print every bad field (file and path) and exit 2."""
    raw = read_json_file(path)
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

#: The four ways a return is keyed: command name (= the use case's action) and its help.
ENTRY_COMMANDS: tuple[tuple[ReturnAction, str], ...] = (
    ("enter", "入力 (first keying of a paper return)."),
    ("verify", "確認入力 by a different clerk: equal → filing; different → returned for correction."),
    ("correct", "訂正入力 after a mismatch."),
    ("submit", "マイナポータル等の電子申告を受け付ける (no re-keying needed)."),
)


def _entry_command(action: ReturnAction, help_text: str) -> None:
    @app.command(action, help=help_text)
    def keyed(
        receipt: str = RECEIPT, file: Path = FILE, as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION
    ) -> None:
        record = load_return(file)
        _report(run_as(as_, KeyResidentReturn(action, receipt, record)), json_out)


for _action, _help in ENTRY_COMMANDS:
    _entry_command(_action, _help)
