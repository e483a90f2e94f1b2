"""The levy computation: 特別区民税 (市町村民税) and 都民税 (道府県民税) for one taxpayer and one 年度.

Pipeline (docs/tax-rules.md): 所得 → 所得控除 → 非課税 → 課税標準 (1,000円未満切捨て) → 算出所得割 (per tax,
1円未満切捨て) → 調整控除 → 附則3条の3 → 配当控除 → 住宅借入金等特別税額控除 → 寄附金税額控除 → 定額減税
→ 100円未満切捨て → 均等割 → 森林環境税. Every line is traced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from domain.taxrules.credits import (
    adjustment_base,
    dividend_credit_base,
    personal_difference_adjustment,
    special_ratio,
)
from domain.taxrules.deductions import DeductionWork, compute_deductions
from domain.taxrules.income import compute_income
from domain.taxrules.model import LevyBreakdown, TaxComputation, TaxInput
from domain.taxrules.nontaxable import determine
from domain.taxrules.params import TOKYO_SPECIAL_WARD, MunicipalityParams, RuleSet
from domain.taxrules.registry import rule_set_for
from domain.taxrules.rounding import floor_to, mul_ceil, mul_floor, pct
from domain.taxrules.rounding import ratio as show_ratio
from domain.taxrules.trace import ParamValue, Tracer

TAX_LABELS = {"municipal": "特別区民税 (市町村民税)", "prefectural": "都民税 (道府県民税)"}


@dataclass
class _Levy:
    """Mutable per-tax accumulator (local to one computation)."""

    key: str
    rate: Fraction  # standard rate (6% / 4%)
    surcharge: Fraction
    separate_rate: Fraction
    share: Fraction  # share of combined credits (3/5 / 2/5)
    dividend_rates: tuple[Fraction, Fraction]
    per_capita: int
    gross: int = 0
    adjustment: int = 0
    relief: int = 0
    dividend: int = 0
    housing: int = 0
    donation: int = 0
    flat: int = 0
    truncation: int = 0
    final: int = 0
    per_capita_levy: int = 0
    params: dict[str, dict[str, ParamValue]] = field(default_factory=dict)

    @property
    def remaining(self) -> int:
        return (
            self.gross
            - self.adjustment
            - self.relief
            - self.dividend
            - self.housing
            - self.donation
            - self.flat
        )

    @property
    def label(self) -> str:
        return TAX_LABELS[self.key]

    def breakdown(self) -> LevyBreakdown:
        return LevyBreakdown(
            income_levy_gross=self.gross,
            adjustment_credit=self.adjustment,
            low_income_relief=self.relief,
            dividend_credit=self.dividend,
            housing_loan_credit=self.housing,
            donation_credit=self.donation,
            flat_reduction=self.flat,
            truncation=self.truncation,
            income_levy=self.final,
            per_capita_levy=self.per_capita_levy,
        )


def compute(
    inp: TaxInput, rs: RuleSet | None = None, mp: MunicipalityParams = TOKYO_SPECIAL_WARD
) -> TaxComputation:
    """Compute the levy (個人住民税の税額計算; 地方税法 第2章第1節・第3章第1節, 特別区: 地方税法1条2項).

    ``rs`` defaults to ``rule_set_for(inp.fiscal_year)``; ``mp`` to a Tokyo special ward (1級地).
    Pure: no I/O; the result carries the full trace.
    """
    if rs is None:
        rs = rule_set_for(inp.fiscal_year)
    if rs.fiscal_year != inp.fiscal_year:
        raise ValueError(f"rule set {rs.id} is for {rs.fiscal_year}, input is for {inp.fiscal_year}")
    t = Tracer()
    t.add(
        "rule_set",
        f"適用規則 rule set {rs.era_label} / {mp.name}",
        rs.fiscal_year,
        rs.assessment_date_citation,
        rule_set_id=rs.id,
        municipality_id=mp.id,
        income_year=rs.income_year,
    )

    inc = compute_income(inp, rs, t)
    ded = compute_deductions(inp, rs, inc, t)
    total_amount = inc.result.total_income_amount
    members = 1 + (1 if ded.same_household_spouse else 0) + ded.dependents_count
    nt, lim = determine(inp, rs, mp, inc.result.total_income, total_amount, members, t)

    # 課税標準: deductions first against 総所得金額, then 分離課税 (上場株式等の配当 → 譲渡) (所得税法87条の例).
    left = ded.result.total
    comp_taxable = floor_to(max(0, inc.comprehensive_after_carryforward - left), 1_000)
    left = max(0, left - inc.comprehensive_after_carryforward)
    div_taxable = floor_to(max(0, inc.separate_dividends - left), 1_000)
    left = max(0, left - inc.separate_dividends)
    gain_taxable = floor_to(max(0, inc.separate_gains - left), 1_000)
    t.add(
        "taxable_income",
        "課税総所得金額 taxable comprehensive income (1,000円未満切捨て)",
        comp_taxable,
        "地方税法32条・313条, 20条の4の2第1項 (課税標準 1,000円未満切捨て) [V]",
        comprehensive_after_carryforward=inc.comprehensive_after_carryforward,
        deductions_total=ded.result.total,
    )
    if inc.separate_dividends or inc.separate_gains:
        t.add(
            "separate_taxable_income",
            "上場株式等に係る課税配当所得等・課税譲渡所得等 separate taxable income (1,000円未満切捨て)",
            div_taxable + gain_taxable,
            "地方税法附則33条の2の2・35条の2 (申告分離 5%: 3%/2%) [M]",
            dividends=div_taxable,
            gains=gain_taxable,
        )

    levies = [
        _Levy(
            "municipal",
            mp.municipal_rate,
            mp.municipal_surcharge_rate,
            mp.municipal_separate_rate,
            mp.municipal_share,
            mp.dividend_credit_municipal,
            mp.per_capita_municipal,
        ),
        _Levy(
            "prefectural",
            mp.prefectural_rate,
            mp.prefectural_surcharge_rate,
            mp.prefectural_separate_rate,
            1 - mp.municipal_share,
            mp.dividend_credit_prefectural,
            mp.per_capita_prefectural,
        ),
    ]
    pd_adjustment = personal_difference_adjustment(ded.result.personal_difference, total_amount, rs.donation)

    if not nt.income_levy:
        _income_levy(
            _LevyBasis(
                inp,
                rs,
                mp,
                t,
                levies,
                total_income=inc.result.total_income,
                total_amount=total_amount,
                comp_taxable=comp_taxable,
                div_taxable=div_taxable,
                gain_taxable=gain_taxable,
                personal_difference=ded.result.personal_difference,
                pd_adjustment=pd_adjustment,
                dividend=inc.dividend_comprehensive,
                income_levy_limit=lim.income_levy,
                ded=ded,
            )
        )

    for lv in levies:
        lv.final = floor_to(lv.remaining, 100)
        lv.truncation = lv.remaining - lv.final
        lv.per_capita_levy = 0 if nt.per_capita else lv.per_capita
        for name, value, step, citation in (
            (
                "income_levy_gross",
                lv.gross,
                "算出所得割額 gross income levy",
                "地方税法35条・314条の3 (税率)",
            ),
            ("adjustment_credit", lv.adjustment, "調整控除 adjustment credit", rs.adjustment.citation),
            (
                "low_income_relief",
                lv.relief,
                "非課税限度額付近の減額 low-income relief",
                "地方税法附則3条の3第4項・第5項 [S][T]",
            ),
            ("dividend_credit", lv.dividend, "配当控除 dividend credit", rs.dividend.citation),
            (
                "housing_loan_credit",
                lv.housing,
                "住宅借入金等特別税額控除 housing-loan credit",
                rs.housing_loan.citation,
            ),
            ("donation_credit", lv.donation, "寄附金税額控除 donation credit", rs.donation.citation),
            ("flat_reduction", lv.flat, "定額減税 flat reduction", rs.flat_reduction.citation),
            ("truncation", lv.truncation, "100円未満切捨て truncation", "地方税法20条の4の2第3項 [V][T]"),
        ):
            if name == "income_levy_gross" or value:
                params = dict(lv.params.get(name, {}))
                if name == "income_levy_gross":
                    params = {"see": f"{lv.key}.gross_detail"}
                if name == "truncation":
                    params = {"before_truncation": lv.remaining, "unit": 100}
                t.add(f"{lv.key}.{name}", f"{lv.label}: {step}", value, citation, **params)
        t.add(
            f"{lv.key}.income_levy",
            f"{lv.label}: 所得割額 income levy",
            lv.final,
            "地方税法20条の4の2第3項 (100円未満切捨て)",
            gross=lv.gross,
            credits_applied=lv.gross - lv.remaining,
            before_truncation=lv.remaining,
        )
        t.add(
            f"{lv.key}.per_capita_levy",
            f"{lv.label}: 均等割額 per-capita levy",
            lv.per_capita_levy,
            mp.citation,
            amount=lv.per_capita,
            non_taxable=nt.per_capita,
        )

    forest = rs.forest_environment_tax if (not nt.per_capita and inp.taxpayer.resident) else 0
    t.add(
        "forest_environment_tax",
        "森林環境税 forest environment tax",
        forest,
        rs.forest_citation + " (家屋敷課税者は住所地で課税されるため0とした: UNCERTAIN, notes D.9)",
        amount=rs.forest_environment_tax,
        per_capita_non_taxable=nt.per_capita,
        resident=inp.taxpayer.resident,
    )
    m, p = levies
    total = m.final + p.final + m.per_capita_levy + p.per_capita_levy + forest
    t.add(
        "total",
        "年税額 total annual tax",
        total,
        "特別区民税・都民税・森林環境税の合計",
        municipal_income_levy=m.final,
        prefectural_income_levy=p.final,
        municipal_per_capita=m.per_capita_levy,
        prefectural_per_capita=p.per_capita_levy,
        forest_environment_tax=forest,
    )
    return TaxComputation(
        fiscal_year=rs.fiscal_year,
        rule_set_id=rs.id,
        municipality_id=mp.id,
        non_taxable=nt,
        income=inc.result,
        deductions=ded.result,
        taxable_income=comp_taxable,
        separate_taxable_income=div_taxable + gain_taxable,
        municipal=m.breakdown(),
        prefectural=p.breakdown(),
        forest_environment_tax=forest,
        total=total,
        trace=tuple(t.lines),
    )


@dataclass(frozen=True)
class _LevyBasis:
    """What the 所得割 steps read: the input, rules, trace, the two taxes' accumulators and the bases."""

    inp: TaxInput
    rs: RuleSet
    mp: MunicipalityParams
    t: Tracer
    levies: list[_Levy]
    total_income: int
    total_amount: int
    comp_taxable: int
    div_taxable: int
    gain_taxable: int
    personal_difference: int
    pd_adjustment: int
    dividend: int
    income_levy_limit: int
    ded: DeductionWork

    @property
    def separate_taxable(self) -> int:
        """分離課税の課税所得 (配当 + 譲渡)."""
        return self.div_taxable + self.gain_taxable

    @property
    def taxable_total(self) -> int:
        """課税総所得金額 + 分離課税の課税所得."""
        return self.comp_taxable + self.separate_taxable


