"""口座振替 (direct debit): mandates, the per-納期 request file, and the result file (消込 or 督促).

- Mandates arrive as a file (KIND ``debit-mandates``) through the import machinery: 登録 / 変更 / 解約 per
  宛名番号; an unknown 宛名番号 is rejected with the reason.
- ``requests(debit_date)`` lists, for every 普通徴収 installment due that day with tax still outstanding
  and an active mandate, the amount and our 20-digit 顧客番号 (年度 + 通知書番号 + 期別 + 依頼回数); each
  request is recorded on the mandate (``DebitRequested``).
- The result file's code-0 lines become receipts (channel 口座振替) posted through the same import batch
  (idempotent by file hash); every other code is recorded as ``DebitFailed`` with its meaning (unknown
  codes are read as 9 and flagged) and feeds 督促.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from application.app import JuminzeiApplication
from domain.collection.ledger import PaymentLedger
from domain.collection.mandate import DirectDebitMandate, mandate_id
from domain.collection.records import DebitMandate, MandateAction, customer_number
from domain.imports.batch import LineAccepted, LineRejected
from domain.intake import ParsedRecord
from domain.shared.events import CommandContext
from domain.taxpayer.model import taxpayer_id


class DueIndex(Protocol):
    def installments_due(self, due_date: date) -> list[tuple[UUID, int, int]]:
        """(ledger id, period, outstanding 本税) for installments due on ``due_date``."""
        ...


@dataclass(frozen=True)
class DebitRequest:
    mandate: DirectDebitMandate
    ledger: PaymentLedger
    period: int
    amount: int
    customer_number: str


@dataclass
class DebitResultSummary:
    records: int = 0
    collected: int = 0
    failed: int = 0
    amount_collected: int = 0
    by_code: Counter[str] = field(default_factory=Counter)
    flagged: list[str] = field(default_factory=list)


class DebitService:
    def __init__(self, app: JuminzeiApplication, index: DueIndex) -> None:
        self.app = app
        self.index = index

    # -- mandates (import handler) ----------------------------------------------------------------
    def mandate_record(self, item: ParsedRecord[DebitMandate], chunk: Any, ctx: CommandContext) -> None:
        record = item.record
        tid = taxpayer_id(record.address_number)
        if chunk.get(tid) is None:
            chunk.rejected.append(LineRejected(item.line, "宛名番号", "宛名番号が登録されていません。"))
            return
        existing: DirectDebitMandate | None = chunk.get(mandate_id(tid))
        fields: dict[str, Any] = dict(
            bank_code=record.bank_code,
            branch_code=record.branch_code,
            account_type=record.account_type.value,
            account_number=record.account_number,
            holder_kana=record.holder_kana,
            start_date=record.start_date,
        )
        if record.action is MandateAction.CANCEL:
            changed = existing is not None and existing.cancel(record.start_date, ctx)
            if existing is None:
                chunk.rejected.append(
                    LineRejected(item.line, "届出区分", "登録のない口座振替は解約できません。")
                )
                return
        elif existing is None:
            chunk.add(DirectDebitMandate.register(taxpayer_id=tid, ctx=ctx, **fields))
            changed = True
        else:
            changed = existing.change(ctx=ctx, **fields)
        if changed:
            chunk.accepted.append(LineAccepted(item.line, item.fingerprint, str(mandate_id(tid))))
        else:
            chunk.duplicates.append(item.line)

    # -- request file -----------------------------------------------------------------------------
    def requests(self, debit_date: date, ctx: CommandContext, attempt: int = 1) -> list[DebitRequest]:
        """Requests for ``debit_date`` (recorded on the mandates); rerunning gives the same list."""
        result: list[DebitRequest] = []
        touched: list[DirectDebitMandate] = []
        for ledger_uuid, period, outstanding in self.index.installments_due(debit_date):
            if outstanding <= 0:
                continue
            ledger: PaymentLedger = self.app.repository.get(ledger_uuid)
            mid = mandate_id(ledger.taxpayer_id)
            if mid not in self.app.repository:
                continue
            mandate: DirectDebitMandate = self.app.repository.get(mid)
            if not mandate.active_on(debit_date):
                continue
            number = customer_number(
                fiscal_year=ledger.fiscal_year,
                notice_number=ledger.notice_number,
                period=period,
                attempt=attempt,
            )
            if mandate.request(customer_number=number, amount=outstanding, debit_date=debit_date, ctx=ctx):
                touched.append(mandate)
            result.append(DebitRequest(mandate, ledger, period, outstanding, number))
        if touched:
            self.app.save(*touched)
        return result

    # -- result file ------------------------------------------------------------------------------
    def record_failures(
        self,
        failures: list[tuple[str, int, str]],
        ctx: CommandContext,
        ledger_of: Callable[[str], UUID | None],
    ) -> None:
        """振替不能: record each failed line on its mandate (idempotent per 顧客番号)."""
        batch: dict[UUID, DirectDebitMandate] = {}
        for number, code, meaning in failures:
            ledger_uuid = ledger_of(number)
            if ledger_uuid is None:
                continue
            ledger: PaymentLedger = self.app.repository.get(ledger_uuid)
            mid = mandate_id(ledger.taxpayer_id)
            mandate = batch.get(mid) or self.app.repository.get(mid)
            recorded = {
                e.customer_number
                for e in self.app.events.get(mid)
                if isinstance(e, DirectDebitMandate.DebitFailed)
            }
            if number in recorded:
                continue
            mandate.failed(customer_number=number, result_code=code, meaning=meaning, ctx=ctx)
            batch[mid] = mandate
        if batch:
            self.app.save(*batch.values())
