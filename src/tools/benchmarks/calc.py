"""``bench calc``: the tax engine (full rules and trace) against a bare arithmetic floor."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from tools.benchmarks.common import BenchResult, rate


def calc_inputs(count: int, seed: int = 7, fiscal_year: int = 2026) -> list[Any]:
    """Deterministic, varied engine inputs: salary earners, pensioners, filers, dependants, donors."""
    import random

    from domain.taxrules.model import Credits, Deductions, Income, Relative, TaxInput, TaxpayerFacts

    rng = random.Random(seed)
    inputs = []
    for i in range(count):
        kind = i % 4
        salary = rng.randrange(1_000_000, 12_000_000, 1000) if kind in (0, 3) else 0
        pension = rng.randrange(600_000, 3_000_000, 1000) if kind == 1 else 0
        business = rng.randrange(0, 8_000_000, 1000) if kind == 2 else 0
        dependents = tuple(
            Relative(birth_date=date(fiscal_year - rng.randrange(1, 30), 4, 1))
            for _ in range(rng.randrange(0, 3))
        )
        inputs.append(
            TaxInput(
                fiscal_year=fiscal_year,
                taxpayer=TaxpayerFacts(birth_date=date(fiscal_year - rng.randrange(20, 90), 6, 15)),
                income=Income(salary_revenue=salary, public_pension_revenue=pension, business=business),
                deductions=Deductions(social_insurance=salary // 7 + business // 10),
                dependents=dependents,
                credits=Credits(furusato_donations=rng.choice((0, 0, 0, 30_000, 100_000))),
            )
        )
    return inputs


def _floor_levy(salary: int, pension: int, business: int, social: int) -> int:
    """Baseline arithmetic floor: a flat 10 % on income after a crude deduction, no trace, no rules."""
    income = max(salary * 7 // 10 + max(pension - 1_100_000, 0) + business - social - 430_000, 0)
    return income // 1000 * 1000 // 10 + 5_000


def bench_calc(count: int = 20_000) -> BenchResult:
    """Engine computations per second (full rules and trace) against a bare arithmetic floor."""
    from domain.taxrules.engine import compute
    from domain.taxrules.registry import rule_set_for

    inputs = calc_inputs(count)
    rules = rule_set_for(inputs[0].fiscal_year) if inputs else None
    started = time.perf_counter()
    floor_total = 0
    for inp in inputs:
        floor_total += _floor_levy(
            inp.income.salary_revenue,
            inp.income.public_pension_revenue,
            inp.income.business,
            inp.deductions.social_insurance,
        )
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    total = 0
    for inp in inputs:
        total += compute(inp, rules).total
    seconds = time.perf_counter() - started
    value = rate(count, seconds)
    base = rate(count, base_seconds)
    return BenchResult.compared(
        "calc",
        value,
        "computations/s",
        baseline=base,
        details={
            "computations": count,
            "seconds": round(seconds, 3),
            "total_tax": total,
            "microseconds_per_computation": round(seconds / count * 1e6, 1) if count else 0.0,
        },
    )
