"""Stable fingerprint of a normalised intake record (重複検知用)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

#: Exact types returned as they are (checked first: most values are these; enums, being subclasses of
#: str or int, still take the long way).
_AS_IS: frozenset[type[Any]] = frozenset({str, int, bool, type(None)})


@functools.cache
def _field_names(record_type: type[Any]) -> tuple[str, ...]:
    """Field names of a record class in declaration order (``dataclasses.fields`` per value is slow)."""
    return tuple(f.name for f in dataclasses.fields(record_type))


def plain_value(value: Any, field_names: Callable[[Hashable], tuple[str, ...]], *, tagged: bool) -> Any:
    """``value`` as plain JSON data: dataclasses as dicts of the fields ``field_names`` gives (with the
    class name under ``__type__`` when ``tagged``), enums by value, dates ISO, sequences as lists."""
    if type(value) in _AS_IS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            name: plain_value(getattr(value, name), field_names, tagged=tagged)
            for name in field_names(type(value))
        }
        return {"__type__": type(value).__name__, **fields} if tagged else fields
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain_value(v, field_names, tagged=tagged) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"unsupported value in record: {type(value).__name__}")


def fingerprint(record: object, *, exclude: frozenset[str] = frozenset()) -> str:
    """SHA-256 hex of the canonical JSON of ``record`` (field names sorted, dates ISO,
    enums by value). Fields named in ``exclude`` (top level only) are left out, e.g. a
    layout version that does not change the content."""
    data = plain_value(record, _field_names, tagged=True)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in exclude}
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
