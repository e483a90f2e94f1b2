"""所得控除 at resident-tax amounts (地方税法34条・314条の2) and the 人的控除差 (37条・314条の6)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.taxrules.income import IncomeWork, is_dependent, is_same_household_spouse, legal_age, year_end
from domain.taxrules.model import DeductionResult, TaxInput
from domain.taxrules.params import LifeBracket, RuleSet, bracket_amount
from domain.taxrules.rounding import ceil_to, mul_ceil, mul_floor
from domain.taxrules.trace import Tracer

ITEM_KEYS = (
    "casualty_loss",
    "medical_expenses",
    "social_insurance",
    "small_business_mutual_aid",
    "life_insurance",
    "earthquake_insurance",
    "widow",
    "single_parent",
    "working_student",
    "disability",
    "spouse",
    "spouse_special",
    "dependents",
    "specific_relative",
    "basic",
)

CITATIONS = {
    "casualty_loss": "地方税法314条の2第1項 (雑損控除: 損失−総所得金額等×10% 又は 災害関連支出−5万円) [T][M]",
    "medical_expenses": "地方税法314条の2第1項, 附則4条の4 (医療費控除 / セルフメディケーション) [T][M]",
    "social_insurance": "地方税法314条の2第1項 (社会保険料控除: 支払額) [V]",
    "small_business_mutual_aid": "地方税法314条の2第1項 (小規模企業共済等掛金控除: 支払額, iDeCo含む) [V]",
    "widow": "地方税法314条の2第1項・第3項 (寡婦控除 26万円, 合計所得500万円以下) [T][M]",
    "single_parent": "地方税法314条の2第1項・第3項 (ひとり親控除 30万円, 合計所得500万円以下) [T][M]",
    "working_student": "地方税法314条の2第1項・第3項 (勤労学生控除 26万円) [T]",
    "disability": "地方税法314条の2第1項・第3項 (障害者26万/特別障害者30万/同居特別障害者53万) [V][T]",
    "spouse": "地方税法314条の2第1項・第3項 (配偶者控除 33万/22万/11万, 老人38万/26万/13万) [T][V]",
    "spouse_special": "地方税法314条の2第1項・第3項 (配偶者特別控除; 本人900万超は2/3・1/3, 1万円未満切上げ) [T][S]",
    "dependents": "地方税法314条の2第1項・第3項 (扶養控除 一般33万/特定45万/老人38万/同居老親等45万) [V][T]",
    "specific_relative": "地方税法314条の2 (令和7年改正, 特定親族特別控除 45万〜3万) [T]",
    "basic": "地方税法314条の2第2項 (基礎控除 43万/29万/15万/0) [T]",
}

LABELS = {
    "casualty_loss": "雑損控除 casualty loss",
    "medical_expenses": "医療費控除 medical expenses",
    "social_insurance": "社会保険料控除 social insurance premiums",
    "small_business_mutual_aid": "小規模企業共済等掛金控除 small business mutual aid",
    "life_insurance": "生命保険料控除 life insurance premiums",
    "earthquake_insurance": "地震保険料控除 earthquake insurance premiums",
    "widow": "寡婦控除 widow",
    "single_parent": "ひとり親控除 single parent",
    "working_student": "勤労学生控除 working student",
    "disability": "障害者控除 disability",
    "spouse": "配偶者控除 spouse",
    "spouse_special": "配偶者特別控除 special spouse",
    "dependents": "扶養控除 dependents",
    "specific_relative": "特定親族特別控除 specific relative (令和8年度〜)",
    "basic": "基礎控除 basic",
}


@dataclass(frozen=True)
class DeductionWork:
    """Deductions plus the household facts later steps need."""

    result: DeductionResult
    same_household_spouse: bool  # 同一生計配偶者
    qualifying_spouse: bool  # 控除対象配偶者 (同一生計配偶者 and taxpayer 合計所得 ≤ 1,000万円)
    dependents_count: int  # 扶養親族 incl. 年少扶養親族 (for 非課税 and 定額減税)
    dependents_count_domestic: int  # excluding 国外居住者 (定額減税)
    spouse_abroad: bool


def life_bracket(premium: int, table: tuple[LifeBracket, ...]) -> int:
    """One 生命保険料/旧長期損害保険料 band: ceil(P × rate) + add (1円未満切上げ [T])."""
    if premium <= 0:
        return 0
    for b in table:
        if b.upper is None or premium <= b.upper:
            return mul_ceil(premium, b.rate) + b.add
    return 0  # pragma: no cover - tables end with an open band


def _tier_index(income: int, uppers: tuple[int, ...]) -> int | None:
    for i, upper in enumerate(uppers):
        if income <= upper:
            return i
    return None


@dataclass
class _Sheet:
    """The 控除 being worked out: amounts by item, 人的控除差 by item (in the order found, as the trace
    lists them), the trace notes, and the 障害者控除 collected from the taxpayer, spouse and dependants."""

    items: dict[str, int]
    diffs: dict[str, int]
    notes: dict[str, dict[str, int | str | bool]]
    disability: int = 0
    disability_diff: int = 0


def compute_deductions(inp: TaxInput, rs: RuleSet, inc: IncomeWork, t: Tracer) -> DeductionWork:
    """All 所得控除 with their 人的控除差 (地方税法314条の2, 37条・314条の6)."""
    total_amount = inc.result.total_income_amount  # 合計所得金額 (thresholds)
    total_income = inc.result.total_income  # 総所得金額等 (medical/casualty floors)
    sheet = _Sheet(items=dict.fromkeys(ITEM_KEYS, 0), diffs={}, notes={k: {} for k in ITEM_KEYS})
    _casualty_and_medical(sheet, inp, rs, total_income)
    sheet.items["social_insurance"] = inp.deductions.social_insurance
    sheet.items["small_business_mutual_aid"] = inp.deductions.small_business_mutual_aid
    _insurance(sheet, inp, rs)
    _taxpayer_status(sheet, inp, rs, inc, total_amount)
    same_household, qualifying = _spouse(sheet, inp, rs, total_amount)
    count, count_domestic = _dependents(sheet, inp, rs)
    p = rs.personal
    pd = rs.personal_difference
    sheet.items["disability"] = sheet.disability
    sheet.diffs["disability"] = sheet.disability_diff
    sheet.notes["dependents"] = {"dependents_in_household": count, "income_limit": p.dependent_income_limit}
    sheet.notes["disability"] = {"taxpayer": inp.taxpayer.disability}

    # 基礎控除
    items, diffs = sheet.items, sheet.diffs
    items["basic"] = bracket_amount(p.basic, total_amount)
    diffs["basic"] = pd.basic if items["basic"] > 0 and total_amount <= pd.basic_income_limit else 0
    sheet.notes["basic"] = {"total_income_amount": total_amount}

    total, personal_difference = _trace(sheet, rs, t)
    spouse_abroad = inp.spouse.abroad if inp.spouse is not None else False
    return DeductionWork(
        result=DeductionResult(items=items, total=total, personal_difference=personal_difference),
        same_household_spouse=same_household,
        qualifying_spouse=qualifying,
        dependents_count=count,
        dependents_count_domestic=count_domestic,
        spouse_abroad=spouse_abroad,
    )


def _casualty_and_medical(sheet: _Sheet, inp: TaxInput, rs: RuleSet, total_income: int) -> None:
    """雑損控除, and 医療費控除 or セルフメディケーション税制 (floors on 総所得金額等)."""
    items, notes = sheet.items, sheet.notes
    od = rs.other_deductions
    cas = inp.deductions.casualty
    if cas.loss > 0:
        a = cas.loss - mul_floor(total_income, od.casualty_rate)
        b = cas.disaster_expenses - od.casualty_disaster_floor
        items["casualty_loss"] = max(0, a, b)
        notes["casualty_loss"] = {"loss": cas.loss, "disaster_expenses": cas.disaster_expenses}

    med = inp.deductions.medical_expenses
    if med.use_self_medication:
        items["medical_expenses"] = min(
            max(0, med.self_medication_otc - od.self_medication_floor), od.self_medication_cap
        )
        notes["medical_expenses"] = {
            "self_medication_otc": med.self_medication_otc,
            "floor": od.self_medication_floor,
        }
    elif med.paid > 0:
        floor = min(od.medical_floor, mul_floor(total_income, od.medical_floor_rate))
        net = max(0, med.paid - med.reimbursed)
        items["medical_expenses"] = min(max(0, net - floor), od.medical_cap)
        notes["medical_expenses"] = {"paid": med.paid, "reimbursed": med.reimbursed, "floor": floor}


def _insurance(sheet: _Sheet, inp: TaxInput, rs: RuleSet) -> None:
    """生命保険料控除 (new/old per category, combined caps) and 地震保険料控除."""
    ins = rs.insurance
    li = inp.deductions.life_insurance

    def category(new: int, old: int) -> int:
        d_new = life_bracket(new, ins.life_new)
        d_old = life_bracket(old, ins.life_old)
        if new > 0 and old > 0:
            return max(min(d_new + d_old, ins.life_category_combined_cap), d_old)
        return d_new + d_old

    general = category(li.general_new, li.general_old)
    care = life_bracket(li.care_medical, ins.life_new)
    annuity = category(li.annuity_new, li.annuity_old)
    sheet.items["life_insurance"] = min(general + care + annuity, ins.life_total_cap)
    sheet.notes["life_insurance"] = {
        "general": general,
        "care_medical": care,
        "annuity": annuity,
        "cap": ins.life_total_cap,
    }

    eq = inp.deductions.earthquake_insurance
    d_eq = min(mul_ceil(eq.earthquake, ins.earthquake_rate), ins.earthquake_cap)
    d_old = life_bracket(eq.old_long_term, ins.old_long_term)
    sheet.items["earthquake_insurance"] = min(d_eq + d_old, ins.earthquake_total_cap)
    sheet.notes["earthquake_insurance"] = {"earthquake": eq.earthquake, "old_long_term": eq.old_long_term}


def _taxpayer_status(sheet: _Sheet, inp: TaxInput, rs: RuleSet, inc: IncomeWork, total_amount: int) -> None:
    """本人: 寡婦・ひとり親・勤労学生, and the taxpayer's own 障害者控除."""
    p = rs.personal
    pd = rs.personal_difference
    items, diffs, notes = sheet.items, sheet.diffs, sheet.notes
    tp = inp.taxpayer
    if tp.single_parent and total_amount <= p.widow_single_parent_income_limit:
        items["single_parent"] = p.single_parent
        father = tp.sex == "male"
        diffs["single_parent"] = pd.single_parent_father if father else pd.single_parent_mother
        notes["single_parent"] = {"sex": tp.sex or "female (assumed)"}
    elif tp.widow and total_amount <= p.widow_single_parent_income_limit:
        items["widow"] = p.widow
        diffs["widow"] = pd.widow
    non_work = total_amount - inc.salary_income_after_adjustment - inp.income.business
    if (
        tp.working_student
        and total_amount <= p.working_student_income_limit
        and non_work <= p.working_student_non_work_limit
    ):
        items["working_student"] = p.working_student
        diffs["working_student"] = pd.working_student
        notes["working_student"] = {"limit": p.working_student_income_limit, "non_work_income": non_work}
    if tp.disability == "general":
        sheet.disability, sheet.disability_diff = p.disability_general, pd.disability_general
    elif tp.disability == "special":
        sheet.disability, sheet.disability_diff = p.disability_special, pd.disability_special


