"""税額控除 helpers: 調整控除, 配当控除, 住宅借入金等特別税額控除, 寄附金税額控除 (pure functions)."""

from __future__ import annotations

from fractions import Fraction

from domain.taxrules.params import AdjustmentCreditRules, DonationRules, bracket_amount


def adjustment_base(
    taxable: int, personal_difference: int, total_income_amount: int, r: AdjustmentCreditRules
) -> int:
    """調整控除の基礎額 (地方税法37条・314条の6).

    ≤ 200万円: min(人的控除差, 合計課税所得金額); > 200万円: max(人的控除差 − (課税所得 − 200万), 5万円);
    合計所得金額 2,500万円超: 0.
    """
    if total_income_amount > r.exclusion_income or taxable <= 0:
        return 0
    if taxable <= r.threshold:
        return min(personal_difference, taxable)
    return max(personal_difference - (taxable - r.threshold), r.floor)


def personal_difference_adjustment(
    personal_difference: int, total_income_amount: int, r: DonationRules
) -> int:
    """人的控除差調整額 (地方税法附則5条の6): 人的控除差の合計 + max(所得税の基礎控除 − 48万円, 0)."""
    it_basic = bracket_amount(r.income_tax_basic_deduction, total_income_amount)
    return personal_difference + max(0, it_basic - r.income_tax_basic_reference)


def special_ratio(
    taxable: int, adjustment: int, separate_listed_taxable: int, r: DonationRules
) -> tuple[Fraction, Fraction]:
    """特例控除割合 and 申告特例控除割合 (地方税法附則5条の6第2項, 附則5条の7).

    With 課税総所得金額: by (課税総所得金額 − 人的控除差調整額) (90 % when negative); with 上場株式等の
    分離課税所得: 74.685 %; when both apply, the lowest ratio [S]; with neither: 90 %.
    """
    candidates: list[tuple[Fraction, Fraction]] = []
    if taxable > 0:
        measure = taxable - adjustment
        if measure < 0:
            candidates.append((r.negative_ratio, Fraction(0)))
        else:
            for b in r.brackets:
                if b.upper is None or measure <= b.upper:
                    candidates.append((b.special_ratio, b.one_stop_ratio))
                    break
    if separate_listed_taxable > 0:
        candidates.append((r.separate_listed_ratio, r.separate_listed_one_stop_ratio))
    if not candidates:
        return r.negative_ratio, Fraction(0)
    return min(candidates)


def dividend_credit_base(dividend: int, taxable_total: int, threshold: int) -> tuple[int, int]:
    """Split 配当所得 into the part within 課税総所得金額等 1,000万円 (full rate) and the excess part.

    The part of 配当所得 above (課税総所得金額等 − 1,000万円) gets the lower rate (附則5条)."""
    if dividend <= 0:
        return 0, 0
    excess = max(0, taxable_total - threshold)
    high = min(dividend, excess)
    return dividend - high, high
