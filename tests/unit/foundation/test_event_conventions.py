"""Event conventions (ADR 0003): metadata on every event, stable topics, exact round trips, upcasting."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

import domain
from application.serialization import JuminzeiTranscoder, PersonalDataMapper
from domain.shared.events import AuditedCreated, AuditedEvent
from domain.shared.purpose import Purpose


class PlainCipher:
    """Test double: reversible 'encryption' that records calls."""

    def __init__(self) -> None:
        self.destroyed: set[str] = set()

    def encrypt(self, key_id: str, plaintext: bytes, associated_data: bytes) -> bytes:
        return bytes(b ^ 0x5A for b in plaintext)

    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: bytes) -> bytes | None:
        if key_id in self.destroyed:
            return None
        return bytes(b ^ 0x5A for b in ciphertext)

    def destroy(self, key_id: str) -> bool:
        self.destroyed.add(key_id)
        return True


def _all_event_classes() -> list[type[AuditedEvent]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found: list[type[AuditedEvent]] = []
    stack: list[type[Any]] = [AuditedEvent]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if "TOPIC" in sub.__dict__:
                found.append(sub)
    return sorted(set(found), key=lambda c: c.TOPIC)


def _sample(tp: Any, name: str) -> Any:  # noqa: PLR0911 - a dispatch on the field's type
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        return _sample(non_none[0], name)
    if origin is tuple:
        return (_sample(args[0], name), _sample(args[0], name))
    if origin is dict:
        return {"k": _sample(args[1], name)}
    if origin is list:
        return [_sample(args[0], name)]
    if tp is str:
        return f"値[{name}]"
    if tp is bool:
        return True
    if tp is int:
        return 123_456
    if tp is date:
        return date(1980, 2, 29)
    if tp is datetime:
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    if tp is UUID:
        return UUID("12345678-1234-5678-1234-567812345678")
    if isinstance(tp, type) and issubclass(tp, Enum):
        return list(tp)[-1]
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(**{f.name: _sample(hints[f.name], f.name) for f in dataclasses.fields(tp)})
    if tp is Any or tp is object:
        return {"nested": ("a", 1, date(2026, 4, 1))}
    raise AssertionError(f"no sample for {tp!r} (field {name}); extend _sample")


def _build(cls: type[AuditedEvent]) -> AuditedEvent:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name == "originator_id":
            kwargs[field.name] = uuid4()
        elif field.name == "originator_version":
            kwargs[field.name] = 3
        elif field.name == "originator_topic":
            kwargs[field.name] = "juminzei.test.Aggregate"
        elif field.name == "purpose":
            kwargs[field.name] = Purpose.INITIAL_LEVY
        else:
            kwargs[field.name] = _sample(hints[field.name], field.name)
    return cls(**kwargs)


EVENT_CLASSES = _all_event_classes()


def test_event_classes_are_discovered() -> None:
    topics = {cls.TOPIC for cls in EVENT_CLASSES}
    assert "juminzei.taxpayer.Registered" in topics
    assert "juminzei.audit.PersonalDataViewed" in topics


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.TOPIC)
def test_every_event_round_trips_through_the_mapper(cls: type[AuditedEvent]) -> None:
    import application.app  # noqa: F401  (registers the stored enum names)

    mapper = PersonalDataMapper(JuminzeiTranscoder(), PlainCipher())
    event = _build(cls)
    stored = mapper.to_stored_event(event)
    assert stored.topic == cls.TOPIC, "topics are explicit, never module paths"
    assert not stored.topic.startswith("domain."), stored.topic
    restored = mapper.to_domain_event(stored)
    assert type(restored) is cls
    assert vars(restored) == vars(event)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.TOPIC)
def test_every_event_carries_actor_purpose_and_command_id(cls: type[AuditedEvent]) -> None:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    assert {"actor", "purpose", "command_id", "source_ref"} <= names


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.TOPIC)
def test_personal_fields_never_reach_stored_bytes_in_clear(cls: type[AuditedEvent]) -> None:
    import application.app  # noqa: F401

    mapper = PersonalDataMapper(JuminzeiTranscoder(), PlainCipher())
    event = _build(cls)
    stored = mapper.to_stored_event(event)
    for field in cls.PERSONAL_FIELDS:
        assert f"値[{field}]".encode() not in stored.state


def test_transcoder_round_trips_dates_enums_tuples_exactly() -> None:
    import application.app  # noqa: F401

    transcoder = JuminzeiTranscoder()
    value = {
        "d": date(2026, 1, 1),
        "t": (1, ("a", date(2025, 12, 31)), Purpose.CORRECTION),
        "l": [Purpose.STATISTICS, None, True],
        "u": UUID(int=7),
    }
    assert transcoder.decode(transcoder.encode(value)) == value


def test_transcoder_stored_form_is_unchanged_by_its_fast_paths() -> None:
    import application.app  # noqa: F401

    value = {
        "p": Purpose.CORRECTION,
        "n": [1, "a", None, False, True],
        "nested": {"k": (2, date(2026, 1, 1))},
        "u": UUID(int=5),
        3: "intkey",
    }
    assert (
        JuminzeiTranscoder().encode(value)
        == (
            '{"p":{"_type_":"enum","_data_":["purpose","更正"]},"n":[1,"a",null,false,true],'
            '"nested":{"k":{"_type_":"tuple","_data_":[2,{"_type_":"date","_data_":"2026-01-01"}]}},'
            '"u":{"_type_":"uuid","_data_":"00000000000000000000000000000005"},"3":"intkey"}'
        ).encode()
    )
    with pytest.raises(TypeError, match="reserved"):
        JuminzeiTranscoder().encode({"x": {"_type_": "enum", "_data_": 1}})


def test_transcoder_refuses_floats() -> None:
    with pytest.raises(TypeError):
        JuminzeiTranscoder().encode({"amount": 1.5})


def test_transcoder_refuses_unregistered_enums() -> None:
    class Colour(Enum):
        RED = 1

    with pytest.raises(TypeError, match="not registered"):
        JuminzeiTranscoder().encode({"c": Colour.RED})


class _Versioned(Aggregate):
    """A throwaway aggregate to prove the upcast chain (class_version 1 → 2 → 3)."""

    TOPIC = "juminzei.test.Versioned"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.test.Versioned.Created"

    class Renamed(Event):
        TOPIC = "juminzei.test.Versioned.Renamed"
        class_version = 3
        full_name: str
        reason_code: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["full_name"] = state.pop("name")

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["reason_code"] = "unknown"


def test_upcasting_old_stored_state() -> None:
    import application.app  # noqa: F401

    transcoder = JuminzeiTranscoder()
    mapper = PersonalDataMapper(transcoder, PlainCipher())
    v1_state = {
        "timestamp": datetime(2025, 5, 1, tzinfo=UTC),
        "actor": "clerk",
        "purpose": Purpose.CORRECTION,
        "command_id": "c-1",
        "source_ref": None,
        "name": "old field name",
    }
    stored = StoredEvent(
        originator_id=uuid4(),
        originator_version=2,
        topic="juminzei.test.Versioned.Renamed",
        state=transcoder.encode(v1_state),
    )
    event = mapper.to_domain_event(stored)
    assert isinstance(event, _Versioned.Renamed)
    assert event.full_name == "old field name"
    assert event.reason_code == "unknown"
    # Re-stored at the current version, with the version recorded.
    again = mapper.to_stored_event(event)
    assert b'"class_version":3' in again.state


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_transcoder_writes_the_bytes_of_the_standard_json_encoder(value: Any) -> None:
    """Event bodies are written with orjson; they must be byte for byte what the compact, non-ASCII
    json.dumps wrote before (control characters, non-BMP text, ints beyond 64 bits included)."""
    import json

    if isinstance(value, dict) and "_type_" in value and len(value) == 2:
        return  # reserved form, refused by the transcoder (tested above)
    try:
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf8")
    except UnicodeEncodeError:  # lone surrogates: neither encoder stores them
        with pytest.raises((UnicodeEncodeError, TypeError)):
            JuminzeiTranscoder().encode(value)
        return
    assert JuminzeiTranscoder().encode(value) == expected


def test_a_page_of_events_loads_the_keys_it_is_sealed_with_in_one_call() -> None:
    """``to_domain_events`` finds every sealed field's key id in the stored bytes and asks the cipher for
    all of them at once, then decodes each event exactly as ``to_domain_event``."""
    import application.app  # noqa: F401

    class BulkCipher(PlainCipher):
        def __init__(self) -> None:
            super().__init__()
            self.loads: list[set[str]] = []

        def load_many(self, key_ids: Any) -> None:
            self.loads.append(set(key_ids))

    cipher = BulkCipher()
    mapper = PersonalDataMapper(JuminzeiTranscoder(), cipher)
    personal = [cls for cls in EVENT_CLASSES if getattr(cls, "PERSONAL_FIELDS", ())]
    assert personal
    events = [_build(cls) for cls in personal]
    stored = [mapper.to_stored_event(e) for e in events]
    restored = list(mapper.to_domain_events(stored))
    assert [vars(r) for r in restored] == [vars(e) for e in events]
    assert cipher.loads == [{cast(Any, e).personal_subject() for e in events}]
