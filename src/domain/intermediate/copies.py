"""副本 (the copy of our 地方税関係情報 held at the 中間サーバー for 情報提供), per person × 年度.

The registration is an aggregate (id = uuid5 of taxpayer × 年度) whose events say which version was registered,
when, by whom and why (当初 / 更正 …), with a digest of the content — the content itself is personal data and
is not stored again here (it is re-read from the assessment). A sync registers a new version only when the
digest changed, so after every 更正 the 副本 follows and an unchanged one is left alone.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext
from domain.shared.ids import deterministic_id


def copy_id(taxpayer: UUID, fiscal_year: int) -> UUID:
    return deterministic_id("intermediate-copy", str(taxpayer), str(fiscal_year))


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CopyRegistration(Aggregate):
    """副本の登録履歴 of one person × 年度 at the 中間サーバー."""

    TOPIC = "juminzei.intermediate.CopyRegistration"

    class Event(AuditedEvent):
        taxpayer_id: UUID

        def personal_subject(self) -> str:
            return f"taxpayer:{self.taxpayer_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.intermediate.CopyRegistration.Created"

    class FirstRegistered(Created):
        """副本の初回登録."""

        TOPIC = "juminzei.intermediate.CopyFirstRegistered"
        fiscal_year: int
        integrated_number: str
        digest: str
        reason: str

        def apply(self, aggregate: CopyRegistration) -> None:
            aggregate.versions = ({"version": 1, "digest": self.digest, "reason": self.reason},)

    class Reregistered(Event):
        """副本の再登録 (the content changed: 更正, 減免, 取消 …)."""

        TOPIC = "juminzei.intermediate.CopyReregistered"
        integrated_number: str
        digest: str
        reason: str

        def apply(self, aggregate: CopyRegistration) -> None:
            aggregate.integrated_number = self.integrated_number
            aggregate.versions = (
                *aggregate.versions,
                {"version": len(aggregate.versions) + 1, "digest": self.digest, "reason": self.reason},
            )

    def __init__(self, taxpayer_id: UUID, fiscal_year: int, integrated_number: str, **_: Any) -> None:
        self.taxpayer_id = taxpayer_id
        self.fiscal_year = fiscal_year
        self.integrated_number = integrated_number
        self.versions: tuple[dict[str, Any], ...] = ()

    @property
    def current_digest(self) -> str:
        return str(self.versions[-1]["digest"])

    @classmethod
    def first(
        cls,
        *,
        taxpayer: UUID,
        fiscal_year: int,
        integrated_number: str,
        content_digest: str,
        ctx: CommandContext,
    ) -> CopyRegistration:
        return cls._create(
            cls.FirstRegistered,
            id=copy_id(taxpayer, fiscal_year),
            taxpayer_id=taxpayer,
            fiscal_year=fiscal_year,
            integrated_number=integrated_number,
            digest=content_digest,
            reason="当初登録",
            **ctx.event_fields(),
        )

    def reregister(
        self, *, integrated_number: str, content_digest: str, reason: str, ctx: CommandContext
    ) -> bool:
        """Record a new version if the content (or the number it is filed under) changed; False if not."""
        if content_digest == self.current_digest and integrated_number == self.integrated_number:
            return False
        self.trigger_event(
            self.Reregistered,
            taxpayer_id=self.taxpayer_id,
            integrated_number=integrated_number,
            digest=content_digest,
            reason=reason,
            **ctx.event_fields(),
        )
        return True
