"""収納・滞納・過誤納: 調定 (收納台帳の作成), the 収納保留 work queue, 再照合, 延滞金 (地方税法 第326条), 督促
(第329条), 過誤納金の充当・還付 (第17条・第17条の2), 還付の支払, 口座振替の依頼, 決算 — one handler each.

The rules are in ``domain.collection`` and the collection services; payment files are imported through
``application.usecases.intake.ImportFile``. Writing Zengin files and PDFs is the caller's adapter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.collection import (
    ArrearsService,
    CollectionQueries,
    CollectionService,
    Dunning,
    OverpaymentService,
    RematchResult,
    SettlementResult,
)
from application.debit import DebitRequest, DebitService
from application.intake.formats import ImportKind
from application.intake.importer import IntakeService, ReceivedFile
from application.read_rows import (
    ArrearsRow,
    DailyReceiptsRow,
    ImportBatchRow,
    SuspenseRow,
    UnbalancedLedgerRow,
)
from application.usecases.base import Call, Command, InvalidCommandError, Query, UseCases
from domain.collection.ledger import PaymentLedger
from domain.collection.mandate import mandate_id
from domain.collection.records import DebitResultLine, Receipt, notice_from_customer_number
from domain.intake import ParsedRecord
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose

#: The payment-file kinds whose 件数 the 再照合 checks (収納データ and 口座振替結果).
PaymentFileKinds = tuple[str, ...]


class CollectionReadModel(Protocol):
    """The 収納 read model (``projections.collection``)."""

    def totals(self, fiscal_year: int) -> dict[str, int]: ...

    def suspense(self, include_resolved: bool = False) -> list[SuspenseRow]: ...

    def unbalanced_ledgers(self) -> tuple[int, list[UnbalancedLedgerRow]]: ...

    def arrears(self, as_of: date) -> list[ArrearsRow]: ...

    def daily(self, day: date) -> DailyReceiptsRow: ...


class ImportBatches(Protocol):
    def batches(self) -> list[ImportBatchRow]: ...


class Repository(Protocol):
    def __contains__(self, item: UUID) -> bool: ...

    def get(self, aggregate_id: UUID) -> Aggregate: ...


@dataclass(frozen=True)
class OpenLedgers(Command[tuple[int, int]]):
    """調定: a 収納台帳 per levied assessment; charges of changed levies re-posted (idempotent)."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION
    batch: ClassVar[str | None] = "ledgers"

    fiscal_year: int


@dataclass(frozen=True)
class CollectionTotals(Query[dict[str, int]]):
    """収納状況: charged, received, allocated, held overpayment, refunds, suspense (aggregates)."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    fiscal_year: int


@dataclass(frozen=True)
class SuspenseList(Query[list[SuspenseRow]]):
    """収納保留: receipts that matched no ledger, with the reason."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    include_resolved: bool = False


@dataclass(frozen=True)
class PaymentStatus(Query[dict[str, Any]]):
    """収納状況照会 of one taxpayer and 年度 (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    address_number: str
    fiscal_year: int


@dataclass(frozen=True)
class Reconciliation:
    rematch: RematchResult
    #: Every payment file with its counts (受付 = 消込 + 保留 + 不備 + 重複).
    files: list[ImportBatchRow]
    files_not_reconciled: int
    still_held: list[SuspenseRow]
    ledgers_checked: int
    ledgers_unbalanced: list[UnbalancedLedgerRow]

    @property
    def ok(self) -> bool:
        return not self.files_not_reconciled and not self.ledgers_unbalanced


@dataclass(frozen=True)
class ReconcilePayments(Command[Reconciliation]):
    """消込の照合: every open 収納保留 matched again (posted if it now matches), then every payment file's
    件数 and every ledger's conservation of money checked."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION


@dataclass(frozen=True)
class ResolveSuspense(Command[PaymentLedger | None]):
    """収納保留の解消: 振替 to the ledger the clerk identified, or 還付 to the payer."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    suspense_id: UUID
    reason: str
    refund: bool = False
    notice_number: str | None = None
    fiscal_year: int | None = None
    period: int | None = None


@dataclass(frozen=True)
class DebitRequests(Command[list[DebitRequest]]):
    """口座振替依頼: the requests of one 引落日 (= 納期限), recorded before the file is written."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION
    batch: ClassVar[str | None] = "debit-export"

    due_date: date

    def batch_scope(self) -> str:
        return self.due_date.isoformat()


@dataclass(frozen=True)
class AssessLateFees(Command[tuple[int, int]]):
    """延滞金の計算 (地方税法 第326条) for every overdue or late-paid installment."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    as_of: date


@dataclass(frozen=True)
class IssueDunning(Command[list[Dunning]]):
    """督促 (地方税法 第329条: 納期限後20日以内) for unpaid overdue 普通徴収 installments, with a 督促状 each."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    as_of: date


@dataclass(frozen=True)
class ArrearsList(Query[list[ArrearsRow]]):
    """滞納一覧: installments past their 納期限 with 本税 unpaid."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    as_of: date


@dataclass(frozen=True)
class DailyReceipts(Query[DailyReceiptsRow]):
    """収納日計: receipts by channel for one day."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION

    day: date


