"""運用: operations use cases — read-model catch-up (also as a background job) and 保存期間経過後の消去."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from application.retention import RetentionHolds, RetentionResult, RetentionService
from application.usecases.base import Call, Command, InvalidCommandError, UseCases
from domain.retention.hold import year_key_id
from domain.retention.policy import DEFAULT_RETENTION_YEARS
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id


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


@dataclass(frozen=True)
class PlaceRetentionHold(Command[int | None]):
    """保存の延長: keep one 年度 of a taxpayer past its period (審査請求・訴訟・滞納 …) until released;
    recorded as an event with the reason (encrypted under that 年度's key)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    reason: str


@dataclass(frozen=True)
class ReleaseRetentionHold(Command[int]):
    """保存延長の解除 (with a reason); returns how many holds were released (0: none was active)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    reason: str


def _held_key(address_number: str, fiscal_year: int) -> str:
    if not 1989 <= fiscal_year <= 2100:
        raise InvalidCommandError("年度は西暦4桁で指定してください。", field="fiscal_year")
    if not address_number.strip():
        raise InvalidCommandError("宛名番号を指定してください。", field="address_number")
    return year_key_id(taxpayer_id(address_number.strip()), fiscal_year)


def register_holds(bus: UseCases, holds: RetentionHolds) -> None:
    def place(command: PlaceRetentionHold, call: Call) -> int | None:
        if not command.reason.strip():
            raise InvalidCommandError("保存延長の理由を入力してください。", field="reason")
        return holds.place(
            _held_key(command.address_number, command.fiscal_year), command.reason, call.context
        )

    def release(command: ReleaseRetentionHold, call: Call) -> int:
        if not command.reason.strip():
            raise InvalidCommandError("解除の理由を入力してください。", field="reason")
        return holds.release(
            _held_key(command.address_number, command.fiscal_year), command.reason, call.context
        )

    bus.register(PlaceRetentionHold, place)
    bus.register(ReleaseRetentionHold, release)
