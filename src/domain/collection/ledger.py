"""PaymentLedger aggregate (収納): one per assessment — charges, receipts, 消込, 延滞金, 過誤納, 還付・充当.

Conservation is an invariant at every version (tested by a hypothesis state machine):

    received + appropriated_in == allocated + held + appropriated_out + refund_determined

Every yen received is allocated to a charge (本税 or 延滞金), held as an overpayment (過誤納金) awaiting
充当 or 還付, appropriated to another charge of the same taxpayer, or determined for refund. A failed refund
returns to held. Charges are re-posted on 更正 with the history kept as events; a downward 更正 that leaves
payments above the new charge turns the excess into held overpayment.

Allocation order (地方税法 第14条の… 充当順位 is set by 条例/運用; documented default): 本税 of the oldest
installment first, then the next installment's 本税, then 延滞金 in the same order. ``fees_first`` reverses
本税 and 延滞金 per installment.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id

TAX = "本税"
FEE = "延滞金"


@dataclass(frozen=True)
class Charge:
    """期別の調定: period number, label, legal due date (None when withheld), amount."""

    period: int
    label: str
    due_date: date | None
    amount: int
    method: str = "普通徴収"  # 普通徴収 | 給与特別徴収 | 年金特別徴収 (who pays it)


@dataclass(frozen=True)
class Allocation:
    """消込: how much of a receipt went to which period's 本税 or 延滞金."""

    period: int
    kind: str  # 本税 | 延滞金
    amount: int


def ledger_id(assessment_id: UUID) -> UUID:
    return deterministic_id("payment-ledger", str(assessment_id))


def allocate(
    amount: int,
    charges: tuple[Charge, ...],
    tax_paid: dict[int, int],
    fees_due: dict[int, int],
    fees_paid: dict[int, int],
    *,
    fees_first: bool = False,
    only_period: int | None = None,
) -> tuple[tuple[Allocation, ...], int]:
    """Allocate ``amount`` to what is outstanding; return the allocations and the unallocated rest.

    ``only_period`` restricts allocation to one installment (a slip names its 期別); the rest is held.
    """
    ordered = sorted(charges, key=lambda c: (c.due_date or date.max, c.period))
    if only_period is not None:
        ordered = [c for c in ordered if c.period == only_period]
    buckets: list[tuple[int, str, int]] = []
    for c in ordered:
        tax_open = max(c.amount - tax_paid.get(c.period, 0), 0)
        fee_open = max(fees_due.get(c.period, 0) - fees_paid.get(c.period, 0), 0)
        pair = (
            [(c.period, FEE, fee_open), (c.period, TAX, tax_open)]
            if fees_first
            else [(c.period, TAX, tax_open)]
        )
        buckets.extend(pair)
    if not fees_first:
        buckets.extend(
            (c.period, FEE, max(fees_due.get(c.period, 0) - fees_paid.get(c.period, 0), 0)) for c in ordered
        )
    left = amount
    result: list[Allocation] = []
    for period, kind, open_amount in buckets:
        if left <= 0:
            break
        take = min(open_amount, left)
        if take > 0:
            result.append(Allocation(period, kind, take))
            left -= take
    return tuple(result), left


