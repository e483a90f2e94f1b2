"""Record ↔ stored content: JSON-safe dicts without any My Number.

Filing content is kept whole so the assessment can be recomputed from it years later, but every
``individual_number`` (the recipient's and each dependent's) is removed first: numbers live only in the
vault (DESIGN §6). ``content_to_record`` rebuilds the typed record (numbers absent) for the engine.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from enum import Enum
from typing import Any

_STRIPPED = frozenset({"individual_number"})


def record_to_content(record: Any) -> dict[str, Any]:
    """A dataclass record as a JSON-safe dict with every ``individual_number`` removed."""
    plain = _plain(record)
    assert isinstance(plain, dict)
    return plain


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _STRIPPED
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"unsupported value in record: {type(value).__name__}")


@functools.cache
def _type_hints(record_type: type[Any]) -> dict[str, Any]:
    """Resolved field annotations of a record class (resolution is costly; classes do not change)."""
    return typing.get_type_hints(record_type)


def content_to_record(record_type: type[Any], content: dict[str, Any]) -> Any:
    """Rebuild a typed record from stored content (``individual_number`` fields become None)."""
    hints = _type_hints(record_type)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(record_type):
        if field.name in _STRIPPED:
            kwargs[field.name] = None
            continue
        if field.name not in content:
            continue
        kwargs[field.name] = _typed(hints[field.name], content[field.name])
    return record_type(**kwargs)


def _typed(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is type(None):
                continue
            return _typed(arg, value)
    if origin is tuple:
        return tuple(_typed(args[0], v) for v in value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return content_to_record(tp, value)
    return value