def _income_levy(b: _LevyBasis) -> None:
    """所得割: gross, then each credit in statutory order, each limited to what is left (floor 0)."""
    _gross(b)
    after_adjustment = _adjustment_credit(b)
    _low_income_relief(b, after_adjustment)
    _dividend_credit(b)
    _housing_loan_credit(b)
    _donation_credit(b, after_adjustment)
    _flat_reduction(b)


def _gross(b: _LevyBasis) -> None:
    """算出所得割 per tax: comprehensive and separate taxable income at their rates."""
    for lv in b.levies:
        lv.gross = (
            mul_floor(b.comp_taxable, lv.rate + lv.surcharge)
            + mul_floor(b.div_taxable, lv.separate_rate)
            + mul_floor(b.gain_taxable, lv.separate_rate)
        )
        b.t.add(
            f"{lv.key}.gross_detail",
            f"{lv.label}: 算出所得割の内訳 gross levy detail",
            lv.gross,
            b.mp.citation,
            taxable_income=b.comp_taxable,
            rate=pct(lv.rate + lv.surcharge),
            separate_taxable=b.separate_taxable,
            separate_rate=pct(lv.separate_rate),
        )


def _adjustment_credit(b: _LevyBasis) -> dict[str, int]:
    """調整控除 (地方税法314条の6); returns each tax's 所得割 after it."""
    # 調整控除
    base = adjustment_base(b.comp_taxable, b.personal_difference, b.total_amount, b.rs.adjustment)
    b.t.add(
        "adjustment_credit.base",
        "調整控除の基礎額 adjustment-credit base",
        base,
        b.rs.adjustment.citation,
        taxable_income=b.comp_taxable,
        personal_difference=b.personal_difference,
        threshold=b.rs.adjustment.threshold,
        floor=b.rs.adjustment.floor,
        total_income_amount=b.total_amount,
    )
    for lv in b.levies:
        rate = b.rs.adjustment.rate * lv.share
        lv.adjustment = min(mul_ceil(base, rate), lv.remaining)
        lv.params["adjustment_credit"] = {"base": base, "rate": pct(rate), "rounding": "1円未満切上げ"}
    after_adjustment = {lv.key: lv.remaining for lv in b.levies}
    return after_adjustment


