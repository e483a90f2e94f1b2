"""Versioned tax parameters (税率・控除額等のパラメータ) as data.

One :class:`RuleSet` per 年度 (fiscal year), one :class:`MunicipalityParams` per municipality. Every rule
group carries its ``citation`` (the statute article it implements and, where the value was only
confirmed through secondary material, the source and a confidence tag:
[V] seen on an official page, [T] official figure transcribed by a third party, [S] statute reading
asserted by a third party, [M] general knowledge / not verified). The tags follow
``shared/reference/tax-rules.md``. Adding 令和9年度 = adding a new ``RuleSet`` in ``years/`` plus tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

F = Fraction


@dataclass(frozen=True)
class Bracket:
    """An amount that applies while the measured income is ``<= upper`` (``None`` = no upper bound)."""

    upper: int | None
    amount: int


def bracket_amount(brackets: tuple[Bracket, ...], value: int) -> int:
    """Amount of the first bracket whose upper bound (inclusive) is not exceeded by ``value``."""
    for b in brackets:
        if b.upper is None or value <= b.upper:
            return b.amount
    return 0


@dataclass(frozen=True)
class SalaryBand:
    """One band of 所得税法 別表第五 / 給与所得控除 (所得税法28条・別表第五).

    給与所得 = floor(floor_to(S, step) × rate) + offset (never below 0), for ``lower <= S < upper``.
    ``step`` 4,000 reproduces the 別表第五 rows (A = S floored to a multiple of 4,000);
    ``rate`` 0 with ``offset`` X is a fixed row.
    """

    lower: int
    upper: int | None
    step: int
    rate: Fraction
    offset: int


@dataclass(frozen=True)
class SalaryRules:
    """給与所得 (所得税法28条, 別表第五; 地方税法32条2項・313条2項 apply the income-tax rules)."""

    bands: tuple[SalaryBand, ...]
    minimum_deduction: int
    citation: str


@dataclass(frozen=True)
class IncomeAdjustmentRules:
    """所得金額調整控除 (租税特別措置法41条の3の11), which enters resident tax through the 給与所得 of
    地方税法32条2項・313条2項 (reading asserted by third parties [S]; not checked on e-Gov)."""

    child_salary_threshold: int = 8_500_000
    child_salary_cap: int = 10_000_000
    child_rate: Fraction = F(10, 100)  # noqa: RUF009 (Fraction is immutable)
    child_max: int = 150_000
    child_age_limit: int = 23
    pension_cap: int = 100_000
    citation: str = (
        "租税特別措置法41条の3の11 (子ども・特別障害者等: (min(S,1000万)-850万)×10%, 1円未満切上げ; "
        "給与・年金: min(給与,10万)+min(年金,10万)-10万) [T][S]"
    )


@dataclass(frozen=True)
class PensionBand:
    """公的年金等控除 band: deduction = R × rate + fixed for ``lower <= R < upper``."""

    lower: int
    upper: int | None
    rate: Fraction
    fixed: int


@dataclass(frozen=True)
class PensionRules:
    """公的年金等に係る雑所得 (所得税法35条4項; 措法41条の15の3: age on 12/31)."""

    age_threshold: int
    bands_65_plus: tuple[PensionBand, ...]
    bands_under_65: tuple[PensionBand, ...]
    other_income_reductions: tuple[tuple[int, int], ...]  # (other income exceeding X, deduction reduced by Y)
    citation: str


@dataclass(frozen=True)
class OtherIncomeRules:
    """一時所得・総合譲渡所得 (所得税法22条2項2号, 33条, 34条): 特別控除 50万円 and the 1/2 rule."""

    occasional_special_deduction: int = 500_000
    capital_gains_special_deduction: int = 500_000
    half: Fraction = F(1, 2)  # noqa: RUF009 (Fraction is immutable)
    citation: str = "所得税法22条2項2号・33条3項4項・34条3項 (特別控除50万円, 長期譲渡・一時所得は1/2) [M]"


@dataclass(frozen=True)
class SpouseTier:
    """配偶者控除 amounts by the taxpayer's 合計所得金額 (``upper`` inclusive)."""

    upper: int
    general: int
    elderly: int


@dataclass(frozen=True)
class SpouseSpecialDiffBand:
    """人的控除差 for 配偶者特別控除 by spouse 合計所得金額: ``lower_exclusive < income < upper_exclusive``;
    amounts by taxpayer tier (≤900万, ≤950万, ≤1,000万)."""

    lower_exclusive: int
    upper_exclusive: int
    by_tier: tuple[int, int, int]


