"""Changes during the year and the journaled assessment view (課税台帳の照会).

- 退職・異動届: the remaining 特別徴収 months move to 普通徴収 (or 一括徴収 for January–April).
- 減免: applied by a clerk, decided by a different supervisor; the granted amount comes off the payable
  tax, taken from the last installments first (the earliest due dates keep their amounts).
- 賦課取消: e.g. the person turns out not to have lived here on 1 January; the record is forwarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from application.app import JuminzeiApplication
from application.assessment import load_assessment
from domain.assessment.assessment import Assessment
from domain.assessment.collection import switch_to_ordinary
from domain.assessment.values import CollectionMethod, InstallmentLine
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import taxpayer_id
from domain.taxrules.params import TOKYO_SPECIAL_WARD, MunicipalityParams


def reduce_installments(lines: tuple[InstallmentLine, ...], amount: int) -> tuple[InstallmentLine, ...]:
    """Take ``amount`` off the installments, last first (減免 lowers what is still to come)."""
    result = list(lines)
    left = amount
    for i in range(len(result) - 1, -1, -1):
        take = min(result[i].amount, left)
        result[i] = replace(result[i], amount=result[i].amount - take)
        left -= take
    if left:
        raise DomainError("減免額が期別税額の合計を超えています。", code="too_much")
    return tuple(result)


class AssessmentService:
    def __init__(
        self,
        app: JuminzeiApplication,
        is_closed: Callable[[date], bool],
        mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
    ) -> None:
        self.app = app
        self.is_closed = is_closed
        self.mp = mp

    def load(self, address_number: str, fiscal_year: int) -> Assessment:
        return load_assessment(self.app, address_number, fiscal_year)

    def switch_after_leaving(
        self, address_number: str, fiscal_year: int, left_on: date, reason: str, ctx: CommandContext
    ) -> Assessment:
        assessment = self.load(address_number, fiscal_year)
        if assessment.method is not CollectionMethod.SALARY:
            raise DomainError("給与特別徴収ではない賦課です。", code="not_salary")
        lines = switch_to_ordinary(
            assessment.installments, left_on, fiscal_year, is_closed=self.is_closed, mp=self.mp
        )
        method = (
            CollectionMethod.ORDINARY
            if any(line.method is CollectionMethod.ORDINARY and line.amount for line in lines)
            else CollectionMethod.SALARY
        )
        assessment.switch_method(reason=reason, effective=left_on, method=method, installments=lines, ctx=ctx)
        self.app.save(assessment)
        return assessment

    def apply_reduction(
        self, address_number: str, fiscal_year: int, kind: str, amount: int, grounds: str, ctx: CommandContext
    ) -> Assessment:
        assessment = self.load(address_number, fiscal_year)
        assessment.apply_reduction(kind=kind, grounds=grounds, requested_amount=amount, ctx=ctx)
        self.app.save(assessment)
        return assessment

    def decide_reduction(
        self,
        address_number: str,
        fiscal_year: int,
        granted: bool,
        amount: int,
        reason: str,
        ctx: CommandContext,
    ) -> Assessment:
        assessment = self.load(address_number, fiscal_year)
        amounts = (
            replace(assessment.amounts, reduction=assessment.amounts.reduction + amount)
            if granted
            else assessment.amounts
        )
        lines = reduce_installments(assessment.installments, amount) if granted else assessment.installments
        assessment.decide_reduction(
            granted=granted, amount=amount, reason=reason, amounts=amounts, installments=lines, ctx=ctx
        )
        self.app.save(assessment)
        return assessment

    def cancel(
        self, address_number: str, fiscal_year: int, reason: str, forward_to: str | None, ctx: CommandContext
    ) -> Assessment:
        assessment = self.load(address_number, fiscal_year)
        assessment.cancel(reason=reason, forwarded_to=forward_to, ctx=ctx)
        self.app.save(assessment)
        return assessment


class AssessmentQueries:
    """課税台帳の照会 (journaled: the input and trace hold personal facts)."""

    def __init__(self, app: JuminzeiApplication) -> None:
        self.app = app

    def show(self, address_number: str, fiscal_year: int, ctx: CommandContext) -> Assessment:
        tid = taxpayer_id(address_number)
        assessment = load_assessment(self.app, address_number, fiscal_year)
        record = AccessRecord.record_view(
            action="assessment.show",
            subject_ids=(tid,),
            items=("課税内容", "算出の内訳", "期別税額"),
            criteria=("address_number", "fiscal_year"),
            ctx=ctx,
        )
        self.app.save(record)
        return assessment


def trace_lines(assessment: Assessment) -> list[dict[str, Any]]:
    """The computation trace as recorded (for clerks and inspectors)."""
    trace: list[dict[str, Any]] = assessment.computation.get("trace", [])
    return trace