def _low_income_relief(b: _LevyBasis, after_adjustment: dict[str, int]) -> None:
    """附則3条の3: 総所得金額等 − 所得割 が 所得割非課税限度額 を下回らないよう減額 (按分は所得割額の比)."""
    # 附則3条の3: 総所得金額等 − 所得割 が 所得割非課税限度額 を下回らないよう減額 (按分は所得割額の比).
    combined = sum(after_adjustment.values())
    if combined > 0 and b.total_income - combined < b.income_levy_limit:
        relief = min(combined, b.income_levy_limit - (b.total_income - combined))
        # Each tax is reduced by relief × (its 所得割 / both 所得割) (附則3条の3第5項 [S]); the fraction is
        # rounded up like a credit, which equals keeping it exactly under the final 100円 truncation.
        for lv in b.levies:
            lv.relief = min(mul_ceil(relief, Fraction(after_adjustment[lv.key], combined)), lv.remaining)
            lv.params["low_income_relief"] = {
                "relief_total": relief,
                "own_income_levy": after_adjustment[lv.key],
                "both_income_levies": combined,
            }
        b.t.add(
            "low_income_relief",
            "非課税限度額付近の所得割減額 relief just above the income-levy limit",
            relief,
            "地方税法附則3条の3第4項 [S][T]",
            total_income=b.total_income,
            income_levy_after_adjustment=combined,
            income_levy_limit=b.income_levy_limit,
        )


