"""所得割・税額控除・非課税・定額減税 — rule tests (notes A.4–A.9), one per rule we were unsure of."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest

from domain.taxrules import rule_set_for
from domain.taxrules.credits import adjustment_base, dividend_credit_base, special_ratio
from domain.taxrules.engine import compute
from domain.taxrules.model import Credits, Income, Relative, TaxComputation, TaxInput, TaxpayerFacts
from domain.taxrules.nontaxable import limits
from domain.taxrules.params import TOKYO_SPECIAL_WARD

R8 = rule_set_for(2026)


def calc(**kw: object) -> TaxComputation:
    return compute(TaxInput(**kw))  # type: ignore[arg-type]


# --- 調整控除 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taxable", "diff", "total_amount", "expected"),
    [
        (1_500_000, 50_000, 3_000_000, 50_000),  # ≤200万: min(差, 課税所得)
        (30_000, 50_000, 500_000, 30_000),
        (
            2_010_000,
            50_000,
            3_000_000,
            50_000,
        ),  # >200万: max(50,000 − 10,000, 50,000) — floor (not OpenFisca's 0)
        (2_070_000, 50_000, 3_000_000, 50_000),
        (2_100_000, 300_000, 3_000_000, 200_000),
        (2_000_000, 300_000, 25_000_001, 0),  # 合計所得 2,500万超
    ],
)
def test_adjustment_base(taxable: int, diff: int, total_amount: int, expected: int) -> None:
    assert adjustment_base(taxable, diff, total_amount, R8.adjustment) == expected


def test_adjustment_credit_minimum_split_1500_1000() -> None:
    out = calc(fiscal_year=2026, income=Income(salary_revenue=6_000_000))
    assert out.taxable_income > 2_000_000
    assert (out.municipal.adjustment_credit, out.prefectural.adjustment_credit) == (1_500, 1_000)


# --- 附則3条の3 -------------------------------------------------------------------------------------------


def test_low_income_relief_statute_example() -> None:
    """[T] worked example: 給与所得 1,130,000, spouse, limit 1,120,000, 課税 370,000 → 所得割 10,000."""
    out = calc(
        fiscal_year=2026,
        income=Income(salary_revenue=1_780_000),  # R8: 1,780,000 − 650,000 = 1,130,000
        spouse=Relative(birth_date=date(1980, 1, 1)),
    )
    assert out.income.total_income == 1_130_000
    assert out.taxable_income == 370_000
    assert out.municipal.income_levy_gross + out.prefectural.income_levy_gross == 37_000
    assert out.municipal.adjustment_credit + out.prefectural.adjustment_credit == 5_000
    assert out.municipal.income_levy + out.prefectural.income_levy == 10_000
    assert out.municipal.low_income_relief + out.prefectural.low_income_relief == 22_000


# --- 非課税 ---------------------------------------------------------------------------------------------


def test_limits_by_grade_and_household() -> None:
    one = limits(1, R8, TOKYO_SPECIAL_WARD)
    assert (one.per_capita, one.income_levy) == (450_000, 450_000)
    two = limits(2, R8, TOKYO_SPECIAL_WARD)
    assert (two.per_capita, two.income_levy) == (1_010_000, 1_120_000)
    g2 = limits(2, R8, replace(TOKYO_SPECIAL_WARD, grade=2))
    assert g2.per_capita == 315_000 * 2 + 100_000 + 189_000


@pytest.mark.parametrize(
    ("year", "salary", "per_capita", "income_levy"),
    [
        (2026, 1_100_000, True, True),  # R8 single ¥1,100,000 [T] (総務省 via seido-keisan; 練馬区)
        (2026, 1_101_000, False, False),
        (2025, 1_000_000, True, True),  # R7 single ¥1,000,000 [V] (稲城市 FAQ)
        (2025, 1_001_000, False, False),
    ],
)
def test_salary_only_non_taxable_single(year: int, salary: int, per_capita: bool, income_levy: bool) -> None:
    out = calc(fiscal_year=year, income=Income(salary_revenue=salary))
    assert (out.non_taxable.per_capita, out.non_taxable.income_levy) == (per_capita, income_levy)
    if per_capita:
        assert out.total == 0


def test_salary_only_non_taxable_one_dependent_r8() -> None:
    """練馬区 R8 [T]: 1 dependent — 均等割 ¥1,660,000, 所得割 ¥1,770,000 (年少扶養 counted)."""
    child = (Relative(birth_date=date(2015, 1, 1)),)
    a = calc(fiscal_year=2026, income=Income(salary_revenue=1_660_000), dependents=child)
    assert a.non_taxable.per_capita and a.non_taxable.income_levy
    b = calc(fiscal_year=2026, income=Income(salary_revenue=1_661_000), dependents=child)
    assert not b.non_taxable.per_capita and b.non_taxable.income_levy
    assert b.total == 3_000 + 1_000 + 1_000
    c = calc(fiscal_year=2026, income=Income(salary_revenue=1_771_000), dependents=child)
    assert not c.non_taxable.income_levy


def test_public_assistance_and_low_income_categories() -> None:
    pa = calc(
        fiscal_year=2026,
        taxpayer=TaxpayerFacts(public_assistance=True),
        income=Income(salary_revenue=3_000_000),
    )
    assert pa.total == 0 and pa.non_taxable.reason
    dis = calc(
        fiscal_year=2026, taxpayer=TaxpayerFacts(disability="general"), income=Income(business=1_350_000)
    )
    assert dis.total == 0
    dis2 = calc(
        fiscal_year=2026, taxpayer=TaxpayerFacts(disability="general"), income=Income(business=1_350_001)
    )
    assert dis2.total > 0
    minor = calc(
        fiscal_year=2026,
        taxpayer=TaxpayerFacts(birth_date=date(2008, 1, 3)),
        income=Income(business=1_300_000),
    )
    assert minor.total == 0  # 17 on 2026-01-01


def test_non_resident_pays_per_capita_only() -> None:
    out = calc(
        fiscal_year=2026, taxpayer=TaxpayerFacts(resident=False), income=Income(salary_revenue=8_000_000)
    )
    assert out.municipal.income_levy == out.prefectural.income_levy == 0
    assert (out.municipal.per_capita_levy, out.prefectural.per_capita_levy) == (3_000, 1_000)
    assert out.forest_environment_tax == 0  # UNCERTAIN (notes D.9): believed levied at the 住所地 only


# --- 寄附金税額控除 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taxable", "adjust", "ratio"),
    [
        (2_171_000, 350_000, Fraction(84_895, 100_000)),  # 大阪市 R8 annotation [T]
        (100_000, 350_000, Fraction(90, 100)),
        (3_000_000, 0, Fraction(79_790, 100_000)),
        (50_000_000, 0, Fraction(44_055, 100_000)),
    ],
)
def test_special_ratio(taxable: int, adjust: int, ratio: Fraction) -> None:
    assert special_ratio(taxable, adjust, 0, R8.donation)[0] == ratio


def test_special_ratio_with_separate_listed_income_takes_lowest() -> None:
    """附則5条の6第2項 [S]: 上場株式等の分離課税所得 → 74.685 %; several apply → the lowest."""
    assert special_ratio(1_000_000, 0, 500_000, R8.donation)[0] == Fraction(74_685, 100_000)
    assert special_ratio(0, 0, 500_000, R8.donation)[0] == Fraction(74_685, 100_000)
    assert special_ratio(20_000_000, 0, 500_000, R8.donation)[0] == Fraction(49_160, 100_000)
    assert special_ratio(0, 0, 0, R8.donation) == (Fraction(90, 100), Fraction(0))


def test_one_stop_ratio_has_five_statutory_rows() -> None:
    """附則5条の7 [S]: above 900万円 the 申告特例控除割合 stays 33.693/56.307 (UNCERTAIN)."""
    assert special_ratio(30_000_000, 0, 0, R8.donation)[1] == Fraction(33_693, 56_307)
    assert special_ratio(3_000_000, 0, 0, R8.donation)[1] == Fraction(10_210, 79_790)


def test_furusato_credit_20pct_cap_and_one_stop() -> None:
    small = calc(
        fiscal_year=2026, income=Income(salary_revenue=5_000_000), credits=Credits(furusato_donations=30_000)
    )
    big = calc(
        fiscal_year=2026, income=Income(salary_revenue=5_000_000), credits=Credits(furusato_donations=500_000)
    )
    after_adj = big.municipal.income_levy_gross - big.municipal.adjustment_credit
    basic = (min(500_000, big.income.total_income * 3 // 10) - 2_000) * 6 // 100
    assert big.municipal.donation_credit == basic + after_adj // 5  # special capped at 20 %
    one = calc(
        fiscal_year=2026,
        income=Income(salary_revenue=5_000_000),
        credits=Credits(furusato_donations=30_000, one_stop=True),
    )
    # With one-stop the resident tax absorbs the income-tax share: total credit ≈ (30,000 − 2,000) × 100 %.
    credit = one.municipal.donation_credit + one.prefectural.donation_credit
    assert 28_000 <= credit <= 28_004
    assert credit > small.municipal.donation_credit + small.prefectural.donation_credit


def test_personal_difference_adjustment_r8_adds_income_tax_basic() -> None:
    """R8: 人的控除差調整額 adds 所得税基礎控除 − 48万 (大阪市: 68万 − 48万 = 20万) [T]."""
    from domain.taxrules.credits import personal_difference_adjustment

    assert personal_difference_adjustment(150_000, 4_000_000, R8.donation) == 350_000
    assert personal_difference_adjustment(150_000, 4_000_000, rule_set_for(2025).donation) == 150_000


# --- 住宅借入金等特別税額控除 / 配当控除 ----------------------------------------------------------------------


@pytest.mark.parametrize(("case", "m", "p"), [("standard", 58_500, 39_000), ("special", 81_900, 54_600)])
def test_housing_loan_caps_split(case: str, m: int, p: int) -> None:
    out = calc(
        fiscal_year=2026,
        income=Income(salary_revenue=10_000_000),
        credits=Credits(
            housing_loan_remaining=300_000, housing_loan_case=case, income_tax_taxable_income=5_000_000
        ),
    )
    assert (out.municipal.housing_loan_credit, out.prefectural.housing_loan_credit) == (m, p)


def test_dividend_credit_split() -> None:
    assert dividend_credit_base(1_000_000, 10_500_000, 10_000_000) == (500_000, 500_000)
    out = calc(fiscal_year=2026, income=Income(salary_revenue=5_000_000, dividend_comprehensive=100_000))
    assert (out.municipal.dividend_credit, out.prefectural.dividend_credit) == (1_600, 1_200)


def test_separate_listed_stock_rates() -> None:
    out = calc(
        fiscal_year=2026, income=Income(salary_revenue=5_000_000, listed_stock_gains_separate=1_000_000)
    )
    base = calc(fiscal_year=2026, income=Income(salary_revenue=5_000_000))
    assert out.municipal.income_levy_gross - base.municipal.income_levy_gross == 30_000
    assert out.prefectural.income_levy_gross - base.prefectural.income_levy_gross == 20_000


# --- 定額減税 ------------------------------------------------------------------------------------------


def test_flat_reduction_r6_household() -> None:
    """太宰府市 [V]: 控除対象配偶者 + 扶養2 → ¥40,000 (区 6,000 : 都 4,000 per person [T])."""
    out = calc(
        fiscal_year=2024,
        income=Income(salary_revenue=7_000_000),
        spouse=Relative(birth_date=date(1980, 1, 1)),
        dependents=(Relative(birth_date=date(2010, 1, 1)), Relative(birth_date=date(2015, 1, 1))),
    )
    assert (out.municipal.flat_reduction, out.prefectural.flat_reduction) == (24_000, 16_000)


def test_flat_reduction_limited_to_income_levy() -> None:
    out = calc(fiscal_year=2024, income=Income(salary_revenue=1_050_000))
    assert out.municipal.income_levy == out.prefectural.income_levy == 0
    assert out.municipal.flat_reduction == 2_700  # limited to the 所得割 left
    assert out.municipal.per_capita_levy == 3_000  # 均等割 is not reduced


def test_flat_reduction_r7_spouse_carryover() -> None:
    """千代田区 [V]: 合計所得 1,000万超1,805万以下 + 控除対象配偶者以外の同一生計配偶者 → ¥10,000."""
    spouse = Relative(birth_date=date(1980, 1, 1))
    out = calc(fiscal_year=2025, income=Income(business=12_000_000), spouse=spouse)
    assert out.municipal.flat_reduction + out.prefectural.flat_reduction == 10_000
    none = calc(fiscal_year=2025, income=Income(business=9_000_000), spouse=spouse)
    assert none.municipal.flat_reduction == 0
    assert (
        calc(fiscal_year=2026, income=Income(business=12_000_000), spouse=spouse).municipal.flat_reduction
        == 0
    )


# --- municipality configuration -----------------------------------------------------------------------


def test_designated_city_preset_shares() -> None:
    """政令市: 調整控除 4 %/1 %, ふるさと特例 4/5 : 1/5 (大阪市 R8 example [T]), 分離 4 %/1 %."""
    from domain.taxrules.params import DESIGNATED_CITY_STANDARD as city

    assert city.municipal_share == Fraction(4, 5)
    out = compute(
        TaxInput(
            fiscal_year=2026,
            income=Income(salary_revenue=5_000_000),
            credits=Credits(furusato_donations=30_000),
        ),
        R8,
        city,
    )
    assert (out.municipal.adjustment_credit, out.prefectural.adjustment_credit) == (2_000, 500)
    assert out.municipal.donation_credit > out.prefectural.donation_credit * 3


def test_prefectural_surcharge_only_changes_gross() -> None:
    """超過課税 (e.g. 神奈川県 +0.025 %: 横浜市 2,437,000 × 2.025 % = 49,349 [V]) — credits stay at standard rates."""
    from domain.taxrules.params import DESIGNATED_CITY_STANDARD

    kanagawa = replace(DESIGNATED_CITY_STANDARD, prefectural_surcharge_rate=Fraction(25, 100_000))
    inp = TaxInput(fiscal_year=2026, income=Income(salary_revenue=5_000_000))
    plain = compute(inp, R8, DESIGNATED_CITY_STANDARD)
    out = compute(inp, R8, kanagawa)
    assert out.prefectural.income_levy_gross == out.taxable_income * 2025 // 100_000
    assert out.prefectural.adjustment_credit == plain.prefectural.adjustment_credit


def test_designated_city_configuration() -> None:
    city = replace(
        TOKYO_SPECIAL_WARD,
        id="designated-city",
        municipal_rate=Fraction(8, 100),
        prefectural_rate=Fraction(2, 100),
        per_capita_municipal=3_500,
        per_capita_prefectural=1_500,
    )
    inp = TaxInput(fiscal_year=2026, income=Income(salary_revenue=5_000_000))
    ward = compute(inp)
    out = compute(inp, R8, city)
    assert out.municipal.income_levy_gross == out.taxable_income * 8 // 100
    assert out.municipal.adjustment_credit == 2_000  # 4 % of the 50,000 base
    assert out.municipal.income_levy + out.prefectural.income_levy == ward.municipal.income_levy + (
        ward.prefectural.income_levy
    )


# --- rounding -----------------------------------------------------------------------------------------


def test_rounding_rules() -> None:
    out = calc(fiscal_year=2026, income=Income(salary_revenue=4_321_987))
    assert out.taxable_income % 1_000 == 0
    assert out.municipal.income_levy % 100 == 0 and out.prefectural.income_levy % 100 == 0


def test_forest_tax_follows_per_capita() -> None:
    assert calc(fiscal_year=2026, income=Income(salary_revenue=3_000_000)).forest_environment_tax == 1_000
    assert calc(fiscal_year=2026, income=Income(salary_revenue=1_000_000)).forest_environment_tax == 0


def test_nerima_yuri_r8_worked_example() -> None:
    """練馬区「住民税の計算例（令和8年度）」ユリさん, as transcribed in a public test suite [T]:
    給与収入 1,650,000円, 社会保険料 240,000円, 独身 → 課税 330,000, 区民税 18,300, 都民税 12,200, 年税額 35,500."""
    from domain.taxrules.model import Deductions

    out = calc(
        fiscal_year=2026,
        income=Income(salary_revenue=1_650_000),
        deductions=Deductions(social_insurance=240_000),
    )
    assert out.taxable_income == 330_000
    assert (out.municipal.income_levy, out.prefectural.income_levy) == (18_300, 12_200)
    assert out.total == 35_500


def test_low_income_relief_just_above_limit_rounds_to_zero() -> None:
    """練馬区 early-limit table as transcribed [T]: spouse, 給与 1,770,001 → 所得割 reduced to 0 after truncation."""
    spouse = Relative(birth_date=date(1980, 1, 1))
    out = calc(fiscal_year=2026, income=Income(salary_revenue=1_770_001), spouse=spouse)
    assert not out.non_taxable.income_levy
    assert out.municipal.income_levy + out.prefectural.income_levy == 0
    assert out.total == 5_000


def test_spouse_special_personal_difference_r7_vs_r8() -> None:
    """人的控除差 for 配偶者特別控除: R7 48万超50万未満 → 5万 [V][T]; R8 → 0 (37条1号イ(7) '55万円未満' reading [S],
    UNCERTAIN — notes D.4; jp-payroll-mcp would give 5万)."""
    r7 = calc(
        fiscal_year=2025,
        income=Income(business=5_000_000),
        spouse=Relative(birth_date=date(1980, 1, 1), total_income=490_000),
    )
    assert r7.deductions.items["spouse_special"] == 330_000
    assert r7.deductions.personal_difference == 50_000 + 50_000
    r7b = calc(
        fiscal_year=2025,
        income=Income(business=5_000_000),
        spouse=Relative(birth_date=date(1980, 1, 1), total_income=520_000),
    )
    assert r7b.deductions.personal_difference == 50_000 + 30_000
    r8 = calc(
        fiscal_year=2026,
        income=Income(business=5_000_000),
        spouse=Relative(birth_date=date(1980, 1, 1), total_income=590_000),
    )
    assert r8.deductions.items["spouse_special"] == 330_000
    assert r8.deductions.personal_difference == 50_000


def test_non_resident_pays_per_capita_even_without_income() -> None:
    """地方税法295条3項: the income-based 均等割 exemption covers only persons with 住所 here, so a 家屋敷課税
    taxpayer with no income still pays 均等割 (ward guidance: 所得の有無にかかわらず課税)."""
    out = calc(fiscal_year=2026, taxpayer=TaxpayerFacts(resident=False))
    assert not out.non_taxable.per_capita and out.non_taxable.income_levy
    assert (out.municipal.per_capita_levy, out.prefectural.per_capita_levy) == (3_000, 1_000)
    resident = calc(fiscal_year=2026, taxpayer=TaxpayerFacts(resident=True))
    assert resident.total == 0 and resident.non_taxable.per_capita
