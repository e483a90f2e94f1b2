"""Round-trip of the input snapshot and the computation; trace readability and re-adding."""

from __future__ import annotations

import json
from datetime import date

from domain.taxrules.engine import compute
from domain.taxrules.model import (
    Credits,
    Deductions,
    Income,
    LifeInsurancePremiums,
    Relative,
    TaxComputation,
    TaxInput,
    TaxpayerFacts,
)

SAMPLE = TaxInput(
    fiscal_year=2026,
    taxpayer=TaxpayerFacts(birth_date=date(1974, 5, 10), disability="general"),
    income=Income(
        salary_revenue=7_200_000, dividend_comprehensive=120_000, listed_stock_gains_separate=300_000
    ),
    deductions=Deductions(
        social_insurance=1_000_000, life_insurance=LifeInsurancePremiums(general_new=80_000)
    ),
    spouse=Relative(birth_date=date(1976, 1, 1), total_income=900_000),
    dependents=(Relative(birth_date=date(2006, 4, 1)), Relative(birth_date=date(2014, 4, 1))),
    credits=Credits(furusato_donations=80_000, housing_loan_remaining=40_000),
)


def test_input_round_trip_is_exact_and_json_safe() -> None:
    d = SAMPLE.to_dict()
    assert TaxInput.from_dict(json.loads(json.dumps(d))) == SAMPLE
    assert d["taxpayer"]["birth_date"] == "1974-05-10"


def test_computation_round_trip() -> None:
    out = compute(SAMPLE)
    d = json.loads(json.dumps(out.to_dict()))
    assert TaxComputation.from_dict(d) == out


def test_trace_re_adds_to_totals() -> None:
    out = compute(SAMPLE)
    lines = {line.id: line for line in out.trace}
    for key, levy in (("municipal", out.municipal), ("prefectural", out.prefectural)):
        credits = sum(
            lines[f"{key}.{name}"].value
            for name in (
                "adjustment_credit",
                "low_income_relief",
                "dividend_credit",
                "housing_loan_credit",
                "donation_credit",
                "flat_reduction",
                "truncation",
            )
            if f"{key}.{name}" in lines
        )
        assert lines[f"{key}.income_levy_gross"].value - credits == levy.income_levy
    parts = lines["total"].parameters
    assert sum(v for v in parts.values() if isinstance(v, int)) == out.total
    deduction_lines = [line.value for line in out.trace if line.id.startswith("deduction.")]
    assert sum(deduction_lines) == out.deductions.total == lines["deductions.total"].value


def test_trace_lines_have_citations() -> None:
    out = compute(SAMPLE)
    assert all(line.citation for line in out.trace)
    assert any("別表第五" in line.citation for line in out.trace)
