"""Input and output types of the tax engine (frozen dataclasses, integer yen, ``datetime.date``).

``TaxInput`` is the snapshot a levy event stores; ``TaxComputation`` is the result with its trace.
Both round-trip exactly through ``to_dict()``/``from_dict()`` (JSON-safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.taxrules.serde import Serde
from domain.taxrules.trace import TraceLine

DISABILITY_VALUES = ("none", "general", "special")
HOUSING_LOAN_CASES = ("standard", "special")
SEX_VALUES = ("female", "male")


@dataclass(frozen=True)
class TaxpayerFacts:
    """納税義務者の事実 (facts about the taxpayer on 賦課期日 1 January and in the income year).

    ``sex`` is only read for ひとり親's 人的控除差 (母 5万 / 父 1万, 地方税法37条); when unknown we
    assume 母 (female) — documented as an assumption in docs/tax-rules.md.
    """

    birth_date: date | None = None
    disability: str = "none"  # none | general (障害者) | special (特別障害者)
    widow: bool = False  # 寡婦
    single_parent: bool = False  # ひとり親
    working_student: bool = False  # 勤労学生
    public_assistance: bool = False  # 生活保護法の生活扶助 on 1 January
    resident: bool = True  # False = 家屋敷課税 (住所なし, 事務所・家屋敷のみ)
    sex: str | None = None


@dataclass(frozen=True)
class Income:
    """Income of the income year (前年所得). Revenues where the law deducts by formula, else 所得 amounts.

    ``occasional`` = 一時所得 (収入 − 支出, before the 50万 特別控除); ``capital_gains_short/long`` = 総合課税の
    譲渡益 before the 50万 特別控除. Loss carry-forwards reduce 総所得金額等 but not 合計所得金額.
    """

    salary_revenue: int = 0
    public_pension_revenue: int = 0
    business: int = 0
    real_estate: int = 0
    dividend_comprehensive: int = 0
    miscellaneous: int = 0  # 雑所得 (その他)
    miscellaneous_business: int = 0  # 雑所得 (業務)
    occasional: int = 0
    capital_gains_short: int = 0
    capital_gains_long: int = 0
    listed_stock_dividends_separate: int = 0
    listed_stock_gains_separate: int = 0
    net_loss_carryforward: int = 0  # 純損失の繰越控除
    listed_stock_loss_carryforward: int = 0  # 上場株式等に係る譲渡損失の繰越控除


@dataclass(frozen=True)
class LifeInsurancePremiums:
    """生命保険料 paid (not deductions): 一般 (新/旧), 介護医療, 個人年金 (新/旧)."""

    general_new: int = 0
    general_old: int = 0
    care_medical: int = 0
    annuity_new: int = 0
    annuity_old: int = 0


@dataclass(frozen=True)
class EarthquakePremiums:
    """地震保険料 and 旧長期損害保険料 paid."""

    earthquake: int = 0
    old_long_term: int = 0


@dataclass(frozen=True)
class MedicalExpenses:
    """医療費 paid and reimbursed; or セルフメディケーション (特定一般用医薬品等購入費) when chosen."""

    paid: int = 0
    reimbursed: int = 0
    self_medication_otc: int = 0
    use_self_medication: bool = False


@dataclass(frozen=True)
class CasualtyLoss:
    """雑損控除 inputs: 損失額 (after insurance) and the 災害関連支出 within it."""

    loss: int = 0
    disaster_expenses: int = 0


@dataclass(frozen=True)
class Deductions:
    """Deduction facts (amounts paid)."""

    social_insurance: int = 0
    small_business_mutual_aid: int = 0
    life_insurance: LifeInsurancePremiums = field(default_factory=LifeInsurancePremiums)
    earthquake_insurance: EarthquakePremiums = field(default_factory=EarthquakePremiums)
    medical_expenses: MedicalExpenses = field(default_factory=MedicalExpenses)
    casualty: CasualtyLoss = field(default_factory=CasualtyLoss)


@dataclass(frozen=True)
class Relative:
    """配偶者 or 親族 in the same household (生計を一にする). ``total_income`` is their 合計所得金額.

    ``lineal_ascendant`` (直系尊属) decides 同居老親等; ``None`` = assume yes for a cohabiting person
    aged 70+ (documented assumption). ``abroad`` = 国外居住 (excluded from 定額減税 count).
    """

    birth_date: date | None = None
    total_income: int = 0
    disability: str = "none"
    cohabiting: bool = True
    lineal_ascendant: bool | None = None
    abroad: bool = False


@dataclass(frozen=True)
class Credits:
    """税額控除 facts.

    ``housing_loan_remaining`` = the income-tax 住宅借入金等特別控除 that income tax could not absorb;
    ``income_tax_taxable_income`` = 所得税の課税総所得金額等 (cap base); when absent the engine
    approximates it (see docs/tax-rules.md).
    """

    furusato_donations: int = 0
    one_stop: bool = False
    other_eligible_donations: int = 0
    housing_loan_remaining: int = 0
    housing_loan_case: str = "standard"
    income_tax_taxable_income: int | None = None


@dataclass(frozen=True)
class TaxInput(Serde):
    """Everything the engine needs for one taxpayer and one 年度."""

    fiscal_year: int
    taxpayer: TaxpayerFacts = field(default_factory=TaxpayerFacts)
    income: Income = field(default_factory=Income)
    deductions: Deductions = field(default_factory=Deductions)
    spouse: Relative | None = None
    dependents: tuple[Relative, ...] = ()
    credits: Credits = field(default_factory=Credits)


# ---------------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class NonTaxable:
    """非課税 determination."""

    per_capita: bool
    income_levy: bool
    reason: str | None


@dataclass(frozen=True)
class IncomeResult:
    """所得. ``total_income`` = 総所得金額等, ``total_income_amount`` = 合計所得金額,
    ``comprehensive_income`` = 総所得金額 (総合課税分), ``separate_income`` = 分離課税分 (after carry-forward)."""

    salary_income: int
    public_pension_income: int
    income_adjustment_deduction: int
    comprehensive_income: int
    separate_income: int
    total_income: int
    total_income_amount: int


@dataclass(frozen=True)
class DeductionResult:
    """所得控除 (resident-tax amounts) and the 人的控除差 they imply."""

    items: dict[str, int]
    total: int
    personal_difference: int


@dataclass(frozen=True)
class LevyBreakdown:
    """One tax (特別区民税 = municipal or 都民税 = prefectural): 所得割 from gross to final, and 均等割.

    income_levy = income_levy_gross − adjustment_credit − low_income_relief − dividend_credit −
    housing_loan_credit − donation_credit − flat_reduction − truncation (each credit as applied)."""

    income_levy_gross: int
    adjustment_credit: int
    low_income_relief: int
    dividend_credit: int
    housing_loan_credit: int
    donation_credit: int
    flat_reduction: int
    truncation: int
    income_levy: int
    per_capita_levy: int


@dataclass(frozen=True)
class TaxComputation(Serde):
    """Result of :func:`domain.taxrules.engine.compute`, with the full trace."""

    fiscal_year: int
    rule_set_id: str
    municipality_id: str
    non_taxable: NonTaxable
    income: IncomeResult
    deductions: DeductionResult
    taxable_income: int  # 課税総所得金額 (1,000円未満切捨て)
    separate_taxable_income: int  # 上場株式等の課税配当所得等 + 課税譲渡所得等
    municipal: LevyBreakdown
    prefectural: LevyBreakdown
    forest_environment_tax: int
    total: int
    trace: tuple[TraceLine, ...]
