"""令和6年度 (fiscal 2024, 2023 income): same amounts as 令和7年度; 定額減税 1万円 × (本人 + 控除対象配偶者
+ 扶養親族) and 特別徴収 June = 0 (地方税法附則5条の8・5条の9 [V] (橋上・太宰府市・tees-k pages))."""

from __future__ import annotations

from dataclasses import replace

from domain.taxrules.params import FlatReductionRules, RuleSet
from domain.taxrules.years.r7 import R7

R6: RuleSet = replace(
    R7,
    id="R6-2024.1",
    fiscal_year=2024,
    era_label="令和6年度",
    flat_reduction=FlatReductionRules(
        kind="general",
        per_person=10_000,
        income_limit=18_050_000,
        carryover_lower_exclusive=0,
        citation=(
            "地方税法附則5条の8 (道府県民税)・5条の9 (市町村民税): 令和6年度分 特別税額控除 "
            "1万円×(本人+控除対象配偶者+扶養親族(年少含む, 国外居住者除く)), 合計所得1,805万円以下, "
            "税額控除後の所得割から; 区6千:都4千 (python-etax citing 杉並区) [V][T]"
        ),
    ),
    salary_june_zero=True,
)
