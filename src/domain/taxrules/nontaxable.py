"""非課税の判定 (地方税法24条の5・295条, 施行令47条の3, 附則3条の3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.taxrules.income import legal_age
from domain.taxrules.model import NonTaxable, TaxInput
from domain.taxrules.params import MunicipalityParams, RuleSet
from domain.taxrules.trace import Tracer


@dataclass(frozen=True)
class Limits:
    """非課税限度額 for a household of ``members`` (本人 + 同一生計配偶者 + 扶養親族, 年少を含む)."""

    members: int
    per_capita: int  # compared with 合計所得金額
    income_levy: int  # compared with 総所得金額等


def limits(members: int, rs: RuleSet, mp: MunicipalityParams) -> Limits:
    """均等割: 35万円×N+10万円(+21万円 if N≥2) by 級地; 所得割: 35万円×N+10万円(+32万円 if N≥2)."""
    nt = rs.non_taxable
    per_head = nt.per_capita_per_head[mp.grade]
    addon = nt.per_capita_addon[mp.grade] if members >= 2 else 0
    income_addon = nt.income_levy_addon if members >= 2 else 0
    return Limits(
        members=members,
        per_capita=per_head * members + nt.per_capita_base + addon,
        income_levy=nt.income_levy_per_head * members + nt.income_levy_base + income_addon,
    )


def determine(
    inp: TaxInput,
    rs: RuleSet,
    mp: MunicipalityParams,
    total_income: int,
    total_income_amount: int,
    members: int,
    t: Tracer,
) -> tuple[NonTaxable, Limits]:
    """Decide 均等割/所得割 非課税. Order: 生活保護 → 障害者等 135万円 → 所得割 limit → 均等割 limit;
    a non-resident (家屋敷課税) never pays 所得割 (地方税法294条1項2号) and is not covered by the
    income-based 均等割 exemption, which 295条3項 gives only to persons with 住所 in the municipality."""
    nt = rs.non_taxable
    lim = limits(members, rs, mp)
    tp = inp.taxpayer
    jan1 = date(rs.fiscal_year, 1, 1)
    minor = tp.birth_date is not None and legal_age(tp.birth_date, jan1) < nt.minor_age
    low_income_category = tp.disability in ("general", "special") or minor or tp.widow or tp.single_parent

    per_capita = False
    income_levy = False
    reason: str | None = None
    if tp.public_assistance:
        per_capita = income_levy = True
        reason = "生活保護法の生活扶助 (1月1日) public assistance"
    elif low_income_category and total_income_amount <= nt.low_income_limit:
        per_capita = income_levy = True
        reason = "障害者・未成年者・寡婦・ひとり親で合計所得金額135万円以下 low-income category"
    else:
        if total_income <= lim.income_levy:
            income_levy = True
            reason = "所得割非課税限度額以下 under the income-levy limit"
        # 地方税法295条3項: the income-based 均等割 exemption is for persons with 住所 in the municipality;
        # 家屋敷課税 (no 住所 here) pays 均等割 whatever the income.
        if income_levy and total_income_amount <= lim.per_capita and tp.resident:
            per_capita = True
            reason = "均等割非課税限度額以下 under the per-capita limit"
    if not tp.resident and not income_levy:
        income_levy = True
        reason = "家屋敷課税 (住所なし): 均等割のみ non-resident, per-capita levy only"
    t.add(
        "non_taxable.limits",
        "非課税限度額 non-taxable limits",
        lim.income_levy,
        nt.citation,
        household_members=members,
        grade=mp.grade,
        per_capita_limit=lim.per_capita,
        income_levy_limit=lim.income_levy,
        total_income=total_income,
        total_income_amount=total_income_amount,
        per_capita_non_taxable=per_capita,
        income_levy_non_taxable=income_levy,
        reason=reason or "",
    )
    return NonTaxable(per_capita=per_capita, income_levy=income_levy, reason=reason), lim
