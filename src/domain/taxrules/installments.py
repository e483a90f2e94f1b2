"""期別税額 (installment) arithmetic: 給与特別徴収, 普通徴収, 年金特別徴収 (pure functions).

Rounding: 地方税法20条の4の2第6項 — installment amounts in whole units (普通徴収 1,000円 by default,
特別徴収 100円) with the remainder in the first installment.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from domain.taxrules.due_dates import ClosedDay, adjust_due_date, is_closed_without_holidays
from domain.taxrules.params import TOKYO_SPECIAL_WARD, MunicipalityParams
from domain.taxrules.registry import RULE_SETS


@dataclass(frozen=True)
class Installment:
    """One 期別: label, legal due date (already moved to a business day) or ``None``, amount."""

    label: str
    due_date: date | None
    amount: int

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "amount": self.amount,
        }


def split_with_remainder_first(total: int, count: int, unit: int) -> list[int]:
    """Split ``total`` into ``count`` parts: each later part = floor(total/count to ``unit``), the first
    takes the remainder (地方税法20条の4の2第6項). Always sums to ``total``."""
    if total < 0 or count <= 0 or unit <= 0:
        raise ValueError("total must be ≥ 0, count and unit > 0")
    each = (total // count) // unit * unit
    return [total - each * (count - 1)] + [each] * (count - 1)


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def ordinary(
    annual_tax: int,
    fiscal_year: int,
    mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
    is_closed: ClosedDay = is_closed_without_holidays,
    flat_reduction: int = 0,
) -> list[Installment]:
    """普通徴収 (地方税法319条〜320条; 特別区税条例の納期): 4 期, ``mp.ordinary_unit`` units, remainder in 第1期.

    ``flat_reduction`` (令和6年度 定額減税, already deducted from ``annual_tax``): the split is made on the
    tax before the reduction and the reduction is then taken from 第1期, 第2期, … (橋上 page [V])."""
    amounts = split_with_remainder_first(
        annual_tax + flat_reduction, len(mp.ordinary_dates), mp.ordinary_unit
    )
    left = flat_reduction
    for i, amount in enumerate(amounts):
        take = min(amount, left)
        amounts[i] = amount - take
        left -= take
    return [
        Installment(d.label, adjust_due_date(d.on(fiscal_year), is_closed), a)
        for d, a in zip(mp.ordinary_dates, amounts, strict=True)
    ]


def salary(
    annual_tax: int,
    fiscal_year: int,
    mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
    is_closed: ClosedDay = is_closed_without_holidays,
    june_zero: bool | None = None,
) -> list[Installment]:
    """給与特別徴収 (地方税法321条の3〜321条の5): 12 months June–May, 100円 units, remainder in June;
    令和6年度 (定額減税): June 0 and 11 installments July–May, remainder in July. Due date = the 10th of
    the following month (特別徴収義務者の納入期限, 321条の5第1項). ``june_zero=None`` follows the rule set;
    pass ``False`` for a 令和6年度 taxpayer who had no 定額減税 (e.g. 合計所得 1,805万円超)."""
    if june_zero is None:
        june_zero = fiscal_year in RULE_SETS and RULE_SETS[fiscal_year].salary_june_zero
    months = [(fiscal_year, m) for m in range(6, 13)] + [(fiscal_year + 1, m) for m in range(1, 6)]
    if june_zero:
        amounts = [0, *split_with_remainder_first(annual_tax, 11, mp.salary_unit)]
    else:
        amounts = split_with_remainder_first(annual_tax, 12, mp.salary_unit)
    result = []
    for (year, month), amount in zip(months, amounts, strict=True):
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        due = adjust_due_date(date(ny, nm, 10), is_closed)
        result.append(Installment(f"{month}月分", due, amount))
    return result


def pension(
    annual_tax: int,
    fiscal_year: int,
    previous_pension_tax: int = 0,
    first_year: bool = False,
    mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
    is_closed: ClosedDay = is_closed_without_holidays,
) -> list[Installment]:
    """年金特別徴収 (地方税法321条の7の2〜321条の7の8).

    First year: half by 普通徴収 (June 第1期, August 第2期; due dates of the ordinary schedule) and half
    withheld in October, December, February (1/6 each). Continuing years: 仮特別徴収 in April, June,
    August = 前年度の年金特別徴収税額 × 1/6 each (321条の7の8, 平準化); 本徴収 in October, December,
    February = (年税額 − 仮徴収額) / 3. Units of ``mp.pension_unit`` (100円), remainder in the first
    installment of each group — UNCERTAIN (notes D.7). If 仮徴収 would exceed the annual tax, the 仮徴収
    installments are capped so the schedule still sums to the annual tax (practice: stop/refund).
    Withholding months have ``due_date=None`` (withheld from the pension payment).
    """
    unit = mp.pension_unit
    if first_year:
        special = split_with_remainder_first(annual_tax // 2, 3, unit)  # 1/6 each of the annual tax
        special_total = sum(special)
        ordinary_total = annual_tax - special_total
        ordinary_amounts = split_with_remainder_first(ordinary_total, 2, unit)
        d1 = adjust_due_date(mp.ordinary_dates[0].on(fiscal_year), is_closed)
        d2 = adjust_due_date(mp.ordinary_dates[1].on(fiscal_year), is_closed)
        return [
            Installment("普通徴収 第1期", d1, ordinary_amounts[0]),
            Installment("普通徴収 第2期", d2, ordinary_amounts[1]),
            Installment("10月 年金特別徴収", None, special[0]),
            Installment("12月 年金特別徴収", None, special[1]),
            Installment("2月 年金特別徴収", None, special[2]),
        ]
    provisional_each = (previous_pension_tax // 6) // unit * unit
    provisional: list[int] = []
    left = annual_tax
    for _ in range(3):
        amount = min(provisional_each, left)
        provisional.append(amount)
        left -= amount
    main = split_with_remainder_first(left, 3, unit)
    labels = ["4月 仮徴収", "6月 仮徴収", "8月 仮徴収", "10月 本徴収", "12月 本徴収", "2月 本徴収"]
    return [Installment(lbl, None, a) for lbl, a in zip(labels, provisional + main, strict=True)]