class PaymentLedger(Aggregate):
    """収納台帳 (one per 賦課)."""

    TOPIC = "juminzei.collection.PaymentLedger"

    class Event(AuditedEvent):
        def _apply_allocations(self, aggregate: "PaymentLedger", allocations: tuple[Allocation, ...]) -> None:
            for a in allocations:
                target = aggregate.tax_paid if a.kind == TAX else aggregate.fees_paid
                target[a.period] = target.get(a.period, 0) + a.amount
                aggregate.allocated += a.amount

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.collection.PaymentLedger.Created"

    class Opened(Created):
        """調定: the installments levied (期別税額・納期限)."""

        TOPIC = "juminzei.collection.Opened"
        assessment_id: UUID
        taxpayer_id: UUID
        fiscal_year: int
        notice_number: str
        charges: tuple[Charge, ...]
        assessment_version: int

    class ChargesReposted(Event):
        """更正後の調定: new charges; payments above a lowered charge become held overpayment."""

        TOPIC = "juminzei.collection.ChargesReposted"
        charges: tuple[Charge, ...]
        reason: str
        released_to_held: tuple[Allocation, ...]
        assessment_version: int

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.charges = self.charges
            aggregate.assessment_version = self.assessment_version
            for a in self.released_to_held:
                aggregate.tax_paid[a.period] -= a.amount
                aggregate.allocated -= a.amount
                aggregate.held += a.amount

    class PaymentReceived(Event):
        """収納: a receipt on this ledger (channel, date, amount, reference) and its 消込."""

        TOPIC = "juminzei.collection.PaymentReceived"
        receipt_id: str
        channel: str
        paid_on: date
        amount: int
        reference: str
        allocations: tuple[Allocation, ...]
        held: int

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.received += self.amount
            self._apply_allocations(aggregate, self.allocations)
            aggregate.held += self.held
            aggregate.receipts = (*aggregate.receipts, self.receipt_id)
            aggregate.last_paid_on = max(aggregate.last_paid_on or self.paid_on, self.paid_on)
            for a in self.allocations:
                if a.kind == TAX:
                    aggregate.period_paid_on[a.period] = self.paid_on

    class LateFeeAssessed(Event):
        """延滞金 (地方税法 第326条) for one installment as of a date."""

        TOPIC = "juminzei.collection.LateFeeAssessed"
        period: int
        amount: int
        as_of: date

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.fees_due[self.period] = self.amount

    class HeldAllocated(Event):
        """保留額の充当 within the ledger (e.g. after a new charge or fee)."""

        TOPIC = "juminzei.collection.HeldAllocated"
        allocations: tuple[Allocation, ...]

        def apply(self, aggregate: "PaymentLedger") -> None:
            total = sum(a.amount for a in self.allocations)
            aggregate.held -= total
            self._apply_allocations(aggregate, self.allocations)

    class AppropriatedOut(Event):
        """充当 (地方税法 第17条の2): held overpayment applied to another ledger of the same taxpayer."""

        TOPIC = "juminzei.collection.AppropriatedOut"
        amount: int
        to_ledger: UUID
        reason: str

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.held -= self.amount
            aggregate.appropriated_out += self.amount

    class AppropriatedIn(Event):
        """充当を受けた額 and its 消込."""

        TOPIC = "juminzei.collection.AppropriatedIn"
        amount: int
        from_ledger: UUID
        allocations: tuple[Allocation, ...]
        held: int

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.appropriated_in += self.amount
            self._apply_allocations(aggregate, self.allocations)
            aggregate.held += self.held

    class RefundDetermined(Event):
        """還付の決定 (地方税法 第17条): the amount and 還付加算金 (paid on top, not from the ledger)."""

        TOPIC = "juminzei.collection.RefundDetermined"
        amount: int
        interest: int
        reason: str

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.held -= self.amount
            aggregate.refund_determined += self.amount

    class RefundPaid(Event):
        """還付の支払 (総合振込 or 窓口)."""

        TOPIC = "juminzei.collection.RefundPaid"
        amount: int
        method: str
        paid_on: date

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.refund_paid += self.amount

    class DunningIssued(Event):
        """督促状の発付 (地方税法 第329条: 納期限後20日以内)."""

        TOPIC = "juminzei.collection.DunningIssued"
        period: int
        amount: int
        issued_on: date

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.dunned = (*aggregate.dunned, self.period)

    class CarriedForward(Event):
        """滞納繰越 at 決算 (出納閉鎖): the 年度's unpaid 本税 carried into the next 年度's books."""

        TOPIC = "juminzei.collection.CarriedForward"
        amount: int
        into_fiscal_year: int

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.carried_forward = self.amount

    class RefundFailed(Event):
        """振込不能 etc.: the refund returns to held for re-handling. ``returned``: a transfer already paid came
        back (the payment is undone too), else an unpaid determination is withdrawn."""

        TOPIC = "juminzei.collection.RefundFailed"
        amount: int
        reason: str
        returned: bool = False  # absent on events recorded before returns were modelled

        def apply(self, aggregate: "PaymentLedger") -> None:
            aggregate.refund_determined -= self.amount
            aggregate.held += self.amount
            if self.returned:
                aggregate.refund_paid -= self.amount

    def __init__(
        self,
        assessment_id: UUID,
        taxpayer_id: UUID,
        fiscal_year: int,
        notice_number: str,
        charges: tuple[Charge, ...],
        assessment_version: int,
        **_: Any,
    ) -> None:
        self.assessment_id = assessment_id
        self.assessment_version = assessment_version
        self.taxpayer_id = taxpayer_id
        self.fiscal_year = fiscal_year
        self.notice_number = notice_number
        self.charges = charges
        self.tax_paid: dict[int, int] = {}
        self.fees_due: dict[int, int] = {}
        self.fees_paid: dict[int, int] = {}
        self.received = 0
        self.allocated = 0
        self.held = 0
        self.appropriated_in = 0
        self.appropriated_out = 0
        self.refund_determined = 0
        self.receipts: tuple[str, ...] = ()
        self.last_paid_on: date | None = None
        self.refund_paid = 0
        #: The last day money reached each installment's 本税 (for 延滞金 on late payments).
        self.period_paid_on: dict[int, date] = {}
        self.dunned: tuple[int, ...] = ()
        self.carried_forward = 0

    # -- invariants and views ---------------------------------------------------------------------
    @property
    def conserved(self) -> bool:
        """Every yen received is allocated, held, appropriated or determined for refund."""
        return self.received + self.appropriated_in == (
            self.allocated + self.held + self.appropriated_out + self.refund_determined
        )

    def tax_outstanding(self, period: int | None = None) -> int:
        return sum(
            max(c.amount - self.tax_paid.get(c.period, 0), 0)
            for c in self.charges
            if period is None or c.period == period
        )

    def fees_outstanding(self) -> int:
        return sum(max(v - self.fees_paid.get(p, 0), 0) for p, v in self.fees_due.items())

    # -- commands ----------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        *,
        assessment_id: UUID,
        taxpayer_id: UUID,
        fiscal_year: int,
        notice_number: str,
        charges: tuple[Charge, ...],
        ctx: CommandContext,
        assessment_version: int = 1,
    ) -> "PaymentLedger":
        return cls._create(
            cls.Opened,
            id=ledger_id(assessment_id),
            assessment_id=assessment_id,
            taxpayer_id=taxpayer_id,
            fiscal_year=fiscal_year,
            notice_number=notice_number,
            charges=charges,
            assessment_version=assessment_version,
            **ctx.event_fields(),
        )

    def receive(
        self,
        *,
        receipt_id: str,
        channel: str,
        paid_on: date,
        amount: int,
        reference: str,
        period: int | None,
        ctx: CommandContext,
        fees_first: bool = False,
    ) -> bool:
        """Post a receipt and allocate it. A repeated receipt id is a duplicate: returns False."""
        if amount <= 0:
            raise DomainError("収納額は1円以上です。", code="invalid_amount")
        if receipt_id in self.receipts:
            return False
        allocations, rest = allocate(
            amount,
            self.charges,
            self.tax_paid,
            self.fees_due,
            self.fees_paid,
            fees_first=fees_first,
            only_period=period,
        )
        self.trigger_event(
            self.PaymentReceived,
            receipt_id=receipt_id,
            channel=channel,
            paid_on=paid_on,
            amount=amount,
            reference=reference,
            allocations=allocations,
            held=rest,
            **ctx.event_fields(),
        )
        return True

    def repost(
        self, charges: tuple[Charge, ...], reason: str, ctx: CommandContext, assessment_version: int = 0
    ) -> None:
        released = []
        by_period = {c.period: c.amount for c in charges}
        for period, paid in sorted(self.tax_paid.items()):
            excess = paid - by_period.get(period, 0)
            if excess > 0:
                released.append(Allocation(period, TAX, excess))
        self.trigger_event(
            self.ChargesReposted,
            charges=charges,
            reason=reason,
            released_to_held=tuple(released),
            assessment_version=assessment_version or self.assessment_version,
            **ctx.event_fields(),
        )

    def assess_late_fee(self, period: int, amount: int, as_of: date, ctx: CommandContext) -> None:
        if amount < 0:
            raise DomainError("延滞金は0円以上です。", code="invalid_amount")
        if self.fees_due.get(period) == amount:
            return
        self.trigger_event(
            self.LateFeeAssessed, period=period, amount=amount, as_of=as_of, **ctx.event_fields()
        )

    def apply_held(self, ctx: CommandContext, fees_first: bool = False) -> int:
        if self.held <= 0:
            return 0
        allocations, _ = allocate(
            self.held, self.charges, self.tax_paid, self.fees_due, self.fees_paid, fees_first=fees_first
        )
        if allocations:
            self.trigger_event(self.HeldAllocated, allocations=allocations, **ctx.event_fields())
        return sum(a.amount for a in allocations)

    def appropriate_out(self, amount: int, to_ledger: UUID, reason: str, ctx: CommandContext) -> None:
        if not 0 < amount <= self.held:
            raise DomainError("充当額が過誤納金の額を超えています。", code="too_much")
        self.trigger_event(
            self.AppropriatedOut, amount=amount, to_ledger=to_ledger, reason=reason, **ctx.event_fields()
        )

    def appropriate_in(self, amount: int, from_ledger: UUID, ctx: CommandContext) -> None:
        allocations, rest = allocate(amount, self.charges, self.tax_paid, self.fees_due, self.fees_paid)
        self.trigger_event(
            self.AppropriatedIn,
            amount=amount,
            from_ledger=from_ledger,
            allocations=allocations,
            held=rest,
            **ctx.event_fields(),
        )

    def determine_refund(self, amount: int, interest: int, reason: str, ctx: CommandContext) -> None:
        if not 0 < amount <= self.held:
            raise DomainError("還付額が過誤納金の額を超えています。", code="too_much")
        self.trigger_event(
            self.RefundDetermined, amount=amount, interest=interest, reason=reason, **ctx.event_fields()
        )

    def pay_refund(self, amount: int, method: str, paid_on: date, ctx: CommandContext) -> None:
        if not 0 < amount <= self.refund_determined - self.refund_paid:
            raise DomainError("支払額が未払の還付決定額を超えています。", code="too_much")
        self.trigger_event(
            self.RefundPaid, amount=amount, method=method, paid_on=paid_on, **ctx.event_fields()
        )

    def dun(self, period: int, issued_on: date, ctx: CommandContext) -> bool:
        """督促: once per installment, only while 本税 is unpaid after its 納期限."""
        charge = next((c for c in self.charges if c.period == period), None)
        if charge is None or charge.due_date is None or period in self.dunned:
            return False
        unpaid = self.tax_outstanding(period)
        if unpaid <= 0 or issued_on <= charge.due_date:
            return False
        self.trigger_event(
            self.DunningIssued, period=period, amount=unpaid, issued_on=issued_on, **ctx.event_fields()
        )
        return True

    def carry_forward(self, into_fiscal_year: int, ctx: CommandContext) -> int:
        unpaid = self.tax_outstanding()
        if unpaid == self.carried_forward:
            return 0
        self.trigger_event(
            self.CarriedForward, amount=unpaid, into_fiscal_year=into_fiscal_year, **ctx.event_fields()
        )
        return unpaid

    def refund_failed(self, amount: int, reason: str, ctx: CommandContext, returned: bool = False) -> None:
        """還付不能: the amount goes back to held (then 充当 or 還付 again). ``returned``: a paid 振込 came back
        (at most what was paid); otherwise an unpaid 還付決定 is withdrawn (at most what is unpaid)."""
        limit = self.refund_paid if returned else self.refund_determined - self.refund_paid
        if not 0 < amount <= limit:
            what = "支払済みの還付額" if returned else "未払の還付決定額"
            raise DomainError(f"還付不能額が{what}を超えています。", code="too_much")
        self.trigger_event(
            self.RefundFailed, amount=amount, reason=reason, returned=returned, **ctx.event_fields()
        )


def with_amount(charge: Charge, amount: int) -> Charge:
    return replace(charge, amount=amount)
