"""提供・移転: 庁内移転 of the levy's transfer records, 個別の提供 along the allowlist (番号法 第19条, 第9条第2項),
their records, and maker-checker data exports (抽出依頼 → a different supervisor's 承認 → 実行 with a
single-use token bound to the manifest). Every provision is recorded first, allowed or refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol
from uuid import UUID

from application.provision import ExportService, ProvisionRequest, ProvisionService
from application.read_rows import OutboxRow, ProvisionRow
from application.usecases.base import Call, Command, InvalidCommandError, Query, UseCases
from domain.audit.export import ExportRequest
from domain.audit.provision import DisclosureRecord, ProvisionKind
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id


class TransferOutboxSource(Protocol):
    def outbox(self, status: str | None = None) -> list[OutboxRow]: ...


class ProvisionLog(Protocol):
    def query(self, *, recipient: str | None = None, subject: str | None = None) -> list[ProvisionRow]: ...


@dataclass(frozen=True)
class TransferOutbox(Query[list[OutboxRow]]):
    """庁内移転の記録 (国保・介護・保育 …) with their delivery state."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS


@dataclass(frozen=True)
class DeliverTransfers(Command[tuple[int, int]]):
    """庁内移転: deliver pending transfer records through the allowlist gate (once each)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS


@dataclass(frozen=True)
class Provide(Command[DisclosureRecord]):
    """個別の提供・移転 of named items of named taxpayers to a recipient, under a legal basis."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    key: str
    kind: str
    recipient: str
    legal_basis: str
    items: tuple[str, ...]
    address_numbers: tuple[str, ...]
    requested_at: datetime


@dataclass(frozen=True)
class ProvisionList(Query[list[ProvisionRow]]):
    """提供・移転の記録 by recipient."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS

    recipient: str | None = None


@dataclass(frozen=True)
class RequestExport(Command[ExportRequest]):
    """抽出依頼 (maker): the manifest's hash is what the approval binds to."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    manifest: dict[str, Any]


@dataclass(frozen=True)
class ApproveExport(Command[str]):
    """承認 (checker, a different supervisor): returns the single-use token, shown once."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    request_id: UUID


@dataclass(frozen=True)
class ExportRequests(Query[list[ExportRequest]]):
    """抽出依頼の一覧 (newest first), for the checker: recipient, legal basis, items and subject count (no
    personal data). ``pending``: only those neither approved nor executed."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS
    reads_read_models: ClassVar[bool] = False

    pending: bool = True


@dataclass(frozen=True)
class RunExport(Command[list[dict[str, Any]]]):
    """実行: the manifest must be the approved one and the token unused; the provision is recorded."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS

    request_id: UUID
    manifest: dict[str, Any]
    token: str


class ProvisionHandlers:
    def __init__(
        self,
        provisions: ProvisionService,
        exports: ExportService,
        outbox: TransferOutboxSource,
        log: ProvisionLog,
    ) -> None:
        self._provisions = provisions
        self._exports = exports
        self._outbox = outbox
        self._log = log

    def outbox(self, query: TransferOutbox, call: Call) -> list[OutboxRow]:
        return self._outbox.outbox()

    def deliver(self, command: DeliverTransfers, call: Call) -> tuple[int, int]:
        return self._provisions.deliver_outbox(self._outbox.outbox(), call.context)

    def provide(self, command: Provide, call: Call) -> DisclosureRecord:
        try:
            kind = ProvisionKind(command.kind)
        except ValueError:
            raise InvalidCommandError("提供 か 移転 を指定してください。", field="kind") from None
        request = ProvisionRequest(
            key=command.key,
            kind=kind,
            recipient=command.recipient,
            legal_basis=command.legal_basis,
            items=command.items,
            subject_ids=tuple(taxpayer_id(a) for a in command.address_numbers),
            requested_at=command.requested_at,
        )
        return self._provisions.provide(request, call.context)

    def records(self, query: ProvisionList, call: Call) -> list[ProvisionRow]:
        return self._log.query(recipient=query.recipient)

    def request_export(self, command: RequestExport, call: Call) -> ExportRequest:
        return self._exports.request(command.manifest, call.context)

    def approve_export(self, command: ApproveExport, call: Call) -> str:
        return self._exports.approve(command.request_id, call.context)

    def export_requests(self, query: ExportRequests, call: Call) -> list[ExportRequest]:
        found = self._exports.requests()
        return [e for e in found if e.approved_by is None and not e.executed] if query.pending else found

    def run_export(self, command: RunExport, call: Call) -> list[dict[str, Any]]:
        return self._exports.execute(command.request_id, command.manifest, command.token, call.context)


def register(bus: UseCases, handlers: ProvisionHandlers) -> None:
    bus.register_handlers(handlers)
