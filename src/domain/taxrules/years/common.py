"""Parameter blocks shared by several 年度 (unchanged between 令和6・7・8年度).

Each block is data with its citation; a year module picks the blocks that applied to it and overrides
what changed. Confidence tags as in ``params.py``.
"""

from __future__ import annotations

from fractions import Fraction as F

from domain.taxrules.params import (
    Bracket,
    DonationRules,
    InsuranceDeductionRules,
    LifeBracket,
    NonTaxableRules,
    PensionBand,
    PensionRules,
    SalaryBand,
    SpecialRatioBracket,
    SpouseSpecialDiffBand,
    SpouseTier,
)

# --- 給与所得: 令和2年分〜令和6年分 (used for 令和3〜7年度) ------------------------------------------
SALARY_BANDS_2020_2024: tuple[SalaryBand, ...] = (
    SalaryBand(0, 551_000, 1, F(0), 0),
    SalaryBand(551_000, 1_619_000, 1, F(1), -550_000),
    SalaryBand(1_619_000, 1_620_000, 1, F(0), 1_069_000),
    SalaryBand(1_620_000, 1_622_000, 1, F(0), 1_070_000),
    SalaryBand(1_622_000, 1_624_000, 1, F(0), 1_072_000),
    SalaryBand(1_624_000, 1_628_000, 1, F(0), 1_074_400),
    SalaryBand(1_628_000, 1_800_000, 4_000, F(6, 10), 100_000),
    SalaryBand(1_800_000, 3_600_000, 4_000, F(7, 10), -80_000),
    SalaryBand(3_600_000, 6_600_000, 4_000, F(8, 10), -440_000),
    SalaryBand(6_600_000, 8_500_000, 1, F(9, 10), -1_100_000),
    SalaryBand(8_500_000, None, 1, F(1), -1_950_000),
)
SALARY_CITATION_2020_2024 = (
    "所得税法28条・別表第五 (令和2年分以降; 収入660万円未満は別表第五の階差, 4,000円刻み), "
    "地方税法32条2項・313条2項 [V] rows ≤1,619,999 (清瀬市令和7年度); rows 1,620,000–1,799,999 [M]"
)

# --- 公的年金等控除 (令和2年分以降) -----------------------------------------------------------------
#: From 410万円 of revenue the deduction no longer depends on age (別表: the 65歳以上 and 65歳未満 rows agree).
_PENSION_BANDS_FROM_4_1M = (
    PensionBand(4_100_000, 7_700_000, F(15, 100), 685_000),
    PensionBand(7_700_000, 10_000_000, F(5, 100), 1_455_000),
    PensionBand(10_000_000, None, F(0), 1_955_000),
)

PENSION_2020 = PensionRules(
    age_threshold=65,
    bands_65_plus=(
        PensionBand(0, 3_300_000, F(0), 1_100_000),
        PensionBand(3_300_000, 4_100_000, F(25, 100), 275_000),
        *_PENSION_BANDS_FROM_4_1M,
    ),
    bands_under_65=(
        PensionBand(0, 1_300_000, F(0), 600_000),
        PensionBand(1_300_000, 4_100_000, F(25, 100), 275_000),
        *_PENSION_BANDS_FROM_4_1M,
    ),
    other_income_reductions=((10_000_000, 100_000), (20_000_000, 200_000)),
    citation=(
        "所得税法35条4項, 租税特別措置法41条の15の3 (65歳以上: 12月31日の年齢; "
        "年金以外の合計所得1,000万円超/2,000万円超で10万/20万円減) [V] (横浜市FAQ)"
    ),
)

BASIC_DEDUCTION_RESIDENT = (
    Bracket(24_000_000, 430_000),
    Bracket(24_500_000, 290_000),
    Bracket(25_000_000, 150_000),
    Bracket(None, 0),
)

SPOUSE_TIERS = (
    SpouseTier(9_000_000, 330_000, 380_000),
    SpouseTier(9_500_000, 220_000, 260_000),
    SpouseTier(10_000_000, 110_000, 130_000),
)

SPOUSE_SPECIAL_TABLE = (
    Bracket(1_000_000, 330_000),
    Bracket(1_050_000, 310_000),
    Bracket(1_100_000, 260_000),
    Bracket(1_150_000, 210_000),
    Bracket(1_200_000, 160_000),
    Bracket(1_250_000, 110_000),
    Bracket(1_300_000, 60_000),
    Bracket(1_330_000, 30_000),
    Bracket(None, 0),
)