def _dividend_credit(b: _LevyBasis) -> None:
    """配当控除."""
    # 配当控除
    if b.dividend > 0:
        low, high = dividend_credit_base(b.dividend, b.taxable_total, b.rs.dividend.threshold)
        for lv in b.levies:
            r_low, r_high = lv.dividend_rates
            amount = mul_ceil(low, r_low) + mul_ceil(high, r_high)
            lv.dividend = min(amount, lv.remaining)
            lv.params["dividend_credit"] = {
                "within_10m": low,
                "rate_within_10m": pct(r_low),
                "above_10m": high,
                "rate_above_10m": pct(r_high),
                "computed": amount,
            }
        b.t.add(
            "dividend_credit.base",
            "配当控除の対象配当所得 b.dividend income for the credit",
            b.dividend,
            b.rs.dividend.citation + " (区/都の按分 1.6%/1.2%, 0.8%/0.6%: UNCERTAIN)",
            within_10m=low,
            above_10m=high,
        )


def _housing_loan_credit(b: _LevyBasis) -> None:
    """住宅借入金等特別税額控除."""
    # 住宅借入金等特別税額控除
    cr = b.inp.credits
    if cr.housing_loan_remaining > 0:
        hl = b.rs.housing_loan
        rate, cap = (
            (hl.special_rate, hl.special_cap)
            if cr.housing_loan_case == "special"
            else (hl.standard_rate, hl.standard_cap)
        )
        if cr.income_tax_taxable_income is not None:
            it_taxable = cr.income_tax_taxable_income
            approx = False
        else:
            # Approximation: 所得税の課税総所得金額等 ≈ 住民税の課税所得 − 人的控除差調整額 (documented).
            it_taxable = floor_to(max(0, b.comp_taxable - b.pd_adjustment), 1_000) + b.separate_taxable
            approx = True
        limit = min(mul_floor(it_taxable, rate), cap)
        amount = min(cr.housing_loan_remaining, limit)
        b.t.add(
            "housing_loan_credit.amount",
            "住宅借入金等特別税額控除額 housing-loan credit (total)",
            amount,
            hl.citation,
            remaining_from_income_tax=cr.housing_loan_remaining,
            income_tax_taxable_income=it_taxable,
            income_tax_taxable_income_approximated=approx,
            rate=pct(rate),
            cap=cap,
        )
        for lv in b.levies:
            lv.housing = min(mul_ceil(amount, lv.share), lv.remaining)
            lv.params["housing_loan_credit"] = {"total_credit": amount, "share": show_ratio(lv.share)}


