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
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from application.assessment.documents import DocumentService, IssuedDocument
from application.read_rows import SuspenseRow
from domain.assessment.assessment import Assessment, assessment_id
from domain.assessment.values import AssessmentStatus, CollectionMethod
from domain.audit.access import AccessRecord
from domain.collection.ledger import Charge, PaymentLedger, ledger_id
from domain.collection.records import (
    Channel,
    DebitReference,
    Receipt,
    Reference,
    RemittanceReference,
    notice_from_customer_number,
    parse_reference_key,
    reference_key,
)
from domain.collection.suspense import SuspenseReceipt
from domain.imports.batch import LineAccepted, LineQuarantined
from domain.intake import ParsedRecord
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import taxpayer_id

SUSPENSE_QUEUE = "収納保留"
#: The collector recorded on 年金特別徴収 installments (domain.assessment.collection.plan_collection).
PENSION_COLLECTOR = "年金保険者"


class CollectionIndex(Protocol):
    def ledger_by_notice(self, fiscal_year: int, notice_number: str) -> UUID | None: ...

    def ledgers(self, fiscal_year: int | None = None) -> list[UUID]: ...

    def ledgers_of_taxpayer(self, taxpayer_id: UUID) -> list[UUID]: ...

    def with_held(self) -> list[UUID]: ...

    def suspense(self, include_resolved: bool = False) -> list[SuspenseRow]: ...

    def assessments(self, fiscal_year: int) -> list[UUID]: ...

    def assessments_collected_by(
        self, designation_number: str, fiscal_year: int, method: str = "給与特別徴収"
    ) -> list[UUID]: ...


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
                taxpayer: Any = self.app.repository.get(assessment.taxpayer_id)
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
        matched = self._match(receipt.reference, receipt.amount, key, chunk.get, receipt.channel)
        if isinstance(matched, str):
            self._suspend(item, receipt, key, matched, chunk, ctx)
            return
        shares, accepted_ref = matched
        if any(share.receipt_id in share.ledger.receipts for share in shares):
            chunk.duplicates.append(item.line)
            return
        for share in shares:
            share.post(receipt.channel.value, receipt.paid_on, ctx)
        chunk.accepted.append(LineAccepted(item.line, item.fingerprint, accepted_ref))

    def _match(
        self,
        reference: Reference,
        amount: int,
        key: str,
        ledger_of: Callable[[UUID], PaymentLedger | None],
        channel: Channel,
    ) -> tuple[list[ReceiptShare], str] | str:
        """Where a receipt goes: its shares (ledger, 期別, amount) and the accepted reference, or the reason
        it cannot be matched (→ 収納保留)."""
        if isinstance(reference, DebitReference):
            decoded = notice_from_customer_number(reference.customer_number)
            if decoded is None:
                return "口座振替の顧客番号を読み取れません。"
            reference = decoded[0]
        if isinstance(reference, RemittanceReference):
            if channel is Channel.PENSION:
                return self._pension_shares(reference, amount, key, ledger_of)
            return self._remittance_shares(reference, amount, key, ledger_of)
        ledger_uuid = self.index.ledger_by_notice(reference.fiscal_year, reference.notice_number)
        ledger = ledger_of(ledger_uuid) if ledger_uuid else None
        if ledger is None:
            return "通知書番号に一致する収納台帳がありません。"
        text = f"通知書 {reference.notice_number} 第{reference.period}期"
        return [ReceiptShare(ledger, key, reference.period or None, amount, text)], str(ledger.id)

    def _remittance_shares(
        self,
        ref: RemittanceReference,
        amount: int,
        key: str,
        ledger_of: Callable[[UUID], PaymentLedger | None],
    ) -> tuple[list[ReceiptShare], str] | str:
        """特別徴収 納入: split over that month's 給与特別徴収 installments of the payer's employees."""
        fiscal_year = ref.year if ref.month >= 6 else ref.year - 1
        label = f"{ref.month}月分"
        shares = self._month_shares(
            self.index.assessments_collected_by(ref.payer_number, fiscal_year),
            CollectionMethod.SALARY,
            lambda line_label: line_label == label,
            key,
            f"特別徴収 {ref.payer_number} {label}",
            ledger_of,
        )
        return _month_receipt(
            shares,
            amount,
            "納入額が当月の特別徴収税額の合計と一致しません（個人別内訳の確認が必要）。",
            f"remittance:{ref.payer_number}:{label}",
        )

    def _month_shares(
        self,
        assessments: list[UUID],
        method: CollectionMethod,
        is_month: Callable[[str], bool],
        key: str,
        text: str,
        ledger_of: Callable[[UUID], PaymentLedger | None],
    ) -> list[ReceiptShare]:
        """One share per assessment: its installment of the month collected by ``method``, on its ledger."""
        shares: list[ReceiptShare] = []
        for aid in assessments:
            assessment: Assessment = self.app.repository.get(aid)
            for period, line in enumerate(assessment.installments, start=1):
                if line.method is method and is_month(line.label) and line.amount:
                    ledger = ledger_of(ledger_id(aid))
                    if ledger is not None:
                        shares.append(ReceiptShare(ledger, f"{key}:{ledger.id}", period, line.amount, text))
        return shares

    def _pension_shares(
        self,
        ref: RemittanceReference,
        amount: int,
        key: str,
        ledger_of: Callable[[UUID], PaymentLedger | None],
    ) -> tuple[list[ReceiptShare], str] | str:
        """年金特別徴収 納入 (地方税法 第321条の7の6): one person's share (宛名番号 given) goes to that person's
        installment of the month; an insurer's total is split over every 年金特別徴収 installment of the
        month, accepted only when it equals their sum (else the 個人別内訳 is needed)."""
        fiscal_year = ref.year if ref.month >= 4 else ref.year - 1  # 4月 仮徴収 … 翌2月
        prefix = f"{ref.month}月 "
        if ref.taxpayer_number:
            aid = assessment_id(taxpayer_id(ref.taxpayer_number), fiscal_year)
            candidates = [aid] if aid in self.app.repository else []
        else:
            candidates = self.index.assessments_collected_by(
                PENSION_COLLECTOR, fiscal_year, CollectionMethod.PENSION.value
            )
        shares = self._month_shares(
            candidates,
            CollectionMethod.PENSION,
            lambda line_label: line_label.startswith(prefix),
            key,
            f"年金特別徴収 {ref.payer_number} {ref.month}月分",
            ledger_of,
        )
        if ref.taxpayer_number:
            if len(shares) != 1:
                return f"宛名番号 {ref.taxpayer_number} に{ref.month}月の年金特別徴収の収納台帳がありません。"
            return _month_receipt(
                shares,
                amount,
                "個人別の納入額が当月の年金特別徴収税額と一致しません。",
                f"remittance:{ref.payer_number}:{ref.month}月分:{ref.taxpayer_number}",
            )
        return _month_receipt(
            shares,
            amount,
            "納入額が当月の年金特別徴収税額の合計と一致しません（個人別内訳の確認が必要）。",
            f"remittance:{ref.payer_number}:{ref.month}月分",
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
            reference=reference_key(receipt.reference),
            reason=reason,
            ctx=ctx,
        )
        if suspense.id in self.app.repository:
            chunk.duplicates.append(item.line)
            return
        chunk.add(suspense)
        chunk.quarantined.append(LineQuarantined(item.line, SUSPENSE_QUEUE, reason, str(suspense.id)))

    # -- 収納保留の解消 ---------------------------------------------------------------------------
    def _ledger_or_none(self, uuid: UUID) -> PaymentLedger | None:
        ledger: PaymentLedger | None = self.app.find(uuid)
        return ledger

    def _open_suspense(self, suspense: UUID) -> SuspenseReceipt:
        held: SuspenseReceipt = self.app.require(suspense, f"収納保留 {suspense} は存在しません。")
        if held.resolved:
            raise DomainError(f"収納保留 {suspense} は処理済みです。", code="resolved")
        return held

    def rematch_suspense(self, ctx: CommandContext) -> RematchResult:
        """再照合: match every open 収納保留 again against today's ledgers (a ledger opened after the money
        arrived, a remittance that now equals the month's installments after a 更正). A match is posted
        and the suspense resolved (消込) in one save; the rest stay held with their reason."""
        result = RematchResult()
        for row in self.index.suspense():
            held = self._open_suspense(UUID(row["suspense_id"]))
            reference = parse_reference_key(held.reference)
            matched = (
                self._match(
                    reference, held.amount, held.receipt_key, self._ledger_or_none, Channel(held.channel)
                )
                if reference is not None
                else "照合できる参照情報がありません（手作業で振替または還付してください）。"
            )
            if isinstance(matched, str):
                result.still_held += 1
                result.still_held_amount += held.amount
                continue
            shares, _ = matched
            if any(share.receipt_id in share.ledger.receipts for share in shares):
                result.duplicates.append(str(held.id))
                continue
            for share in shares:
                share.post(held.channel, held.paid_on, ctx)
            held.resolve(shares[0].ledger.id, "消込", ctx, reason="再照合で収納台帳と一致")
            self.app.save(*(share.ledger for share in shares), held)
            result.posted += 1
            result.posted_amount += held.amount
        return result

    def assign_suspense(
        self,
        suspense: UUID,
        *,
        fiscal_year: int,
        notice_number: str,
        period: int | None,
        reason: str,
        ctx: CommandContext,
    ) -> PaymentLedger:
        """振替: a clerk posts a held receipt to the ledger they identified (with the reason)."""
        if not reason.strip():
            raise DomainError("振替の理由を入力してください。", code="missing_reason")
        held = self._open_suspense(suspense)
        ledger_uuid = self.index.ledger_by_notice(fiscal_year, notice_number)
        ledger = self._ledger_or_none(ledger_uuid) if ledger_uuid else None
        if ledger is None:
            raise DomainError(
                f"{fiscal_year}年度 通知書番号 {notice_number} の収納台帳がありません。", code="not_found"
            )
        if period is not None and period not in {c.period for c in ledger.charges}:
            raise DomainError(f"期別 {period} はこの収納台帳にありません。", code="invalid_period")
        if not ledger.receive(
            receipt_id=held.receipt_key,
            channel=held.channel,
            paid_on=held.paid_on,
            amount=held.amount,
            reference=f"収納保留から振替（{reason}）",
            period=period,
            ctx=ctx,
        ):
            raise DomainError("この収納はすでに収納台帳に計上されています。", code="duplicate")
        held.resolve(ledger.id, "消込", ctx, reason=reason)
        self.app.save(ledger, held)
        return ledger

    def refund_suspense(self, suspense: UUID, *, reason: str, ctx: CommandContext) -> SuspenseReceipt:
        """還付: a held receipt that belongs to no ledger is paid back to the payer (窓口 or transfer)."""
        if not reason.strip():
            raise DomainError("還付の理由を入力してください。", code="missing_reason")
        held = self._open_suspense(suspense)
        held.resolve(None, "還付", ctx, reason=reason)
        self.app.save(held)
        return held


