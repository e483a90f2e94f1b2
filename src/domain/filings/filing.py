"""Filing aggregate (課税資料): one per received record of a 課税資料 file or a 窓口 entry.

Seed: 別添1 flow ③–⑥ (国税連携, eLTAX, 窓口), III-2 リスク3 (名寄せ). The record's content is kept
whole (minus every My Number, which goes to the vault) and encrypted under the matched taxpayer's key
for that 年度 (``taxpayer:<id>:<年度>``), or under its own key ``filing:<id>`` while it waits in a queue
unmatched; when a clerk matches it, the content is re-sealed under the taxpayer's key.

A corrected (訂正) or cancelled (取消) submission supersedes the earlier filing with both kept in
history; a late filing after the levy goes through 更正 (assessment issue), never silently.
"""

from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


class FilingKind(Enum):
    """課税資料の種類 (the import KIND names)."""

    SALARY_REPORT = "eltax-salary"  # 給与支払報告書 (地方税法 第317条の6第1項)
    PENSION_REPORT = "eltax-pension"  # 公的年金等支払報告書 (同第4項)
    TAX_RETURN = "etax-return"  # 確定申告書 (国税連携, 地方税法 第317条の3)
    RESIDENT_RETURN = "resident-return"  # 住民税申告書 (地方税法 第317条の2)
    FURUSATO_NOTICE = "furusato-notice"  # 申告特例通知書 (地方税法 附則第7条)


class FilingStatus(Enum):
    ACTIVE = "有効"
    QUARANTINED = "保留"
    SUPERSEDED = "訂正済"
    CANCELLED = "取消"
    FORWARDED = "回送"


class Submission(Enum):
    """提出区分."""

    NEW = "新規"
    CORRECTION = "訂正"
    CANCELLATION = "取消"


class WorkQueue(Enum):
    """保留キュー (work queues a clerk resolves)."""

    IDENTITY = "本人確認"  # My Number matched, name or birth date did not (not auto-accepted)
    INVESTIGATION = "税務調査"  # no match: match, register 住登外, or forward (回送)


def filing_id(kind: FilingKind, batch_id: UUID | None, line: int, natural_key: str = "") -> UUID:
    """Deterministic id: the same line of the same file (or the same 窓口 entry key) is the same filing."""
    return deterministic_id("filing", kind.value, str(batch_id or ""), str(line), natural_key)


def year_key(taxpayer: UUID, fiscal_year: int) -> str:
    """Data key id for a taxpayer's details of one 年度 (erasable on its own, DESIGN §6)."""
    return f"taxpayer:{taxpayer}:{fiscal_year}"


