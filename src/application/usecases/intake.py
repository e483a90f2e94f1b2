"""課税資料の取込と保留キュー: import a received file, 名寄せ of quarantined filings (match, 住登外登録, 回送),
the 回送 export, and the keying of paper 住民税申告書 (入力 → 確認入力 by another clerk → 訂正) and
electronic ones.

Parsing a file is the format adapter's (the registry's reader, injected); the importer's rules — counts that
reconcile (受付 = 受理 + 不備 + 保留 + 重複), duplicates, supersession — are ``IntakeService``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol
from uuid import UUID

from application.intake.importer import ImportSummary, IntakeService, ReceivedFile
from application.intake.queues import QueueService
from application.intake.returns import EntryOutcome, ResidentReturnService
from application.read_rows import DependentOverlap, ImportBatchRow, ImportBatchStatus, QueueItem, SubmitterRow
from application.usecases.base import Call, Command, Query, StaleVersionError, UseCases
from domain.filings.resident_return import ResidentReturn
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose

FileReader = Callable[[str, Path], ReceivedFile]


class NothingToImportError(DomainError):
    """The file holds no record, or no valid one: most likely the wrong file (CLI exit 7)."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail} 受け取ったファイルを確認してください。", code="nothing_to_import")
        self.path = path


class IntakeIndex(Protocol):
    """The intake read model (``projections.intake``)."""

    def forwarded(self) -> list[UUID]: ...

    def batches(self) -> list[ImportBatchRow]: ...

    def submitters(self, batch_id: str) -> list[SubmitterRow]: ...

    def queue_counts(self) -> dict[str, int]: ...

    def queue(self, queue: str | None = None) -> list[QueueItem]: ...

    def dependent_overlaps(self, fiscal_year: int | None = None) -> list[DependentOverlap]: ...


@dataclass(frozen=True)
class IntakeStatusView:
    #: Every import batch with its counts per 提出者.
    batches: list[ImportBatchStatus]
    #: Filings waiting per queue (本人確認, 税務調査, 扶養重複).
    queues: dict[str, int]


@dataclass(frozen=True)
class IntakeStatus(Query[IntakeStatusView]):
    """取込状況: batches and their reconciliation, and the work queues' sizes (no personal data)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE


@dataclass(frozen=True)
class QueueItems(Query[list[QueueItem]]):
    """保留中の課税資料 — ids, kinds and reasons only."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE

    queue: str | None = None


@dataclass(frozen=True)
class DependentOverlaps(Query[list[DependentOverlap]]):
    """扶養重複: dependents claimed by more than one taxpayer in a 年度 (for 扶養是正)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE

    fiscal_year: int | None = None


@dataclass(frozen=True)
class ImportFile(Command[ImportSummary]):
    """Import one received file of a registered kind (idempotent per file content)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE

    kind: str
    path: Path
    #: 課税資料取込, or 収納 for payment and 口座振替 files.
    as_purpose: Purpose = Purpose.INTAKE
    #: Refuse a file without any record (``juminzei import``): nothing is stored.
    refuse_empty: bool = False


@dataclass(frozen=True)
class ImportReceived(Command[ImportSummary]):
    """Import a file already parsed (the HTTP upload and the worker parse before queuing)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE

    received: ReceivedFile
    as_purpose: Purpose = Purpose.INTAKE


@dataclass(frozen=True)
class _FilingCommand(Command[Any]):
    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    filing_id: UUID


@dataclass(frozen=True)
class MatchFiling(_FilingCommand):
    """名寄せ: link a quarantined filing to an existing 宛名番号."""

    address_number: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RegisterNonResident(_FilingCommand):
    """住登外登録: a new taxpayer from the filing's identity, with a system-issued 宛名番号."""

    expected_version: int | None = None


@dataclass(frozen=True)
class ForwardFiling(_FilingCommand):
    """回送: the filing belongs to another municipality (e.g. not resident here on 1 January)."""

    to: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ForwardingExport(Query[list[dict[str, str]]]):
    """回送ファイルの内容: identity and filing facts of every forwarded filing (journaled first)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE


ReturnAction = Literal["enter", "verify", "correct", "submit"]


@dataclass(frozen=True)
class KeyResidentReturn(Command[EntryOutcome]):
    """住民税申告書: 入力, 確認入力 (a different clerk; equal → filing), 訂正, or an electronic submission."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE

    action: ReturnAction
    receipt_number: str
    record: ResidentReturn


class IntakeHandlers:
    def __init__(
        self,
        intake: IntakeService,
        queues: QueueService,
        returns: ResidentReturnService,
        index: IntakeIndex,
        read_file: FileReader,
        aggregate_version: Callable[[UUID], int | None],
    ) -> None:
        self._intake = intake
        self._queues = queues
        self._returns = returns
        self._index = index
        self._read = read_file
        self._version = aggregate_version

    def import_file(self, command: ImportFile, call: Call) -> ImportSummary:
        received = self._read(command.kind, command.path)
        if command.refuse_empty and not received.items:
            raise NothingToImportError(
                command.path, "取込むレコードがありません（空のファイル、またはヘッダーだけのファイルです）。"
            )
        # A file whose every line is invalid is still recorded (its rejections are the evidence); the caller
        # shows them and says so.
        return self._intake.import_file(received, call.context, call.progress)

    def import_received(self, command: ImportReceived, call: Call) -> ImportSummary:
        return self._intake.import_file(command.received, call.context, call.progress)

    def _check(self, filing_id: UUID, expected: int | None) -> None:
        if expected is None:
            return
        current = self._version(filing_id)
        if current is None:
            raise DomainError(f"課税資料 {filing_id} が見つかりません。", code="not_found")
        if current != expected:
            raise StaleVersionError("課税資料", expected, current)

    def match(self, command: MatchFiling, call: Call) -> UUID:
        self._check(command.filing_id, command.expected_version)
        return self._queues.match(command.filing_id, command.address_number, call.context)

    def register_non_resident(self, command: RegisterNonResident, call: Call) -> str:
        self._check(command.filing_id, command.expected_version)
        return self._queues.register_non_resident(command.filing_id, call.context)

    def forward(self, command: ForwardFiling, call: Call) -> None:
        self._check(command.filing_id, command.expected_version)
        self._queues.forward(command.filing_id, command.to, command.reason, call.context)

    def forwarding_export(self, query: ForwardingExport, call: Call) -> list[dict[str, str]]:
        return self._queues.forwarding_export(self._index.forwarded(), call.context)

    def status(self, query: IntakeStatus, call: Call) -> IntakeStatusView:
        batches: list[ImportBatchStatus] = [
            {**b, "by_submitter": self._index.submitters(b["batch_id"])} for b in self._index.batches()
        ]
        queues = dict(self._index.queue_counts())
        queues["扶養重複"] = len(self._index.dependent_overlaps())
        return IntakeStatusView(batches, queues)

    def queue_items(self, query: QueueItems, call: Call) -> list[Any]:
        return self._index.queue(query.queue)

    def dependent_overlaps(self, query: DependentOverlaps, call: Call) -> list[Any]:
        return self._index.dependent_overlaps(query.fiscal_year)

    def key_return(self, command: KeyResidentReturn, call: Call) -> EntryOutcome:
        method = {
            "enter": self._returns.enter,
            "verify": self._returns.verify,
            "correct": self._returns.correct,
            "submit": self._returns.submit_electronic,
        }[command.action]
        return method(command.receipt_number, command.record, call.context)


def register(bus: UseCases, handlers: IntakeHandlers) -> None:
    bus.register_handlers(handlers)