@dataclass(frozen=True)
class SettleOverpayments(Command[SettlementResult]):
    """過誤納金の処理: 充当 to the taxpayer's unpaid charges, else 還付の決定 with 還付加算金."""

    purpose: ClassVar[Purpose] = Purpose.REFUND

    as_of: date


@dataclass(frozen=True)
class RefundReturned(Command[PaymentLedger]):
    """還付不能の受入: the amount is held again; the next 処理 re-handles it."""

    purpose: ClassVar[Purpose] = Purpose.REFUND
    reads_read_models: ClassVar[bool] = True

    fiscal_year: int
    notice_number: str
    amount: int
    reason: str
    withdrawn: bool = False


@dataclass(frozen=True)
class RefundPayment:
    ledger: PaymentLedger
    amount: int
    #: 総合振込 or 窓口払い.
    method: str
    #: The registered account (口座振替 mandate) a 総合振込 goes to.
    mandate: Any | None


@dataclass(frozen=True)
class PayRefunds(Command[list[RefundPayment]]):
    """還付の支払: 総合振込 to the registered account where there is one, else 窓口払い."""

    purpose: ClassVar[Purpose] = Purpose.REFUND

    paid_on: date


@dataclass(frozen=True)
class CloseYear(Command[dict[str, int]]):
    """決算: 調定額, 収入済額, 還付未済額, 滞納繰越額 of the 年度, with carry-forward events."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION
    batch: ClassVar[str | None] = "closing"

    fiscal_year: int


@dataclass(frozen=True)
class DebitResultFile:
    """A parsed 口座振替結果 file (全銀 種別91), as the format adapter reads it."""

    file_name: str
    sha256: str
    #: (line, field, message) of each whole-file problem, e.g. a trailer that disagrees with its records.
    file_errors: list[tuple[int, str, str]]
    #: The 引落日 from the header (None: the file has no header record).
    debit_date: date | None
    #: Every result line with its line number and fingerprint.
    results: list[ParsedRecord[DebitResultLine]]
    #: 口座振替 receipts for the collected lines (振替結果コード 0), in the same order as they appear.
    receipts: list[Receipt]


DebitResultReader = Callable[[Path, date], DebitResultFile]


class DebitFileRejectedError(DomainError):
    """The result file does not add up (trailer vs records): nothing is imported (CLI exit 3)."""

    def __init__(self, file: DebitResultFile) -> None:
        lines = "\n".join(
            f"{file.file_name}:{line} 【{name}】 {message}" for line, name, message in file.file_errors
        )
        super().__init__(
            f"{lines}\n結果ファイルの合計レコードが明細と一致しません。取り込みません。",
            code="file_not_reconciled",
        )


@dataclass(frozen=True)
class ImportDebitResult(Command[dict[str, Any]]):
    """振替結果の取込: code 0 → 収納 (消込); other codes → 振替不能 records (督促へ). Trailer totals checked."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION
    batch: ClassVar[str | None] = "debit-import"

    path: Path


class DebitResultHandler:
    def __init__(
        self,
        read: DebitResultReader,
        intake: IntakeService,
        debit: DebitService,
        ledger_by_notice: Callable[[int, str], UUID | None],
        refresh_read_models: Callable[[], object],
        today: Callable[[], date],
    ) -> None:
        self._read = read
        self._intake = intake
        self._debit = debit
        self._ledger_by_notice = ledger_by_notice
        self._refresh = refresh_read_models
        self._today = today

    def __call__(self, command: ImportDebitResult, call: Call) -> dict[str, Any]:
        parsed = self._read(command.path, self._today().replace(month=1, day=1))
        if parsed.file_errors:
            raise DebitFileRejectedError(parsed)
        if parsed.debit_date is None:
            raise InvalidCommandError("結果ファイルにヘッダーレコードがありません。", field="file")
        results = parsed.results
        collected = [r for r in results if r.record.collected]
        by_code: Counter[str] = Counter(str(r.record.result_code) for r in results)
        items = [
            ParsedRecord(r.line, receipt, r.fingerprint)
            for r, receipt in zip(collected, parsed.receipts, strict=True)
        ]
        summary = self._intake.import_file(
            ReceivedFile(
                kind=ImportKind.DEBIT_RESULTS.value,
                file_name=parsed.file_name,
                sha256=parsed.sha256,
                declared_count=None,
                physical_records=len(items),
                items=items,
            ),
            call.context,
        )
        self._refresh()  # the 振替不能 records find their ledger through the 収納 read model

        def ledger_of(number: str) -> UUID | None:
            decoded = notice_from_customer_number(number)
            return (
                self._ledger_by_notice(decoded[0].fiscal_year, decoded[0].notice_number) if decoded else None
            )

        failures = [
            (r.record.customer_number, r.record.result_code, r.record.result_meaning)
            for r in results
            if not r.record.collected
        ]
        self._debit.record_failures(failures, call.context, ledger_of)
        return {
            "records": len(results),
            "collected": len(collected),
            "failed": len(results) - len(collected),
            "amount_collected": sum(r.record.amount for r in collected),
            "by_code": dict(sorted(by_code.items())),
            "flagged_unknown_codes": [r.record.raw_result_code for r in results if r.record.unknown_code],
            "posted": summary.accepted,
            "suspended": summary.quarantined,
            "already_imported": summary.already_imported,
        }


