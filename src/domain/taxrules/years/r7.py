"""令和7年度 (fiscal 2025, 2024 income): pre-2025-reform amounts; 定額減税 carry-over for
控除対象配偶者以外の同一生計配偶者 (地方税法附則5条の10〜; 千代田区 2025-07-07 page [V])."""

from __future__ import annotations

from fractions import Fraction as F

from domain.taxrules.params import (
    AdjustmentCreditRules,
    DividendCreditRules,
    FlatReductionRules,
    HousingLoanRules,
    IncomeAdjustmentRules,
    OtherDeductionRules,
    OtherIncomeRules,
    PersonalDeductionRules,
    PersonalDifferenceRules,
    RuleSet,
    SalaryRules,
)
from domain.taxrules.years.common import (
    BASIC_DEDUCTION_RESIDENT,
    INCOME_TAX_BASIC_2020_2024,
    INSURANCE,
    PENSION_2020,
    R6_R7_SPOUSE_SPECIAL_DIFF,
    SALARY_BANDS_2020_2024,
    SALARY_CITATION_2020_2024,
    SPOUSE_SPECIAL_TABLE,
    SPOUSE_TIERS,
    donation_rules,
    non_taxable_rules,
)

PERSONAL_R7 = PersonalDeductionRules(
    basic=BASIC_DEDUCTION_RESIDENT,
    spouse_income_limit=480_000,
    spouse_tiers=SPOUSE_TIERS,
    spouse_elderly_age=70,
    spouse_special_upper=1_330_000,
    spouse_special_table=SPOUSE_SPECIAL_TABLE,
    spouse_special_tier_ratios=(F(1), F(2, 3), F(1, 3)),
    spouse_special_rounding_unit=10_000,
    dependent_income_limit=480_000,
    dependent_general=330_000,
    dependent_specific=450_000,
    dependent_elderly=380_000,
    dependent_cohabiting_parent=450_000,
    age_min_dependent=16,
    age_specific=(19, 22),
    age_elderly=70,
    specific_relative_table=(),
    specific_relative_upper=0,
    disability_general=260_000,
    disability_special=300_000,
    disability_cohabiting_special=530_000,
    widow=260_000,
    single_parent=300_000,
    widow_single_parent_income_limit=5_000_000,
    working_student=260_000,
    working_student_income_limit=750_000,
    working_student_non_work_limit=100_000,
    citation=(
        "地方税法34条・314条の2 (基礎43万/29万/15万; 配偶者33万・老人38万 (本人900万/950万/1,000万で逓減); "
        "配偶者特別控除 48万超133万以下; 扶養33万/特定45万/老人38万/同居老親45万 (48万以下); "
        "障害者26万/特別30万/同居特別53万; 寡婦26万; ひとり親30万; 勤労学生26万 (75万以下 [M])) [V][T]"
    ),
)

PERSONAL_DIFFERENCE_R6_R7 = PersonalDifferenceRules(
    basic=50_000,
    basic_income_limit=25_000_000,
    spouse_general=(50_000, 40_000, 20_000),
    spouse_elderly=(100_000, 60_000, 30_000),
    spouse_special=R6_R7_SPOUSE_SPECIAL_DIFF,
    dependent_general=50_000,
    dependent_specific=180_000,
    dependent_elderly=100_000,
    dependent_cohabiting_parent=130_000,
    disability_general=10_000,
    disability_special=100_000,
    disability_cohabiting_special=220_000,
    widow=10_000,
    single_parent_mother=50_000,
    single_parent_father=10_000,
    working_student=10_000,
    specific_relative=0,
    citation=(
        "地方税法37条1号・314条の6第1号 (人的控除額の差の合計額の表: 基礎5万, 配偶者5万/4万/2万, "
        "老人配偶者10万/6万/3万, 配偶者特別 48万超50万未満 5万/4万/2万・50万以上55万未満 3万/2万/1万, "
        "扶養5万/特定18万/老人10万/同居老親13万, 障害者1万/特別10万/同居特別22万, 寡婦1万, "
        "ひとり親(母)5万/(父)1万, 勤労学生1万) [V][T][S]"
    ),
)

R7 = RuleSet(
    id="R7-2025.1",
    fiscal_year=2025,
    era_label="令和7年度",
    salary=SalaryRules(
        bands=SALARY_BANDS_2020_2024, minimum_deduction=550_000, citation=SALARY_CITATION_2020_2024
    ),
    income_adjustment=IncomeAdjustmentRules(),
    pension=PENSION_2020,
    other_income=OtherIncomeRules(),
    personal=PERSONAL_R7,
    insurance=INSURANCE,
    other_deductions=OtherDeductionRules(),
    personal_difference=PERSONAL_DIFFERENCE_R6_R7,
    adjustment=AdjustmentCreditRules(),
    donation=donation_rules(INCOME_TAX_BASIC_2020_2024, "所得税基礎控除 48万円 (2,400万円以下) → 加算なし"),
    dividend=DividendCreditRules(),
    housing_loan=HousingLoanRules(),
    flat_reduction=FlatReductionRules(
        kind="spouse_carryover",
        per_person=10_000,
        income_limit=18_050_000,
        carryover_lower_exclusive=10_000_000,
        citation=(
            "地方税法附則5条の10・5条の11 (令和7年度分 定額減税: 合計所得1,000万円超1,805万円以下で "
            "控除対象配偶者以外の同一生計配偶者がいる者 1万円, 税額控除後の所得割から) [V] (千代田区)"
        ),
    ),
    non_taxable=non_taxable_rules(),
    forest_environment_tax=1_000,
    forest_citation="森林環境税及び森林環境譲与税に関する法律 (年額1,000円, 均等割と併せて賦課徴収) [V][T]",
    salary_june_zero=False,
)
