"""所得控除 (resident-tax amounts) — notes A.3 checks."""

from __future__ import annotations

from datetime import date

import pytest

from domain.taxrules import rule_set_for
from domain.taxrules.engine import compute
from domain.taxrules.model import (
    Deductions,
    EarthquakePremiums,
    Income,
    LifeInsurancePremiums,
    MedicalExpenses,
    Relative,
    TaxInput,
    TaxpayerFacts,
)


def items(inp: TaxInput) -> dict[str, int]:
    return compute(inp).deductions.items


def salary_input(revenue: int, **kw: object) -> TaxInput:
    return TaxInput(fiscal_year=2026, income=Income(salary_revenue=revenue), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("premiums", "expected"),
    [
        (LifeInsurancePremiums(general_old=30_000), 22_500),  # 尼崎市 [V]
        (LifeInsurancePremiums(general_new=90_000), 28_000),  # 横浜市 [V]
        (LifeInsurancePremiums(general_old=80_000), 35_000),  # 名古屋市 [T]
        (
            LifeInsurancePremiums(general_old=54_000, care_medical=115_000, annuity_old=204_000),
            70_000,
        ),  # 岐阜市
        (
            LifeInsurancePremiums(
                general_old=30_000, general_new=30_000, annuity_old=110_000, care_medical=80_000
            ),
            70_000,
        ),  # 粕屋町 [V]
        (LifeInsurancePremiums(general_new=12_001), 12_001),  # P/2 + 6,000 = 12,000.5 → 12,001 (切上げ) [T]
        (
            LifeInsurancePremiums(general_new=20_000, general_old=60_000),
            32_500,
        ),  # old alone larger than 28,000
    ],
)
def test_life_insurance(premiums: LifeInsurancePremiums, expected: int) -> None:
    inp = salary_input(5_000_000, deductions=Deductions(life_insurance=premiums))
    assert items(inp)["life_insurance"] == expected


@pytest.mark.parametrize(
    ("premiums", "expected"),
    [
        (EarthquakePremiums(earthquake=20_000), 10_000),  # 横浜市 [V]
        (EarthquakePremiums(earthquake=10_000), 5_000),  # 粕屋町 [V]
        (EarthquakePremiums(earthquake=100_000), 25_000),  # 八戸市 [V]
        (EarthquakePremiums(old_long_term=10_000), 7_500),
        (EarthquakePremiums(old_long_term=30_000), 10_000),
        (EarthquakePremiums(earthquake=40_000, old_long_term=30_000), 25_000),
    ],
)
def test_earthquake_insurance(premiums: EarthquakePremiums, expected: int) -> None:
    inp = salary_input(5_000_000, deductions=Deductions(earthquake_insurance=premiums))
    assert items(inp)["earthquake_insurance"] == expected


@pytest.mark.parametrize(
    ("total_income", "expected"),
    [(24_000_000, 430_000), (24_000_001, 290_000), (24_500_001, 150_000), (25_000_001, 0)],
)
def test_basic_deduction_tiers(total_income: int, expected: int) -> None:
    inp = TaxInput(fiscal_year=2026, income=Income(business=total_income))
    assert items(inp)["basic"] == expected


def test_spouse_deduction_general_and_elderly() -> None:
    young = Relative(birth_date=date(1980, 1, 1), total_income=0)
    old = Relative(birth_date=date(1950, 1, 1), total_income=0)
    assert items(salary_input(5_000_000, spouse=young))["spouse"] == 330_000
    assert items(salary_input(5_000_000, spouse=old))["spouse"] == 380_000
    # taxpayer 合計所得 over 900万 / 950万 / 1,000万
    assert (
        items(TaxInput(fiscal_year=2026, income=Income(business=9_200_000), spouse=young))["spouse"]
        == 220_000
    )
    assert (
        items(TaxInput(fiscal_year=2026, income=Income(business=9_700_000), spouse=old))["spouse"] == 130_000
    )
    assert items(TaxInput(fiscal_year=2026, income=Income(business=10_000_001), spouse=young))["spouse"] == 0


@pytest.mark.parametrize(
    ("fiscal_year", "spouse_income", "taxpayer_income", "expected"),
    [
        (2026, 580_000, 5_000_000, 0),  # 配偶者控除 instead (≤58万)
        (2026, 580_001, 5_000_000, 330_000),
        (2025, 480_001, 5_000_000, 330_000),
        (2026, 1_020_000, 5_000_000, 310_000),
        (2026, 1_020_000, 9_200_000, 210_000),  # 2/3, 1万円未満切上げ [S][T]
        (2026, 1_020_000, 9_700_000, 110_000),  # 1/3
        (2026, 1_080_000, 9_200_000, 180_000),  # 260,000 → 180,000
        (2026, 1_080_000, 9_700_000, 90_000),
        (2026, 1_330_000, 5_000_000, 30_000),
        (2026, 1_330_001, 5_000_000, 0),
    ],
)
def test_spouse_special(fiscal_year: int, spouse_income: int, taxpayer_income: int, expected: int) -> None:
    inp = TaxInput(
        fiscal_year=fiscal_year,
        income=Income(business=taxpayer_income),
        spouse=Relative(birth_date=date(1980, 1, 1), total_income=spouse_income),
    )
    assert items(inp)["spouse_special"] == expected