ALREADY_PAID = "当月分がすでに納入済みの者を含みます（個人別内訳との二重納入の可能性）。"


def _month_receipt(
    shares: list[ReceiptShare], amount: int, mismatch: str, reference: str
) -> tuple[list[ReceiptShare], str] | str:
    """A month's 特別徴収 receipt: accepted with ``reference`` when it equals the sum of its shares and
    none of them is paid yet; else why not (→ 収納保留)."""
    if not shares or sum(share.amount for share in shares) != amount:
        return mismatch
    if _already_paid(shares):
        return ALREADY_PAID
    return shares, reference


def _already_paid(shares: list[ReceiptShare]) -> bool:
    """A remittance share whose month is already (partly) paid by another receipt: posting it would count
    the same deduction twice (e.g. an insurer's total after its 個人別内訳), so the receipt is held instead.
    A share already posted under this very receipt is a duplicate, not a conflict."""
    return any(
        share.receipt_id not in share.ledger.receipts
        and share.period is not None
        and share.ledger.tax_outstanding(share.period) < share.amount
        for share in shares
    )


@dataclass(frozen=True)
class ReceiptShare:
    """The part of one receipt that goes to one ledger (a remittance is split over many)."""

    ledger: PaymentLedger
    receipt_id: str
    period: int | None
    amount: int
    reference: str

    def post(self, channel: str, paid_on: date, ctx: CommandContext) -> None:
        self.ledger.receive(
            receipt_id=self.receipt_id,
            channel=channel,
            paid_on=paid_on,
            amount=self.amount,
            reference=self.reference,
            period=self.period,
            ctx=ctx,
        )


