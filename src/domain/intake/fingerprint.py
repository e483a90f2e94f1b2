"""Stable fingerprint of a normalised intake record (重複検知用)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from datetime import date
from typing import Any

#: Exact types returned as they are (checked first: most values are these; enums, being subclasses of
#: str or int, still take the long way).
_AS_IS: frozenset[type[Any]] = frozenset({str, int, bool, type(None)})


@functools.cache
def _field_names(record_type: type[Any]) -> tuple[str, ...]:
    """Field names of a record class in declaration order (``dataclasses.fields`` per value is slow)."""
    return tuple(f.name for f in dataclasses.fields(record_type))


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__type__": type(value).__name__,
            **{name: _plain(getattr(value, name)) for name in _field_names(type(value))},
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
