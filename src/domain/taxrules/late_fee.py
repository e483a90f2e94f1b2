"""延滞金 (地方税法326条, 附則3条の2; 特別区税条例): late fee on an unpaid installment.

* No 延滞金 when the tax (本税) < 2,000円; base = 本税 with 1,000円未満切捨て.
* Rate: up to one month after the 納期限 the lower rate, afterwards the higher rate; both change by
  calendar year (延滞金特例基準割合). Segments split at the one-month point and at each 1 January.
* Each segment: base × rate × days / 365 (365 even in leap years), 1円未満切捨て; the sum 100円未満切捨て;
  a result < 1,000円 is 0.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from domain.taxrules.rounding import floor_to, mul_floor

F = Fraction

CITATION = (
    "地方税法326条・附則3条の2 (延滞金特例基準割合), 20条の4の2第2項・第5項 (1,000円未満切捨て, "
    "2,000円未満なし, 100円未満切捨て, 1,000円未満なし) [V] (袋井市・福岡市FAQ等)"
)


@dataclass(frozen=True)
class LateFeeRate:
    """Rates for one calendar year: (first month, after one month)."""

    year_from: int
    year_to: int
    first_month: Fraction
    after: Fraction
    citation: str


LATE_FEE_RATES: tuple[LateFeeRate, ...] = (
    LateFeeRate(2021, 2021, F(25, 1000), F(88, 1000), "令和3年: 2.5%/8.8% [V]"),
    LateFeeRate(2022, 2025, F(24, 1000), F(87, 1000), "令和4〜7年: 2.4%/8.7% [V]"),
    LateFeeRate(
        2026,
        2026,
        F(28, 1000),
        F(91, 1000),
        "令和8年: 2.8%/9.1% [V] (袋井市 2026-01-01; UNCERTAIN, notes D.10)",
    ),
)


def rate_for(year: int) -> LateFeeRate:
    """The rate row for a calendar year. Years after the table reuse the latest row (rates are published
    each December; extend ``LATE_FEE_RATES`` when they are)."""
    for r in LATE_FEE_RATES:
        if r.year_from <= year <= r.year_to:
            return r
    if year > LATE_FEE_RATES[-1].year_to:
        return LATE_FEE_RATES[-1]
    raise ValueError(f"no 延滞金 rate known for {year}")


@dataclass(frozen=True)
class LateFeeSegment:
    """One rate segment (inclusive dates)."""

    start: date
    end: date
    days: int
    rate: Fraction
    amount: int

    def to_dict(self) -> dict[str, object]:
        p = self.rate * 100
        rate = f"{(Decimal(p.numerator) / Decimal(p.denominator)).normalize()}%"
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "rate": rate,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class LateFee:
    """延滞金 with its segments (segment amounts are before the 100円 truncation)."""

    late_fee: int
    segments: tuple[LateFeeSegment, ...]

    def to_dict(self) -> dict[str, object]:
        return {"late_fee": self.late_fee, "segments": [s.to_dict() for s in self.segments]}


def one_month_after(d: date) -> date:
    """The same day one month later (month end if it does not exist): end of the lower-rate period."""
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def compute_late_fee(tax: int, due_date: date, paid_date: date) -> LateFee:
    """延滞金 for ``tax`` due on ``due_date`` (the legal, business-day-adjusted 納期限) paid on ``paid_date``.

    Days run from the day after the 納期限 through the payment date."""
    if tax < 2_000 or paid_date <= due_date:
        return LateFee(0, ())
    base = floor_to(tax, 1_000)
    boundary = one_month_after(due_date)
    segments: list[LateFeeSegment] = []
    start = due_date + timedelta(days=1)
    while start <= paid_date:
        end = paid_date
        if start <= boundary:
            end = min(end, boundary)
        end = min(end, date(start.year, 12, 31))
        row = rate_for(start.year)
        rate = row.first_month if start <= boundary else row.after
        days = (end - start).days + 1
        amount = mul_floor(base * days, rate / 365)
        segments.append(LateFeeSegment(start, end, days, rate, amount))
        start = end + timedelta(days=1)
    total = floor_to(sum(s.amount for s in segments), 100)
    if total < 1_000:
        total = 0
    return LateFee(total, tuple(segments))
