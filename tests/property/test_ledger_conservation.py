"""Ledger conservation under any sequence of commands (hypothesis state machine).

received + appropriated_in == allocated + held + appropriated_out + refund_determined, always; paid never
exceeds a charge; nothing goes negative; the ledger rebuilt from its events equals the live one.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.collection.ledger import Charge, PaymentLedger
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose

CTX = CommandContext(actor="clerk", purpose=Purpose.COLLECTION, command_id="sm")
amounts = st.integers(min_value=1, max_value=200_000)


def charges(values: list[int]) -> tuple[Charge, ...]:
    dues = [date(2026, 6, 30), date(2026, 8, 31), date(2026, 11, 2), date(2027, 2, 1)]
    return tuple(Charge(i + 1, f"第{i + 1}期", dues[i], v) for i, v in enumerate(values))


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledger = PaymentLedger.open(
            assessment_id=uuid4(),
            taxpayer_id=uuid4(),
            fiscal_year=2026,
            notice_number="26000000001",
            charges=charges([40_000, 30_000, 30_000, 30_000]),
            ctx=CTX,
        )
        self.receipts = 0
        self.events: list[object] = list(self.ledger.collect_events())

    def _collect(self) -> None:
        self.events.extend(self.ledger.collect_events())

    @rule(
        amount=amounts,
        period=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
        fees_first=st.booleans(),
        duplicate=st.booleans(),
    )
    def receive(self, amount: int, period: int | None, fees_first: bool, duplicate: bool) -> None:
        if not duplicate or self.receipts == 0:
            self.receipts += 1
        self.ledger.receive(
            receipt_id=f"r{self.receipts}",
            channel="窓口",
            paid_on=date(2026, 7, 1),
            amount=amount,
            reference="test",
            period=period,
            ctx=CTX,
            fees_first=fees_first,
        )
        self._collect()

    @rule(values=st.lists(st.integers(min_value=0, max_value=80_000), min_size=4, max_size=4))
    def repost(self, values: list[int]) -> None:
        self.ledger.repost(charges(values), "更正", CTX)
        self._collect()

    @rule(period=st.integers(min_value=1, max_value=4), fee=st.integers(min_value=0, max_value=10_000))
    def late_fee(self, period: int, fee: int) -> None:
        self.ledger.assess_late_fee(period, fee, date(2026, 12, 1), CTX)
        self._collect()

    @rule(fees_first=st.booleans())
    def apply_held(self, fees_first: bool) -> None:
        self.ledger.apply_held(CTX, fees_first)
        self._collect()

    @rule(amount=amounts)
    def appropriate_out(self, amount: int) -> None:
        try:
            self.ledger.appropriate_out(amount, UUID(int=1), "他年度へ充当", CTX)
        except DomainError:
            assert amount > self.ledger.held
        self._collect()

    @rule(amount=amounts)
    def appropriate_in(self, amount: int) -> None:
        self.ledger.appropriate_in(amount, UUID(int=2), CTX)
        self._collect()

    @rule(amount=amounts, interest=st.integers(min_value=0, max_value=5_000))
    def refund(self, amount: int, interest: int) -> None:
        try:
            self.ledger.determine_refund(amount, interest, "過誤納", CTX)
        except DomainError:
            assert amount > self.ledger.held
        self._collect()

    @rule(amount=amounts)
    def pay_refund(self, amount: int) -> None:
        try:
            self.ledger.pay_refund(amount, "総合振込", date(2026, 9, 10), CTX)
        except DomainError:
            assert amount > self.ledger.refund_determined - self.ledger.refund_paid
        self._collect()

    @rule(amount=amounts, returned=st.booleans())
    def refund_failed(self, amount: int, returned: bool) -> None:
        led = self.ledger
        try:
            led.refund_failed(amount, "振込不能", CTX, returned=returned)
        except DomainError:
            assert amount > (led.refund_paid if returned else led.refund_determined - led.refund_paid)
        self._collect()

    @invariant()
    def conserved(self) -> None:
        led = self.ledger
        assert led.conserved
        assert led.held >= 0 and led.refund_determined >= 0 and led.allocated >= 0
        assert 0 <= led.refund_paid <= led.refund_determined, "never more paid out than determined"
        for c in led.charges:
            assert 0 <= led.tax_paid.get(c.period, 0) <= c.amount
        assert all(paid >= 0 for paid in led.fees_paid.values())

    @invariant()
    def replays_identically(self) -> None:
        replayed = None
        for event in self.events:
            replayed = event.mutate(replayed)  # type: ignore[attr-defined]
        assert replayed is not None
        for name in (
            "received",
            "allocated",
            "held",
            "appropriated_in",
            "appropriated_out",
            "refund_determined",
            "refund_paid",
        ):
            assert getattr(replayed, name) == getattr(self.ledger, name)


LedgerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestLedgerConservation = LedgerMachine.TestCase
