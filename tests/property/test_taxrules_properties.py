"""Property tests for the tax engine (DESIGN §11): never negative, monotone in salary, installments sum
to the annual tax, no late fee when paid on time, trace re-adds to the totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.taxrules import installments
from domain.taxrules.engine import compute
from domain.taxrules.late_fee import compute_late_fee
from domain.taxrules.model import (
    Credits,
    Deductions,
    Income,
    LifeInsurancePremiums,
    Relative,
    TaxInput,
    TaxpayerFacts,
)

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
yen = st.integers(min_value=0, max_value=30_000_000)
small = st.integers(min_value=0, max_value=2_000_000)
birth = st.dates(min_value=date(1930, 1, 1), max_value=date(2024, 12, 31))
relative = st.builds(
    Relative,
    birth_date=birth,
    total_income=st.integers(min_value=0, max_value=2_000_000),
    disability=st.sampled_from(["none", "general", "special"]),
    cohabiting=st.booleans(),
)
inputs = st.builds(
    TaxInput,
    fiscal_year=st.sampled_from([2024, 2025, 2026]),
    taxpayer=st.builds(
        TaxpayerFacts,
        birth_date=st.dates(min_value=date(1930, 1, 1), max_value=date(2007, 12, 31)),
        disability=st.sampled_from(["none", "general", "special"]),
        widow=st.booleans(),
        single_parent=st.booleans(),
        working_student=st.booleans(),
        resident=st.booleans(),
    ),
    income=st.builds(
        Income,
        salary_revenue=yen,
        public_pension_revenue=st.integers(min_value=0, max_value=5_000_000),
        business=small,
        dividend_comprehensive=st.integers(min_value=0, max_value=500_000),
        listed_stock_gains_separate=st.integers(min_value=0, max_value=1_000_000),
    ),
    deductions=st.builds(
        Deductions,
        social_insurance=st.integers(min_value=0, max_value=1_500_000),
        life_insurance=st.builds(
            LifeInsurancePremiums, general_new=small, general_old=small, care_medical=small
        ),
    ),
    spouse=st.none() | relative,
    dependents=st.lists(relative, max_size=3).map(tuple),
    credits=st.builds(
        Credits,
        furusato_donations=st.integers(min_value=0, max_value=1_000_000),
        one_stop=st.booleans(),
        other_eligible_donations=st.integers(min_value=0, max_value=100_000),
        housing_loan_remaining=st.integers(min_value=0, max_value=300_000),
        housing_loan_case=st.sampled_from(["standard", "special"]),
    ),
)


@SETTINGS
@given(inputs)
def test_never_negative_and_trace_re_adds(inp: TaxInput) -> None:
    out = compute(inp)
    lines = {line.id: line.value for line in out.trace}
    assert out.total >= 0 and out.forest_environment_tax >= 0
    for key, levy in (("municipal", out.municipal), ("prefectural", out.prefectural)):
        values = [
            levy.income_levy_gross,
            levy.adjustment_credit,
            levy.low_income_relief,
            levy.dividend_credit,
            levy.housing_loan_credit,
            levy.donation_credit,
            levy.flat_reduction,
            levy.truncation,
            levy.income_levy,
            levy.per_capita_levy,
        ]
        assert all(v >= 0 for v in values)
        assert levy.income_levy % 100 == 0
        credits = sum(
            lines.get(f"{key}.{n}", 0)
            for n in (
                "adjustment_credit",
                "low_income_relief",
                "dividend_credit",
                "housing_loan_credit",
                "donation_credit",
                "flat_reduction",
                "truncation",
            )
        )
        assert lines[f"{key}.income_levy_gross"] - credits == lines[f"{key}.income_levy"] == levy.income_levy
    assert (
        out.total
        == lines["municipal.income_levy"]
        + lines["prefectural.income_levy"]
        + lines["municipal.per_capita_levy"]
        + lines["prefectural.per_capita_levy"]
        + lines["forest_environment_tax"]
    )
    assert out.taxable_income % 1_000 == 0


@SETTINGS
@given(inputs, st.integers(min_value=0, max_value=3_000_000))
def test_total_non_decreasing_in_salary(inp: TaxInput, extra: int) -> None:
    higher = replace(inp, income=replace(inp.income, salary_revenue=inp.income.salary_revenue + extra))
    assert compute(higher).total >= compute(inp).total


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=5_000_000),
    st.sampled_from([2024, 2025, 2026]),
    st.integers(min_value=0, max_value=5_000_000),
    st.booleans(),
)
def test_installments_sum_to_annual_tax(annual: int, year: int, previous: int, first: bool) -> None:
    for schedule in (
        installments.ordinary(annual, year),
        installments.ordinary(annual, year, flat_reduction=previous // 10),
        installments.salary(annual, year),
        installments.pension(annual, year, previous_pension_tax=previous, first_year=first),
    ):
        assert sum(i.amount for i in schedule) == annual
        assert all(i.amount >= 0 for i in schedule)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_late_fee_zero_when_paid_by_due_date(tax: int, due: date, early: int) -> None:
    assert compute_late_fee(tax, due, due - timedelta(days=early)).late_fee == 0


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 6, 30)),
    st.integers(min_value=1, max_value=900),
)
def test_late_fee_segments_cover_the_period(tax: int, due: date, late: int) -> None:
    fee = compute_late_fee(tax, due, due + timedelta(days=late))
    assert fee.late_fee >= 0 and fee.late_fee % 100 == 0
    if fee.segments:
        assert sum(s.days for s in fee.segments) == late
        assert fee.late_fee <= sum(s.amount for s in fee.segments)
