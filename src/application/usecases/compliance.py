"""自己点検: the access-anomaly report and its reviews (特定個人情報保護評価書 III-3 リスク3, IV-1). The rules are in
``domain.audit.anomalies``; these handlers run them as of the clock the composition root gives. 委託 (with
the per-contract report) is in ``usecases.contracts``, 問合せ in ``usecases.inquiries``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from application.anomalies import AnomalyService
from application.usecases.base import Call, Command, Query, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class AnomalyReport(Query[dict[str, Any]]):
    """アクセス記録の点検 for JST days ``start``..``end``: findings with rule, evidence and review state.

    The journal read model must include every read up to now, so it is refreshed first."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT

    start: date
    end: date


@dataclass(frozen=True)
class ReviewFinding(Command[dict[str, Any]]):
    """所属長 records the review outcome of one finding (an event; a later review appends)."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT

    finding_id: str
    outcome: str
    note: str


class ComplianceHandlers:
    def __init__(self, anomalies: AnomalyService, now: Callable[[], datetime]) -> None:
        self._anomalies = anomalies
        self._now = now

    def report(self, query: AnomalyReport, call: Call) -> dict[str, Any]:
        return self._anomalies.report(query.start, query.end, call.context, now=self._now())

    def review(self, command: ReviewFinding, call: Call) -> dict[str, Any]:
        return self._anomalies.review(
            command.finding_id, outcome=command.outcome, note=command.note, ctx=call.context, now=self._now()
        )


def register(bus: UseCases, handlers: ComplianceHandlers) -> None:
    bus.register_handlers(handlers)
