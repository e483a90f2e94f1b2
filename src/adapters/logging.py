"""Structured logging with redaction (DESIGN §6 Logs).

structlog renders JSON in server mode and readable lines in a terminal. The redaction processor runs
last before rendering and replaces any 12-digit run (a possible My Number, full- or half-width digits,
with or without separators) in every string value, and drops keys that name personal fields outright.
Code must not pass names or addresses to log calls at all; this is the safety net, tested in
tests/unit/test_logging.py.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# 12 digits, optionally separated by spaces or hyphens in 4-4-4 groups, half- or full-width.
_DIGIT = r"[0-9０-９]"
_MY_NUMBER_LIKE = re.compile(
    rf"(?<![0-9０-９]){_DIGIT}{{4}}[\s\-－]?{_DIGIT}{{4}}[\s\-－]?{_DIGIT}{{4}}(?![0-9０-９])"
)
_PERSONAL_KEYS = frozenset(
    {"name", "kana", "address", "birth_date", "individual_number", "my_number", "mynumber", "氏名", "住所"}
)
REDACTED = "[REDACTED]"


def redact_text(text: str) -> str:
    """Replace every My-Number-like 12-digit run in ``text``."""
    return _MY_NUMBER_LIKE.sub(REDACTED, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) == 12:
        return REDACTED
    if isinstance(value, dict):
        return {k: (REDACTED if k in _PERSONAL_KEYS else _redact_value(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact My-Number-like values and personal keys."""
    for key in list(event_dict):
        if key in _PERSONAL_KEYS:
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact_value(event_dict[key])
    return event_dict


class _CurrentStderr:
    """``sys.stderr`` as it is when a line is written, not when logging was configured (a test runner or a
    daemon may swap it; writing to a swapped-out, closed stream would turn a log line into a crash)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(fmt: str = "console", level: str = "INFO", stream: Any = None) -> None:
    """Configure structlog (and the stdlib root logger) once per process."""
    stream = stream or _CurrentStderr()
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
        renderer,
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.addFilter(_StdlibRedactFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


class _StdlibRedactFilter(logging.Filter):
    """Redact stdlib log records (libraries) the same way."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(str(record.msg))
        if record.args:
            record.args = (
                tuple(_redact_value(a) for a in record.args)
                if isinstance(record.args, tuple)
                else record.args
            )
        return True


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
