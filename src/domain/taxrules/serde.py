"""JSON-safe (de)serialisation of the frozen domain dataclasses.

Values are ints, strs, bools, ``None``, ISO dates, lists and dicts only, so that levy events can store
the input snapshot and the computation and replay them exactly (DESIGN §2.1–2.2).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any, Self, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


#: Field names of each dataclass type seen by ``to_jsonable``, in declaration order.
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


#: Exact types returned as they are (fast path: the same result as the checks in ``to_jsonable``).
_AS_IS = frozenset({str, int, bool, type(None)})


def to_jsonable(obj: Any) -> Any:
    """Recursively convert a dataclass value into JSON-safe primitives."""
    t = type(obj)
    if t in _AS_IS:
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELD_NAMES.get(t)
        if names is None:
            names = _FIELD_NAMES[t] = tuple(f.name for f in dataclasses.fields(obj))
        out: dict[str, Any] = {}
        for name in names:
            v = getattr(obj, name)
            out[name] = v if type(v) in _AS_IS else to_jsonable(v)
        return out
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, list | tuple):
        return [v if type(v) in _AS_IS else to_jsonable(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    raise TypeError(f"not JSON-safe: {type(obj).__name__}")


def from_jsonable(tp: Any, data: Any) -> Any:  # noqa: C901, PLR0911, PLR0912 - a dispatch on the type's form
    """Rebuild a value of type ``tp`` from :func:`to_jsonable` output (strict about types)."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = get_args(tp)
        if data is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        last_error: Exception | None = None
        for arg in non_none:
            try:
                return from_jsonable(arg, data)
            except (TypeError, ValueError, KeyError) as exc:
                last_error = exc
        raise ValueError(f"cannot read {data!r} as {tp}: {last_error}")
    if origin is tuple:
        args = get_args(tp)
        if not isinstance(data, list | tuple):
            raise TypeError(f"expected a list for {tp}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in data)
        return tuple(from_jsonable(a, v) for a, v in zip(args, data, strict=True))
    if origin is dict:
        key_t, val_t = get_args(tp)
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {tp}")
        return {from_jsonable(key_t, k): from_jsonable(val_t, v) for k, v in data.items()}
    if tp is typing.Any:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {tp.__name__}")
        hints = get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown field(s) for {tp.__name__}: {', '.join(map(str, unknown))}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(tp):
            if f.name in data:
                kwargs[f.name] = from_jsonable(hints[f.name], data[f.name])
        return tp(**kwargs)
    if tp is date:
        if not isinstance(data, str):
            raise TypeError("expected an ISO date string")
        return date.fromisoformat(data)
    if tp is bool:
        if not isinstance(data, bool):
            raise TypeError("expected a bool")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TypeError("expected an int")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise TypeError("expected a str")
        return data
    if tp is type(None):
        if data is not None:
            raise TypeError("expected null")
        return None
    raise TypeError(f"unsupported type {tp!r}")


def load(cls: type[T], data: Any) -> T:
    """Typed entry point: ``load(TaxInput, d)``."""
    value: T = from_jsonable(cls, data)
    return value


class Serde:
    """``to_dict``/``from_dict`` for a frozen domain dataclass (strict, exact round trip)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(self)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return load(cls, data)
