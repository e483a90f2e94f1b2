"""運用: operations use cases — read-model catch-up (also as a background job) and 保存期間経過後の消去."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from application.retention import RetentionResult, RetentionService
from application.usecases.base import Call, Command, InvalidCommandError, UseCases
from domain.retention.policy import DEFAULT_RETENTION_YEARS
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


@dataclass(frozen=True)
class RunRetention(Command[RetentionResult]):
    """保存期間経過後の消去: destroy the data keys whose retention ended (crypto-shredding; 地方税法 第17条の5
    bounds 更正 to 5 years, 7 with fraud: the default keeps 7 years after the 年度), recording a PII-free
    erasure event; held 年度 are kept. A rerun changes nothing."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    batch: ClassVar[str | None] = "retention"

    as_of: date
    years: int = DEFAULT_RETENTION_YEARS


def register_retention(bus: UseCases, retention: RetentionService) -> None:
    def handle(command: RunRetention, call: Call) -> RetentionResult:
        if not 5 <= command.years <= 30:
            raise InvalidCommandError("保存年数は5年から30年の範囲で指定してください。", field="years")
        retention.years = command.years
        return retention.run(command.as_of, call.context)

    bus.register(RunRetention, handle)
