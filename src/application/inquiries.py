"""問合せ (seed V-2): record, handle, escalate and close inquiries; list them, report on them, and give a
resident the inquiries that concern them in the 開示請求 pack.

Reading an inquiry's content is a read of personal data: ``show`` and ``for_taxpayer`` journal an access
record first. ``listing`` and ``report`` return no content (numbers, channels, categories, status) but a
listing names taxpayer ids, so it is journaled too. Inquiries are found through the notification log
(topic ``InquiryRecorded``): one scan per listing — fine for the volumes of a ward's inquiries; a read
model is the step when it is not (docs/compliance.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from uuid import UUID

from application.app import JuminzeiApplication
from application.inspection import plain
from domain.audit.access import AccessRecord
from domain.audit.anomalies import JST
from domain.compliance.inquiry import CATEGORIES, CHANNELS, Inquiry, inquiry_id
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import Taxpayer, taxpayer_id


class InquiryService:
    """問合せの記録と照会."""

    def __init__(self, app: JuminzeiApplication) -> None:
        self.app = app

    # -- commands --------------------------------------------------------------------------------

    def _taxpayer(self, address_number: str | None) -> UUID | None:
        if not address_number:
            return None
        taxpayer: Taxpayer = self.app.require(
            taxpayer_id(address_number), f"宛名番号 {address_number} は登録されていません。"
        )
        return taxpayer.id

    def record(
        self,
        *,
        channel: str,
        category: str,
        content: str,
        address_number: str | None,
        received_at: datetime,
        ctx: CommandContext,
    ) -> Inquiry:
        existing: Inquiry | None = self.app.find(inquiry_id(ctx.command_id))
        if existing is not None:
            return existing  # the same command again: recorded once
        inquiry = Inquiry.record(
            channel=channel,
            category=category,
            content=content,
            taxpayer_id=self._taxpayer(address_number),
            received_at=received_at,
            ctx=ctx,
        )
        self.app.save(inquiry)
        return inquiry

    def get(self, number: str) -> Inquiry:
        for inquiry in self._all():
            if inquiry.number == number or str(inquiry.id) == number:
                return inquiry
        raise DomainError(f"問合せ {number} はありません。", code="not_found")

    def add_step(self, number: str, *, note: str, ctx: CommandContext, now: datetime) -> Inquiry:
        inquiry = self.get(number)
        inquiry.add_step(note=note, now=now, ctx=ctx)
        self.app.save(inquiry)
        return inquiry

    def escalate(self, number: str, *, to: str, reason: str, ctx: CommandContext, now: datetime) -> Inquiry:
        inquiry = self.get(number)
        inquiry.escalate(to=to, reason=reason, now=now, ctx=ctx)
        self.app.save(inquiry)
        return inquiry

    def close(self, number: str, *, resolution: str, ctx: CommandContext, now: datetime) -> Inquiry:
        inquiry = self.get(number)
        inquiry.close(resolution=resolution, now=now, ctx=ctx)
        self.app.save(inquiry)
        return inquiry

    # -- queries ---------------------------------------------------------------------------------

    def _ids(self) -> list[UUID]:
        return list(self.app.originator_ids(Inquiry.Recorded.TOPIC))

    def _all(self) -> list[Inquiry]:
        found = self.app.get_many(self._ids())
        return sorted(found.values(), key=lambda i: (i.received_at, str(i.id)))

    def _journal(
        self, action: str, subjects: tuple[UUID, ...], items: tuple[str, ...], ctx: CommandContext
    ) -> None:
        self.app.save(
            AccessRecord.record_view(
                action=action, subject_ids=subjects, items=items, criteria=("inquiry",), ctx=ctx
            )
        )

    def show(self, number: str, ctx: CommandContext) -> dict[str, Any]:
        inquiry = self.get(number)
        self._journal(
            "inquiry.show",
            (inquiry.taxpayer_id,) if inquiry.taxpayer_id else (),
            ("問合せ内容", "対応記録"),
            ctx,
        )
        return dict(plain(inquiry.to_json(with_content=True)))

    def listing(
        self,
        ctx: CommandContext,
        *,
        start: date | None = None,
        end: date | None = None,
        open_only: bool = False,
    ) -> list[dict[str, Any]]:
        rows = [
            i
            for i in self._all()
            if _in_period(i.received_at, start, end) and (not open_only or i.closed_at is None)
        ]
        self._journal(
            "inquiry.list",
            tuple(dict.fromkeys(i.taxpayer_id for i in rows if i.taxpayer_id)),
            ("問合せの一覧（内容を除く）",),
            ctx,
        )
        return [i.to_json(with_content=False) for i in rows]

    def report(self, *, start: date, end: date) -> dict[str, Any]:
        """Counts only (no content, no taxpayer): by channel, category and status; open leak-related ones."""
        if end < start:
            raise DomainError("期間の終了日が開始日より前です。", code="invalid_period")
        rows = [i for i in self._all() if _in_period(i.received_at, start, end)]
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "total": len(rows),
            "by_channel": {c: n for c in CHANNELS if (n := Counter(i.channel for i in rows)[c])},
            "by_category": {
                CATEGORIES[k]: n for k in CATEGORIES if (n := Counter(i.category for i in rows)[k])
            },
            "by_status": dict(Counter(i.status for i in rows)),
            "escalated": sum(1 for i in rows if i.escalations),
            "leak_related_open": [i.number for i in rows if i.leak_related and i.closed_at is None],
        }

    def for_taxpayer(self, taxpayer: UUID) -> list[dict[str, Any]]:
        """The inquiries concerning one resident, with content (the caller journals: 開示請求 pack)."""
        return [dict(plain(i.to_json(with_content=True))) for i in self._all() if i.taxpayer_id == taxpayer]


def _in_period(at: datetime, start: date | None, end: date | None) -> bool:
    local = at.astimezone(JST).date()
    if start is not None and local < start:
        return False
    return not (end is not None and local > end)
