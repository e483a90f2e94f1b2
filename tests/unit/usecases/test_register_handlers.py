"""The bus registers a handler object's methods by the message class their first parameter names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from application.usecases.base import Call, Command, Query, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class Greet(Command[str]):
    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    name: str


@dataclass(frozen=True)
class Count(Query[int]):
    purpose: ClassVar[Purpose] = Purpose.OPERATIONS


class Handlers:
    def greet(self, command: Greet, call: Call) -> str:
        return f"hello {command.name}"

    def count(self, query: Count, call: Call) -> int:
        return 3

    def helper(self, value: int) -> int:  # not a message: not registered
        return value

    def _private(self, command: Greet, call: Call) -> str:  # private: not registered
        return "no"


def test_typed_public_methods_are_registered_for_their_message() -> None:
    bus = UseCases(uow=Any)  # type: ignore[arg-type]
    handlers = Handlers()
    bus.register_handlers(handlers)
    assert set(bus.registered()) == {Greet, Count}
    assert bus._handlers[Greet] == handlers.greet
    assert bus._handlers[Count] == handlers.count


def test_a_message_registered_twice_is_refused() -> None:
    bus = UseCases(uow=Any)  # type: ignore[arg-type]
    bus.register_handlers(Handlers())
    with pytest.raises(ValueError, match="already registered"):
        bus.register_handlers(Handlers())
