"""Options and input parsers shared by the CLI commands: each names the option at fault (exit 2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import typer

from domain.shared.purpose import Purpose
from interfaces.cli.common import fail

FISCAL_YEAR_OPTION = typer.Option(..., "--fiscal-year")
ADDRESS_NUMBER_OPTION = typer.Option(..., "--address-number")


def iso_date(text: str, option: str) -> date:
    """``YYYY-MM-DD``; otherwise exit 2 naming ``option``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: 日付は YYYY-MM-DD 形式で指定してください。", 2)


def iso_day(text: str, option: str) -> date:
    """``YYYY-MM-DD``; otherwise exit 2 naming ``option`` and echoing the value given."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: 日付は YYYY-MM-DD で指定してください（{text}）。", 2)


def declared_purpose(text: str, *, name_option: bool = True) -> Purpose:
    """The declared 利用目的; an unknown one exits 2 (prefixed ``--purpose:`` when ``name_option``)."""
    try:
        return Purpose.parse(text)
    except ValueError as error:
        fail(f"--purpose: {error}" if name_option else str(error), 2)


def parse_uuid(text: str, label: str = "ID") -> UUID:
    """An id given on the command line; a malformed one exits 2 (``{label}の形式が不正です``)."""
    try:
        return UUID(text)
    except ValueError:
        fail(f"{label}の形式が不正です: {text}", 2)


def read_json_file(path: Path) -> Any:
    """The JSON document in ``path`` (UTF-8); a missing or unreadable file exits 2 naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"ファイルが見つかりません: {path}", 2)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path}: JSON として読めません ({error})", 2)
