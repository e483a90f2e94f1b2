"""中間サーバー (Sys5): 副本の登録 (sync after 更正), 情報提供 from the 副本, 情報照会 — all through the 照会許可用照合リスト.

The rules and records are in ``application.intermediate``; the 中間サーバー is a port (a fake peer in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from application.intermediate import IntermediateService, SyncResult
from application.usecases.base import Call, Command, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class SyncIntermediateCopies(Command[SyncResult]):
    """副本の登録: register new or changed 副本 of the 年度 (run after 更正; unchanged ones are left alone)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS

    fiscal_year: int
    reason: str = "更正等による再登録"


@dataclass(frozen=True)
class ProvideFromCopies(Command[dict[int, dict[str, Any]]]):
    """情報提供: another body's 情報照会 answered from our 副本 — only for a listed requester × item (recorded)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    requester: str
    item: str
    integrated_number: str


@dataclass(frozen=True)
class InquireIntermediate(Command[dict[str, Any] | None]):
    """情報照会 by 団体内統合宛名番号 (never the My Number) — only for a listed 事務 × item (recorded)."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY
    reads_read_models: ClassVar[bool] = False

    requester: str
    item: str
    address_number: str
    as_purpose: Purpose = Purpose.INITIAL_LEVY

    def declared_purpose(self) -> Purpose:
        return self.as_purpose


class IntermediateHandlers:
    def __init__(self, service: IntermediateService) -> None:
        self._service = service

    def sync(self, command: SyncIntermediateCopies, call: Call) -> SyncResult:
        return self._service.sync_copies(command.fiscal_year, call.context, reason=command.reason)

    def provide(self, command: ProvideFromCopies, call: Call) -> dict[int, dict[str, Any]]:
        return self._service.provide(command.requester, command.item, command.integrated_number, call.context)

    def inquire(self, command: InquireIntermediate, call: Call) -> dict[str, Any] | None:
        return self._service.inquire(command.requester, command.item, command.address_number, call.context)


def register(bus: UseCases, handlers: IntermediateHandlers) -> None:
    bus.register(SyncIntermediateCopies, handlers.sync)
    bus.register(ProvideFromCopies, handlers.provide)
    bus.register(InquireIntermediate, handlers.inquire)