@dataclass(frozen=True)
class LifeBracket:
    """生命保険料控除 band: P ≤ upper → ceil(P × rate) + add."""

    upper: int | None
    rate: Fraction
    add: int


@dataclass(frozen=True)
class PersonalDeductionRules:
    """人的控除 at resident-tax amounts (地方税法34条・314条の2)."""

    basic: tuple[Bracket, ...]
    spouse_income_limit: int  # 同一生計配偶者 / 控除対象配偶者 ≤ this 合計所得金額
    spouse_tiers: tuple[SpouseTier, ...]
    spouse_elderly_age: int
    spouse_special_upper: int
    spouse_special_table: tuple[Bracket, ...]  # by spouse 合計所得金額, taxpayer ≤ first tier
    spouse_special_tier_ratios: tuple[Fraction, Fraction, Fraction]
    spouse_special_rounding_unit: int
    dependent_income_limit: int
    dependent_general: int
    dependent_specific: int
    dependent_elderly: int
    dependent_cohabiting_parent: int
    age_min_dependent: int  # 16: 年少扶養親族 get no deduction
    age_specific: tuple[int, int]  # 19–22 特定扶養親族
    age_elderly: int  # 70
    specific_relative_table: tuple[Bracket, ...]  # 特定親族特別控除 (R8〜); empty = not in force
    specific_relative_upper: int
    disability_general: int
    disability_special: int
    disability_cohabiting_special: int
    widow: int
    single_parent: int
    widow_single_parent_income_limit: int
    working_student: int
    working_student_income_limit: int
    working_student_non_work_limit: int
    citation: str


@dataclass(frozen=True)
class InsuranceDeductionRules:
    """生命保険料控除 (地方税法314条の2第1項5号の3) and 地震保険料控除 (同5号の4), resident-tax amounts."""

    life_new: tuple[LifeBracket, ...]
    life_old: tuple[LifeBracket, ...]
    life_category_combined_cap: int
    life_total_cap: int
    earthquake_rate: Fraction
    earthquake_cap: int
    old_long_term: tuple[LifeBracket, ...]
    earthquake_total_cap: int
    citation: str


@dataclass(frozen=True)
class OtherDeductionRules:
    """医療費控除 (314条の2第1項2号; セルフメディケーション 附則4条の4), 雑損控除 (同1号)."""

    medical_floor: int = 100_000
    medical_floor_rate: Fraction = F(5, 100)  # noqa: RUF009 (Fraction is immutable)
    medical_cap: int = 2_000_000
    self_medication_floor: int = 12_000
    self_medication_cap: int = 88_000
    casualty_rate: Fraction = F(10, 100)  # noqa: RUF009 (Fraction is immutable)
    casualty_disaster_floor: int = 50_000
    citation: str = (
        "地方税法314条の2第1項1号・2号, 附則4条の4 (医療費: 10万円又は総所得金額等×5%, 上限200万円; "
        "セルフメディケーション: 1万2千円超, 上限8万8千円; 雑損: 10%又は災害関連支出-5万円) [T][M]"
    )


@dataclass(frozen=True)
class PersonalDifferenceRules:
    """人的控除差 (地方税法37条・314条の6 table) used by 調整控除 and 人的控除差調整額."""

    basic: int
    basic_income_limit: int
    spouse_general: tuple[int, int, int]
    spouse_elderly: tuple[int, int, int]
    spouse_special: tuple[SpouseSpecialDiffBand, ...]
    dependent_general: int
    dependent_specific: int
    dependent_elderly: int
    dependent_cohabiting_parent: int
    disability_general: int
    disability_special: int
    disability_cohabiting_special: int
    widow: int
    single_parent_mother: int
    single_parent_father: int
    working_student: int
    specific_relative: int
    citation: str


@dataclass(frozen=True)
class AdjustmentCreditRules:
    """調整控除 (地方税法37条・314条の6)."""

    rate: Fraction = F(5, 100)  # noqa: RUF009 (Fraction is immutable) — split by MunicipalityParams.municipal_share
    threshold: int = 2_000_000
    floor: int = 50_000
    exclusion_income: int = 25_000_000
    citation: str = (
        "地方税法37条・314条の6 (合計課税所得≤200万: min(人的控除差,課税所得); >200万: "
        "max(人的控除差-(課税所得-200万), 5万); 合計所得2,500万超は適用なし) [V][T][S]"
    )


