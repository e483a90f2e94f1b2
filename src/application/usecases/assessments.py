"""賦課の照会と変更: show an assessment (journaled), 徴収方法の切替, 減免, 取消, and the 課税台帳 reports.

The rules are the domain's (``domain.assessment``) and ``AssessmentService``'s; these handlers carry the
command's input to them, check the version the caller saw (optimistic concurrency across a counter
conversation), and return typed results every entry point renders the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol
from uuid import UUID

from application.assessment.changes import AssessmentQueries, AssessmentService
from application.read_rows import AssessmentHistoryRow, EmployerListRow, LevyTotals
from application.usecases.base import Call, Command, InvalidCommandError, Query, StaleVersionError, UseCases
from domain.assessment.assessment import Assessment
from domain.shared.purpose import Purpose


class AssessmentLedger(Protocol):
    """The 課税台帳 read model (``projections.levy_ledger``)."""

    def history(self, assessment: UUID) -> list[AssessmentHistoryRow]: ...

    def totals(self, fiscal_year: int) -> LevyTotals: ...

    def employer_list(self, fiscal_year: int) -> list[EmployerListRow]: ...


@dataclass(frozen=True)
class AssessmentView:
    """An assessment with its 更正 history, as a clerk sees it."""

    assessment: Assessment
    address_number: str
    history: list[AssessmentHistoryRow]


@dataclass(frozen=True)
class ShowAssessment(Query[AssessmentView]):
    """賦課の内容と算出の内訳 (journaled under the purpose the clerk declares)."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY

    address_number: str
    fiscal_year: int
    as_purpose: Purpose = Purpose.INITIAL_LEVY


@dataclass(frozen=True)
class _AssessmentChange(Command[Assessment]):
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int


@dataclass(frozen=True)
class SwitchCollectionMethod(_AssessmentChange):
    """退職・異動届: the remaining 特別徴収 months go to 普通徴収 (Jan–Apr: 一括徴収; 地方税法 第321条の5)."""

    purpose: ClassVar[Purpose] = Purpose.CORRECTION

    left_on: date
    reason: str = "退職による特別徴収から普通徴収への切替"
    expected_version: int | None = None


@dataclass(frozen=True)
class ApplyReduction(_AssessmentChange):
    """減免申請の受付 (地方税法 第323条, 特別区税条例)."""

    purpose: ClassVar[Purpose] = Purpose.REDUCTION

    kind: str
    amount: int
    grounds: str
    expected_version: int | None = None


@dataclass(frozen=True)
class DecideReduction(_AssessmentChange):
    """減免の決定・却下 (by a supervisor other than the clerk who took the application)."""

    purpose: ClassVar[Purpose] = Purpose.REDUCTION

    grant: bool
    reason: str
    amount: int = 0
    expected_version: int | None = None


@dataclass(frozen=True)
class CancelAssessment(_AssessmentChange):
    """賦課の取消 (e.g. no 住所 here on the 1 January 賦課期日, found late); optionally 回送 to another body."""

    purpose: ClassVar[Purpose] = Purpose.CORRECTION

    reason: str
    forward_to: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class LevyTotalsQuery(Query[LevyTotals]):
    """課税台帳の集計 (aggregates only; no personal data)."""

    purpose: ClassVar[Purpose] = Purpose.STATISTICS

    fiscal_year: int


@dataclass(frozen=True)
class EmployerListQuery(Query[list[EmployerListRow]]):
    """特別徴収義務者別一覧: employees and annual amounts per 指定番号."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY

    fiscal_year: int


class AssessmentHandlers:
    def __init__(
        self, assessments: AssessmentService, queries: AssessmentQueries, ledger: AssessmentLedger
    ) -> None:
        self._assessments = assessments
        self._queries = queries
        self._ledger = ledger

    def show(self, query: ShowAssessment, call: Call) -> AssessmentView:
        found = self._queries.show(query.address_number, query.fiscal_year, call.context)
        return AssessmentView(found, query.address_number, self._ledger.history(found.id))

    def _checked(self, command: _AssessmentChange, expected: int | None) -> None:
        if expected is not None:
            current = self._assessments.load(command.address_number, command.fiscal_year).version
            if current != expected:
                raise StaleVersionError("賦課", expected, current)

    @staticmethod
    def _required(text: str, field_name: str, label: str) -> str:
        if not text.strip():
            raise InvalidCommandError(f"{label}を入力してください。", field=field_name)
        return text

    def switch_method(self, command: SwitchCollectionMethod, call: Call) -> Assessment:
        self._checked(command, command.expected_version)
        reason = self._required(command.reason, "reason", "理由")
        return self._assessments.switch_after_leaving(
            command.address_number, command.fiscal_year, command.left_on, reason, call.context
        )

    def apply_reduction(self, command: ApplyReduction, call: Call) -> Assessment:
        self._checked(command, command.expected_version)
        kind = self._required(command.kind, "kind", "減免の種類")
        grounds = self._required(command.grounds, "grounds", "申請理由")
        return self._assessments.apply_reduction(
            command.address_number, command.fiscal_year, kind, command.amount, grounds, call.context
        )

    def decide_reduction(self, command: DecideReduction, call: Call) -> Assessment:
        self._checked(command, command.expected_version)
        reason = self._required(command.reason, "reason", "理由")
        return self._assessments.decide_reduction(
            command.address_number, command.fiscal_year, command.grant, command.amount, reason, call.context
        )

    def cancel(self, command: CancelAssessment, call: Call) -> Assessment:
        self._checked(command, command.expected_version)
        reason = self._required(command.reason, "reason", "理由")
        return self._assessments.cancel(
            command.address_number, command.fiscal_year, reason, command.forward_to, call.context
        )

    def levy_totals(self, query: LevyTotalsQuery, call: Call) -> Any:
        return self._ledger.totals(query.fiscal_year)

    def employer_list(self, query: EmployerListQuery, call: Call) -> list[EmployerListRow]:
        return self._ledger.employer_list(query.fiscal_year)


def register(bus: UseCases, handlers: AssessmentHandlers) -> None:
    bus.register_handlers(handlers)
