"""Hand-built SurveyRow samples and a hypothesis strategy for the reporting tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from domain.reporting import NON_TAXABLE, TAXABLE, SurveyRow

YEAR = 2026

_ZERO: dict[str, Any] = {
    "fiscal_year": YEAR,
    "status": TAXABLE,
    "non_resident": False,
    "salary_income": 0,
    "business_income": 0,
    "agricultural_income": 0,
    "pension_income": 0,
    "other_income": 0,
    "total_income": 0,
    "separate_long_term_gains": 0,
    "separate_short_term_gains": 0,
    "general_stock_gains": 0,
    "listed_stock_gains": 0,
    "listed_stock_dividends": 0,
    "futures_misc": 0,
    "taxable_income": 0,
    "separate_taxable_income": 0,
    "municipal_income_levy": 0,
    "prefectural_income_levy": 0,
    "municipal_per_capita": 0,
    "prefectural_per_capita": 0,
    "forest_environment_tax": 0,
    "reduction": 0,
    "donation_amount": 0,
    "municipal_donation_credit": 0,
    "prefectural_donation_credit": 0,
    "one_stop": False,
}


def row(**overrides: Any) -> SurveyRow:
    """A 課税 row of 令和8年度 with every amount 0 except ``overrides``."""
    return SurveyRow(**{**_ZERO, **overrides})


def payer(salary: int = 4_000_000, taxable: int = 2_500_000, **overrides: Any) -> SurveyRow:
    """A salaried resident paying 均等割 and 所得割 (特別区民税 6 %, 都民税 4 %, 均等割 3,000/1,000, 森林 1,000)."""
    values: dict[str, Any] = {
        "salary_income": salary,
        "total_income": salary,
        "taxable_income": taxable,
        "municipal_income_levy": taxable * 6 // 100 // 100 * 100,
        "prefectural_income_levy": taxable * 4 // 100 // 100 * 100,
        "municipal_per_capita": 3_000,
        "prefectural_per_capita": 1_000,
        "forest_environment_tax": 1_000,
    }
    values.update(overrides)
    return row(**values)


def per_capita_only(**overrides: Any) -> SurveyRow:
    values: dict[str, Any] = {
        "municipal_per_capita": 3_000,
        "prefectural_per_capita": 1_000,
        "forest_environment_tax": 1_000,
    }
    values.update(overrides)
    return row(**values)


_amount = st.integers(min_value=0, max_value=200_000_000)
_small = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def survey_rows(draw: st.DrawFn) -> SurveyRow:
    """Arbitrary (not necessarily tax-consistent) rows: the survey must add up whatever the ledger holds."""
    status = draw(st.sampled_from([TAXABLE, TAXABLE, TAXABLE, NON_TAXABLE]))
    non_resident = draw(st.booleans()) if draw(st.integers(0, 9)) == 0 else False
    incomes = {
        name: draw(_small)
        for name in (
            "salary_income",
            "business_income",
            "agricultural_income",
            "pension_income",
            "other_income",
            "separate_long_term_gains",
            "separate_short_term_gains",
            "general_stock_gains",
            "listed_stock_gains",
            "listed_stock_dividends",
            "futures_misc",
        )
    }
    if draw(st.booleans()):
        incomes["business_income"] = -draw(_small)
    levy = st.integers(min_value=0, max_value=3_000_000).map(lambda v: v // 100 * 100)
    return row(
        status=status,
        non_resident=non_resident,
        total_income=draw(_amount),
        taxable_income=draw(_amount) // 1000 * 1000,
        separate_taxable_income=draw(_small) // 1000 * 1000,
        municipal_income_levy=draw(levy),
        prefectural_income_levy=draw(levy),
        municipal_per_capita=draw(st.sampled_from([0, 3_000])),
        prefectural_per_capita=draw(st.sampled_from([0, 1_000])),
        forest_environment_tax=draw(st.sampled_from([0, 1_000])),
        reduction=draw(st.sampled_from([0, 0, 500, 4_000])),
        donation_amount=draw(_small),
        municipal_donation_credit=draw(st.integers(0, 200_000)),
        prefectural_donation_credit=draw(st.integers(0, 150_000)),
        one_stop=draw(st.booleans()),
        **incomes,
    )