def _relative_disability(rs: RuleSet, kind: str, cohabiting: bool) -> tuple[int, int]:
    """A spouse's or dependant's 障害者控除 and its 人的控除差 (同居特別障害者 when living together)."""
    p = rs.personal
    pd = rs.personal_difference
    if kind == "general":
        return p.disability_general, pd.disability_general
    if kind == "special":
        if cohabiting:
            return p.disability_cohabiting_special, pd.disability_cohabiting_special
        return p.disability_special, pd.disability_special
    return 0, 0


def _spouse(sheet: _Sheet, inp: TaxInput, rs: RuleSet, total_amount: int) -> tuple[bool, bool]:
    """配偶者控除・配偶者特別控除 by the taxpayer's tier; returns (同一生計配偶者, 控除対象配偶者)."""
    p = rs.personal
    pd = rs.personal_difference
    spouse = inp.spouse
    same_household = is_same_household_spouse(spouse, rs)
    tier = _tier_index(total_amount, tuple(s.upper for s in p.spouse_tiers))
    qualifying = same_household and tier is not None
    if spouse is None:
        return same_household, qualifying
    s_age = legal_age(spouse.birth_date, year_end(rs))
    if same_household:
        d, dd = _relative_disability(rs, spouse.disability, spouse.cohabiting)
        sheet.disability += d
        sheet.disability_diff += dd
    if tier is not None and same_household:
        elderly = s_age >= p.spouse_elderly_age
        st = p.spouse_tiers[tier]
        sheet.items["spouse"] = st.elderly if elderly else st.general
        sheet.diffs["spouse"] = (pd.spouse_elderly if elderly else pd.spouse_general)[tier]
        sheet.notes["spouse"] = {
            "spouse_income": spouse.total_income,
            "elderly": elderly,
            "taxpayer_tier": tier + 1,
        }
    elif tier is not None and spouse.total_income <= p.spouse_special_upper:
        base = bracket_amount(p.spouse_special_table, spouse.total_income)
        ratio = p.spouse_special_tier_ratios[tier]
        amount = base if tier == 0 else ceil_to(base * ratio, p.spouse_special_rounding_unit)
        sheet.items["spouse_special"] = amount
        for band in pd.spouse_special:
            if band.lower_exclusive < spouse.total_income < band.upper_exclusive:
                sheet.diffs["spouse_special"] = band.by_tier[tier]
        sheet.notes["spouse_special"] = {
            "spouse_income": spouse.total_income,
            "table_amount": base,
            "taxpayer_tier": tier + 1,
        }
    return same_household, qualifying


