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
from collections.abc import Hashable
from datetime import date
from enum import Enum
from typing import Any, cast

from domain.intake.fingerprint import plain_value

_STRIPPED = frozenset({"individual_number"})


def record_to_content(record: Any) -> dict[str, Any]:
    """A dataclass record as a JSON-safe dict with every ``individual_number`` removed."""
    plain = plain_value(record, _kept_fields, tagged=False)
    assert isinstance(plain, dict)
    return plain


@functools.cache
def _kept_fields(record_type: type[Any]) -> tuple[str, ...]:
    """Stored field names of a record class (``dataclasses.fields`` per value is slow)."""
    return tuple(f.name for f in dataclasses.fields(record_type) if f.name not in _STRIPPED)


@functools.cache
def _type_hints(record_type: type[Any]) -> dict[str, Any]:
    """Resolved field annotations of a record class (resolution is costly; classes do not change)."""
    return typing.get_type_hints(record_type)


def content_to_record(record_type: type[Any], content: dict[str, Any]) -> Any:
    """Rebuild a typed record from stored content (``individual_number`` fields become None)."""
    kwargs: dict[str, Any] = {}
    for name, convert in _field_converters(cast(Hashable, record_type)):
        if convert is None:
            kwargs[name] = None
        elif name in content:
            value = content[name]
            kwargs[name] = None if value is None else convert(value)
    return record_type(**kwargs)


@functools.cache
def _field_converters(record_type: Any) -> tuple[tuple[str, Any], ...]:
    """(field name, converter of its stored value) per field; None for a stripped field."""
    hints = _type_hints(record_type)
    return tuple(
        (field.name, None if field.name in _STRIPPED else _converter(hints[field.name]))
        for field in dataclasses.fields(record_type)
    )


@functools.cache
def _converter(tp: Any) -> Any:
    """A function from a stored (non-None) value to the type ``tp`` — resolved once per type, as the
    type analysis is the costly part."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is type(None):
                continue
            inner = _converter(arg)
            return lambda value: None if value is None else inner(value)
    if origin is tuple:
        item = _converter(args[0])
        return lambda value: tuple(None if v is None else item(v) for v in value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is date:
        return date.fromisoformat
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return functools.partial(content_to_record, tp)
    return _identity


def _identity(value: Any) -> Any:
    return value
