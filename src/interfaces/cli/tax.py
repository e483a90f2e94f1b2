"""``juminzei tax`` — calc / installments / late-fee (public contract; JSON to stdout).

The domain engine (``domain.taxrules``) does the arithmetic; this module validates input (pydantic),
injects the holiday calendar (``adapters.jp_calendar``) and prints JSON. Invalid input → exit 2 with
one ``path: 日本語 / English`` line per bad field on stderr.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import ValidationError

from adapters.jp_calendar import is_public_holiday_or_closed, legal_due_date
from domain.taxrules import RULE_SETS, installments
from domain.taxrules.engine import compute
from domain.taxrules.late_fee import compute_late_fee
from domain.taxrules.model import TaxInput
from interfaces.cli.tax_schemas import describe_errors, parse

app = typer.Typer(
    help="税額計算 (特別区民税・都民税): calc / installments / late-fee — JSON in, JSON out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class Method(StrEnum):
    ordinary = "ordinary"
    salary = "salary"
    pension = "pension"


def _invalid(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(2)


def _emit(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@app.command("calc")
def calc(
    file: str = typer.Argument(
        "-", help="入力JSONファイル (省略または - で標準入力) / input JSON file or '-'"
    ),
) -> None:
    """1人・1年度の税額を計算する / compute one taxpayer's 特別区民税・都民税 with the full trace."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        _invalid([f"(file): ファイルを読めません / cannot read input file: {exc}"])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _invalid([f"(root): JSONとして読めません / malformed JSON: {exc}"])
    if not isinstance(data, dict):
        _invalid(["(root): JSONオブジェクトを指定してください / expected a JSON object"])
    try:
        model = parse(data)
    except ValidationError as exc:
        _invalid(describe_errors(exc))
    tax_input = TaxInput.from_dict(model.model_dump(mode="json"))
    _emit(compute(tax_input).to_dict())


def _check_year(year: int) -> list[str]:
    if year not in RULE_SETS:
        return [
            f"--fiscal-year: 対応していない年度です / unsupported fiscal year (supported: {sorted(RULE_SETS)})"
        ]
    return []


@app.command("installments")
def installments_cmd(
    method: Method = typer.Option(
        ..., "--method", help="ordinary (普通徴収) | salary (給与特徴) | pension (年金特徴)"
    ),
    annual_tax: int = typer.Option(..., "--annual-tax", help="年税額 (円) / annual tax in yen"),
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="年度 (西暦, e.g. 2026 = 令和8年度)"),
    previous_pension_tax: int = typer.Option(0, "--previous-pension-tax", help="前年度の年金特別徴収税額"),
    first_year: bool = typer.Option(False, "--first-year", help="年金特別徴収の初年度"),
    flat_reduction: int = typer.Option(
        0, "--flat-reduction", help="令和6年度 普通徴収: 定額減税額 (減税前で按分し第1期から控除)"
    ),
) -> None:
    """期別税額と納期限を表示する / print the installments in collection order."""
    errors = _check_year(fiscal_year)
    if annual_tax < 0:
        errors.append("--annual-tax: 0以上の整数で指定してください / must be a non-negative integer")
    if flat_reduction < 0:
        errors.append("--flat-reduction: 0以上の整数で指定してください / must be a non-negative integer")
    if previous_pension_tax < 0:
        errors.append(
            "--previous-pension-tax: 0以上の整数で指定してください / must be a non-negative integer"
        )
    if errors:
        _invalid(errors)
    closed = is_public_holiday_or_closed
    if method is Method.ordinary:
        result = installments.ordinary(
            annual_tax, fiscal_year, is_closed=closed, flat_reduction=flat_reduction
        )
    elif method is Method.salary:
        result = installments.salary(annual_tax, fiscal_year, is_closed=closed)
    else:
        result = installments.pension(
            annual_tax,
            fiscal_year,
            previous_pension_tax=previous_pension_tax,
            first_year=first_year,
            is_closed=closed,
        )
    _emit({"installments": [i.to_dict() for i in result]})


def _parse_date(name: str, value: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            f"{name}: 日付 (YYYY-MM-DD) で指定してください / expected a date YYYY-MM-DD, got {value!r}"
        )
        return None


@app.command("late-fee")
def late_fee_cmd(
    tax: int = typer.Option(..., "--tax", help="本税額 (円) / unpaid tax"),
    due_date: str = typer.Option(
        ..., "--due-date", help="納期限 YYYY-MM-DD (土日祝・年末年始は翌営業日に読み替え)"
    ),
    paid_date: str = typer.Option(..., "--paid-date", help="納付日 YYYY-MM-DD"),
) -> None:
    """延滞金を計算する / compute the late fee (延滞金) with its rate segments."""
    errors: list[str] = []
    if tax < 0:
        errors.append("--tax: 0以上の整数で指定してください / must be a non-negative integer")
    due = _parse_date("--due-date", due_date, errors)
    paid = _parse_date("--paid-date", paid_date, errors)
    if errors or due is None or paid is None:
        _invalid(errors)
    try:
        result = compute_late_fee(tax, legal_due_date(due), paid)
    except ValueError as exc:
        _invalid([f"--paid-date: 延滞金の割合が不明な期間です / {exc}"])
    _emit(result.to_dict())
