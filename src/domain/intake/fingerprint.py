"""Stable fingerprint of a normalised intake record (重複検知用)."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date
from typing import Any


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__type__": type(value).__name__,
            **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"unsupported value in record: {type(value).__name__}")


def fingerprint(record: object, *, exclude: frozenset[str] = frozenset()) -> str:
    """SHA-256 hex of the canonical JSON of ``record`` (field names sorted, dates ISO,
    enums by value). Fields named in ``exclude`` (top level only) are left out, e.g. a
    layout version that does not change the content."""
    data = _plain(record)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in exclude}
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
