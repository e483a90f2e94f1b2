"""監査・開示: what inspectors and residents rely on — replay an aggregate, re-run an assessment's engine,
the 使用の記録 by person or by staff member, 提供・移転の記録, and the 開示請求 pack.

Each read is itself journaled (an inspector's read is a read of personal data too; 番号法 第29条の3 /
個人情報保護法 第76条 for the resident's disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol
from uuid import UUID

from application.inspection import AccessLog, DisclosureService, Explanation, InspectionService, Replay
from application.read_rows import AccessRow, ProvisionRow
from application.usecases.base import Call, InvalidCommandError, Query, UseCases
from domain.shared.purpose import Purpose


class ProvisionLog(Protocol):
    def query(self, *, recipient: str | None = None, subject: str | None = None) -> list[ProvisionRow]: ...


@dataclass(frozen=True)
class ReplayAggregate(Query[Replay]):
    """集約の再生: the state at a version or a time, with every event's actor, purpose and source."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT
    reads_read_models: ClassVar[bool] = False

    aggregate_id: UUID
    version: int | None = None
    as_of: datetime | None = None
    as_purpose: Purpose = Purpose.AUDIT


@dataclass(frozen=True)
class ExplainAssessment(Query[Explanation]):
    """賦課の再計算: the recorded input through the recorded rule set, compared line by line."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT
    reads_read_models: ClassVar[bool] = False

    assessment_id: UUID
    as_purpose: Purpose = Purpose.AUDIT


@dataclass(frozen=True)
class AccessHistory(Query[list[AccessRow]]):
    """使用の記録: who viewed a person (``subject``), or what a staff member viewed (``staff``) — one of them."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT

    subject: str | None = None
    staff: str | None = None
    as_purpose: Purpose = Purpose.AUDIT


@dataclass(frozen=True)
class ProvisionRecords(Query[list[ProvisionRow]]):
    """提供・移転の記録 by recipient and/or subject (a subject's records are a journaled read of that person)."""

    purpose: ClassVar[Purpose] = Purpose.AUDIT

    recipient: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class CompileDisclosure(Query[dict[str, Any]]):
    """開示請求への回答: what is held, access history by 課 and purpose, provisions."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST

    taxpayer_id: UUID


class InspectionHandlers:
    def __init__(
        self,
        inspection: InspectionService,
        disclosure: DisclosureService,
        access_log: AccessLog,
        provisions: ProvisionLog,
    ) -> None:
        self._inspection = inspection
        self._disclosure = disclosure
        self._access_log = access_log
        self._provisions = provisions

    def replay(self, query: ReplayAggregate, call: Call) -> Replay:
        if query.as_of is not None and query.as_of.tzinfo is None:
            raise InvalidCommandError("タイムゾーン付きで指定してください（例 +09:00）。", field="as_of")
        return self._inspection.replay(
            query.aggregate_id, call.context, version=query.version, as_of=query.as_of
        )

    def explain(self, query: ExplainAssessment, call: Call) -> Explanation:
        return self._inspection.explain(query.assessment_id, call.context)

    def access(self, query: AccessHistory, call: Call) -> list[AccessRow]:
        if (query.subject is None) == (query.staff is None):
            raise InvalidCommandError("subject か staff のどちらか一方を指定してください。", field="subject")
        return self._inspection.access(
            subject=query.subject, staff=query.staff, ctx=call.context, log=self._access_log
        )

    def provisions(self, query: ProvisionRecords, call: Call) -> list[ProvisionRow]:
        if query.subject is not None:
            self._inspection.access(subject=query.subject, staff=None, ctx=call.context, log=self._access_log)
        return self._provisions.query(recipient=query.recipient, subject=query.subject)

    def disclosure(self, query: CompileDisclosure, call: Call) -> dict[str, Any]:
        return self._disclosure.compile(query.taxpayer_id, call.context)


def register(bus: UseCases, handlers: InspectionHandlers) -> None:
    bus.register_handlers(handlers)
