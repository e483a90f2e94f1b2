"""Maker-checker exports (外部提供のためのデータ抽出; seed III-5 提供・移転のルール, III-7 持出し).

request (manifest hash of recipient, basis, items and subjects) → approval by a *different* supervisor →
a single-use token bound to that hash → execution → record. Changing the manifest voids the approval
(the hash no longer matches); a token works once.
"""

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


class ExportRequest(Aggregate):
    """データ抽出依頼."""

    TOPIC = "juminzei.audit.ExportRequest"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.audit.ExportRequest.Created"

    class Requested(Created):
        TOPIC = "juminzei.audit.ExportRequested"
        manifest_hash: str
        recipient: str
        legal_basis: str
        items: tuple[str, ...]
        subject_count: int
        requested_by: str

    class Approved(Event):
        TOPIC = "juminzei.audit.ExportApproved"
        approved_by: str
        token_hash: str
        expires_at: datetime

        def apply(self, aggregate: "ExportRequest") -> None:
            aggregate.approved_by = self.approved_by
            aggregate.token_hash = self.token_hash
            aggregate.expires_at = self.expires_at

    class Executed(Event):
        TOPIC = "juminzei.audit.ExportExecuted"
        executed_by: str
        output_hash: str
        rows: int

        def apply(self, aggregate: "ExportRequest") -> None:
            aggregate.executed = True

    def __init__(
        self,
        manifest_hash: str,
        recipient: str,
        legal_basis: str,
        items: tuple[str, ...],
        subject_count: int,
        requested_by: str,
        **_: Any,
    ) -> None:
        self.manifest_hash = manifest_hash
        self.recipient = recipient
        self.legal_basis = legal_basis
        self.items = items
        self.subject_count = subject_count
        self.requested_by = requested_by
        self.approved_by: str | None = None
        self.token_hash: str | None = None
        self.expires_at: datetime | None = None
        self.executed = False

    @classmethod
    def request(
        cls,
        *,
        manifest_hash: str,
        recipient: str,
        legal_basis: str,
        items: tuple[str, ...],
        subject_count: int,
        ctx: CommandContext,
    ) -> "ExportRequest":
        return cls._create(
            cls.Requested,
            id=deterministic_id("export", manifest_hash, ctx.command_id),
            manifest_hash=manifest_hash,
            recipient=recipient,
            legal_basis=legal_basis,
            items=items,
            subject_count=subject_count,
            requested_by=ctx.actor,
            **ctx.event_fields(),
        )

    def approve(self, *, token_hash: str, expires_at: datetime, ctx: CommandContext) -> None:
        if ctx.actor == self.requested_by:
            raise DomainError(
                "抽出を依頼した職員は承認できません。別の所属長が承認してください。", code="same_person"
            )
        if self.executed:
            raise DomainError("実行済みの抽出は承認できません。", code="executed")
        if self.approved_by is not None:
            raise DomainError("この抽出は承認済みです。", code="already_approved")
        self.trigger_event(
            self.Approved,
            approved_by=ctx.actor,
            token_hash=token_hash,
            expires_at=expires_at,
            **ctx.event_fields(),
        )

    def check_execution(self, *, manifest_hash: str, token_hash: str, now: datetime) -> None:
        """Refuse unless approved, unused, unexpired, and the manifest and token are the approved ones."""
        if self.approved_by is None or self.token_hash is None or self.expires_at is None:
            raise DomainError("承認されていない抽出は実行できません。", code="not_approved")
        if self.executed:
            raise DomainError("この承認トークンは使用済みです（1回限り）。", code="token_used")
        if manifest_hash != self.manifest_hash:
            raise DomainError(
                "抽出内容（マニフェスト）が承認時から変更されています。承認は無効です。",
                code="manifest_changed",
            )
        if token_hash != self.token_hash:
            raise DomainError("承認トークンが一致しません。", code="bad_token")
        if now > self.expires_at:
            raise DomainError("承認の有効期限が切れています。", code="expired")

    def executed_once(self, *, output_hash: str, rows: int, ctx: CommandContext) -> None:
        self.trigger_event(
            self.Executed, executed_by=ctx.actor, output_hash=output_hash, rows=rows, **ctx.event_fields()
        )
