"""問合せ (inquiries and complaints about the handling of personal data; seed V-2 「特定個人情報の取扱いに関する
問合せ」, and inquiries about the tax itself).

One aggregate per inquiry (id: uuid5 of the recording command id, so a retried command records once).
Channel, category and dates stay clear (for the statistics of the report); the content, each handling
step, the escalation reason and the resolution are free text and encrypted — under the taxpayer's identity
key when the inquiry concerns a taxpayer (so it is erased with them, and disclosed to them), otherwise
under the inquiry's own key. An inquiry that concerns a possible leak (漏えい等の疑い) must be escalated to
the ward's information-policy section (情報政策課) before it can be closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id

CHANNELS = ("窓口", "電話", "メール", "文書", "電子申請", "その他")
CATEGORIES = {
    "tax": "課税内容",
    "payment": "納付・収納",
    "certificate": "証明書",
    "personal-data": "個人情報の取扱い",
    "leak": "漏えい等の疑い",
    "other": "その他",
}
#: Where leak-related inquiries go (seed V-2; the ward's information-policy section).
INFORMATION_POLICY_SECTION = "情報政策課"


def inquiry_id(command_id: str) -> UUID:
    return deterministic_id("inquiry", command_id)


def inquiry_number(aggregate_id: UUID) -> str:
    """The number a clerk quotes (Q- and the first 10 hex digits of the id)."""
    return f"Q-{aggregate_id.hex[:10]}"


class Inquiry(Aggregate):
    """問合せ."""

    TOPIC = "juminzei.compliance.Inquiry"

    class Event(AuditedEvent):
        taxpayer_id: UUID | None

        def personal_subject(self) -> str:
            if self.taxpayer_id is not None:
                return f"taxpayer:{self.taxpayer_id}"
            return f"inquiry:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.compliance.Inquiry.Created"

    class Recorded(Created):
        """問合せの受付: channel, category, optional taxpayer, content (encrypted)."""

        TOPIC = "juminzei.compliance.InquiryRecorded"
        PERSONAL_FIELDS = ("content",)
        channel: str
        category: str
        content: str
        received_at: datetime

    class StepRecorded(Event):
        """対応の記録 (each handling step; encrypted)."""

        TOPIC = "juminzei.compliance.InquiryStepRecorded"
        PERSONAL_FIELDS = ("note",)
        note: str
        at: datetime

        def apply(self, aggregate: Inquiry) -> None:
            aggregate.steps = (
                *aggregate.steps,
                {"at": self.at.isoformat(), "by": self.actor, "note": self.note},
            )

    class Escalated(Event):
        """情報政策課等への報告 (escalation; reason encrypted)."""

        TOPIC = "juminzei.compliance.InquiryEscalated"
        PERSONAL_FIELDS = ("reason",)
        to: str
        reason: str
        at: datetime

        def apply(self, aggregate: Inquiry) -> None:
            aggregate.escalations = (
                *aggregate.escalations,
                {"at": self.at.isoformat(), "by": self.actor, "to": self.to, "reason": self.reason},
            )

    class Closed(Event):
        """対応完了 (resolution; encrypted)."""

        TOPIC = "juminzei.compliance.InquiryClosed"
        PERSONAL_FIELDS = ("resolution",)
        resolution: str
        at: datetime

        def apply(self, aggregate: Inquiry) -> None:
            aggregate.closed_at = self.at
            aggregate.resolution = self.resolution

    def __init__(
        self,
        taxpayer_id: UUID | None,
        channel: str,
        category: str,
        content: str,
        received_at: datetime,
        **_metadata: Any,
    ) -> None:
        self.taxpayer_id = taxpayer_id
        self.channel = channel
        self.category = category
        self.content = content
        self.received_at = received_at
        self.steps: tuple[dict[str, str], ...] = ()
        self.escalations: tuple[dict[str, str], ...] = ()
        self.closed_at: datetime | None = None
        self.resolution: str | None = None

    @classmethod
    def record(
        cls,
        *,
        channel: str,
        category: str,
        content: str,
        taxpayer_id: UUID | None,
        received_at: datetime,
        ctx: CommandContext,
    ) -> Inquiry:
        if channel not in CHANNELS:
            raise DomainError(
                f"受付方法 '{channel}' は定義されていません。使用できる値: {'、'.join(CHANNELS)}",
                code="invalid_channel",
            )
        if category not in CATEGORIES:
            allowed = "、".join(f"{k}（{v}）" for k, v in CATEGORIES.items())
            raise DomainError(
                f"種別 '{category}' は定義されていません。使用できる値: {allowed}", code="invalid_category"
            )
        if not content.strip():
            raise DomainError("問合せの内容（--content）を入力してください。", code="missing_content")
        return cls._create(
            cls.Recorded,
            id=inquiry_id(ctx.command_id),
            taxpayer_id=taxpayer_id,
            channel=channel,
            category=category,
            content=content.strip(),
            received_at=received_at,
            **ctx.event_fields(),
        )

    @property
    def number(self) -> str:
        return inquiry_number(self.id)

    @property
    def leak_related(self) -> bool:
        return self.category == "leak"

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "対応完了"
        if self.escalations:
            return "報告済・対応中"
        return "対応中"

    def _require_open(self) -> None:
        if self.closed_at is not None:
            raise DomainError(f"問合せ {self.number} は対応完了済みです。", code="closed")

    def add_step(self, *, note: str, now: datetime, ctx: CommandContext) -> None:
        self._require_open()
        if not note.strip():
            raise DomainError("対応内容（--note）を入力してください。", code="missing_note")
        self.trigger_event(
            self.StepRecorded, taxpayer_id=self.taxpayer_id, note=note.strip(), at=now, **ctx.event_fields()
        )

    def escalate(self, *, to: str, reason: str, now: datetime, ctx: CommandContext) -> None:
        self._require_open()
        if not reason.strip():
            raise DomainError("報告の理由（--reason）を入力してください。", code="missing_reason")
        self.trigger_event(
            self.Escalated, taxpayer_id=self.taxpayer_id, to=to.strip() or INFORMATION_POLICY_SECTION,
            reason=reason.strip(), at=now, **ctx.event_fields(),
        )  # fmt: skip

    def close(self, *, resolution: str, now: datetime, ctx: CommandContext) -> None:
        self._require_open()
        if self.leak_related and not any(e["to"] == INFORMATION_POLICY_SECTION for e in self.escalations):
            raise DomainError(
                f"漏えい等の疑いに関する問合せは、{INFORMATION_POLICY_SECTION}へ報告（inquiry escalate）してから"
                "完了してください。",
                code="escalation_required",
            )
        if not resolution.strip():
            raise DomainError("対応結果（--resolution）を入力してください。", code="missing_resolution")
        self.trigger_event(
            self.Closed,
            taxpayer_id=self.taxpayer_id,
            resolution=resolution.strip(),
            at=now,
            **ctx.event_fields(),
        )

    def to_json(self, *, with_content: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "number": self.number,
            "inquiry_id": str(self.id),
            "received_at": self.received_at.isoformat(),
            "channel": self.channel,
            "category": self.category,
            "category_label": CATEGORIES[self.category],
            "taxpayer_id": str(self.taxpayer_id) if self.taxpayer_id else None,
            "status": self.status,
            "leak_related": self.leak_related,
            "escalated_to": sorted({e["to"] for e in self.escalations}),
            "steps": len(self.steps),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }
        if with_content:
            data |= {
                "content": self.content,
                "handling": list(self.steps),
                "escalations": list(self.escalations),
                "resolution": self.resolution,
            }
        return data
