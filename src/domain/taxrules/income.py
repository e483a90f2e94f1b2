"""所得の計算: 給与所得, 所得金額調整控除, 公的年金等に係る雑所得, other categories,
総所得金額 / 総所得金額等 / 合計所得金額 (地方税法32条・313条, applying 所得税法 rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.taxrules.model import IncomeResult, Relative, TaxInput
from domain.taxrules.params import PensionRules, RuleSet, SalaryBand, SalaryRules
from domain.taxrules.rounding import mul_ceil, mul_floor
from domain.taxrules.trace import Tracer

ADULT_DEFAULT_AGE = 40  # used when a birth date is unknown: an adult under 65, not a minor


def legal_age(birth: date | None, on: date) -> int:
    """Age on ``on`` under 年齢計算ニ関スル法律 (one attains an age the day *before* the birthday).

    Hence "age on 31 December" equals the ordinary age on the following 1 January (NTA: 令和6年分
    65歳以上 = 昭和35年1月1日以前生まれ).
    """
    if birth is None:
        return ADULT_DEFAULT_AGE
    ref = on + timedelta(days=1)
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


def year_end(rs: RuleSet) -> date:
    """12月31日 of the income year (age reference for deductions, 所得税法85条)."""
    return date(rs.income_year, 12, 31)


def salary_band(revenue: int, rules: SalaryRules) -> SalaryBand:
    for band in rules.bands:
        if revenue >= band.lower and (band.upper is None or revenue < band.upper):
            return band
    raise ValueError("salary bands do not cover the revenue")  # pragma: no cover - data error


def salary_income(revenue: int, rules: SalaryRules) -> int:
    """給与所得 (所得税法28条, 別表第五 for 収入 < 660万円; formula above)."""
    if revenue <= 0:
        return 0
    band = salary_band(revenue, rules)
    base = revenue - revenue % band.step
    return max(0, mul_floor(base, band.rate) + band.offset)


def pension_income(revenue: int, age: int, other_income: int, rules: PensionRules) -> int:
    """公的年金等に係る雑所得 (所得税法35条4項, 措法41条の15の3): R − 公的年金等控除, 1円未満切捨て."""
    if revenue <= 0:
        return 0
    bands = rules.bands_65_plus if age >= rules.age_threshold else rules.bands_under_65
    reduction = 0
    for threshold, amount in rules.other_income_reductions:
        if other_income > threshold:
            reduction = amount
    for band in bands:
        if revenue >= band.lower and (band.upper is None or revenue < band.upper):
            # income = floor(R × (1 − rate)) − fixed, i.e. the deduction's fraction favours the taxpayer.
            income = mul_floor(revenue, 1 - band.rate) - (band.fixed - reduction)
            return max(0, income)
    raise ValueError("pension bands do not cover the revenue")  # pragma: no cover


def is_same_household_spouse(spouse: Relative | None, rs: RuleSet) -> bool:
    """同一生計配偶者: spouse with 合計所得金額 ≤ 48万円 (R6/R7) / 58万円 (R8) (地方税法23条1項7号・292条)."""
    return spouse is not None and spouse.total_income <= rs.personal.spouse_income_limit


def is_dependent(rel: Relative, rs: RuleSet) -> bool:
    """扶養親族 (incl. 年少扶養親族): 合計所得金額 ≤ 48万円 / 58万円 (地方税法23条1項9号・292条)."""
    return rel.total_income <= rs.personal.dependent_income_limit


@dataclass(frozen=True)
class IncomeWork:
    """Income figures the later steps need (public part in ``result``).

    ``result.salary_income`` is 給与所得控除後の給与等の金額 (before 所得金額調整控除), shown with the
    adjustment separately as on the 源泉徴収票; comprehensive = salary + pension + others − adjustment."""

    result: IncomeResult
    comprehensive_after_carryforward: int
    separate_dividends: int
    separate_gains: int
    dividend_comprehensive: int
    salary_income_after_adjustment: int


def compute_income(inp: TaxInput, rs: RuleSet, t: Tracer) -> IncomeWork:
    """Compute every income category and the totals, tracing each line."""
    inc = inp.income
    ye = year_end(rs)
    age = legal_age(inp.taxpayer.birth_date, ye)

    sal = salary_income(inc.salary_revenue, rs.salary)
    if inc.salary_revenue > 0:
        band = salary_band(inc.salary_revenue, rs.salary)
        t.add(
            "income.salary_income",
            "給与所得 salary income",
            sal,
            rs.salary.citation,
            salary_revenue=inc.salary_revenue,
            band_lower=band.lower,
            band_step=band.step,
            band_rate=f"{band.rate.numerator}/{band.rate.denominator}",
            band_offset=band.offset,
            minimum_deduction=rs.salary.minimum_deduction,
        )

    # 所得金額調整控除 (1): 子ども・特別障害者等
    adj = rs.income_adjustment
    spouse = inp.spouse
    deps = [d for d in inp.dependents if is_dependent(d, rs)]
    qualifies = (
        inp.taxpayer.disability == "special"
        or any(legal_age(d.birth_date, ye) < adj.child_age_limit for d in deps)
        or any(d.disability == "special" for d in deps)
        or (spouse is not None and is_same_household_spouse(spouse, rs) and spouse.disability == "special")
    )
    adj1 = 0
    if qualifies and inc.salary_revenue > adj.child_salary_threshold:
        excess = min(inc.salary_revenue, adj.child_salary_cap) - adj.child_salary_threshold
        adj1 = min(mul_ceil(excess, adj.child_rate), adj.child_max, sal)
        t.add(
            "income.adjustment_child",
            "所得金額調整控除 (子ども・特別障害者等) income adjustment (children/special disability)",
            adj1,
            adj.citation,
            salary_revenue=inc.salary_revenue,
            threshold=adj.child_salary_threshold,
            cap=adj.child_salary_cap,
            rate="10%",
            max=adj.child_max,
        )
    sal_after1 = sal - adj1

    occ_after = max(0, inc.occasional - rs.other_income.occasional_special_deduction)
    special_cg = rs.other_income.capital_gains_special_deduction
    short_after = max(0, inc.capital_gains_short - special_cg)
    special_left = max(0, special_cg - inc.capital_gains_short)
    long_after = max(0, inc.capital_gains_long - special_left)
    occ_half = mul_floor(occ_after, rs.other_income.half)
    long_half = mul_floor(long_after, rs.other_income.half)
    separate = inc.listed_stock_dividends_separate + inc.listed_stock_gains_separate
    others = (
        inc.business
        + inc.real_estate
        + inc.dividend_comprehensive
        + inc.miscellaneous
        + inc.miscellaneous_business
        + short_after
        + long_half
        + occ_half
    )
    if occ_after or inc.capital_gains_short or inc.capital_gains_long:
        t.add(
            "income.capital_gains_occasional",
            "総合譲渡所得・一時所得 (1/2 算入後) comprehensive capital gains and occasional income",
            short_after + long_half + occ_half,
            rs.other_income.citation,
            short_term=inc.capital_gains_short,
            long_term=inc.capital_gains_long,
            occasional=inc.occasional,
            special_deduction=special_cg,
        )

    # 公的年金等に係る雑所得: 年金以外の合計所得金額 decides the 10万/20万 reduction.
    pension_other = sal_after1 + others + separate
    pen = pension_income(inc.public_pension_revenue, age, pension_other, rs.pension)
    if inc.public_pension_revenue > 0:
        t.add(
            "income.public_pension_income",
            "公的年金等に係る雑所得 public pension income",
            pen,
            rs.pension.citation,
            public_pension_revenue=inc.public_pension_revenue,
            age_on_dec_31=age,
            other_income=pension_other,
        )

    # 所得金額調整控除 (2): 給与所得と公的年金等に係る雑所得の両方がある場合
    adj2 = 0
    if sal_after1 > 0 and pen > 0:
        adj2 = max(0, min(sal_after1, adj.pension_cap) + min(pen, adj.pension_cap) - adj.pension_cap)
        if adj2:
            t.add(
                "income.adjustment_pension",
                "所得金額調整控除 (給与・年金) income adjustment (salary and pension)",
                adj2,
                adj.citation,
                salary_income=sal_after1,
                pension_income=pen,
                cap=adj.pension_cap,
            )
    sal_final = sal_after1 - adj2
    adjustment_total = adj1 + adj2

    comprehensive = sal_final + pen + others
    total_amount = comprehensive + separate
    comp_cf = max(0, comprehensive - inc.net_loss_carryforward)
    loss_left = inc.listed_stock_loss_carryforward
    gains_net = max(0, inc.listed_stock_gains_separate - loss_left)
    loss_left = max(0, loss_left - inc.listed_stock_gains_separate)
    divs_net = max(0, inc.listed_stock_dividends_separate - loss_left)
    separate_net = gains_net + divs_net
    total_income = comp_cf + separate_net

    t.add(
        "income.comprehensive_income",
        "総所得金額 (総合課税) comprehensive income",
        comprehensive,
        "地方税法32条・313条 (所得税法の例により算定; 損益通算は未対応)",
        salary_income=sal,
        income_adjustment_deduction=adjustment_total,
        public_pension_income=pen,
        business=inc.business,
        real_estate=inc.real_estate,
        dividend_comprehensive=inc.dividend_comprehensive,
        miscellaneous=inc.miscellaneous,
        miscellaneous_business=inc.miscellaneous_business,
        capital_gains_and_occasional=short_after + long_half + occ_half,
    )
    t.add(
        "income.total_income_amount",
        "合計所得金額 total income amount",
        total_amount,
        "地方税法292条1項13号 (繰越控除前の総所得金額+分離課税の所得) [V][S]",
        comprehensive_income=comprehensive,
        listed_stock_dividends_separate=inc.listed_stock_dividends_separate,
        listed_stock_gains_separate=inc.listed_stock_gains_separate,
    )
    t.add(
        "income.total_income",
        "総所得金額等 total income (after carry-forwards)",
        total_income,
        "地方税法32条・313条, 附則33条の2・35条の2の6 (繰越控除後) [S]",
        comprehensive_after_carryforward=comp_cf,
        net_loss_carryforward=inc.net_loss_carryforward,
        separate_after_carryforward=separate_net,
        listed_stock_loss_carryforward=inc.listed_stock_loss_carryforward,
    )
    return IncomeWork(
        result=IncomeResult(
            salary_income=sal,
            public_pension_income=pen,
            income_adjustment_deduction=adjustment_total,
            comprehensive_income=comprehensive,
            separate_income=separate_net,
            total_income=total_income,
            total_income_amount=total_amount,
        ),
        comprehensive_after_carryforward=comp_cf,
        separate_dividends=divs_net,
        separate_gains=gains_net,
        dividend_comprehensive=inc.dividend_comprehensive,
        salary_income_after_adjustment=sal_final,
    )