@dataclass(frozen=True)
class SpecialRatioBracket:
    """特例控除割合 band (地方税法附則5条の6) by 課税総所得金額 − 人的控除差調整額 (``upper`` inclusive).

    ``one_stop_ratio`` is the 申告特例控除割合 (附則5条の7第2項 table: 所得税率×1.021 / 特例控除割合;
    the statutory table has five rows, so every band above 900万円 uses 33.693/56.307 [S] — UNCERTAIN)."""

    upper: int | None
    special_ratio: Fraction
    one_stop_ratio: Fraction


@dataclass(frozen=True)
class DonationRules:
    """寄附金税額控除 (地方税法37条の2・314条の7, 附則5条の6・5条の7)."""

    income_cap_rate: Fraction
    floor: int
    negative_ratio: Fraction  # 課税総所得 − 調整額 < 0, or no 課税総所得金額
    brackets: tuple[SpecialRatioBracket, ...]
    separate_listed_ratio: Fraction  # 上場株式等 (分離): 90% − 15%×1.021 = 74.685%
    separate_listed_one_stop_ratio: Fraction
    special_cap_rate: Fraction
    income_tax_basic_deduction: tuple[Bracket, ...]  # by 合計所得金額; feeds 人的控除差調整額
    income_tax_basic_reference: int  # 480,000: the add-on is max(所得税基礎控除 − this, 0)
    citation: str


@dataclass(frozen=True)
class DividendCreditRules:
    """配当控除 (地方税法附則5条): threshold on 課税総所得金額等 of 1,000万円."""

    threshold: int = 10_000_000
    citation: str = "地方税法附則5条 (配当控除: 1,000万円以下部分 2.8%, 超える部分 1.4%) [M]"


@dataclass(frozen=True)
class HousingLoanRules:
    """住宅借入金等特別税額控除 (地方税法附則5条の4の2)."""

    standard_rate: Fraction = F(5, 100)  # noqa: RUF009 (Fraction is immutable)
    standard_cap: int = 97_500
    special_rate: Fraction = F(7, 100)  # noqa: RUF009 (Fraction is immutable)
    special_cap: int = 136_500
    citation: str = (
        "地方税法附則5条の4の2 (所得税で控除しきれない額; 所得税の課税総所得金額等×5% 上限97,500円, "
        "特別特例取得等 7% 上限136,500円) [T]"
    )


@dataclass(frozen=True)
class FlatReductionRules:
    """定額減税 (令和6年度: 地方税法附則5条の8・5条の9; 令和7年度: 同一生計配偶者分 附則5条の10〜)."""

    kind: str  # "general" (R6), "spouse_carryover" (R7) or "none"
    per_person: int
    income_limit: int
    carryover_lower_exclusive: int
    citation: str


@dataclass(frozen=True)
class NonTaxableRules:
    """非課税 (地方税法24条の5・295条, 施行令47条の3, 附則3条の3)."""

    low_income_limit: int  # 障害者・未成年者・寡婦・ひとり親
    minor_age: int
    per_capita_per_head: dict[int, int]  # by 級地
    per_capita_base: int
    per_capita_addon: dict[int, int]  # by 級地 (when N ≥ 2)
    income_levy_per_head: int
    income_levy_base: int
    income_levy_addon: int
    citation: str


@dataclass(frozen=True)
class RuleSet:
    """All national-law parameters for one 年度 (賦課年度). ``id`` like ``"R8-2026.1"``."""

    id: str
    fiscal_year: int
    era_label: str
    salary: SalaryRules
    income_adjustment: IncomeAdjustmentRules
    pension: PensionRules
    other_income: OtherIncomeRules
    personal: PersonalDeductionRules
    insurance: InsuranceDeductionRules
    other_deductions: OtherDeductionRules
    personal_difference: PersonalDifferenceRules
    adjustment: AdjustmentCreditRules
    donation: DonationRules
    dividend: DividendCreditRules
    housing_loan: HousingLoanRules
    flat_reduction: FlatReductionRules
    non_taxable: NonTaxableRules
    forest_environment_tax: int
    forest_citation: str
    salary_june_zero: bool  # 令和6年度 特別徴収: 6月分 0, 7月〜翌5月 11回
    assessment_date_citation: str = "地方税法39条・318条 (賦課期日 1月1日)"

    @property
    def income_year(self) -> int:
        """前年 (所得の年) — the calendar year whose income is taxed (地方税法32条・313条)."""
        return self.fiscal_year - 1


