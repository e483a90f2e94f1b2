"""運用: operations use cases — read-model catch-up (also as a background job) and 保存期間経過後の消去."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from application.app import JuminzeiApplication
from application.backups import BackupResult
from application.degraded import DegradedJournal, DrainResult, drain
from application.retention import RetentionHolds, RetentionResult, RetentionService
from application.usecases.base import Call, Command, InvalidCommandError, UseCases
from domain.retention.hold import year_key_id
from domain.retention.policy import DEFAULT_RETENTION_YEARS
from domain.shared.events import CommandContext, DomainError
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


@dataclass(frozen=True)
class DrainReplicaJournal(Command[DrainResult]):
    """縮退運用の記録の反映: on the primary, append what a read-only replica buffered (access records,
    certificates issued at the counter) in order, exactly once (seed II-6, ADR 0020)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    batch: ClassVar[str | None] = "replica-drain"
    reads_read_models: ClassVar[bool] = False


def register_drain(
    bus: UseCases, app: JuminzeiApplication, journal: DegradedJournal, read_only: bool
) -> None:
    def handle(command: DrainReplicaJournal, call: Call) -> DrainResult:
        if read_only:
            raise DomainError(
                "この接続先は読み取り専用です。主系のデータベースに向けて実行してください。", code="read_only"
            )
        return drain(app, journal)

    bus.register(DrainReplicaJournal, handle)


@dataclass(frozen=True)
class TakeBackup(Command[BackupResult]):
    """バックアップの取得: seal, a consistent image of the store with its manifest, then ``BackupTaken``
    with who took it (issue 17, ADR 0019). The store-level work is the composition root's
    (``interfaces.bootstrap.backup``); it is handed in as ``take``."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    batch: ClassVar[str | None] = "backup"
    reads_read_models: ClassVar[bool] = True

    out: Path


def register_backup(bus: UseCases, take: Callable[[Path, CommandContext], BackupResult]) -> None:
    def handle(command: TakeBackup, call: Call) -> BackupResult:
        return take(command.out, call.context)

    bus.register(TakeBackup, handle)
