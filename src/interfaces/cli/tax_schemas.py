"""Input validation for ``juminzei tax calc`` (pydantic 2 at the interface edge).

Mirrors ``domain.taxrules.model.TaxInput``; every amount is a non-negative integer (yen); unknown fields
are rejected so that typos do not silently become zero.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator

from domain.taxrules import RULE_SETS

Yen = Annotated[StrictInt, Field(ge=0)]
Disability = Literal["none", "general", "special"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaxpayerIn(_Model):
    birth_date: date | None = None
    disability: Disability = "none"
    widow: StrictBool = False
    single_parent: StrictBool = False
    working_student: StrictBool = False
    public_assistance: StrictBool = False
    resident: StrictBool = True
    sex: Literal["female", "male"] | None = None


class IncomeIn(_Model):
    salary_revenue: Yen = 0
    public_pension_revenue: Yen = 0
    business: Yen = 0
    real_estate: Yen = 0
    dividend_comprehensive: Yen = 0
    miscellaneous: Yen = 0
    miscellaneous_business: Yen = 0
    occasional: Yen = 0
    capital_gains_short: Yen = 0
    capital_gains_long: Yen = 0
    listed_stock_dividends_separate: Yen = 0
    listed_stock_gains_separate: Yen = 0
    net_loss_carryforward: Yen = 0
    listed_stock_loss_carryforward: Yen = 0


class LifeInsuranceIn(_Model):
    general_new: Yen = 0
    general_old: Yen = 0
    care_medical: Yen = 0
    annuity_new: Yen = 0
    annuity_old: Yen = 0


class EarthquakeIn(_Model):
    earthquake: Yen = 0
    old_long_term: Yen = 0


class MedicalIn(_Model):
    paid: Yen = 0
    reimbursed: Yen = 0
    self_medication_otc: Yen = 0
    use_self_medication: StrictBool = False


class CasualtyIn(_Model):
    loss: Yen = 0
    disaster_expenses: Yen = 0


class DeductionsIn(_Model):
    social_insurance: Yen = 0
    small_business_mutual_aid: Yen = 0
    life_insurance: LifeInsuranceIn = LifeInsuranceIn()
    earthquake_insurance: EarthquakeIn = EarthquakeIn()
    medical_expenses: MedicalIn = MedicalIn()
    casualty: CasualtyIn = CasualtyIn()


class RelativeIn(_Model):
    birth_date: date | None = None
    total_income: Yen = 0
    disability: Disability = "none"
    cohabiting: StrictBool = True
    lineal_ascendant: StrictBool | None = None
    abroad: StrictBool = False


class CreditsIn(_Model):
    furusato_donations: Yen = 0
    one_stop: StrictBool = False
    other_eligible_donations: Yen = 0
    housing_loan_remaining: Yen = 0
    housing_loan_case: Literal["standard", "special"] = "standard"
    income_tax_taxable_income: Yen | None = None


class TaxCalcIn(_Model):
    fiscal_year: StrictInt
    taxpayer: TaxpayerIn = TaxpayerIn()
    income: IncomeIn = IncomeIn()
    deductions: DeductionsIn = DeductionsIn()
    spouse: RelativeIn | None = None
    dependents: list[RelativeIn] = Field(default_factory=list)
    credits: CreditsIn = CreditsIn()

    @field_validator("fiscal_year")
    @classmethod
    def _supported_year(cls, v: int) -> int:
        if v not in RULE_SETS:
            raise ValueError(f"unsupported fiscal year; supported: {sorted(RULE_SETS)}")
        return v


_JA = {
    "missing": "必須項目がありません",
    "extra_forbidden": "未知の項目です",
    "greater_than_equal": "0以上の整数で指定してください",
    "int_type": "整数で指定してください",
    "bool_type": "true/false で指定してください",
    "literal_error": "指定できない値です",
    "date_from_datetime_parsing": "日付 (YYYY-MM-DD) で指定してください",
    "date_parsing": "日付 (YYYY-MM-DD) で指定してください",
    "date_type": "日付 (YYYY-MM-DD) で指定してください",
    "value_error": "対応していない値です",
    "model_type": "オブジェクトで指定してください",
    "list_type": "配列で指定してください",
}


def describe_errors(error: ValidationError) -> list[str]:
    """One line per bad field: ``path: 日本語 / English``."""
    lines = []
    for e in error.errors():
        path = ".".join(str(p) for p in e["loc"]) or "(root)"
        ja = _JA.get(e["type"], "不正な値です")
        lines.append(f"{path}: {ja} / {e['msg']}")
    return lines


def parse(data: Any) -> TaxCalcIn:
    """Validate a decoded JSON value (raises :class:`pydantic.ValidationError`)."""
    return TaxCalcIn.model_validate(data)
