"""Inspection (監査): replay any aggregate at any version or time, and explain a levy to the yen.

Both read personal data, so both are journaled (purpose 監査) before anything is returned.
``explain`` re-runs the tax engine with the recorded input snapshot and the recorded rule-set version
and compares every trace line and every amount with what was levied (DESIGN §7).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from application.read_rows import AccessRow, HeldAssessment, HeldFiling, HeldTransfer
from domain.assessment.assessment import Assessment
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.shared.personal import Erased
from domain.taxrules.engine import compute
from domain.taxrules.model import TaxInput
from domain.taxrules.registry import rule_set_by_id

_METADATA = ("actor", "purpose", "command_id", "source_ref")


def plain(value: Any) -> Any:
    """A JSON-safe rendering of aggregate state and event fields."""
    if isinstance(value, Erased):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    event: str
    timestamp: datetime
    actor: str
    purpose: str
    command_id: str
    source_ref: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class Replay:
    aggregate_id: UUID
    aggregate_type: str
    version: int
    latest_version: int
    state: dict[str, Any]
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class LineDifference:
    id: str
    step: str
    recorded: Any
    recomputed: Any


@dataclass(frozen=True)
class Explanation:
    assessment_id: UUID
    rule_set_id: str
    reproduces: bool
    recorded_total: int
    recomputed_total: int
    lines_compared: int
    differences: tuple[LineDifference, ...]
    trace: tuple[dict[str, Any], ...]


class InspectionService:
    def __init__(self, app: JuminzeiApplication) -> None:
        self.app = app

    def _journal(self, action: str, subject: UUID, items: tuple[str, ...], ctx: CommandContext) -> None:
        self.app.save(
            AccessRecord.record_view(
                action=action, subject_ids=(subject,), items=items, criteria=("aggregate_id",), ctx=ctx
            )
        )

    def replay(
        self,
        aggregate_id: UUID,
        ctx: CommandContext,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Replay:
        """State at ``version`` (or as of a timestamp) and the full timeline with actor, purpose, source."""
        events: list[Any] = list(self.app.events.get(aggregate_id))
        if not events:
            raise DomainError(f"集約 {aggregate_id} の記録がありません。", code="not_found")
        latest = events[-1].originator_version
        if as_of is not None:
            eligible = [e for e in events if e.timestamp <= as_of]
            if not eligible:
                raise DomainError("指定時刻より前の記録がありません。", code="before_creation")
            version = eligible[-1].originator_version
        version = latest if version is None else version
        if not 1 <= version <= latest:
            raise DomainError(f"版 {version} は存在しません（最新は {latest}）。", code="no_such_version")
        self._journal("audit.replay", aggregate_id, ("集約の状態", "イベント履歴"), ctx)
        try:
            aggregate: Any = self.app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise DomainError(f"集約 {aggregate_id} の記録がありません。", code="not_found") from None
        state = {k: plain(v) for k, v in vars(aggregate).items() if not k.startswith("_")}
        timeline = tuple(
            TimelineEntry(
                version=e.originator_version,
                event=type(e).__name__,
                timestamp=e.timestamp,
                actor=getattr(e, "actor", ""),
                purpose=plain(getattr(e, "purpose", "")),
                command_id=getattr(e, "command_id", ""),
                source_ref=getattr(e, "source_ref", None),
                changes={
                    k: plain(v)
                    for k, v in vars(e).items()
                    if k
                    not in (
                        *_METADATA,
                        "originator_id",
                        "originator_version",
                        "timestamp",
                        "originator_topic",
                    )
                },
            )
            for e in events
        )
        return Replay(aggregate_id, type(aggregate).__name__, version, latest, state, timeline)

    def explain(self, assessment_id: UUID, ctx: CommandContext) -> Explanation:
        """Re-run the engine with the recorded input and rule-set version; compare line by line."""
        assessment: Assessment = self.app.require(assessment_id, f"賦課 {assessment_id} がありません。")
        if not isinstance(assessment, Assessment):
            raise DomainError(f"{assessment_id} は賦課ではありません。", code="not_assessment")
        self._journal("audit.explain", assessment.taxpayer_id, ("課税内容", "算出の内訳"), ctx)
        if not isinstance(assessment.tax_input, dict) or not isinstance(assessment.computation, dict):
            raise DomainError("この賦課の計算記録は消去済みです（保存期間経過）。", code="erased")
        recorded = assessment.computation
        rule_set = rule_set_by_id(assessment.rule_set_id)
        recomputed = compute(TaxInput.from_dict(assessment.tax_input), rule_set).to_dict()
        differences: list[LineDifference] = []
        recorded_lines = {line["id"]: line for line in recorded.get("trace", [])}
        recomputed_lines = {line["id"]: line for line in recomputed.get("trace", [])}
        for line_id in sorted(set(recorded_lines) | set(recomputed_lines)):
            a, b = recorded_lines.get(line_id), recomputed_lines.get(line_id)
            if (
                a is None
                or b is None
                or a.get("value") != b.get("value")
                or a.get("parameters") != b.get("parameters")
            ):
                step = (a or b or {}).get("step", line_id)
                differences.append(
                    LineDifference(
                        line_id, step, a.get("value") if a else None, b.get("value") if b else None
                    )
                )
        for key in (
            "municipal",
            "prefectural",
            "forest_environment_tax",
            "total",
            "taxable_income",
            "non_taxable",
        ):
            if recorded.get(key) != recomputed.get(key):
                differences.append(LineDifference(key, key, recorded.get(key), recomputed.get(key)))
        return Explanation(
            assessment_id=assessment_id,
            rule_set_id=assessment.rule_set_id,
            reproduces=not differences,
            recorded_total=int(recorded.get("total", 0)),
            recomputed_total=int(recomputed.get("total", 0)),
            lines_compared=len(recorded_lines),
            differences=tuple(differences),
            trace=tuple(recomputed.get("trace", [])),
        )

    def access(
        self, *, subject: str | None, staff: str | None, ctx: CommandContext, log: AccessLog
    ) -> list[AccessRow]:
        """使用の記録の照会 (itself journaled: inspectors' reads are reads too)."""
        if subject is not None:
            try:
                subject_id = UUID(subject)
            except ValueError:
                raise DomainError("対象者IDの形式が不正です。", code="invalid_id") from None
            self._journal("audit.access_by_subject", subject_id, ("使用の記録",), ctx)
            return log.by_subject(subject)
        self.app.save(
            AccessRecord.record_view(
                action="audit.access_by_staff",
                subject_ids=(),
                items=("使用の記録",),
                criteria=("staff",),
                ctx=ctx,
            )
        )
        return log.by_staff(staff or "")


class AccessLog(Protocol):
    """The access-journal read model (使用の記録), by subject or by staff member."""

    def by_subject(self, subject_id: str) -> list[AccessRow]: ...

    def by_staff(self, actor: str) -> list[AccessRow]: ...


def department_of(actor: str) -> str:
    """The 所属 shown to a resident instead of a staff name (staff registry brings the real 課 later)."""
    if actor.startswith("job:"):
        return "システム処理（一括処理）"
    return "区民部 税務課"


class HeldRecords(Protocol):
    """What the read models hold about one person, for the 開示請求 pack (``projections.disclosure``)."""

    def filings_of(self, taxpayer: UUID) -> list[HeldFiling]: ...

    #: Each row carries ``assessment_id`` (UUID) besides the columns shown to the resident.
    def assessments_of(self, taxpayer: UUID) -> list[HeldAssessment]: ...

    def transfers_of(self, taxpayer: UUID) -> list[HeldTransfer]: ...


class DisclosureService:
    """開示請求 (個人情報保護法 第76条, 番号法 第30条): what is held about a person, who used it and why
    (by department and purpose, never staff names), and what was provided to whom."""

    def __init__(
        self,
        app: JuminzeiApplication,
        access_log: Any,
        ledger: Any,
        held: HeldRecords,
        provisions: Any = None,
        inquiries: Any = None,
    ) -> None:
        self.app = app
        #: 問合せ concerning the person (``application.inquiries.InquiryService``), when wired.
        self.inquiries = inquiries
        self.access_log = access_log
        self.ledger = ledger
        self.held = held
        self.provisions = provisions

    def compile(self, taxpayer: UUID, ctx: CommandContext) -> dict[str, Any]:
        from domain.taxpayer.model import Taxpayer

        person: Taxpayer = self.app.require(taxpayer, f"納税義務者 {taxpayer} の記録がありません。")
        self.app.save(
            AccessRecord.record_view(
                action="disclosure.compile",
                subject_ids=(taxpayer,),
                items=("保有個人情報の全部", "利用の記録", "提供の記録"),
                criteria=("taxpayer_id",),
                ctx=ctx,
            )
        )
        filings = self.held.filings_of(taxpayer)
        assessments = []
        for row in self.held.assessments_of(taxpayer):
            shown = {k: v for k, v in row.items() if k != "assessment_id"}
            assessments.append(shown | {"history": self.ledger.history(row["assessment_id"])})
        provisions: list[dict[str, Any]] = [dict(t) for t in self.held.transfers_of(taxpayer)]
        access = [
            {
                "at": r["at"],
                "department": department_of(r["actor"]),
                "purpose": r["purpose"],
                "action": r["action"],
                "items": r["items"],
            }
            for r in self.access_log.by_subject(str(taxpayer))
        ]
        identity = {k: plain(v) for k, v in vars(person).items() if not k.startswith("_")}
        identity["individual_number_linked"] = (
            "保有（番号そのものは本人確認のうえ別途開示）" if person.individual_number_linked else "なし"
        )
        if self.provisions is not None:
            recorded = [
                {
                    "recipient": r["recipient"],
                    "fiscal_year": "",
                    "reason": f"{r['kind']}（{r['legal_basis']}）",
                    "items": r["items"],
                    "status": r["outcome"],
                    "at": r["provided_at"],
                }
                for r in self.provisions.query(subject=str(taxpayer))
            ]
            # Transfers not yet delivered through the gate are shown as planned; delivered ones as records.
            provisions = recorded or [dict(p, status="移転予定（未送付）") for p in provisions]
        return {
            "taxpayer_id": str(taxpayer),
            "held": {"identity": identity, "filings": filings, "assessments": assessments},
            "access_history": access,
            "provisions": provisions,
            "inquiries": self.inquiries.for_taxpayer(taxpayer) if self.inquiries is not None else [],
            "note": "利用の記録は所属と利用目的で示し、職員の氏名は示しません。",
        }
