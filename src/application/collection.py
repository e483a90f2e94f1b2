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
from dataclasses import dataclass
from datetime import date, timedelta
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

    def ledgers(self, fiscal_year: int | None = None) -> list[UUID]: ...

    def ledgers_of_taxpayer(self, taxpayer_id: UUID) -> list[UUID]: ...

    def with_held(self) -> list[UUID]: ...

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


def refund_interest(amount: int, since: date, until: date) -> int:
    """還付加算金 (地方税法 第17条の4): simple interest on the refund from the day after ``since`` to ``until``.

    Rate: 還付加算金特例基準割合 (附則第3条の2第3項 = 平均貸付割合 + 0.5%) = the 延滞金 first-month rate − 1.5%
    (that rate is 平均貸付割合 + 2%), per calendar year. Amounts under 1,000 yen earn nothing; the base is
    truncated to 1,000 yen and the interest to 100 yen (地方税法 第20条の4の2). The start date is simplified to
    the payment date (the statute starts later for some cases) — documented in docs/collection.md.
    """
    from fractions import Fraction

    from domain.taxrules.late_fee import rate_for

    if amount < 1_000 or until <= since:
        return 0
    base = amount // 1_000 * 1_000
    total = Fraction(0)
    day = since + timedelta(days=1)
    while day <= until:
        year_end = date(day.year, 12, 31)
        segment_end = min(year_end, until)
        days = (segment_end - day).days + 1
        rate = max(rate_for(day.year).first_month - Fraction(15, 1000), Fraction(0))
        total += Fraction(base) * rate * days / 365
        day = segment_end + timedelta(days=1)
    interest = int(total) // 100 * 100
    return interest if interest >= 1_000 else 0


@dataclass
class SettlementResult:
    appropriated: int = 0
    appropriated_amount: int = 0
    refunded: int = 0
    refund_amount: int = 0
    refund_interest: int = 0


class OverpaymentService:
    """過誤納金の処理: 充当 to the same taxpayer's unpaid charges (any 年度), else 還付 with 還付加算金."""

    def __init__(self, app: JuminzeiApplication, index: CollectionIndex) -> None:
        self.app = app
        self.index = index

    def settle(self, as_of: date, ctx: CommandContext) -> SettlementResult:
        result = SettlementResult()
        for uuid in self.index.with_held():
            source: PaymentLedger = self.app.repository.get(uuid)
            if source.held <= 0:
                continue
            touched: dict[UUID, PaymentLedger] = {source.id: source}
            for other_id in self.index.ledgers_of_taxpayer(source.taxpayer_id):
                if other_id == source.id or source.held <= 0:
                    continue
                target: PaymentLedger = touched.get(other_id) or self.app.repository.get(other_id)
                open_amount = target.tax_outstanding() + target.fees_outstanding()
                amount = min(open_amount, source.held)
                if amount <= 0:
                    continue
                source.appropriate_out(amount, target.id, f"{target.fiscal_year}年度の未納へ充当", ctx)
                target.appropriate_in(amount, source.id, ctx)
                touched[target.id] = target
                result.appropriated += 1
                result.appropriated_amount += amount
            if source.held > 0:
                interest = refund_interest(source.held, source.last_paid_on or as_of, as_of)
                result.refunded += 1
                result.refund_amount += source.held
                result.refund_interest += interest
                source.determine_refund(source.held, interest, "過誤納金の還付", ctx)
            self.app.save(*touched.values())  # 充当 out and in commit together
        return result

    def pay_refunds(
        self, paid_on: date, ctx: CommandContext, has_account: Any
    ) -> list[tuple[PaymentLedger, int, str]]:
        """還付の支払: 総合振込 to the registered account where there is one, else 窓口払い."""
        paid: list[tuple[PaymentLedger, int, str]] = []
        batch: list[PaymentLedger] = []
        for uuid in self.index.ledgers():
            ledger: PaymentLedger = self.app.repository.get(uuid)
            unpaid = ledger.refund_determined - ledger.refund_paid
            if unpaid <= 0:
                continue
            method = "総合振込" if has_account(ledger.taxpayer_id) else "窓口払い"
            ledger.pay_refund(unpaid, method, paid_on, ctx)
            batch.append(ledger)
            paid.append((ledger, unpaid, method))
        if batch:
            self.app.save(*batch)
        return paid


