"""委託 (seed II-4, III-4): register a contract, assign its 従事者, record handovers, returns and erasure
confirmations, let a 従事者 open a handover's material, and the per-contract report for the 所属長.

Who may do what is ``ContractService``'s (所属長 for contracts, 従事者 and erasure; the ward-side party for a
handover; the access policy for a 従事者's screen); the rules of a contract are ``domain.compliance.contract``.
The handlers run them as of the clock the composition root gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from application.contracts import ContractService, ContractTerms
from application.usecases.base import Call, Command, Query, UseCases
from domain.compliance.contract import TO_CONTRACTOR, Contract, Handover, HandoverSlip
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class RegisterContract(Command[Contract]):
    """委託契約の登録 (所属長)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    contractor: str
    #: 委託事項: ``data-entry`` | ``printing`` (``domain.compliance.contract.WORK_KINDS``).
    work: str
    valid_from: date
    valid_to: date
    #: 取り扱う特定個人情報の範囲.
    scope: str = ""
    #: 再委託を許諾している.
    subcontracting: bool = False

    def terms(self) -> ContractTerms:
        return ContractTerms(
            contract_no=self.contract_no,
            contractor=self.contractor,
            work=self.work,
            scope=self.scope,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            subcontracting=self.subcontracting,
        )


@dataclass(frozen=True)
class AssignContractWorker(Command[bool]):
    """従事者の指定 (所属長): the account must hold only this contract's contractor role. False: already."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    staff_id: str


@dataclass(frozen=True)
class HandOver(Command[int]):
    """受渡しの記録 (date, 件数, 枚数, handed by, received by), by the ward-side party; returns its number."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    what: str
    count: int
    sheets: int
    handed_by: str
    received_by: str
    on: date
    #: ``to-contractor`` (区から委託先) or ``to-ward``.
    direction: str = TO_CONTRACTOR
    #: 媒体: 紙 | 電子記録媒体 | LGWAN | その他.
    medium: str = "紙"
    #: The import batch or print run it concerns.
    reference: str | None = None

    def slip(self) -> HandoverSlip:
        return HandoverSlip(
            direction=self.direction,
            what=self.what,
            reference=self.reference,
            count=self.count,
            sheets=self.sheets,
            medium=self.medium,
            handed_by=self.handed_by,
            received_by=self.received_by,
            on=self.on,
        )


@dataclass(frozen=True)
class ReturnRecorded:
    """The outcome of a 返却: whether it was recorded now, and the handover as it stands."""

    recorded: bool
    handover: Handover


@dataclass(frozen=True)
class RecordReturn(Command[ReturnRecorded]):
    """返却の記録 (the recording staff member received it); differing counts are reported, not corrected."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    number: int
    count: int
    sheets: int
    on: date


@dataclass(frozen=True)
class ConfirmErasure(Command[bool]):
    """消去の確認 (所属長, after the return is recorded). False: already confirmed."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    number: int
    method: str
    on: date
    #: 消去証明書の番号.
    certificate: str | None = None


@dataclass(frozen=True)
class OpenHandover(Query[dict[str, Any]]):
    """委託先従事者: the entry screen (data entry) or print files (printing) of one handover (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    contract_no: str
    number: int
    as_purpose: Purpose = Purpose.INTAKE


@dataclass(frozen=True)
class ContractReport(Query[dict[str, Any]]):
    """委託先の取扱状況: handovers, returns, erasure, open items, the 従事者's reads."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT

    contract_no: str


class ContractHandlers:
    def __init__(self, contracts: ContractService, access_log: Any, now: Callable[[], datetime]) -> None:
        self._contracts = contracts
        self._access_log = access_log
        self._now = now

    def register(self, command: RegisterContract, call: Call) -> Contract:
        return self._contracts.register(command.terms(), ctx=call.context, now=self._now())

    def assign_worker(self, command: AssignContractWorker, call: Call) -> bool:
        return self._contracts.assign_worker(
            command.contract_no, staff_id=command.staff_id, ctx=call.context, now=self._now()
        )

    def hand_over(self, command: HandOver, call: Call) -> int:
        return self._contracts.hand_over(
            command.contract_no, command.slip(), ctx=call.context, now=self._now()
        )

    def record_return(self, command: RecordReturn, call: Call) -> ReturnRecorded:
        recorded = self._contracts.record_return(
            command.contract_no,
            number=command.number,
            count=command.count,
            sheets=command.sheets,
            on=command.on,
            ctx=call.context,
            now=self._now(),
        )
        handover = self._contracts.get(command.contract_no).handover(command.number)
        return ReturnRecorded(recorded=recorded, handover=handover)

    def confirm_erasure(self, command: ConfirmErasure, call: Call) -> bool:
        return self._contracts.confirm_erasure(
            command.contract_no,
            number=command.number,
            method=command.method,
            certificate=command.certificate,
            on=command.on,
            ctx=call.context,
            now=self._now(),
        )

    def open_handover(self, query: OpenHandover, call: Call) -> dict[str, Any]:
        return self._contracts.open_handover(
            query.contract_no, number=query.number, ctx=call.context, now=self._now()
        )

    def report(self, query: ContractReport, call: Call) -> dict[str, Any]:
        return self._contracts.report(query.contract_no, now=self._now(), access_log=self._access_log)


def register(bus: UseCases, handlers: ContractHandlers) -> None:
    bus.register_handlers(handlers)