def _donation_credit(b: _LevyBasis, after_adjustment: dict[str, int]) -> None:
    """寄附金税額控除 (基本控除, 特例控除, 申告特例控除)."""
    cr = b.inp.credits
    donations = cr.furusato_donations + cr.other_eligible_donations
    dr = b.rs.donation
    if donations > dr.floor:
        capped = min(donations, mul_floor(b.total_income, dr.income_cap_rate))
        basic_base = max(0, capped - dr.floor)
        ratio, one_stop_ratio = special_ratio(b.comp_taxable, b.pd_adjustment, b.separate_taxable, dr)
        b.t.add(
            "donation_credit.basic_base",
            "寄附金税額控除 基本控除の対象額 basic donation base",
            basic_base,
            dr.citation,
            donations=donations,
            income_cap=mul_floor(b.total_income, dr.income_cap_rate),
            floor=dr.floor,
        )
        special_base = max(0, cr.furusato_donations - dr.floor)
        if special_base:
            b.t.add(
                "donation_credit.special_ratio",
                "特例控除割合 special-credit ratio (課税総所得金額 − 人的控除差調整額)",
                b.comp_taxable - b.pd_adjustment,
                dr.citation,
                taxable_income=b.comp_taxable,
                personal_difference_adjustment=b.pd_adjustment,
                special_ratio=pct(ratio),
                one_stop_ratio=show_ratio(one_stop_ratio),
                separate_taxable=b.separate_taxable,
            )
        for lv in b.levies:
            basic = mul_ceil(basic_base, lv.rate)
            special = 0
            one_stop = 0
            special_cap: Fraction = after_adjustment[lv.key] * dr.special_cap_rate
            if special_base:
                # Exact fractions, then 1円未満切上げ per component and tax (大阪市 example [T]).
                special_exact: Fraction = min(special_base * ratio * lv.share, special_cap)
                special = int(special_exact.__ceil__())
                if cr.one_stop:
                    one_stop = int((special_exact * one_stop_ratio).__ceil__())
            lv.donation = min(basic + special + one_stop, lv.remaining)
            lv.params["donation_credit"] = {
                "basic": basic,
                "special": special,
                "one_stop": one_stop,
                "computed": basic + special + one_stop,
            }
            b.t.add(
                f"{lv.key}.donation_detail",
                f"{lv.label}: 寄附金税額控除の内訳 donation credit detail",
                basic + special + one_stop,
                dr.citation,
                basic=basic,
                special=special,
                special_cap_20pct=int(special_cap.__ceil__()),
                one_stop=one_stop,
                share=show_ratio(lv.share),
            )


def _flat_reduction(b: _LevyBasis) -> None:
    """定額減税."""
    # 定額減税
    fr = b.rs.flat_reduction
    amount = 0
    if fr.kind == "general" and b.total_amount <= fr.income_limit:
        persons = (
            1
            + (1 if b.ded.qualifying_spouse and not b.ded.spouse_abroad else 0)
            + b.ded.dependents_count_domestic
        )
        amount = fr.per_person * persons
    elif (
        fr.kind == "spouse_carryover"
        and fr.carryover_lower_exclusive < b.total_amount <= fr.income_limit
        and b.ded.same_household_spouse
        and not b.ded.spouse_abroad
    ):
        amount = fr.per_person
    if amount:
        b.t.add(
            "flat_reduction.amount",
            "定額減税額 flat reduction (total before limiting to 所得割)",
            amount,
            fr.citation + " (区/都の按分は税率比 3/5:2/5 — UNCERTAIN when 所得割 is smaller)",
            kind=fr.kind,
            per_person=fr.per_person,
            total_income_amount=b.total_amount,
        )
        for lv in b.levies:
            lv.flat = min(mul_floor(amount, lv.share), lv.remaining)
            lv.params["flat_reduction"] = {
                "total": amount,
                "share": show_ratio(lv.share),
                "limited_to_income_levy": lv.flat < mul_floor(amount, lv.share),
            }
