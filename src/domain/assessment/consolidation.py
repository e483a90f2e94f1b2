"""Consolidation (名寄せ後の資料合算): the filings of one taxpayer for one 年度 → one engine input.

Precedence (documented in docs/assessment.md): 確定申告書 over 住民税申告書 over 支払報告書
(地方税法 第317条の3: a 確定申告 counts as the 住民税申告; 第317条の6: 支払報告書 are the fallback).
Several salary reports are summed (the 年末調整 deductions come from the main employer's report, the one
with the largest payment); pension reports are summed; one-stop notices (申告特例通知書) count only when no
return was filed (地方税法 附則第7条第6項: filing a return voids the one-stop special case).

Where a source carries income-tax deduction *amounts* rather than the facts the resident-tax rules need
(premiums paid, dependents' ages), the facts are reconstructed by documented approximations, each listed
in ``notes`` so the levy trace shows it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.filings.filing import FilingKind
from domain.filings.resident_return import DeclaredDependent, ResidentReturn
from domain.intake.records import PensionReport, SalaryReport, TaxReturn
from domain.intake.values import CollectionMethod as ReturnCollectionMethod
from domain.intake.values import DependentKind, DisabilitySelf, DonationKind
from domain.taxrules.model import (
    Credits,
    Deductions,
    EarthquakePremiums,
    Income,
    LifeInsurancePremiums,
    MedicalExpenses,
    Relative,
    TaxInput,
    TaxpayerFacts,
)


@dataclass(frozen=True)
class PersonFacts:
    """What the registry knows on the dates that matter (賦課期日 1 January, 12/31 of the income year)."""

    birth_date: date | None
    sex: str | None  # "male" | "female" | None
    disability: str  # none | general | special (手帳 valid on 12/31 of the income year)
    public_assistance: bool  # 生活扶助 on 1 January
    resident: bool  # 住所 here on 1 January
    non_resident_taxable: bool  # 住登外 (家屋敷課税 etc.)


@dataclass(frozen=True)
class SourceFiling:
    filing_id: str
    kind: FilingKind
    record: Any
    order: int  # receipt order (later wins among the same kind)


@dataclass(frozen=True)
class SalaryPayer:
    designation_number: str | None
    payment: int
    ordinary_requested: bool
    left_on: date | None


@dataclass(frozen=True)
class Consolidated:
    tax_input: TaxInput
    basis: str
    sources: tuple[str, ...]
    salary_payers: tuple[SalaryPayer, ...] = ()
    pension_revenue: int = 0
    other_income: int = 0
    ordinary_requested: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def _age_anchor(income_year: int, age: int) -> date:
    """A birth date giving ``age`` on 12/31 of the income year (for dependents known only by category)."""
    return date(income_year - age, 7, 1)


def premiums_from_life_deduction(deduction: int) -> LifeInsurancePremiums:
    """Invert the income-tax 新制度 formula (所得税法 第76条第1項) per category of up to 40,000.

    Reports and returns give the income-tax deduction, not premiums. Spread over 一般, 介護医療, 個人年金
    in that order and invert each: d ≤ 20,000 → p = d; ≤ 30,000 → p = 2(d − 10,000); < 40,000 →
    p = 4(d − 20,000); 40,000 → 80,001 (any premium above 80,000). Approximation, noted in the trace.
    """
    parts: list[int] = []
    left = max(deduction, 0)
    for _ in range(3):
        d = min(left, 40_000)
        left -= d
        if d <= 20_000:
            parts.append(d)
        elif d <= 30_000:
            parts.append(2 * (d - 10_000))
        elif d < 40_000:
            parts.append(4 * (d - 20_000))
        else:
            parts.append(80_001)
    return LifeInsurancePremiums(general_new=parts[0], care_medical=parts[1], annuity_new=parts[2])


def _relatives_from_counts(
    income_year: int, specified: int, elderly: int, other: int, under16: int
) -> tuple[Relative, ...]:
    ages = [20] * specified + [75] * elderly + [30] * other + [10] * under16
    return tuple(Relative(birth_date=_age_anchor(income_year, a)) for a in ages)


def _facts(person: PersonFacts, **overrides: Any) -> TaxpayerFacts:
    disability = overrides.pop("disability", "none")
    if person.disability == "special" or disability == "special":
        disability = "special"
    elif person.disability == "general" or disability == "general":
        disability = "general"
    return TaxpayerFacts(
        birth_date=person.birth_date,
        disability=disability,
        public_assistance=person.public_assistance,
        resident=person.resident,
        sex=person.sex,
        **overrides,
    )


def _latest(filings: list[SourceFiling], kind: FilingKind) -> SourceFiling | None:
    matching = [f for f in filings if f.kind is kind]
    return max(matching, key=lambda f: f.order) if matching else None


def consolidate(fiscal_year: int, person: PersonFacts, filings: list[SourceFiling]) -> Consolidated:
    """Combine the active filings of one taxpayer for ``fiscal_year`` (see module docstring)."""
    salaries = [f for f in filings if f.kind is FilingKind.SALARY_REPORT]
    pensions = [f for f in filings if f.kind is FilingKind.PENSION_REPORT]
    notices = [f for f in filings if f.kind is FilingKind.FURUSATO_NOTICE]
    payers = tuple(
        SalaryPayer(
            designation_number=s.record.designation_number,
            payment=s.record.payment_amount,
            ordinary_requested=s.record.ordinary_collection,
            left_on=s.record.left_on,
        )
        for s in sorted(salaries, key=lambda f: f.order)
    )
    pension_revenue = sum(p.record.payment_amount for p in pensions)
    tax_return = _latest(filings, FilingKind.TAX_RETURN)
    if tax_return is not None:
        return _from_tax_return(fiscal_year, person, tax_return, salaries, payers, pension_revenue)
    resident_return = _latest(filings, FilingKind.RESIDENT_RETURN)
    if resident_return is not None:
        return _from_resident_return(fiscal_year, person, resident_return, payers, pension_revenue)
    if salaries or pensions:
        return _from_reports(fiscal_year, person, salaries, pensions, notices, payers, pension_revenue)
    if not filings:
        basis = "家屋敷課税（均等割のみ）" if person.non_resident_taxable else "資料なし"
        return Consolidated(
            tax_input=TaxInput(fiscal_year=fiscal_year, taxpayer=_facts(person)),
            basis=basis,
            sources=tuple(f.filing_id for f in notices),
        )
    # Only one-stop notices: the donations are known, the income is not (申告勧奨).
    donations = sum(n.record.amount for n in notices)
    return Consolidated(
        tax_input=TaxInput(
            fiscal_year=fiscal_year,
            taxpayer=_facts(person),
            credits=Credits(furusato_donations=donations, one_stop=True),
        ),
        basis="申告特例通知書のみ",
        sources=tuple(n.filing_id for n in notices),
        notes=("所得の資料がありません（申告勧奨の対象）",),
        ordinary_requested=True,
    )


def _from_reports(
    fiscal_year: int,
    person: PersonFacts,
    salaries: list[SourceFiling],
    pensions: list[SourceFiling],
    notices: list[SourceFiling],
    payers: tuple[SalaryPayer, ...],
    pension_revenue: int,
) -> Consolidated:
    income_year = fiscal_year - 1
    notes: list[str] = []
    salary_revenue = sum(s.record.payment_amount for s in salaries)
    social = sum(s.record.social_insurance for s in salaries) + sum(
        p.record.social_insurance for p in pensions
    )
    mutual = sum(s.record.small_business_mutual_aid for s in salaries)
    main: SalaryReport | None = max(
        (s.record for s in salaries), key=lambda r: r.payment_amount, default=None
    )
    spouse: Relative | None = None
    dependents: tuple[Relative, ...] = ()
    life = LifeInsurancePremiums()
    quake = EarthquakePremiums()
    facts_overrides: dict[str, Any] = {}
    if main is not None:
        life = premiums_from_life_deduction(main.life_insurance_deduction)
        quake = EarthquakePremiums(earthquake=main.earthquake_insurance_deduction)
        if main.life_insurance_deduction or main.earthquake_insurance_deduction:
            notes.append("保険料控除額から支払保険料を逆算（所得税の控除額からの推定）")
        has_spouse = main.spouse_deduction > 0 or any(d.kind is DependentKind.SPOUSE for d in main.dependents)
        if has_spouse:
            spouse = Relative(birth_date=_age_anchor(income_year, 45), total_income=main.spouse_income or 0)
        dependents = _relatives_from_counts(
            income_year,
            main.specified_dependents,
            main.elderly_dependents,
            main.other_dependents,
            main.under16_dependents,
        )
        if dependents or spouse:
            notes.append("扶養親族の年齢は支払報告書の区分から推定")
        facts_overrides = {
            "disability": _self_disability(main.self_disability),
            "widow": main.widow,
            "single_parent": main.single_parent,
            "working_student": main.working_student,
        }
    elif pensions:
        report: PensionReport = max((p.record for p in pensions), key=lambda r: r.payment_amount)
        if report.spouse_present:
            spouse = Relative(birth_date=_age_anchor(income_year, 72))
        dependents = _relatives_from_counts(
            income_year,
            report.specified_dependents,
            report.elderly_dependents,
            report.other_dependents,
            report.under16_dependents,
        )
        facts_overrides = {"disability": _self_disability(report.self_disability), "widow": report.widow}
    donations = sum(n.record.amount for n in notices)
    tax_input = TaxInput(
        fiscal_year=fiscal_year,
        taxpayer=_facts(person, **facts_overrides),
        income=Income(salary_revenue=salary_revenue, public_pension_revenue=pension_revenue),
        deductions=Deductions(
            social_insurance=social,
            small_business_mutual_aid=mutual,
            life_insurance=life,
            earthquake_insurance=quake,
        ),
        spouse=spouse,
        dependents=dependents,
        credits=Credits(furusato_donations=donations, one_stop=bool(notices)),
    )
    sources = tuple(f.filing_id for f in sorted([*salaries, *pensions, *notices], key=lambda f: f.order))
    return Consolidated(
        tax_input=tax_input,
        basis="支払報告書",
        sources=sources,
        salary_payers=payers,
        pension_revenue=pension_revenue,
        notes=tuple(notes),
    )


def _self_disability(value: DisabilitySelf) -> str:
    return value.value if value is not DisabilitySelf.NONE else "none"


def _from_tax_return(
    fiscal_year: int,
    person: PersonFacts,
    source: SourceFiling,
    salaries: list[SourceFiling],
    payers: tuple[SalaryPayer, ...],
    pension_revenue: int,
) -> Consolidated:
    income_year = fiscal_year - 1
    r: TaxReturn = source.record
    notes = [
        "確定申告書を優先（地方税法 第317条の3）",
        "保険料控除額から支払保険料を逆算（所得税の控除額からの推定）",
    ]
    spouse = Relative(birth_date=_age_anchor(income_year, 45)) if r.spouse_deduction > 0 else None
    dependents = _relatives_from_counts(income_year, 0, 0, r.dependent_deduction // 380_000, 0)
    if r.dependent_deduction or r.spouse_deduction:
        notes.append("配偶者・扶養親族は控除額から推定")
    other_donations = sum(
        d.amount
        for d in r.donations
        if d.kind
        in (
            DonationKind.COMMUNITY_CHEST,
            DonationKind.PREFECTURE_ORDINANCE,
            DonationKind.MUNICIPALITY_ORDINANCE,
        )
    )
    furusato = r.furusato_donation or sum(d.amount for d in r.donations if d.kind is DonationKind.FURUSATO)
    tax_input = TaxInput(
        fiscal_year=fiscal_year,
        taxpayer=_facts(person),
        income=Income(
            salary_revenue=r.salary_revenue,
            public_pension_revenue=r.pension_revenue,
            business=r.business_income,
            real_estate=r.real_estate_income,
            dividend_comprehensive=r.dividend_income,
            miscellaneous=r.misc_income,
        ),
        deductions=Deductions(
            social_insurance=r.social_insurance_deduction,
            life_insurance=premiums_from_life_deduction(r.life_insurance_deduction),
            earthquake_insurance=EarthquakePremiums(earthquake=r.earthquake_insurance_deduction),
            medical_expenses=MedicalExpenses(
                paid=r.medical_deduction + 100_000 if r.medical_deduction else 0
            ),
        ),
        spouse=spouse,
        dependents=dependents,
        credits=Credits(furusato_donations=furusato, other_eligible_donations=other_donations),
    )
    other_income = r.business_income + r.real_estate_income + r.dividend_income + r.misc_income
    return Consolidated(
        tax_input=tax_input,
        basis="確定申告書",
        sources=(source.filing_id, *(s.filing_id for s in salaries)),
        salary_payers=payers,
        pension_revenue=r.pension_revenue or pension_revenue,
        other_income=other_income,
        ordinary_requested=r.collection_method is ReturnCollectionMethod.ORDINARY,
        notes=tuple(notes),
    )


def _relative(d: DeclaredDependent) -> Relative:
    return Relative(
        birth_date=d.birth_date, total_income=d.total_income, disability=d.disability, cohabiting=d.cohabiting
    )


def _from_resident_return(
    fiscal_year: int,
    person: PersonFacts,
    source: SourceFiling,
    payers: tuple[SalaryPayer, ...],
    pension_revenue: int,
) -> Consolidated:
    r: ResidentReturn = source.record
    tax_input = TaxInput(
        fiscal_year=fiscal_year,
        taxpayer=_facts(
            person,
            disability=r.disability,
            widow=r.widow,
            single_parent=r.single_parent,
            working_student=r.working_student,
        ),
        income=Income(
            salary_revenue=r.salary_revenue,
            public_pension_revenue=r.public_pension_revenue,
            business=r.business,
            real_estate=r.real_estate,
            dividend_comprehensive=r.dividend_comprehensive,
            miscellaneous=r.miscellaneous,
        ),
        deductions=Deductions(
            social_insurance=r.social_insurance,
            small_business_mutual_aid=r.small_business_mutual_aid,
            life_insurance=LifeInsurancePremiums(general_new=r.life_insurance_general_new),
            earthquake_insurance=EarthquakePremiums(earthquake=r.earthquake_insurance),
            medical_expenses=MedicalExpenses(
                paid=r.medical_expenses_paid, reimbursed=r.medical_expenses_reimbursed
            ),
        ),
        spouse=_relative(r.spouse) if r.spouse else None,
        dependents=tuple(_relative(d) for d in r.dependents),
        credits=Credits(furusato_donations=r.furusato_donations),
    )
    return Consolidated(
        tax_input=tax_input,
        basis="住民税申告書",
        sources=(source.filing_id,),
        salary_payers=payers,
        pension_revenue=r.public_pension_revenue or pension_revenue,
        other_income=r.business + r.real_estate + r.dividend_comprehensive + r.miscellaneous,
        ordinary_requested=r.ordinary_collection,
    )
