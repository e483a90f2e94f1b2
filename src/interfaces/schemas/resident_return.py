"""The 住民税申告書 input (JSON keyed by a clerk or sent by マイナポータル; docs/intake.md), derived from the
domain's dataclasses so that the list of 記載事項 exists once (地方税法 第317条の2).

``ResidentReturnIn`` and ``DependentIn`` are built from the fields of
:class:`domain.filings.resident_return.ResidentReturn` and :class:`DeclaredDependent` — names, types,
defaults and order — adding only the checks at the edge: amounts are int yen in [0, 10**12], text is
non-empty, 障害 is none/general/special, a 個人番号 has 12 digits and a valid check digit, 年分 is in
2000–2100, unknown keys are refused. A field added to a dataclass appears in the CLI and the HTTP schema
(and docs/openapi.json, regenerated) without another edit; a field of a type with no rule here fails at
import, naming it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from adapters.crypto.vault import is_valid_individual_number
from domain.filings.resident_return import DeclaredDependent, ResidentReturn

MAX_YEN = 10**12

#: Fields whose type alone does not say enough: (annotation, default or ``Field``).
_OVERRIDES: dict[str, tuple[Any, Any]] = {
    "tax_year": (int, Field(ge=2000, le=2100)),
    # Optional on input (a paper return may leave it blank), although the dataclass has no default.
    "individual_number": (str | None, None),
    "disability": (str, Field(default="none", pattern="^(none|general|special)$")),
}


class RecordSchema(BaseModel):
    """Base of the derived models: unknown keys refused; ``to_record`` builds the domain dataclass."""

    model_config = ConfigDict(extra="forbid")
    record_type: ClassVar[type[Any]]

    @field_validator("individual_number", check_fields=False)
    @classmethod
    def _number(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_individual_number(value):
            raise ValueError("個人番号の桁数またはチェックデジットが不正です")
        return value

    def to_record(self) -> Any:
        values = {f.name: _to_domain(getattr(self, f.name)) for f in dataclasses.fields(self.record_type)}
        return self.record_type(**values)


def _to_domain(value: Any) -> Any:
    if isinstance(value, RecordSchema):
        return value.to_record()
    if isinstance(value, list):  # the dataclasses hold tuples (frozen, hashable)
        return tuple(_to_domain(v) for v in value)
    return value


def _optional_of(hint: Any) -> Any | None:
    """``X`` for ``X | None``, else None."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0]
    return None


def _field(
    owner: type[Any], f: dataclasses.Field[Any], hint: Any, models: dict[type[Any], Any]
) -> tuple[Any, Any]:
    """The pydantic (annotation, default) of one dataclass field."""
    if f.name in _OVERRIDES:
        return _OVERRIDES[f.name]
    required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    default: Any = ... if required else f.default
    if hint is int:
        return int, Field(default=default, ge=0, le=MAX_YEN)
    if hint is str:
        return str, Field(default=default, min_length=1)
    if hint in (bool, date):
        return hint, default
    inner = _optional_of(hint)
    if inner in models:
        return models[inner] | None, None
    if typing.get_origin(hint) is tuple and typing.get_args(hint)[0] in models:
        return list[models[typing.get_args(hint)[0]]], Field(default_factory=list)  # type: ignore[misc]
    raise TypeError(f"no input rule for {owner.__name__}.{f.name} ({hint!r}): add one to {__name__}")


def schema_for(
    record_type: type[Any], name: str, doc: str | None, models: dict[type[Any], Any]
) -> type[RecordSchema]:
    """A pydantic model with exactly ``record_type``'s fields, in order (nested dataclasses from ``models``)."""
    hints = typing.get_type_hints(record_type)
    fields: dict[str, Any] = {
        f.name: _field(record_type, f, hints[f.name], models) for f in dataclasses.fields(record_type)
    }
    model = create_model(name, __base__=RecordSchema, __doc__=doc, __module__=__name__, **fields)
    model.record_type = record_type
    return model


if TYPE_CHECKING:  # what type checkers see; at run time the classes are derived below

    class DependentIn(RecordSchema):
        def to_record(self) -> DeclaredDependent: ...

    class ResidentReturnIn(RecordSchema):
        def to_record(self) -> ResidentReturn: ...

else:
    DependentIn = schema_for(DeclaredDependent, "DependentIn", None, {})
    ResidentReturnIn = schema_for(
        ResidentReturn,
        "ResidentReturnIn",
        "The JSON a clerk (or マイナポータル) submits; see docs/intake.md.",
        {DeclaredDependent: DependentIn},
    )
