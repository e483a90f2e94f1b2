"""問合せ (seed V-2): record, handle, escalate and close an inquiry; show one, list them, report on them.

Inquiries are handled as part of the 事務 they concern, so every message but the report lets the caller
declare its 利用目的 (default 開示請求対応); the report holds counts only (統計作成). The rules are in
``domain.compliance.inquiry``; ``InquiryService`` journals every read of an inquiry's content or listing.
Inquiries are found through the notification log, not a read model, so no handler waits for projections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from application.inquiries import InquiryService
from application.usecases.base import Call, Command, Query, UseCases
from domain.compliance.inquiry import INFORMATION_POLICY_SECTION, Inquiry
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class RecordInquiry(Command[Inquiry]):
    """問合せの受付 (content encrypted). The same command id records once (a retried request)."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    channel: str
    category: str
    content: str
    #: 宛名番号 of the taxpayer the inquiry concerns, if any.
    address_number: str | None = None
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class AddInquiryStep(Command[Inquiry]):
    """対応の記録 (note encrypted); refused once the inquiry is closed."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    number: str
    note: str
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class EscalateInquiry(Command[Inquiry]):
    """報告（エスカレーション）: a leak-related inquiry goes to the information-policy section."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    number: str
    reason: str
    to: str = INFORMATION_POLICY_SECTION
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class CloseInquiry(Command[Inquiry]):
    """対応完了 (a leak-related inquiry must have been escalated first)."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    number: str
    resolution: str
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class ShowInquiry(Query[dict[str, Any]]):
    """問合せの内容と対応記録 (a read of personal data: journaled first)."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    number: str
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class InquiryList(Query[list[dict[str, Any]]]):
    """問合せの一覧 by 受付日 (JST), without content; it names taxpayer ids, so it is journaled."""

    purpose: ClassVar[Purpose] = Purpose.DISCLOSURE_REQUEST
    reads_read_models: ClassVar[bool] = False

    start: date | None = None
    end: date | None = None
    open_only: bool = False
    as_purpose: Purpose = Purpose.DISCLOSURE_REQUEST


@dataclass(frozen=True)
class InquiryReport(Query[dict[str, Any]]):
    """問合せの集計 for 受付日 ``start``..``end``: counts only (no content, no taxpayer)."""

    purpose: ClassVar[Purpose] = Purpose.STATISTICS
    reads_read_models: ClassVar[bool] = False

    start: date
    end: date


class InquiryHandlers:
    def __init__(self, inquiries: InquiryService, now: Callable[[], datetime]) -> None:
        self._inquiries = inquiries
        self._now = now

    def record(self, command: RecordInquiry, call: Call) -> Inquiry:
        return self._inquiries.record(
            channel=command.channel,
            category=command.category,
            content=command.content,
            address_number=command.address_number,
            received_at=self._now(),
            ctx=call.context,
        )

    def add_step(self, command: AddInquiryStep, call: Call) -> Inquiry:
        return self._inquiries.add_step(command.number, note=command.note, ctx=call.context, now=self._now())

    def escalate(self, command: EscalateInquiry, call: Call) -> Inquiry:
        return self._inquiries.escalate(
            command.number, to=command.to, reason=command.reason, ctx=call.context, now=self._now()
        )

    def close(self, command: CloseInquiry, call: Call) -> Inquiry:
        return self._inquiries.close(
            command.number, resolution=command.resolution, ctx=call.context, now=self._now()
        )

    def show(self, query: ShowInquiry, call: Call) -> dict[str, Any]:
        return self._inquiries.show(query.number, call.context)

    def listing(self, query: InquiryList, call: Call) -> list[dict[str, Any]]:
        return self._inquiries.listing(
            call.context, start=query.start, end=query.end, open_only=query.open_only
        )

    def report(self, query: InquiryReport, call: Call) -> dict[str, Any]:
        return self._inquiries.report(start=query.start, end=query.end)


def register(bus: UseCases, handlers: InquiryHandlers) -> None:
    bus.register_handlers(handlers)
