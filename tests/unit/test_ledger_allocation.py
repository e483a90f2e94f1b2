"""消込 order and overpayment handling (documented default: 本税 oldest first, then 延滞金)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain.collection.ledger import FEE, TAX, Allocation, Charge, PaymentLedger, allocate
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose

CTX = CommandContext(actor="clerk", purpose=Purpose.COLLECTION, command_id="c")
CHARGES = (
    Charge(1, "第1期", date(2026, 6, 30), 10_000),
    Charge(2, "第2期", date(2026, 8, 31), 10_000),
)


def test_tax_of_the_oldest_installment_first_then_fees() -> None:
    allocations, rest = allocate(25_000, CHARGES, {}, {1: 1_000}, {})
    assert allocations == (Allocation(1, TAX, 10_000), Allocation(2, TAX, 10_000), Allocation(1, FEE, 1_000))
    assert rest == 4_000


def test_fees_first_per_installment_when_configured() -> None:
    allocations, _ = allocate(10_500, CHARGES, {}, {1: 1_000}, {}, fees_first=True)
    assert allocations[0] == Allocation(1, FEE, 1_000) and allocations[1] == Allocation(1, TAX, 9_500)


def test_a_slip_payment_goes_to_its_installment_and_the_rest_is_held() -> None:
    ledger = PaymentLedger.open(
        assessment_id=uuid4(),
        taxpayer_id=uuid4(),
        fiscal_year=2026,
        notice_number="26000000001",
        charges=CHARGES,
        ctx=CTX,
    )
    assert ledger.receive(
        receipt_id="r1",
        channel="コンビニ",
        paid_on=date(2026, 8, 1),
        amount=12_000,
        reference="slip",
        period=2,
        ctx=CTX,
    )
    assert ledger.tax_paid == {2: 10_000} and ledger.held == 2_000 and ledger.conserved
    assert not ledger.receive(
        receipt_id="r1",
        channel="コンビニ",
        paid_on=date(2026, 8, 1),
        amount=12_000,
        reference="slip",
        period=2,
        ctx=CTX,
    ), "duplicate receipt"
    assert ledger.apply_held(CTX) == 2_000 and ledger.tax_paid == {1: 2_000, 2: 10_000} and ledger.held == 0


def test_downward_correction_turns_the_excess_into_an_overpayment() -> None:
    ledger = PaymentLedger.open(
        assessment_id=uuid4(),
        taxpayer_id=uuid4(),
        fiscal_year=2026,
        notice_number="26000000001",
        charges=CHARGES,
        ctx=CTX,
    )
    ledger.receive(
        receipt_id="r1",
        channel="窓口",
        paid_on=date(2026, 6, 1),
        amount=20_000,
        reference="x",
        period=None,
        ctx=CTX,
    )
    ledger.repost(
        (Charge(1, "第1期", date(2026, 6, 30), 6_000), Charge(2, "第2期", date(2026, 8, 31), 6_000)),
        "更正（減額）",
        CTX,
    )
    assert ledger.held == 8_000 and ledger.tax_outstanding() == 0 and ledger.conserved
    ledger.determine_refund(8_000, 0, "過誤納", CTX)
    assert ledger.held == 0 and ledger.refund_determined == 8_000 and ledger.conserved
