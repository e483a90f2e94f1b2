"""保存の延長 (retention hold): a 年度 of a taxpayer kept past its retention period until released.

Reasons are 審査請求・訴訟 pending, arrears under 滞納処分, or an inspection (seed III-3 保管・消去: 「保存期間を
過ぎたものは消去」 unless there is a reason to keep it). One aggregate per data key id (uuid5 of the key id), so
a hold placed, released and placed again is one history. The reason is free text and may name a case, so it
is encrypted under the held key itself: it becomes unreadable when that 年度 is finally erased.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


def hold_id(key_id: str) -> UUID:
    return deterministic_id("retention-hold", key_id)


def year_key_id(taxpayer: UUID, fiscal_year: int) -> str:
    """The data key id of one taxpayer's 年度 (ADR 0004)."""
    return f"taxpayer:{taxpayer}:{fiscal_year}"


class RetentionHold(Aggregate):
    """保存延長: placed with a reason, released with a reason; the retention run skips a held key."""

    TOPIC = "juminzei.retention.RetentionHold"

    class Event(AuditedEvent):
        """Every hold event says why (placed, placed again, released): the reason is personal data."""

        PERSONAL_FIELDS = ("reason",)
        key_id: str
        reason: str

        def personal_subject(self) -> str:
            return self.key_id

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.retention.RetentionHold.Created"

    class Placed(Event):
        """保存延長の再設定 (a hold placed again after a release)."""

        TOPIC = "juminzei.retention.HoldPlaced"

        def apply(self, aggregate: RetentionHold) -> None:
            aggregate.active = True
            aggregate.reason = self.reason

    class Released(Event):
        """保存延長の解除."""

        TOPIC = "juminzei.retention.HoldReleased"

        def apply(self, aggregate: RetentionHold) -> None:
            aggregate.active = False

    def __init__(self, key_id: str, reason: str, **_metadata: Any) -> None:
        self.key_id = key_id
        self.reason = reason
        self.active = True

    @classmethod
    def place_new(cls, key_id: str, reason: str, ctx: CommandContext) -> RetentionHold:
        _require_reason(reason)
        hold: RetentionHold = cls._create(
            cls.Created, id=hold_id(key_id), key_id=key_id, reason=reason, **ctx.event_fields()
        )
        return hold

    def place_again(self, reason: str, ctx: CommandContext) -> None:
        _require_reason(reason)
        if self.active:
            raise DomainError("この年度は既に保存延長されています。", code="already_held")
        self.trigger_event(self.Placed, key_id=self.key_id, reason=reason, **ctx.event_fields())

    def release(self, reason: str, ctx: CommandContext) -> bool:
        """Release the hold; False when none is active (nothing recorded)."""
        if not self.active:
            return False
        _require_reason(reason)
        self.trigger_event(self.Released, key_id=self.key_id, reason=reason, **ctx.event_fields())
        return True


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise DomainError("保存延長の理由を入力してください。", code="reason_required")