@dataclass(frozen=True)
class InstallmentDate:
    """A 普通徴収 納期 as (month, day); ``next_year`` for 第4期 in January. day 31 = 月末."""

    label: str
    month: int
    day: int
    next_year: bool = False

    def on(self, fiscal_year: int) -> date:
        year = fiscal_year + (1 if self.next_year else 0)
        import calendar

        last = calendar.monthrange(year, self.month)[1]
        return date(year, self.month, min(self.day, last))


@dataclass(frozen=True)
class MunicipalityParams:
    """Municipal configuration (区・市の条例): rates, 均等割, 級地, 超過課税, 納期.

    Defaults: a Tokyo special ward (特別区), 1級地, 6 % / 4 % (地方税法35条・314条の3; 特別区は
    市町村民税の規定を準用 (地方税法1条2項・734条)), 均等割 3,000/1,000 円 (令和6年度〜),
    普通徴収 4 納期 (6月・8月・10月・翌1月 末日), 1,000円単位で端数は第1期.
    A 政令指定都市 sets ``municipal_rate=8/100, prefectural_rate=2/100`` and the shares below.
    """

    id: str = "tokyo-special-ward"
    name: str = "東京都特別区 (特別区民税・都民税)"
    municipal_rate: Fraction = F(6, 100)  # noqa: RUF009 (Fraction is immutable)
    prefectural_rate: Fraction = F(4, 100)  # noqa: RUF009 (Fraction is immutable)
    municipal_surcharge_rate: Fraction = F(0)  # 超過課税 on 所得割 (not used by the 23 wards)  # noqa: RUF009 (Fraction is immutable)
    prefectural_surcharge_rate: Fraction = F(0)  # noqa: RUF009 (Fraction is immutable)
    municipal_separate_rate: Fraction = F(3, 100)  # 上場株式等の配当・譲渡 (申告分離) 5%: 3/2  # noqa: RUF009 (Fraction is immutable)
    prefectural_separate_rate: Fraction = F(2, 100)  # noqa: RUF009 (Fraction is immutable)
    per_capita_municipal: int = 3_000
    per_capita_prefectural: int = 1_000
    grade: int = 1  # 級地 (生活保護法の級地; 23区 = 1級地 [M])
    dividend_credit_municipal: tuple[Fraction, Fraction] = (F(16, 1000), F(8, 1000))
    dividend_credit_prefectural: tuple[Fraction, Fraction] = (F(12, 1000), F(6, 1000))
    ordinary_unit: int = 1_000
    ordinary_dates: tuple[InstallmentDate, ...] = field(
        default_factory=lambda: (
            InstallmentDate("第1期", 6, 30),
            InstallmentDate("第2期", 8, 31),
            InstallmentDate("第3期", 10, 31),
            InstallmentDate("第4期", 1, 31, next_year=True),
        )
    )
    salary_unit: int = 100
    pension_unit: int = 100
    citation: str = (
        "地方税法314条の3 (標準税率 市町村6%・道府県4%; 指定都市8%/2%), 310条・38条 (均等割), "
        "地方税法320条・特別区税条例 (普通徴収の納期), 20条の4の2第6項 (分割端数は第1期) [V][T]"
    )

    @property
    def standard_total_rate(self) -> Fraction:
        return self.municipal_rate + self.prefectural_rate

    @property
    def municipal_share(self) -> Fraction:
        """Share of a combined credit borne by 市町村民税 (3/5 in wards, 4/5 in 指定都市)."""
        return self.municipal_rate / self.standard_total_rate


TOKYO_SPECIAL_WARD = MunicipalityParams()

# 政令指定都市 with standard rates (市 8 % / 道府県 2 %, 地方税法314条の3第2項・35条の2). Local surcharges
# (e.g. 横浜市みどり税, 神奈川県 所得割 +0.025 %) are further configuration of the specific city. [T][M]
DESIGNATED_CITY_STANDARD = MunicipalityParams(
    id="designated-city-standard",
    name="政令指定都市 (標準税率: 市民税8%・道府県民税2%)",
    municipal_rate=F(8, 100),
    prefectural_rate=F(2, 100),
    municipal_separate_rate=F(4, 100),
    prefectural_separate_rate=F(1, 100),
    dividend_credit_municipal=(F(224, 10_000), F(112, 10_000)),
    dividend_credit_prefectural=(F(56, 10_000), F(28, 10_000)),
)
