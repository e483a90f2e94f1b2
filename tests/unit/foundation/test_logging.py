"""No My Number, name or address in any log line (DESIGN §6 Logs)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from stdnum.jp import in_ as my_number

from adapters.logging import REDACTED, configure_logging, get_logger, redact_text
from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose


def _valid_my_number() -> str:
    body = "12345678901"
    return body + my_number.calc_check_digit(body)


def test_redact_text_covers_plain_spaced_and_fullwidth_numbers() -> None:
    number = _valid_my_number()
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    fullwidth = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for text in (number, spaced, fullwidth, f"id={number}."):
        assert number not in redact_text(text)
        assert REDACTED in redact_text(text)
    assert redact_text("position 123456") == "position 123456"  # short numbers stay


def test_json_log_lines_are_redacted() -> None:
    stream = io.StringIO()
    configure_logging("json", "DEBUG", stream=stream)
    number = _valid_my_number()
    log = get_logger("test")
    log.info("imported", detail=f"row with {number}", name="山田太郎", address="目黒区", count=3)
    line = json.loads(stream.getvalue().strip())
    assert number not in stream.getvalue()
    assert line["name"] == REDACTED and line["address"] == REDACTED and line["count"] == 3


def test_a_slice_with_log_capture_leaks_no_personal_data(container: Any) -> None:
    stream = io.StringIO()
    configure_logging("json", "DEBUG", stream=stream)
    ctx = CommandContext("clerk", Purpose.REGISTRY, "c-1")
    command = RegisterTaxpayer(
        "1234", "漏洩確認子", "ロウエイカクニンコ", date(1970, 1, 1), Sex.F, "目黒区ログ町1"
    )
    container.taxpayers.register(command, ctx)
    container.runner.catch_up()
    container.taxpayer_queries.search(
        kana_prefix="ロウエイ", birth_date=None, ctx=CommandContext("c", Purpose.AUDIT, "q")
    )
    out = stream.getvalue()
    for secret in ("漏洩確認子", "ロウエイカクニンコ", "目黒区ログ町1"):
        assert secret not in out
    assert "taxpayer.registered" in out and "personal_data.viewed" in out, "the slice does log"