class ArrearsService:
    """延滞金, 督促, 決算 (滞納繰越)."""

    def __init__(self, app: JuminzeiApplication, index: CollectionIndex) -> None:
        self.app = app
        self.index = index

    def late_fees(self, as_of: date, ctx: CommandContext) -> tuple[int, int]:
        """延滞金 (地方税法 第326条) per installment, from the engine: on the unpaid 本税 to ``as_of``, or on a
        late-paid installment to the day it was paid."""
        from domain.taxrules.late_fee import compute_late_fee

        assessed = total = 0
        batch: list[PaymentLedger] = []
        for uuid in self.index.ledgers():
            ledger: PaymentLedger = self.app.repository.get(uuid)
            changed = False
            for charge in ledger.charges:
                if charge.due_date is None or charge.due_date >= as_of or charge.amount <= 0:
                    continue
                unpaid = ledger.tax_outstanding(charge.period)
                paid_on = ledger.period_paid_on.get(charge.period)
                if unpaid > 0:
                    fee = compute_late_fee(charge.amount, charge.due_date, as_of).late_fee
                elif paid_on is not None and paid_on > charge.due_date:
                    fee = compute_late_fee(charge.amount, charge.due_date, paid_on).late_fee
                else:
                    continue
                if fee != ledger.fees_due.get(charge.period, 0):
                    ledger.assess_late_fee(charge.period, fee, as_of, ctx)
                    changed = True
                    assessed += 1
                total += fee
            if changed:
                batch.append(ledger)
        if batch:
            self.app.save(*batch)
        return assessed, total

    def dunning(self, as_of: date, ctx: CommandContext) -> list[tuple[PaymentLedger, int, int, bool]]:
        """督促 (地方税法 第329条): one 督促 per unpaid overdue installment; ``late`` if past the 20-day limit."""
        issued: list[tuple[PaymentLedger, int, int, bool]] = []
        batch: list[PaymentLedger] = []
        for uuid in self.index.ledgers():
            ledger: PaymentLedger = self.app.repository.get(uuid)
            changed = False
            for charge in ledger.charges:
                if charge.method != "普通徴収":
                    continue
                unpaid = ledger.tax_outstanding(charge.period)
                if ledger.dun(charge.period, as_of, ctx):
                    assert charge.due_date is not None
                    issued.append((ledger, charge.period, unpaid, (as_of - charge.due_date).days > 20))
                    changed = True
            if changed:
                batch.append(ledger)
        if batch:
            self.app.save(*batch)
        return issued

    def close_year(self, fiscal_year: int, ctx: CommandContext) -> dict[str, int]:
        """決算: 調定額, 収入済額, 還付未済額, 不納 (滞納繰越額); carry-forward events into the next 年度."""
        totals = {"ledgers": 0, "charged": 0, "collected": 0, "refund_unpaid": 0, "carried_forward": 0}
        batch: list[PaymentLedger] = []
        for uuid in self.index.ledgers(fiscal_year):
            ledger: PaymentLedger = self.app.repository.get(uuid)
            totals["ledgers"] += 1
            totals["charged"] += sum(c.amount for c in ledger.charges)
            totals["collected"] += sum(ledger.tax_paid.values())
            totals["refund_unpaid"] += ledger.refund_determined - ledger.refund_paid
            outstanding = ledger.tax_outstanding()
            totals["carried_forward"] += outstanding
            if ledger.carry_forward(fiscal_year + 1, ctx):
                batch.append(ledger)
        if batch:
            self.app.save(*batch)
        return totals