class CollectionHandlers:
    def __init__(
        self,
        repository: Repository,
        collection: CollectionService,
        queries: CollectionQueries,
        debit: DebitService,
        arrears: ArrearsService,
        overpayments: OverpaymentService,
        read_model: CollectionReadModel,
        imports: ImportBatches,
        payment_file_kinds: PaymentFileKinds,
        refresh_read_models: Callable[[], object],
    ) -> None:
        self._refresh = refresh_read_models
        self._repository = repository
        self._collection = collection
        self._queries = queries
        self._debit = debit
        self._arrears = arrears
        self._overpayments = overpayments
        self._read = read_model
        self._imports = imports
        self._payment_kinds = payment_file_kinds

    def open_ledgers(self, command: OpenLedgers, call: Call) -> tuple[int, int]:
        return self._collection.open_ledgers(command.fiscal_year, call.context)

    def totals(self, query: CollectionTotals, call: Call) -> dict[str, int]:
        return self._read.totals(query.fiscal_year)

    def suspense(self, query: SuspenseList, call: Call) -> list[SuspenseRow]:
        return self._read.suspense(include_resolved=query.include_resolved)

    def status(self, query: PaymentStatus, call: Call) -> dict[str, Any]:
        return self._queries.status(query.address_number, query.fiscal_year, call.context)

    def reconcile(self, command: ReconcilePayments, call: Call) -> Reconciliation:
        rematch = self._collection.rematch_suspense(call.context)
        # The files' counts are read after the rematch has been projected (read-your-writes).
        self._refresh()
        files = [b for b in self._imports.batches() if b["kind"] in self._payment_kinds]
        checked, unbalanced = self._read.unbalanced_ledgers()
        problems = [f for f in files if not f["reconciled"] or f["gap"]]
        return Reconciliation(rematch, files, len(problems), self._read.suspense(), checked, unbalanced)

    def resolve(self, command: ResolveSuspense, call: Call) -> PaymentLedger | None:
        if command.refund == (command.notice_number is not None):
            raise InvalidCommandError(
                "振替先の通知書番号と年度を指定するか、還付を指定してください（どちらか一方）。",
                field="notice_number",
            )
        if command.refund:
            self._collection.refund_suspense(command.suspense_id, reason=command.reason, ctx=call.context)
            return None
        if command.fiscal_year is None or command.notice_number is None:
            raise InvalidCommandError("振替先の年度を指定してください。", field="fiscal_year")
        return self._collection.assign_suspense(
            command.suspense_id,
            fiscal_year=command.fiscal_year,
            notice_number=command.notice_number,
            period=command.period,
            reason=command.reason,
            ctx=call.context,
        )

    def debit_requests(self, command: DebitRequests, call: Call) -> list[DebitRequest]:
        return self._debit.requests(command.due_date, call.context)

    def late_fees(self, command: AssessLateFees, call: Call) -> tuple[int, int]:
        return self._arrears.late_fees(command.as_of, call.context)

    def dunning(self, command: IssueDunning, call: Call) -> list[Dunning]:
        return self._arrears.dunning(command.as_of, call.context)

    def arrears_list(self, query: ArrearsList, call: Call) -> list[ArrearsRow]:
        return self._read.arrears(query.as_of)

    def daily(self, query: DailyReceipts, call: Call) -> DailyReceiptsRow:
        return self._read.daily(query.day)

    def settle(self, command: SettleOverpayments, call: Call) -> SettlementResult:
        return self._overpayments.settle(command.as_of, call.context)

    def refund_returned(self, command: RefundReturned, call: Call) -> PaymentLedger:
        return self._overpayments.refund_failed(
            command.fiscal_year,
            command.notice_number,
            command.amount,
            command.reason,
            call.context,
            returned=not command.withdrawn,
        )

    def pay_refunds(self, command: PayRefunds, call: Call) -> list[RefundPayment]:
        paid = self._overpayments.pay_refunds(
            command.paid_on, call.context, lambda tid: mandate_id(tid) in self._repository
        )
        return [
            RefundPayment(
                ledger,
                amount,
                method,
                self._repository.get(mandate_id(ledger.taxpayer_id)) if method == "総合振込" else None,
            )
            for ledger, amount, method in paid
        ]

    def close_year(self, command: CloseYear, call: Call) -> dict[str, int]:
        return self._arrears.close_year(command.fiscal_year, call.context)


def register(bus: UseCases, handlers: CollectionHandlers, debit_results: DebitResultHandler) -> None:
    bus.register(ImportDebitResult, debit_results)
    bus.register_handlers(handlers)
