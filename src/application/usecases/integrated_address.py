"""団体内統合宛名番号 (Sys4-4): issue (付番), attach (宛名番号の追加), merge (統合), split (分割), show (照会).

Commands run for 宛名管理 (Purpose.REGISTRY); each change carries a reason. ``ShowIntegratedAddress`` is a
read of personal data and is journaled by ``IntegratedAddressService.show``. Policy actions:
``integrated_address.manage`` for the commands, ``integrated_address.view`` for the query
(domain.staff.policy.ACTIONS). No read model is involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from application.integrated_address import IntegratedAddressService
from application.usecases.base import Call, Command, InvalidCommandError, Query, UseCases
from domain.integrated_address.model import IntegratedAddress
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class IssueIntegratedAddress(Command[IntegratedAddress]):
    """付番: a 団体内統合宛名番号 for a 宛名番号 that has none (the existing one if it has)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    address_number: str
    reason: str = "新規付番"


@dataclass(frozen=True)
class AttachAddressNumber(Command[IntegratedAddress]):
    """宛名番号の追加: another 宛名番号 of the same person joins a number (refused if it has another one)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    number: str
    address_number: str
    reason: str


@dataclass(frozen=True)
class MergeIntegratedAddresses(Command[IntegratedAddress]):
    """統合 (同一人と判明): ``absorbed`` is retired into ``survivor``; returns the survivor."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    survivor: str
    absorbed: str
    reason: str


@dataclass(frozen=True)
class SplitIntegratedAddress(Command[IntegratedAddress]):
    """分割 (別人と判明): ``address_numbers`` move to a new number; returns the new number."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    number: str
    address_numbers: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ShowIntegratedAddress(Query[dict[str, Any]]):
    """照会 by 団体内統合宛名番号 or by 宛名番号: status, 宛名番号, history with reasons (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    number: str | None = None
    address_number: str | None = None


class IntegratedAddressHandlers:
    def __init__(self, service: IntegratedAddressService) -> None:
        self._service = service

    def issue(self, command: IssueIntegratedAddress, call: Call) -> IntegratedAddress:
        return self._service.issue(command.address_number, reason=command.reason, ctx=call.context)

    def attach(self, command: AttachAddressNumber, call: Call) -> IntegratedAddress:
        return self._service.attach(
            command.number, command.address_number, reason=command.reason, ctx=call.context
        )

    def merge(self, command: MergeIntegratedAddresses, call: Call) -> IntegratedAddress:
        return self._service.merge(
            command.survivor, command.absorbed, reason=command.reason, ctx=call.context
        )

    def split(self, command: SplitIntegratedAddress, call: Call) -> IntegratedAddress:
        if not command.address_numbers:
            raise InvalidCommandError("分割する宛名番号を指定してください。", field="address_numbers")
        return self._service.split(
            command.number, command.address_numbers, reason=command.reason, ctx=call.context
        )

    def show(self, query: ShowIntegratedAddress, call: Call) -> dict[str, Any]:
        if (query.number is None) == (query.address_number is None):
            raise InvalidCommandError(
                "団体内統合宛名番号か宛名番号のどちらか一方を指定してください。", field="number"
            )
        return self._service.show(call.context, number=query.number, address_number=query.address_number)


def register(bus: UseCases, handlers: IntegratedAddressHandlers) -> None:
    bus.register(IssueIntegratedAddress, handlers.issue)
    bus.register(AttachAddressNumber, handlers.attach)
    bus.register(MergeIntegratedAddresses, handlers.merge)
    bus.register(SplitIntegratedAddress, handlers.split)
    bus.register(ShowIntegratedAddress, handlers.show)
