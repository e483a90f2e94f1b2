"""Stored-event encoding: transcoder and the personal-data mapper (ADR 0003, ADR 0004).

The library's ``JSONTranscoder`` knows only UUID, Decimal and datetime, and Python's JSON encoder turns
tuples into lists and ``str``-mixin enums into bare strings before any hook runs. This transcoder walks
the state first, so ``date``, our enums and tuples survive a round trip exactly.

``PersonalDataMapper`` encrypts each field an event lists in ``PERSONAL_FIELDS`` with the data key of the
event's subject (AES-GCM through the ``PersonalDataCipher`` port), bound to the aggregate id and field
name as associated data, before the event state is encoded. Loading after the key was destroyed yields
``ERASED`` instead of an error.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from application.ports import PersonalDataCipher
from domain.shared.personal import ERASED

# Stable names for enum types in stored events. Add new enums here; never rename a key.
_ENUM_TYPES: dict[str, type[Enum]] = {}


def register_enum(name: str, enum_type: type[Enum]) -> None:
    """Register an enum under a stable stored name (e.g. ``"purpose"``)."""
    existing = _ENUM_TYPES.get(name)
    if existing is not None and existing is not enum_type:
        raise ValueError(f"enum name {name!r} already registered for {existing}")
    _ENUM_TYPES[name] = enum_type


# Stable names for frozen dataclass value objects stored inside events.
_VALUE_TYPES: dict[str, type[Any]] = {}


def register_value(name: str, value_type: type[Any]) -> None:
    """Register a frozen dataclass value object under a stable stored name."""
    if not dataclasses.is_dataclass(value_type):
        raise TypeError(f"{value_type.__qualname__} is not a dataclass")
    existing = _VALUE_TYPES.get(name)
    if existing is not None and existing is not value_type:
        raise ValueError(f"value name {name!r} already registered for {existing}")
    _VALUE_TYPES[name] = value_type


def _value_name(value_type: type[Any]) -> str:
    for name, registered in _VALUE_TYPES.items():
        if registered is value_type:
            return name
    raise TypeError(f"value type {value_type.__qualname__} is not registered for storage (register_value)")


def _enum_name(enum_type: type[Enum]) -> str:
    for name, registered in _ENUM_TYPES.items():
        if registered is enum_type:
            return name
    raise TypeError(f"enum {enum_type.__qualname__} is not registered for storage (register_enum)")


#: Exact types the transcoder stores as they are (subclasses such as enums take the long way).
_AS_IS = frozenset({str, int, bool, type(None)})

#: Field names of each stored dataclass type, in declaration order (``dataclasses.fields`` per call is slow).
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


class Sealed:
    """An encrypted personal field as stored: key id plus AES-GCM ciphertext."""

    __slots__ = ("ciphertext", "key_id")

    def __init__(self, key_id: str, ciphertext: bytes) -> None:
        self.key_id = key_id
        self.ciphertext = ciphertext


class JuminzeiTranscoder(Transcoder):
    """JSON transcoder with exact round trips for date, datetime, UUID, Decimal, enums and tuples."""

    def __init__(self) -> None:
        self._enum_names: dict[type[Enum], str] = {}
        self._decoder = json.JSONDecoder(object_hook=self._restore)  # one decoder, not one per call

    def register(self, transcoding: Any) -> None:  # pragma: no cover - not used: types are built in
        raise NotImplementedError("JuminzeiTranscoder has built-in types; extend _prepare instead")

    def encode(self, obj: Any) -> bytes:
        prepared = self._prepare(obj)
        try:
            # orjson writes the same bytes as the compact, non-ASCII-escaping json.dumps below (checked on
            # every event of a ward and by a fixed-bytes test), several times faster.
            return orjson.dumps(prepared)
        except TypeError:  # e.g. an int beyond 64 bits, which orjson refuses: the standard library's way
            return json.dumps(prepared, ensure_ascii=False, separators=(",", ":")).encode("utf8")

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data.decode("utf8"))

    def _prepare(self, o: Any) -> Any:  # noqa: C901, PLR0911, PLR0912 - a dispatch on the value's type
        # Fast path on the exact type (most values): the same result as the checks below, which subclasses
        # (enums, IntEnum, …) still go through.
        t = type(o)
        if t in _AS_IS:
            return o
        prepare = self._prepare
        if t is dict:
            if "_type_" in o and len(o) == 2:
                raise TypeError("dict keys '_type_' and '_data_' are reserved")
            return {str(k): v if type(v) in _AS_IS else prepare(v) for k, v in o.items()}
        if t is list:
            return [v if type(v) in _AS_IS else prepare(v) for v in o]
        # Order matters: bool is an int, datetime is a date, str-mixin enums are strs. Floats are refused
        # on purpose: money is int yen and rates are exact (DESIGN §2.5).
        if isinstance(o, bool | int) and not isinstance(o, Enum):
            return o
        if isinstance(o, Enum):
            name = self._enum_names.get(type(o))
            if name is None:
                name = _enum_name(type(o))
                self._enum_names[type(o)] = name
            return {"_type_": "enum", "_data_": [name, o.value]}
        if isinstance(o, str):
            return o
        if isinstance(o, dict):
            if "_type_" in o and len(o) == 2:
                raise TypeError("dict keys '_type_' and '_data_' are reserved")
            return {str(k): self._prepare(v) for k, v in o.items()}
        if isinstance(o, list):
            return [self._prepare(v) for v in o]
        if isinstance(o, tuple):
            return {"_type_": "tuple", "_data_": [self._prepare(v) for v in o]}
        if isinstance(o, datetime):
            return {"_type_": "datetime", "_data_": o.isoformat()}
        if isinstance(o, date):
            return {"_type_": "date", "_data_": o.isoformat()}
        if isinstance(o, UUID):
            return {"_type_": "uuid", "_data_": o.hex}
        if isinstance(o, Decimal):
            return {"_type_": "decimal", "_data_": str(o)}
        if isinstance(o, Sealed):
            return {"_type_": "pii", "_data_": [o.key_id, base64.b64encode(o.ciphertext).decode("ascii")]}
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            names = _FIELD_NAMES.get(t)
            if names is None:
                names = _FIELD_NAMES[t] = tuple(f.name for f in dataclasses.fields(o))
            fields = {name: self._prepare(getattr(o, name)) for name in names}
            return {"_type_": "value", "_data_": [_value_name(t), fields]}
        if isinstance(o, frozenset | set):
            return {"_type_": "set", "_data_": sorted(self._prepare(v) for v in o)}
        raise TypeError(
            f"Object of type {type(o).__qualname__} cannot be stored; add it to JuminzeiTranscoder"
        )

    @staticmethod
    def _restore(d: dict[str, Any]) -> Any:  # noqa: PLR0911 - a dispatch on the stored type tag
        if len(d) != 2 or "_type_" not in d or "_data_" not in d:
            return d
        kind, data = d["_type_"], d["_data_"]
        if kind == "enum":
            enum_type = _ENUM_TYPES.get(data[0])
            if enum_type is None:
                raise TypeError(f"stored enum {data[0]!r} is not registered")
            return enum_type(data[1])
        if kind == "tuple":
            return tuple(data)
        if kind == "date":
            return date.fromisoformat(data)
        if kind == "datetime":
            return datetime.fromisoformat(data)
        if kind == "uuid":
            return UUID(data)
        if kind == "decimal":
            return Decimal(data)
        if kind == "pii":
            return Sealed(data[0], base64.b64decode(data[1]))
        if kind == "value":
            value_type = _VALUE_TYPES.get(data[0])
            if value_type is None:
                raise TypeError(f"stored value type {data[0]!r} is not registered")
            return value_type(**data[1])
        if kind == "set":
            return frozenset(data)
        raise TypeError(f"unknown stored type {kind!r}")


#: The key id of a sealed personal field in stored bytes (see ``JuminzeiTranscoder._prepare``: ``Sealed``).
_SEALED_KEY = re.compile(rb'\{"_type_":"pii","_data_":\["([^"]+)"')


class PersonalDataMapper(Mapper[UUID]):
    """Mapper that seals ``PERSONAL_FIELDS`` with per-subject keys before encoding (DESIGN §6)."""

    def __init__(self, transcoder: Transcoder, personal_cipher: PersonalDataCipher) -> None:
        super().__init__(transcoder=transcoder)
        self.personal_cipher = personal_cipher

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        cls = type(domain_event)
        event_state = dict(vars(domain_event))
        originator_id = event_state.pop("originator_id")
        originator_version = event_state.pop("originator_version")
        personal_fields: tuple[str, ...] = getattr(cls, "PERSONAL_FIELDS", ())
        if personal_fields:
            key_id = cast(Any, domain_event).personal_subject()
            for field in personal_fields:
                plaintext = self.transcoder.encode(event_state[field])
                aad = f"{originator_id}|{field}".encode()
                event_state[field] = Sealed(key_id, self.personal_cipher.encrypt(key_id, plaintext, aad))
        class_version = getattr(cls, "class_version", 1)
        if class_version > 1:
            event_state["class_version"] = class_version
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(cls),
            state=self.transcoder.encode(event_state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self._finish(stored_event, self.transcoder.decode(stored_event.state))

    def to_domain_events(self, stored_events: Sequence[StoredEvent]) -> Iterator[DomainEventProtocol[UUID]]:
        """``to_domain_event`` of each, in order, with the data keys they are sealed with loaded in one go
        first (the key store keeps only recently used keys in memory, so a page of events from many
        subjects would otherwise cost one key look-up each).

        The key ids are read from the stored bytes (``{"_type_":"pii","_data_":["<key id>", …`` as this
        transcoder writes them) rather than by decoding every state up front, which would keep a whole
        page of decoded events alive at once (the garbage collector then makes decoding ~2× slower). A key
        the scan misses is still loaded by ``decrypt``, one at a time.
        """
        load_many = getattr(self.personal_cipher, "load_many", None)
        if load_many is not None:
            load_many({m.decode("utf8") for s in stored_events for m in _SEALED_KEY.findall(s.state)})
        for stored_event in stored_events:
            yield self.to_domain_event(stored_event)

    def _finish(self, stored_event: StoredEvent, event_state: dict[str, Any]) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        originator_id = stored_event.originator_id
        if not isinstance(originator_id, UUID):
            originator_id = UUID(str(originator_id))
        for field, value in list(event_state.items()):
            if isinstance(value, Sealed):
                aad = f"{originator_id}|{field}".encode()
                plaintext = self.personal_cipher.decrypt(value.key_id, value.ciphertext, aad)
                event_state[field] = ERASED if plaintext is None else self.transcoder.decode(plaintext)
        event_state["originator_id"] = originator_id
        event_state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return cast(DomainEventProtocol[UUID], domain_event)