def test_dependents_categories_r8() -> None:
    # ages on 2025-12-31
    deps = (
        Relative(birth_date=date(2012, 1, 1)),  # 13: 年少, 0
        Relative(birth_date=date(2008, 6, 1)),  # 17: 一般 330,000
        Relative(birth_date=date(2005, 6, 1)),  # 20: 特定 450,000
        Relative(birth_date=date(1950, 6, 1), cohabiting=True),  # 75 同居老親 450,000 (assumed 直系尊属)
        Relative(birth_date=date(1950, 6, 1), cohabiting=False),  # 75 老人 380,000
    )
    got = items(salary_input(6_000_000, dependents=deps))
    assert got["dependents"] == 330_000 + 450_000 + 450_000 + 380_000


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        (580_000, 0),  # still a 扶養親族 (特定扶養 450,000 instead)
        (580_001, 450_000),
        (950_000, 450_000),
        (1_000_000, 410_000),
        (1_050_000, 310_000),
        (1_100_000, 210_000),
        (1_150_000, 110_000),
        (1_200_000, 60_000),
        (1_230_000, 30_000),
        (1_230_001, 0),
    ],
)
def test_specific_relative_r8(income: int, expected: int) -> None:
    """特定親族特別控除 (令和8年度〜) [T] jp-payroll citing 名古屋市."""
    dep = Relative(birth_date=date(2005, 6, 1), total_income=income)
    assert items(salary_input(6_000_000, dependents=(dep,)))["specific_relative"] == expected


def test_specific_relative_not_in_r7() -> None:
    dep = Relative(birth_date=date(2004, 6, 1), total_income=700_000)
    inp = TaxInput(fiscal_year=2025, income=Income(salary_revenue=6_000_000), dependents=(dep,))
    assert items(inp)["specific_relative"] == 0


def test_disability_deductions() -> None:
    assert (
        items(salary_input(5_000_000, taxpayer=TaxpayerFacts(disability="general")))["disability"] == 260_000
    )
    assert (
        items(salary_input(5_000_000, taxpayer=TaxpayerFacts(disability="special")))["disability"] == 300_000
    )
    dep = Relative(birth_date=date(2000, 1, 1), disability="special", cohabiting=True)
    assert items(salary_input(5_000_000, dependents=(dep,)))["disability"] == 530_000
    young = Relative(birth_date=date(2015, 1, 1), disability="general")  # 年少扶養 still counts
    assert items(salary_input(5_000_000, dependents=(young,)))["disability"] == 260_000


def test_widow_single_parent_working_student() -> None:
    assert items(salary_input(4_000_000, taxpayer=TaxpayerFacts(widow=True)))["widow"] == 260_000
    assert (
        items(salary_input(4_000_000, taxpayer=TaxpayerFacts(single_parent=True)))["single_parent"] == 300_000
    )
    # 合計所得 over 500万 → none
    assert items(salary_input(8_000_000, taxpayer=TaxpayerFacts(widow=True)))["widow"] == 0
    # 勤労学生: R8 合計所得 ≤ 85万 (給与のみ 150万) [T]; R7 ≤ 75万 [M]
    assert (
        items(salary_input(1_500_000, taxpayer=TaxpayerFacts(working_student=True)))["working_student"]
        == 260_000
    )
    assert (
        items(salary_input(1_501_000, taxpayer=TaxpayerFacts(working_student=True)))["working_student"] == 0
    )
    r7 = TaxInput(
        fiscal_year=2025,
        income=Income(salary_revenue=1_300_000),
        taxpayer=TaxpayerFacts(working_student=True),
    )
    assert items(r7)["working_student"] == 260_000


def test_medical_and_self_medication() -> None:
    med = Deductions(medical_expenses=MedicalExpenses(paid=300_000, reimbursed=50_000))
    assert items(salary_input(5_000_000, deductions=med))["medical_expenses"] == 150_000
    # 総所得金額等 × 5% below 10万: 給与所得 1,320,000 × 5% = 66,000
    assert items(salary_input(2_000_000, deductions=med))["medical_expenses"] == 250_000 - 66_000
    sm = Deductions(medical_expenses=MedicalExpenses(self_medication_otc=150_000, use_self_medication=True))
    assert items(salary_input(5_000_000, deductions=sm))["medical_expenses"] == 88_000


def test_rule_set_registry() -> None:
    assert rule_set_for(2026).id == "R8-2026.1"
    assert rule_set_for(2024).salary_june_zero is True
    with pytest.raises(ValueError):
        rule_set_for(2030)
