"""所属長による点検結果の記録 (review of an access-anomaly finding; seed IV-1 自己点検).

One aggregate per finding (id: uuid5 of the finding id), so a finding found again in a later report
finds its review. The first review opens it with what was found (rule, staff, day, summary); each
review after that appends: a finding may be marked 要調査 first and 適正/不適正 later. The note is
free text and therefore encrypted (its own data key, ``anomaly-review:<id>``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.audit.anomalies import REVIEW_OUTCOMES
from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


def anomaly_review_id(finding_id: str) -> UUID:
    return deterministic_id("anomaly-review", finding_id)


class AnomalyReview(Aggregate):
    """アクセス異常の点検結果."""

    TOPIC = "juminzei.audit.AnomalyReview"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"anomaly-review:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.audit.AnomalyReview.Created"

    class Opened(Created):
        """点検対象の記録: which finding (rule, staff member, JST day, summary) is being reviewed."""

        TOPIC = "juminzei.audit.AnomalyReviewOpened"
        finding_id: str
        rule: str
        staff_id: str
        day: str
        summary: str

    class FindingReviewed(Event):
        """点検結果: outcome (適正・不適正・要調査) and the reviewer's note (encrypted)."""

        TOPIC = "juminzei.audit.AnomalyFindingReviewed"
        PERSONAL_FIELDS = ("note",)
        outcome: str
        note: str
        reviewed_at: datetime

        def apply(self, aggregate: AnomalyReview) -> None:
            aggregate.reviews = (
                *aggregate.reviews,
                {
                    "outcome": self.outcome,
                    "note": self.note,
                    "reviewed_by": self.actor,
                    "reviewed_at": self.reviewed_at.isoformat(),
                },
            )

    def __init__(
        self, finding_id: str, rule: str, staff_id: str, day: str, summary: str, **_metadata: Any
    ) -> None:
        self.finding_id = finding_id
        self.rule = rule
        self.staff_id = staff_id
        self.day = day
        self.summary = summary
        self.reviews: tuple[dict[str, str], ...] = ()

    @classmethod
    def open(
        cls, *, finding_id: str, rule: str, staff_id: str, day: str, summary: str, ctx: CommandContext
    ) -> AnomalyReview:
        return cls._create(
            cls.Opened,
            id=anomaly_review_id(finding_id),
            finding_id=finding_id,
            rule=rule,
            staff_id=staff_id,
            day=day,
            summary=summary,
            **ctx.event_fields(),
        )

    def review(self, *, outcome: str, note: str, now: datetime, ctx: CommandContext) -> None:
        """Record an outcome. The reviewer is never the member of staff the finding is about."""
        if outcome not in REVIEW_OUTCOMES:
            raise DomainError(f"確認結果 '{outcome}' は定義されていません。", code="invalid_outcome")
        if ctx.actor == self.staff_id:
            raise DomainError(
                "自分自身に関する点検結果は記録できません（他の所属長が確認してください）。",
                code="self_review",
            )
        if len(note.strip()) < 5:
            raise DomainError("確認内容（--note）を5文字以上で記入してください。", code="missing_note")
        self.trigger_event(
            self.FindingReviewed, outcome=outcome, note=note.strip(), reviewed_at=now, **ctx.event_fields()
        )

    @property
    def outcome(self) -> str | None:
        return self.reviews[-1]["outcome"] if self.reviews else None
