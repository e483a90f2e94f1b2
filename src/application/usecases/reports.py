"""統計・集計: 市町村税課税状況等の調 (総務省 課税状況調, 個人住民税) and EUC aggregates with small cells suppressed.

Both read the statistics rows of the 課税台帳 read model and compute in the domain (``domain.reporting``);
nothing identifies a person in what they return. Writing the files (CSV, XLSX, HTML) is the caller's adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from application.usecases.base import Call, InvalidCommandError, Query, UseCases
from domain.reporting import aggregate, survey
from domain.reporting.survey import Check, LedgerTotals, Survey, SurveyRow
from domain.shared.purpose import Purpose


class StatisticsSource(Protocol):
    def survey_rows(self, fiscal_year: int) -> list[SurveyRow]: ...

    def ledger_totals(self, fiscal_year: int) -> LedgerTotals: ...


@dataclass(frozen=True)
class SurveyResult:
    survey: Survey
    ledger: LedgerTotals
    #: The survey's own checks and those against the independently read 課税台帳 totals.
    checks: tuple[Check, ...]

    @property
    def reconciled(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class TaxStatusSurvey(Query[SurveyResult]):
    """課税状況調 (第2表, 第11表, 課税標準額段階別, 寄附金税額控除), reconciled with the 課税台帳."""

    purpose: ClassVar[Purpose] = Purpose.STATISTICS

    fiscal_year: int


@dataclass(frozen=True)
class EucAggregate(Query[list[dict[str, Any]]]):
    """Aggregate-only statistics; cells under ``min_cell`` persons are suppressed (秘匿)."""

    purpose: ClassVar[Purpose] = Purpose.STATISTICS

    fiscal_year: int
    by: tuple[str, ...]
    measures: tuple[str, ...]
    min_cell: int = 10


class ReportHandlers:
    def __init__(self, source: StatisticsSource) -> None:
        self._source = source

    def tax_status_survey(self, query: TaxStatusSurvey, call: Call) -> SurveyResult:
        result = survey(self._source.survey_rows(query.fiscal_year), fiscal_year=query.fiscal_year)
        ledger = self._source.ledger_totals(query.fiscal_year)
        return SurveyResult(result, ledger, (*result.reconciliation.checks, *result.reconcile(ledger)))

    def euc(self, query: EucAggregate, call: Call) -> list[dict[str, Any]]:
        rows = self._source.survey_rows(query.fiscal_year)
        try:
            table: list[dict[str, Any]] = aggregate(
                rows, by=query.by, measures=query.measures, min_cell=query.min_cell
            )
        except (ValueError, KeyError) as error:
            raise InvalidCommandError(f"集計の指定が不正です: {error}", field="by") from None
        return table


def register(bus: UseCases, handlers: ReportHandlers) -> None:
    bus.register_handlers(handlers)