def _dependents(sheet: _Sheet, inp: TaxInput, rs: RuleSet) -> tuple[int, int]:
    """扶養控除・特定親族特別控除 (and their 障害者控除); returns (扶養親族の数, of whom 国内居住)."""
    p = rs.personal
    pd = rs.personal_difference
    ye = year_end(rs)
    dep_total = 0
    dep_diff = 0
    rel_total = 0
    count = 0
    count_domestic = 0
    lo, hi = p.age_specific
    for dep in inp.dependents:
        age = legal_age(dep.birth_date, ye)
        if is_dependent(dep, rs):
            count += 1
            count_domestic += 0 if dep.abroad else 1
            d, dd = _relative_disability(rs, dep.disability, dep.cohabiting)
            sheet.disability += d
            sheet.disability_diff += dd
            amount, diff = _dependent_amounts(rs, dep.cohabiting, dep.lineal_ascendant, age)
            dep_total += amount
            dep_diff += diff
        elif p.specific_relative_table and lo <= age <= hi and dep.total_income <= p.specific_relative_upper:
            rel_total += bracket_amount(p.specific_relative_table, dep.total_income)
    sheet.items["dependents"] = dep_total
    sheet.diffs["dependents"] = dep_diff
    sheet.items["specific_relative"] = rel_total
    sheet.diffs["specific_relative"] = pd.specific_relative if rel_total else 0
    return count, count_domestic


