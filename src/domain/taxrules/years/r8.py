"""令和8年度 (fiscal 2026, 2025 income): 令和7年度税制改正.

給与所得控除 最低65万円; 同一生計配偶者・扶養親族 58万円以下; 特定親族特別控除 (新設); 勤労学生 85万円以下;
所得税の基礎控除 (95万/88万/68万/63万/58万) が人的控除差調整額に加算 [T] (jp-payroll-mcp NTA tables,
大阪市 R8 example 680,000 − 480,000). 住民税の基礎控除は43万円のまま.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

from domain.taxrules.params import Bracket, FlatReductionRules, RuleSet, SalaryBand, SalaryRules
from domain.taxrules.years.common import donation_rules
from domain.taxrules.years.r7 import PERSONAL_DIFFERENCE_R6_R7, PERSONAL_R7, R7

SALARY_BANDS_2025 = (
    SalaryBand(0, 651_000, 1, F(0), 0),
    SalaryBand(651_000, 1_900_000, 1, F(1), -650_000),
    SalaryBand(1_900_000, 3_600_000, 4_000, F(7, 10), -80_000),
    SalaryBand(3_600_000, 6_600_000, 4_000, F(8, 10), -440_000),
    SalaryBand(6_600_000, 8_500_000, 1, F(9, 10), -1_100_000),
    SalaryBand(8_500_000, None, 1, F(1), -1_950_000),
)

INCOME_TAX_BASIC_2025 = (
    Bracket(1_320_000, 950_000),
    Bracket(3_360_000, 880_000),
    Bracket(4_890_000, 680_000),
    Bracket(6_550_000, 630_000),
    Bracket(23_500_000, 580_000),
    Bracket(24_000_000, 480_000),
    Bracket(24_500_000, 320_000),
    Bracket(25_000_000, 160_000),
    Bracket(None, 0),
)

SPECIFIC_RELATIVE_TABLE = (
    Bracket(950_000, 450_000),
    Bracket(1_000_000, 410_000),
    Bracket(1_050_000, 310_000),
    Bracket(1_100_000, 210_000),
    Bracket(1_150_000, 110_000),
    Bracket(1_200_000, 60_000),
    Bracket(1_230_000, 30_000),
    Bracket(None, 0),
)

R8: RuleSet = replace(
    R7,
    id="R8-2026.1",
    fiscal_year=2026,
    era_label="令和8年度",
    salary=SalaryRules(
        bands=SALARY_BANDS_2025,
        minimum_deduction=650_000,
        citation=(
            "所得税法28条・別表第五 (令和7年分: 最低65万円, 190万円以上は4,000円刻み) [T] "
            "(jp-payroll-mcp NTA 令和7年分 年末調整のしかた; 1,904,000→1,252,800), 地方税法32条2項・313条2項"
        ),
    ),
    personal=replace(
        PERSONAL_R7,
        spouse_income_limit=580_000,
        dependent_income_limit=580_000,
        specific_relative_table=SPECIFIC_RELATIVE_TABLE,
        specific_relative_upper=1_230_000,
        working_student_income_limit=850_000,
        citation=(
            "地方税法34条・314条の2 (令和7年改正: 同一生計配偶者・扶養親族 58万円以下, 配偶者特別控除 58万超, "
            "特定親族特別控除 (19〜22歳, 58万超123万以下: 45万…3万) [T] (jp-payroll citing 名古屋市), "
            "勤労学生 85万円以下 [T]; その他の額は令和7年度と同じ)"
        ),
    ),
    personal_difference=replace(
        PERSONAL_DIFFERENCE_R6_R7,
        # UNCERTAIN (reference notes D.4). 地方税法37条1号イ(7) as quoted by two public rule engines [S]:
        # the 配偶者特別控除 difference requires 配偶者の合計所得 "55万円未満" and not 控除対象配偶者; with the
        # 同一生計配偶者 limit raised to 58万円 no spouse satisfies both, so the difference is 0. (jp-payroll-mcp
        # instead reads 5万/3万 tiers on the new brackets.)
        spouse_special=(),
        citation=PERSONAL_DIFFERENCE_R6_R7.citation
        + "; 令和8年度: 配偶者特別控除の人的控除差 0 (37条1号イ(7) '55万円未満' は58万円超の配偶者に該当しない [S], UNCERTAIN — notes D.4)",
    ),
    donation=donation_rules(
        INCOME_TAX_BASIC_2025,
        "令和7年分所得税の基礎控除 95万/88万/68万/63万/58万/48万/32万/16万 → 48万円超過分を人的控除差調整額に加算 [T]",
    ),
    flat_reduction=FlatReductionRules(
        kind="none",
        per_person=0,
        income_limit=0,
        carryover_lower_exclusive=0,
        citation="定額減税なし (令和8年度)",
    ),
)