@dataclass
class RematchResult:
    posted: int = 0
    posted_amount: int = 0
    still_held: int = 0
    still_held_amount: int = 0
    duplicates: list[str] = field(default_factory=list)


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

    def refund_failed(
        self,
        fiscal_year: int,
        notice_number: str,
        amount: int,
        reason: str,
        ctx: CommandContext,
        returned: bool = True,
    ) -> PaymentLedger:
        """還付不能の受入: a 総合振込 that came back (振込不能: account closed, name differs …) or a 還付決定
        withdrawn; the amount is held again and the next ``settle`` re-handles it (充当, else 還付 again —
        at the counter if the account is gone)."""
        if not reason.strip():
            raise DomainError("還付不能の理由を入力してください。", code="missing_reason")
        uuid = self.index.ledger_by_notice(fiscal_year, notice_number)
        if uuid is None:
            raise DomainError(
                f"{fiscal_year}年度 通知書番号 {notice_number} の収納台帳がありません。", code="not_found"
            )
        ledger: PaymentLedger = self.app.repository.get(uuid)
        ledger.refund_failed(amount, reason, ctx, returned=returned)
        self.app.save(ledger)
        return ledger

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


class Dunning(NamedTuple):
    """One 督促 issued: the ledger, 期別, unpaid 本税, whether past the 20-day limit, and its 督促状."""

    ledger: PaymentLedger
    period: int
    unpaid: int
    after_20_days: bool
    document: IssuedDocument | None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class CollectionQueries:
    """収納状況照会 for one taxpayer and 年度 (journaled: who paid what and when is personal data)."""

    def __init__(self, app: JuminzeiApplication, index: CollectionIndex) -> None:
        self.app = app
        self.index = index

    def status(self, address_number: str, fiscal_year: int, ctx: CommandContext) -> dict[str, Any]:
        tid = taxpayer_id(address_number)
        ledger: PaymentLedger = self.app.require(
            ledger_id(assessment_id(tid, fiscal_year)),
            f"宛名番号 {address_number} の{fiscal_year}年度の収納台帳がありません。",
        )
        self.app.save(
            AccessRecord.record_view(
                action="payments.show",
                subject_ids=(tid,),
                items=("収納状況", "期別納付額", "延滞金", "過誤納金"),
                criteria=("address_number", "fiscal_year"),
                ctx=ctx,
            )
        )
        periods = [
            {
                "period": c.period,
                "label": c.label,
                "method": c.method,
                "due_date": c.due_date.isoformat() if c.due_date else None,
                "amount": c.amount,
                "tax_paid": ledger.tax_paid.get(c.period, 0),
                "tax_outstanding": ledger.tax_outstanding(c.period),
                "late_fee_due": ledger.fees_due.get(c.period, 0),
                "late_fee_paid": ledger.fees_paid.get(c.period, 0),
                "paid_on": _iso(ledger.period_paid_on.get(c.period)),
                "dunned": c.period in ledger.dunned,
            }
            for c in ledger.charges
        ]
        return {
            "fiscal_year": fiscal_year,
            "notice_number": ledger.notice_number,
            "periods": periods,
            "received": ledger.received,
            "allocated": ledger.allocated,
            "held": ledger.held,
            "appropriated_in": ledger.appropriated_in,
            "appropriated_out": ledger.appropriated_out,
            "refund_determined": ledger.refund_determined,
            "refund_paid": ledger.refund_paid,
            "carried_forward": ledger.carried_forward,
            "conserved": ledger.conserved,
        }