class Filing(Aggregate):
    """課税資料."""

    TOPIC = "juminzei.filings.Filing"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.filings.Filing.Created"

    class Received(Created):
        """受付. ``content`` is the record without My Numbers; ``dependent_refs`` are blind indexes of the
        dependents' My Numbers (for 扶養重複), both sealed under ``subject_key``."""

        TOPIC = "juminzei.filings.Received"
        PERSONAL_FIELDS = ("content", "dependent_refs")
        kind: FilingKind
        tax_year: int
        batch_id: UUID | None
        line: int
        submitter: str
        submission: Submission
        fingerprint: str
        content: dict[str, Any]
        dependent_refs: tuple[str, ...]
        subject_key: str
        taxpayer_id: UUID | None

        def personal_subject(self) -> str:
            return self.subject_key

    class Quarantined(Event):
        TOPIC = "juminzei.filings.Quarantined"
        queue: WorkQueue
        reason: str

        def apply(self, aggregate: "Filing") -> None:
            aggregate.status = FilingStatus.QUARANTINED
            aggregate.queue = self.queue

    class Matched(Event):
        """名寄せ確定 by a clerk (or automatically by My Number + name + birth date)."""

        TOPIC = "juminzei.filings.Matched"
        PERSONAL_FIELDS = ("content", "dependent_refs")
        taxpayer_id: UUID
        method: str
        content: dict[str, Any]
        dependent_refs: tuple[str, ...]
        subject_key: str

        def personal_subject(self) -> str:
            return self.subject_key

        def apply(self, aggregate: "Filing") -> None:
            aggregate.taxpayer_id = self.taxpayer_id
            aggregate.content = self.content
            aggregate.dependent_refs = self.dependent_refs
            aggregate.subject_key = self.subject_key
            aggregate.status = FilingStatus.ACTIVE
            aggregate.queue = None

    class Superseded(Event):
        """訂正・取消 by a later submission (both kept in history)."""

        TOPIC = "juminzei.filings.Superseded"
        by_filing_id: UUID
        cancelled: bool

        def apply(self, aggregate: "Filing") -> None:
            aggregate.status = FilingStatus.CANCELLED if self.cancelled else FilingStatus.SUPERSEDED
            aggregate.superseded_by = self.by_filing_id

    class Forwarded(Event):
        """回送: sent to the municipality of 1 January residence (地方税法 第294条第1項)."""

        TOPIC = "juminzei.filings.Forwarded"
        municipality_code: str
        reason: str

        def apply(self, aggregate: "Filing") -> None:
            aggregate.status = FilingStatus.FORWARDED
            aggregate.queue = None
            aggregate.forwarded_to = self.municipality_code

    class IdentityConfirmed(Event):
        """本人確認済: the filing's 4情報 agree with exactly one 本人確認情報 of the 住基ネット 全国サーバー
        (住民基本台帳法 第30条の9; application.juki). Required before a 住登外登録 when 住基ネット is connected."""

        TOPIC = "juminzei.filings.IdentityConfirmed"
        method: str

        def apply(self, aggregate: "Filing") -> None:
            aggregate.identity_confirmed = True

    class ImageAttached(Event):
        """課税資料イメージの登録 (seed システム8): a scanned image of this filing, stored encrypted under
        ``key_id`` (the taxpayer × 年度 key) and addressed by the SHA-256 of its plaintext."""

        TOPIC = "juminzei.filings.ImageAttached"
        content_hash: str
        media_type: str
        size: int
        key_id: str

        def apply(self, aggregate: "Filing") -> None:
            aggregate.images = (*aggregate.images, self.content_hash)

    def __init__(
        self,
        kind: FilingKind,
        tax_year: int,
        batch_id: UUID | None,
        line: int,
        submitter: str,
        submission: Submission,
        fingerprint: str,
        content: dict[str, Any],
        dependent_refs: tuple[str, ...],
        subject_key: str,
        taxpayer_id: UUID | None,
        **_metadata: Any,
    ) -> None:
        self.kind = kind
        self.tax_year = tax_year
        self.batch_id = batch_id
        self.line = line
        self.submitter = submitter
        self.submission = submission
        self.fingerprint = fingerprint
        self.content = content
        self.dependent_refs = dependent_refs
        self.subject_key = subject_key
        self.taxpayer_id = taxpayer_id
        self.status = FilingStatus.CANCELLED if submission is Submission.CANCELLATION else FilingStatus.ACTIVE
        self.queue: WorkQueue | None = None
        self.superseded_by: UUID | None = None
        self.forwarded_to: str | None = None
        self.identity_confirmed = False
        self.images: tuple[str, ...] = ()

    @property
    def fiscal_year(self) -> int:
        """年度 the filing is for: the year after the income year (地方税法 第313条: 前年の所得)."""
        return self.tax_year + 1

    @classmethod
    def receive(
        cls,
        *,
        kind: FilingKind,
        tax_year: int,
        batch_id: UUID | None,
        line: int,
        submitter: str,
        submission: Submission,
        fingerprint: str,
        content: dict[str, Any],
        dependent_refs: tuple[str, ...],
        taxpayer_id: UUID | None,
        ctx: CommandContext,
        natural_key: str = "",
    ) -> "Filing":
        if not 2000 <= tax_year <= 2100:
            raise DomainError("年分が不正です。", code="invalid_tax_year")
        new_id = filing_id(kind, batch_id, line, natural_key)
        subject_key = year_key(taxpayer_id, tax_year + 1) if taxpayer_id else f"filing:{new_id}"
        return cls._create(
            cls.Received,
            id=new_id,
            kind=kind,
            tax_year=tax_year,
            batch_id=batch_id,
            line=line,
            submitter=submitter,
            submission=submission,
            fingerprint=fingerprint,
            content=content,
            dependent_refs=dependent_refs,
            subject_key=subject_key,
            taxpayer_id=taxpayer_id,
            **ctx.event_fields(),
        )

    def quarantine(self, queue: WorkQueue, reason: str, ctx: CommandContext) -> None:
        self.trigger_event(self.Quarantined, queue=queue, reason=reason, **ctx.event_fields())

    def match(self, taxpayer: UUID, method: str, ctx: CommandContext) -> None:
        if self.status is not FilingStatus.QUARANTINED:
            raise DomainError("保留中の課税資料ではありません。", code="not_quarantined")
        self.trigger_event(
            self.Matched,
            taxpayer_id=taxpayer,
            method=method,
            content=self.content,
            dependent_refs=self.dependent_refs,
            subject_key=year_key(taxpayer, self.fiscal_year),
            **ctx.event_fields(),
        )

    def confirm_identity(self, method: str, ctx: CommandContext) -> None:
        if self.status is not FilingStatus.QUARANTINED:
            raise DomainError("保留中の課税資料ではありません。", code="not_quarantined")
        if not self.identity_confirmed:
            self.trigger_event(self.IdentityConfirmed, method=method, **ctx.event_fields())

    def attach_image(
        self, content_hash: str, media_type: str, size: int, key_id: str, ctx: CommandContext
    ) -> bool:
        """Link a stored image; False (nothing recorded) when this image is linked already."""
        if content_hash in self.images:
            return False
        self.trigger_event(
            self.ImageAttached,
            content_hash=content_hash,
            media_type=media_type,
            size=size,
            key_id=key_id,
            **ctx.event_fields(),
        )
        return True

    def supersede(self, by: UUID, cancelled: bool, ctx: CommandContext) -> None:
        if self.status in (FilingStatus.SUPERSEDED, FilingStatus.CANCELLED):
            raise DomainError("この課税資料は既に訂正・取消されています。", code="already_superseded")
        self.trigger_event(self.Superseded, by_filing_id=by, cancelled=cancelled, **ctx.event_fields())

    def forward(self, municipality_code: str, reason: str, ctx: CommandContext) -> None:
        if self.status is not FilingStatus.QUARANTINED:
            raise DomainError("保留中の課税資料のみ回送できます。", code="not_quarantined")
        if not (municipality_code.isdigit() and len(municipality_code) in (5, 6)):
            raise DomainError(
                "回送先の団体コードは5桁または6桁の数字で指定してください。", code="invalid_code"
            )
        self.trigger_event(
            self.Forwarded, municipality_code=municipality_code, reason=reason, **ctx.event_fields()
        )