INSURANCE = InsuranceDeductionRules(
    life_new=(
        LifeBracket(12_000, F(1), 0),
        LifeBracket(32_000, F(1, 2), 6_000),
        LifeBracket(56_000, F(1, 4), 14_000),
        LifeBracket(None, F(0), 28_000),
    ),
    life_old=(
        LifeBracket(15_000, F(1), 0),
        LifeBracket(40_000, F(1, 2), 7_500),
        LifeBracket(70_000, F(1, 4), 17_500),
        LifeBracket(None, F(0), 35_000),
    ),
    life_category_combined_cap=28_000,
    life_total_cap=70_000,
    earthquake_rate=F(1, 2),
    earthquake_cap=25_000,
    old_long_term=(
        LifeBracket(5_000, F(1), 0),
        LifeBracket(15_000, F(1, 2), 2_500),
        LifeBracket(None, F(0), 10_000),
    ),
    earthquake_total_cap=25_000,
    citation=(
        "地方税法314条の2第1項5号の3・5号の4, 同条7項〜 (生命保険料: 新28,000/旧35,000, 合計70,000; "
        "地震保険料: 1/2 上限25,000, 旧長期10,000) [V][T]"
    ),
)

_TOP_ONE_STOP = F(33_693, 56_307)  # statutory 申告特例 table ends at "900万円超" [S]
SPECIAL_RATIO_BRACKETS = (
    SpecialRatioBracket(1_950_000, F(84_895, 100_000), F(5_105, 84_895)),
    SpecialRatioBracket(3_300_000, F(79_790, 100_000), F(10_210, 79_790)),
    SpecialRatioBracket(6_950_000, F(69_580, 100_000), F(20_420, 69_580)),
    SpecialRatioBracket(9_000_000, F(66_517, 100_000), F(23_483, 66_517)),
    SpecialRatioBracket(18_000_000, F(56_307, 100_000), _TOP_ONE_STOP),
    SpecialRatioBracket(40_000_000, F(49_160, 100_000), _TOP_ONE_STOP),
    SpecialRatioBracket(None, F(44_055, 100_000), _TOP_ONE_STOP),
)

INCOME_TAX_BASIC_2020_2024 = (
    Bracket(24_000_000, 480_000),
    Bracket(24_500_000, 320_000),
    Bracket(25_000_000, 160_000),
    Bracket(None, 0),
)


def donation_rules(income_tax_basic: tuple[Bracket, ...], note: str) -> DonationRules:
    """寄附金税額控除 parameters; only the income-tax basic deduction tiers differ between years."""
    return DonationRules(
        income_cap_rate=F(30, 100),
        floor=2_000,
        negative_ratio=F(90, 100),
        brackets=SPECIAL_RATIO_BRACKETS,
        separate_listed_ratio=F(74_685, 100_000),
        separate_listed_one_stop_ratio=F(15_315, 74_685),
        special_cap_rate=F(20, 100),
        income_tax_basic_deduction=income_tax_basic,
        income_tax_basic_reference=480_000,
        citation=(
            "地方税法37条の2・314条の7 (基本控除: (寄附金(総所得金額等×30%限度)-2,000)×税率; "
            "特例控除: (ふるさと寄附-2,000)×特例控除割合, 所得割(調整控除後)×20%限度), 附則5条の6 "
            "(特例控除割合表, 人的控除差調整額; 分離課税の上場株式等がある場合 74.685%, 複数該当は最も低い割合 [S]), "
            "附則5条の7 (申告特例控除割合: 5区分 [S]) [V][T][S]; " + note
        ),
    )


R6_R7_SPOUSE_SPECIAL_DIFF = (
    SpouseSpecialDiffBand(480_000, 500_000, (50_000, 40_000, 20_000)),
    SpouseSpecialDiffBand(499_999, 550_000, (30_000, 20_000, 10_000)),
)


def non_taxable_rules() -> NonTaxableRules:
    """非課税限度額 (令和6〜8年度 unchanged)."""
    return NonTaxableRules(
        low_income_limit=1_350_000,
        minor_age=18,
        per_capita_per_head={1: 350_000, 2: 315_000, 3: 280_000},
        per_capita_base=100_000,
        per_capita_addon={1: 210_000, 2: 189_000, 3: 168_000},
        income_levy_per_head=350_000,
        income_levy_base=100_000,
        income_levy_addon=320_000,
        citation=(
            "地方税法24条の5・295条1項2号 (障害者・未成年者・寡婦・ひとり親 135万円以下), 295条3項・"
            "施行令47条の3 (均等割: 35万円×N+10万円+21万円(N≥2), 1級地; 2級地31.5万/18.9万, "
            "3級地28万/16.8万), 附則3条の3 (所得割: 35万円×N+10万円+32万円(N≥2)) [V][T]"
        ),
    )
