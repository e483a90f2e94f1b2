"""運用: operations use cases that are not a 事務 of their own (read-model catch-up as a background job)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from application.usecases.base import Call, Command, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class CatchUpReadModels(Command[dict[str, int]]):
    """Apply every stored event to every read model, exactly once; returns events applied per model."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False


def register(bus: UseCases, catch_up: Callable[[], dict[str, int]]) -> None:
    def handle(command: CatchUpReadModels, call: Call) -> dict[str, int]:
        return catch_up()

    bus.register(CatchUpReadModels, handle)