def _dependent_amounts(
    rs: RuleSet, cohabiting: bool, lineal_ascendant: bool | None, age: int
) -> tuple[int, int]:
    """One 扶養親族's 扶養控除 and 人的控除差 by age: none under 16, 特定, 老人 (同居老親等), 一般."""
    p = rs.personal
    pd = rs.personal_difference
    lo, hi = p.age_specific
    if age < p.age_min_dependent:
        return 0, 0
    if lo <= age <= hi:
        return p.dependent_specific, pd.dependent_specific
    if age >= p.age_elderly:
        ascendant = lineal_ascendant if lineal_ascendant is not None else True
        if cohabiting and ascendant:
            return p.dependent_cohabiting_parent, pd.dependent_cohabiting_parent
        return p.dependent_elderly, pd.dependent_elderly
    return p.dependent_general, pd.dependent_general


def _trace(sheet: _Sheet, rs: RuleSet, t: Tracer) -> tuple[int, int]:
    """Trace every non-zero 控除, their total and the 人的控除差; returns (total, 人的控除差の合計額)."""
    ins = rs.insurance
    for key in ITEM_KEYS:
        if sheet.items[key]:
            t.add(
                f"deduction.{key}",
                LABELS[key],
                sheet.items[key],
                ins.citation if key in ("life_insurance", "earthquake_insurance") else CITATIONS[key],
                **sheet.notes[key],
            )
    total = sum(sheet.items.values())
    t.add(
        "deductions.total",
        "所得控除合計 total deductions",
        total,
        rs.personal.citation,
        **{k: v for k, v in sheet.items.items() if v},
    )
    personal_difference = sum(sheet.diffs.values())
    t.add(
        "deductions.personal_difference",
        "人的控除差の合計額 sum of personal-deduction differences",
        personal_difference,
        rs.personal_difference.citation,
        **{k: v for k, v in sheet.diffs.items() if v},
    )
    return total, personal_difference
