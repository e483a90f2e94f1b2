"""徴収方法の決定 and the installment schedule of a levy.

- 給与特別徴収 (地方税法 第321条の3): when a salary report comes from an employer with a 指定番号, the
  report does not ask for 普通徴収, and the employee had not left by the report (中途退職者 → 普通徴収).
  The employer with the largest payment collects.
- 年金特別徴収 (第321条の7の2): 65 or older on 1 April of the 年度, pension of 180,000 yen or more, and
  the tax is on pension income only (no salary, no other income); first year of collection assumed
  (no previous-year pension tax is known to this system yet).
- 普通徴収 (第319条) otherwise. When a return asks for non-salary income to be paid by the taxpayer
  (給与・公的年金等以外の所得に係る住民税の徴収方法: 自分で納付), that share is split off to 普通徴収 in
  proportion to income (approximation, recorded in the levy notes).
"""

from collections.abc import Callable
from datetime import date

from domain.assessment.consolidation import Consolidated
from domain.assessment.values import CollectionMethod, InstallmentLine
from domain.taxrules import installments as schedule
from domain.taxrules.params import TOKYO_SPECIAL_WARD, MunicipalityParams

ClosedDay = Callable[[date], bool]


def age_on(birth: date | None, day: date) -> int:
    if birth is None:
        return 0
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def salary_collector(consolidated: Consolidated) -> str | None:
    """指定番号 of the employer who collects by 給与特別徴収, or None."""
    candidates = [
        p
        for p in consolidated.salary_payers
        if p.designation_number and not p.ordinary_requested and p.left_on is None
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.payment).designation_number


def plan_collection(
    consolidated: Consolidated,
    annual_tax: int,
    *,
    salary_income: int,
    is_closed: ClosedDay,
    mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
) -> tuple[CollectionMethod, str | None, tuple[InstallmentLine, ...]]:
    """Decide the method and schedule for ``annual_tax`` (already net of 減免)."""
    fiscal_year = consolidated.tax_input.fiscal_year
    if annual_tax <= 0:
        return CollectionMethod.ORDINARY, None, ()
    employer = salary_collector(consolidated)
    if employer is not None:
        ordinary_share = 0
        if consolidated.ordinary_requested and consolidated.other_income > 0:
            base = salary_income + consolidated.other_income
            ordinary_share = annual_tax * consolidated.other_income // base if base else 0
        special_part = annual_tax - ordinary_share
        lines = [
            InstallmentLine(i.label, i.due_date, i.amount, CollectionMethod.SALARY, employer)
            for i in schedule.salary(special_part, fiscal_year, mp=mp, is_closed=is_closed)
        ]
        if ordinary_share:
            lines += [
                InstallmentLine(i.label, i.due_date, i.amount, CollectionMethod.ORDINARY)
                for i in schedule.ordinary(ordinary_share, fiscal_year, mp=mp, is_closed=is_closed)
            ]
        return CollectionMethod.SALARY, employer, tuple(lines)
    person = consolidated.tax_input.taxpayer
    pension_only = (
        consolidated.tax_input.income.salary_revenue == 0
        and consolidated.other_income == 0
        and consolidated.pension_revenue >= 180_000
    )
    if pension_only and age_on(person.birth_date, date(fiscal_year, 4, 1)) >= 65:
        lines = [
            InstallmentLine(
                i.label,
                i.due_date,
                i.amount,
                CollectionMethod.ORDINARY if i.due_date is not None else CollectionMethod.PENSION,
                None if i.due_date is not None else "年金保険者",
            )
            for i in schedule.pension(annual_tax, fiscal_year, first_year=True, mp=mp, is_closed=is_closed)
        ]
        return CollectionMethod.PENSION, "年金保険者", tuple(lines)
    lines = [
        InstallmentLine(i.label, i.due_date, i.amount, CollectionMethod.ORDINARY)
        for i in schedule.ordinary(annual_tax, fiscal_year, mp=mp, is_closed=is_closed)
    ]
    return CollectionMethod.ORDINARY, None, tuple(lines)


def switch_to_ordinary(
    lines: tuple[InstallmentLine, ...],
    left_on: date,
    fiscal_year: int,
    *,
    is_closed: ClosedDay,
    mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
) -> tuple[InstallmentLine, ...]:
    """退職 (地方税法 第321条の5第3項): the 特別徴収 months not yet withheld move to 普通徴収.

    Salary for the month of leaving is still withheld. A departure between January and April: the rest is
    collected in a lump sum (一括徴収) from the last salary (第321条の5第2項), modelled here as one line
    in the leaving month. Otherwise the remaining amount is split over the ordinary 納期 still ahead.
    """
    kept: list[InstallmentLine] = []
    remaining = 0
    for line in lines:
        if line.method is not CollectionMethod.SALARY:
            kept.append(line)
            continue
        month = int(line.label.split("月")[0])
        year = fiscal_year if month >= 6 else fiscal_year + 1
        if (year, month) <= (left_on.year, left_on.month):
            kept.append(line)
        else:
            remaining += line.amount
    if remaining == 0:
        return tuple(kept)
    if 1 <= left_on.month <= 4:
        kept.append(
            InstallmentLine(
                f"{left_on.month}月分 一括徴収", None, remaining, CollectionMethod.SALARY, "一括徴収"
            )
        )
        return tuple(kept)
    future = [
        i
        for i in schedule.ordinary(remaining, fiscal_year, mp=mp, is_closed=is_closed)
        if i.due_date is not None and i.due_date > left_on
    ]
    if not future:
        due = schedule.ordinary(remaining, fiscal_year, mp=mp, is_closed=is_closed)[-1]
        future = [due]
    amounts = schedule.split_with_remainder_first(remaining, len(future), mp.ordinary_unit)
    kept += [
        InstallmentLine(i.label, i.due_date, a, CollectionMethod.ORDINARY)
        for i, a in zip(future, amounts, strict=True)
    ]
    return tuple(kept)
