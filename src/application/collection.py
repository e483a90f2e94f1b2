"""Collection (収納): open ledgers from levies, post receipts (消込) from every channel, suspense.

Receipt files are imported through the same ImportBatch machinery as 課税資料 (one outcome per record,
chunked, resumable, reconciled per file): a matched receipt is *accepted* (posted to its ledger), an
unmatched one is *quarantined* as a SuspenseReceipt with the reason (work queue 収納保留), a receipt id
already posted is a *duplicate*.

Matching: 普通徴収 slips and bank/eL payments by 年度 + 通知書番号 + 期別; 口座振替 by the 顧客番号 we put
in the 種別91 record; 特別徴収 remittances by 指定番号 + 納入月, split over that month's installments of the
employer's employees (accepted only when the amount equals their sum).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from domain.assessment.assessment import Assessment
from domain.assessment.values import AssessmentStatus, CollectionMethod
from domain.collection.ledger import Charge, PaymentLedger, ledger_id
from domain.collection.records import (
    DebitReference,
    NoticeReference,
    Receipt,
    RemittanceReference,
    notice_from_customer_number,
)
from domain.collection.suspense import SuspenseReceipt
from domain.imports.batch import LineAccepted, LineQuarantined
from domain.intake import ParsedRecord
from domain.shared.events import CommandContext

SUSPENSE_QUEUE = "収納保留"
#: 口座振替: mandates (登録・変更・解約) and the code-0 lines of a result file, through the same batches.
DEBIT_MANDATES = "debit-mandates"
DEBIT_RESULTS = "debit-results"
PAYMENT_KINDS = (
    "bank-payments",
    "cvs-payments",
    "eltax-payments",
    "employer-remittances",
    "pension-remittances",
)


class CollectionIndex(Protocol):
    def ledger_by_notice(self, fiscal_year: int, notice_number: str) -> UUID | None: ...

    def assessments(self, fiscal_year: int) -> list[UUID]: ...

    def assessments_collected_by(self, designation_number: str, fiscal_year: int) -> list[UUID]: ...


class CollectionService:
    def __init__(
        self, app: JuminzeiApplication, index: CollectionIndex, notice_number: Callable[[str, int], str]
    ) -> None:
        self.app = app
        self.index = index
        self.notice_number = notice_number

    # -- 調定 -------------------------------------------------------------------------------------
    def open_ledgers(self, fiscal_year: int, ctx: CommandContext) -> tuple[int, int]:
        """Open a ledger per levied assessment, or re-post its charges after a change. Idempotent."""
        opened = reposted = 0
        batch: list[PaymentLedger] = []
        for aid in self.index.assessments(fiscal_year):
            assessment: Assessment = self.app.repository.get(aid)
            charges = tuple(
                Charge(i, line.label, line.due_date, line.amount, line.method.value)
                for i, line in enumerate(assessment.installments, start=1)
            )
            try:
                ledger: PaymentLedger = self.app.repository.get(ledger_id(aid))
            except AggregateNotFoundError:
                if assessment.status is not AssessmentStatus.LEVIED:
                    continue
                taxpayer = self.app.repository.get(assessment.taxpayer_id)
                batch.append(
                    PaymentLedger.open(
                        assessment_id=aid,
                        taxpayer_id=assessment.taxpayer_id,
                        fiscal_year=fiscal_year,
                        notice_number=self.notice_number(taxpayer.address_number, fiscal_year),
                        charges=charges,
                        assessment_version=assessment.levy_version,
                        ctx=ctx.derive(f"ledger:{aid}"),
                    )
                )
                opened += 1
            else:
                if ledger.assessment_version != assessment.levy_version:
                    ledger.repost(charges, "賦課の変更による調定の更正", ctx, assessment.levy_version)
                    batch.append(ledger)
                    reposted += 1
            if len(batch) >= 200:
                self.app.save(*batch)
                batch = []
        if batch:
            self.app.save(*batch)
        return opened, reposted

    # -- 消込 (called by the import machinery, one record at a time) -----------------------------
    def post_receipt(self, item: ParsedRecord[Receipt], chunk: Any, ctx: CommandContext) -> None:
        receipt = item.record
        key = f"{receipt.channel.value}:{receipt.receipt_id}"
        reference = receipt.reference
        if isinstance(reference, DebitReference):
            decoded = notice_from_customer_number(reference.customer_number)
            reference = decoded[0] if decoded else reference
        if isinstance(reference, RemittanceReference):
            self._remittance(item, receipt, reference, key, chunk, ctx)
            return
        if isinstance(reference, NoticeReference):
            ledger_uuid = self.index.ledger_by_notice(reference.fiscal_year, reference.notice_number)
            ledger: PaymentLedger | None = chunk.get(ledger_uuid) if ledger_uuid else None
            if ledger is not None:
                self._post(
                    ledger,
                    receipt,
                    key,
                    reference.period or None,
                    f"通知書 {reference.notice_number} 第{reference.period}期",
                    item,
                    chunk,
                    ctx,
                )
                return
            self._suspend(item, receipt, key, "通知書番号に一致する収納台帳がありません。", chunk, ctx)
            return
        self._suspend(item, receipt, key, "口座振替の顧客番号を読み取れません。", chunk, ctx)

    def _post(
        self,
        ledger: PaymentLedger,
        receipt: Receipt,
        key: str,
        period: int | None,
        reference: str,
        item: ParsedRecord[Receipt],
        chunk: Any,
        ctx: CommandContext,
    ) -> None:
        if ledger.receive(
            receipt_id=key,
            channel=receipt.channel.value,
            paid_on=receipt.paid_on,
            amount=receipt.amount,
            reference=reference,
            period=period,
            ctx=ctx,
        ):
            chunk.accepted.append(LineAccepted(item.line, item.fingerprint, str(ledger.id)))
        else:
            chunk.duplicates.append(item.line)

    def _remittance(
        self,
        item: ParsedRecord[Receipt],
        receipt: Receipt,
        ref: RemittanceReference,
        key: str,
        chunk: Any,
        ctx: CommandContext,
    ) -> None:
        fiscal_year = ref.year if ref.month >= 6 else ref.year - 1
        label = f"{ref.month}月分"
        shares: list[tuple[PaymentLedger, int, int]] = []
        for aid in self.index.assessments_collected_by(ref.payer_number, fiscal_year):
            assessment: Assessment = self.app.repository.get(aid)
            for period, line in enumerate(assessment.installments, start=1):
                if line.method is CollectionMethod.SALARY and line.label == label and line.amount:
                    ledger = chunk.get(ledger_id(aid))
                    if ledger is not None:
                        shares.append((ledger, period, line.amount))
        if not shares or sum(amount for _, _, amount in shares) != receipt.amount:
            self._suspend(
                item,
                receipt,
                key,
                "納入額が当月の特別徴収税額の合計と一致しません（個人別内訳の確認が必要）。",
                chunk,
                ctx,
            )
            return
        if any(f"{key}:{ledger.id}" in ledger.receipts for ledger, _, _ in shares):
            chunk.duplicates.append(item.line)
            return
        for ledger, period, amount in shares:
            ledger.receive(
                receipt_id=f"{key}:{ledger.id}",
                channel=receipt.channel.value,
                paid_on=receipt.paid_on,
                amount=amount,
                reference=f"特別徴収 {ref.payer_number} {label}",
                period=period,
                ctx=ctx,
            )
        chunk.accepted.append(
            LineAccepted(item.line, item.fingerprint, f"remittance:{ref.payer_number}:{label}")
        )

    def _suspend(
        self,
        item: ParsedRecord[Receipt],
        receipt: Receipt,
        key: str,
        reason: str,
        chunk: Any,
        ctx: CommandContext,
    ) -> None:
        suspense = SuspenseReceipt.hold(
            receipt_key=key,
            channel=receipt.channel.value,
            paid_on=receipt.paid_on,
            amount=receipt.amount,
            reference=repr(receipt.reference),
            reason=reason,
            ctx=ctx,
        )
        if suspense.id in self.app.repository:
            chunk.duplicates.append(item.line)
            return
        chunk.add(suspense)
        chunk.quarantined.append(LineQuarantined(item.line, SUSPENSE_QUEUE, reason, str(suspense.id)))
