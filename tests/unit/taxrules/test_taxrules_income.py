"""給与所得 (別表第五), 所得金額調整控除, 公的年金等 — table tests from the reference notes (section A.2)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.taxrules import rule_set_for
from domain.taxrules.engine import compute
from domain.taxrules.income import legal_age, pension_income, salary_income
from domain.taxrules.model import Income, Relative, TaxInput, TaxpayerFacts

R7 = rule_set_for(2025)
R8 = rule_set_for(2026)


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        # 令和7年分 別表第五 (令和8年度) [T] jp-payroll-mcp NTA table; notes A.2.1
        (650_999, 0),
        (651_000, 1_000),
        (1_899_999, 1_249_999),
        (1_900_000, 1_250_000),
        (1_903_999, 1_250_000),
        (1_904_000, 1_252_800),  # juminzei_core test "別表第五" row
        (2_196_000, 1_457_200),
        (2_199_999, 1_457_200),  # NTA table (not the hoikuryo 1,460,000 reading)
        (2_000_000, 1_320_000),
        (3_000_000, 2_020_000),
        (3_600_000, 2_440_000),
        (6_596_000, 4_836_800),
        (6_599_999, 4_836_800),
        # worked checks of the flooring [T]
        (5_436_629, 3_908_800),  # 大阪市 R8
        (5_505_000, 3_963_200),  # 名古屋市 R8
        (6_543_200, 4_792_000),  # 調布市 R8
        # formula band
        (7_000_000, 5_200_000),
        (8_500_000, 6_550_000),
        (12_000_000, 10_050_000),
    ],
)
def test_salary_income_r8(revenue: int, expected: int) -> None:
    assert salary_income(revenue, R8.salary) == expected


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        # 令和6年分 別表第五 (令和7年度): [V] 清瀬市 rows up to 1,619,999, others [M]
        (550_999, 0),
        (551_000, 1_000),
        (1_618_999, 1_068_999),
        (1_619_000, 1_069_000),
        (1_620_000, 1_070_000),
        (1_622_000, 1_072_000),
        (1_624_000, 1_074_400),
        (1_800_000, 1_180_000),  # OpenFisca-Japan
        (2_800_000, 1_880_000),  # 各務原市 FAQ [V]
        (3_600_000, 2_440_000),
        (5_500_000, 3_960_000),  # 横浜市 [V]
    ],
)
def test_salary_income_r7(revenue: int, expected: int) -> None:
    assert salary_income(revenue, R7.salary) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1_900_000, max_value=6_599_999))
def test_salary_r8_matches_nta_shortcut(revenue: int) -> None:
    """NTA shortcut: A = floor(S/4, 1,000円); A×2.8−80,000 (<360万) or A×3.2−440,000 (<660万)."""
    a = revenue // 4 // 1_000 * 1_000
    expected = a * 28 // 10 - 80_000 if revenue < 3_600_000 else a * 32 // 10 - 440_000
    assert salary_income(revenue, R8.salary) == expected


def test_salary_income_never_decreases_and_r8_min_deduction() -> None:
    previous = -1
    for revenue in range(0, 9_000_000, 997):
        value = salary_income(revenue, R8.salary)
        assert value >= previous
        assert revenue - value >= min(revenue, 650_000)
        previous = value


def test_legal_age_day_before_birthday() -> None:
    # 年齢計算ニ関スル法律: born 1960-01-01 is 65 on 2024-12-31 (NTA 令和6年分: 昭和35年1月1日以前生まれ)
    assert legal_age(date(1960, 1, 1), date(2024, 12, 31)) == 65
    assert legal_age(date(1960, 1, 2), date(2024, 12, 31)) == 64


@pytest.mark.parametrize(
    ("revenue", "age", "expected"),
    [
        (3_000_000, 68, 1_900_000),  # 各務原市 FAQ
        (2_000_000, 70, 900_000),
        (3_300_000, 70, 2_200_000),  # 75% − 275,000
        (1_200_000, 60, 600_000),
        (1_300_000, 60, 700_000),
        (600_000, 60, 0),
        (5_000_000, 70, 3_565_000),  # 85% − 685,000
    ],
)
def test_pension_income(revenue: int, age: int, expected: int) -> None:
    assert pension_income(revenue, age, 0, R8.pension) == expected


def test_pension_other_income_tiers() -> None:
    assert pension_income(2_000_000, 70, 10_000_001, R8.pension) == 1_000_000
    assert pension_income(2_000_000, 70, 20_000_001, R8.pension) == 1_100_000


def test_income_adjustment_salary_and_pension_kakamigahara() -> None:
    """各務原市 FAQ [V]: 給与 280万 → 188万; 年金 300万 (68歳) → 190万; 調整控除 10万; 総所得 368万."""
    out = compute(
        TaxInput(
            fiscal_year=2025,
            taxpayer=TaxpayerFacts(birth_date=date(1956, 4, 1)),
            income=Income(salary_revenue=2_800_000, public_pension_revenue=3_000_000),
        )
    )
    assert out.income.salary_income == 1_880_000
    assert out.income.public_pension_income == 1_900_000
    assert out.income.income_adjustment_deduction == 100_000
    assert out.income.comprehensive_income == 3_680_000


def test_income_adjustment_child_nta_example() -> None:
    """NTA 年末調整 設例 [T]: 給与 8,970,000 with a dependent under 23 → 47,000 (1円未満切上げ)."""
    out = compute(
        TaxInput(
            fiscal_year=2026,
            income=Income(salary_revenue=8_970_000),
            dependents=(Relative(birth_date=date(2010, 6, 1)),),
        )
    )
    assert out.income.income_adjustment_deduction == 47_000
    assert out.income.salary_income == 8_970_000 - 1_950_000


def test_total_income_vs_total_income_amount_with_carryforward() -> None:
    """合計所得金額 is before loss carry-forwards; 総所得金額等 after (notes A.2.4 definitions)."""
    out = compute(
        TaxInput(
            fiscal_year=2026,
            income=Income(
                business=3_000_000, listed_stock_gains_separate=500_000, net_loss_carryforward=1_000_000
            ),
        )
    )
    assert out.income.total_income_amount == 3_500_000
    assert out.income.total_income == 2_500_000


def test_occasional_and_long_term_gains_halved() -> None:
    out = compute(TaxInput(fiscal_year=2026, income=Income(occasional=1_500_000, capital_gains_long=700_000)))
    # 一時: (150万 − 50万)/2 = 50万; 長期譲渡: (70万 − 50万)/2 = 10万
    assert out.income.comprehensive_income == 600_000