class ArrearsService:
    """延滞金, 督促, 決算 (滞納繰越)."""

    def __init__(
        self, app: JuminzeiApplication, index: CollectionIndex, documents: DocumentService | None = None
    ) -> None:
        self.app = app
        self.index = index
        self.documents = documents

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

    def dunning(self, as_of: date, ctx: CommandContext) -> list[Dunning]:
        """督促 (地方税法 第329条): one 督促 per unpaid overdue 普通徴収 installment; ``after_20_days`` if past the
        20-day limit. With a document service, each 督促 gets its 督促状 (unpaid 本税, 延滞金 to ``as_of`` from
        the engine, 指定期限, a 納付書), recorded on the assessment and saved with the ledger in one commit."""
        from domain.taxrules.late_fee import compute_late_fee

        issued: list[Dunning] = []
        batch: list[Any] = []
        for uuid in self.index.ledgers():
            ledger: PaymentLedger = self.app.repository.get(uuid)
            assessment: Assessment | None = None
            for charge in ledger.charges:
                if charge.method != "普通徴収":
                    continue
                unpaid = ledger.tax_outstanding(charge.period)
                if not ledger.dun(charge.period, as_of, ctx):
                    continue
                assert charge.due_date is not None
                document = None
                if self.documents is not None:
                    if assessment is None:
                        assessment = self.app.repository.get(ledger.assessment_id)
                    document = self.documents.dunning_notice(
                        assessment,
                        period=charge.period,
                        label=charge.label,
                        original_due_date=charge.due_date,
                        unpaid_tax=unpaid,
                        late_fee=compute_late_fee(unpaid, charge.due_date, as_of).late_fee,
                        issue_date=as_of,
                        ctx=ctx,
                    )
                issued.append(
                    Dunning(ledger, charge.period, unpaid, (as_of - charge.due_date).days > 20, document)
                )
            if issued and issued[-1].ledger is ledger:
                batch.append(ledger)  # with its assessment: the 督促 and its 督促状 commit together
                if assessment is not None:
                    batch.append(assessment)
            if len(batch) >= 200:
                self.app.save(*batch)
                batch = []
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
