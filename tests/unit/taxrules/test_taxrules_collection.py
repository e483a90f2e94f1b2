"""Installments, 延滞金 and 納期限 adjustment (notes A.10, A.11)."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.jp_calendar import is_public_holiday_or_closed, legal_due_date
from domain.taxrules import installments
from domain.taxrules.due_dates import adjust_due_date, is_closed_without_holidays
from domain.taxrules.late_fee import compute_late_fee, one_month_after


def amounts(items: list[installments.Installment]) -> list[int]:
    return [i.amount for i in items]


def test_salary_special_collection_remainder_in_june() -> None:
    """[T] 172,500 → June 15,200, July–May 14,300."""
    got = installments.salary(172_500, 2026)
    assert amounts(got) == [15_200] + [14_300] * 11
    assert got[0].label == "6月分" and got[-1].label == "5月分"


def test_salary_r6_june_zero() -> None:
    """令和6年度 (定額減税): June 0, 11 installments July–May [V]."""
    got = installments.salary(110_000, 2024)
    assert amounts(got)[0] == 0 and sum(amounts(got)) == 110_000 and len(got) == 12
    assert amounts(got)[1:] == [10_000] * 11


def test_ordinary_1000_yen_units_first_installment_remainder() -> None:
    got = installments.ordinary(172_500, 2026, is_closed=is_public_holiday_or_closed)
    assert amounts(got) == [43_500, 43_000, 43_000, 43_000]
    # 10/31/2026 is a Saturday → 11/2; 1/31/2027 is a Sunday → 2/1
    assert [i.due_date for i in got] == [
        date(2026, 6, 30),
        date(2026, 8, 31),
        date(2026, 11, 2),
        date(2027, 2, 1),
    ]


def test_ordinary_unit_is_configuration() -> None:
    from dataclasses import replace

    from domain.taxrules.params import TOKYO_SPECIAL_WARD

    kama = replace(TOKYO_SPECIAL_WARD, ordinary_unit=100)
    assert amounts(installments.ordinary(6_000, 2026, kama)) == [1_500] * 4  # 嘉麻市 [V]


def test_pension_tomika_worked_schedule() -> None:
    """富加町 [V]: N 60,000 → 10,000×6; N+1 36,000 → 仮 10,000×3, 本 2,000×3; N+2 60,000 → 6,000×3, 14,000×3."""
    first = installments.pension(60_000, 2026, first_year=True)
    assert amounts(first) == [15_000, 15_000, 10_000, 10_000, 10_000]
    assert first[0].due_date is not None and first[2].due_date is None
    n1 = installments.pension(36_000, 2027, previous_pension_tax=60_000)
    assert amounts(n1) == [10_000] * 3 + [2_000] * 3
    n2 = installments.pension(60_000, 2028, previous_pension_tax=36_000)
    assert amounts(n2) == [6_000] * 3 + [14_000] * 3
    n3 = installments.pension(60_000, 2029, previous_pension_tax=60_000)
    assert amounts(n3) == [10_000] * 6


def test_pension_provisional_capped_when_tax_falls() -> None:
    got = installments.pension(12_000, 2027, previous_pension_tax=60_000)
    assert amounts(got) == [10_000, 2_000, 0, 0, 0, 0]


def test_due_date_adjustment() -> None:
    assert legal_due_date(date(2027, 1, 1)) == date(2027, 1, 4)  # 1/1–1/3 closed, then Monday
    assert legal_due_date(date(2025, 5, 3)) == date(2025, 5, 7)  # Golden Week
    assert legal_due_date(date(2026, 6, 30)) == date(2026, 6, 30)
    assert legal_due_date(date(2025, 12, 29)) == date(2026, 1, 5)
    assert adjust_due_date(date(2026, 10, 31), is_closed_without_holidays) == date(2026, 11, 2)


def test_late_fee_first_month_boundary() -> None:
    """Day counting [V]: 納期限 9/1 → first band 9/2–10/1 = 30 days."""
    fee = compute_late_fee(100_000, date(2025, 9, 1), date(2025, 10, 1))
    assert len(fee.segments) == 1 and fee.segments[0].days == 30
    assert one_month_after(date(2025, 1, 31)) == date(2025, 2, 28)


def test_late_fee_segments_and_truncation() -> None:
    fee = compute_late_fee(100_500, date(2025, 10, 31), date(2026, 3, 15))
    # base 100,000; 11/1–11/30 2.4 %; 12/1–12/31 8.7 %; 2026-01-01–03-15 9.1 %
    assert [s.days for s in fee.segments] == [30, 31, 74]
    assert [s.amount for s in fee.segments] == [
        100_000 * 24 * 30 // (1000 * 365),
        100_000 * 87 * 31 // (1000 * 365),
        100_000 * 91 * 74 // (1000 * 365),
    ]
    assert fee.late_fee == sum(s.amount for s in fee.segments) // 100 * 100
    assert fee.to_dict()["segments"][2]["rate"] == "9.1%"  # type: ignore[index]


def test_late_fee_first_month_spanning_new_year() -> None:
    fee = compute_late_fee(1_000_000, date(2025, 12, 15), date(2026, 2, 20))
    assert [(s.start, s.end, str(s.rate)) for s in fee.segments] == [
        (date(2025, 12, 16), date(2025, 12, 31), "3/125"),
        (date(2026, 1, 1), date(2026, 1, 15), "7/250"),
        (date(2026, 1, 16), date(2026, 2, 20), "91/1000"),
    ]


@pytest.mark.parametrize(
    ("tax", "paid", "expected"),
    [(1_999, date(2026, 12, 31), 0), (50_000, date(2025, 12, 1), 0), (50_000, date(2025, 9, 1), 0)],
)
def test_late_fee_minimums(tax: int, paid: date, expected: int) -> None:
    """< 2,000円 本税 → none; total < 1,000円 → 0; paid on the due date → 0."""
    assert compute_late_fee(tax, date(2025, 9, 1), paid).late_fee == expected


def test_late_fee_leap_year_uses_365() -> None:
    fee = compute_late_fee(1_000_000, date(2023, 12, 31), date(2024, 12, 31))
    assert sum(s.days for s in fee.segments) == 366
    assert fee.segments[0].amount == 1_000_000 * 24 * 31 // (1000 * 365)


def test_ordinary_r6_flat_reduction_taken_from_first_installments() -> None:
    """令和6年度 普通徴収 [V] (橋上 page): split the pre-減税 tax, take the 減税 from 第1期, then 第2期…"""
    got = installments.ordinary(100_000 - 30_000, 2024, flat_reduction=30_000)
    assert amounts(got) == [0, 20_000, 25_000, 25_000]
    assert sum(amounts(got)) == 70_000


def test_salary_r6_without_flat_reduction_can_use_twelve_months() -> None:
    got = installments.salary(120_000, 2024, june_zero=False)
    assert amounts(got) == [10_000] * 12
