"""Retention periods and the erasure record (保管・消去; seed III-3 保管・消去, DESIGN §6).

地方税法 第17条の5 limits 更正・決定 to 5 years (7 years in cases of fraud) from the statutory due date of
the 年度's tax; 第18条 extinguishes the claim 5 years after the due date. We keep a 年度's personal data
for ``years`` (default 7) full 年度 after the 年度 ends, i.e. data of 年度 Y is erasable after 31 March of
Y + 1 + years. Holds (審査請求・訴訟, unpaid arrears) keep a 年度 until released.

Erasure is crypto-shredding: the data keys are destroyed, derived read-model rows are deleted, and a
PII-free ``ErasureRecorded`` event says what was erased, when and on which basis. The log still verifies.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext
from domain.shared.ids import deterministic_id

DEFAULT_RETENTION_YEARS = 7
BASIS = "地方税法 第17条の5・第18条（更正・決定の期間制限、消滅時効）に基づく保存期間の経過"


def year_expires_after(fiscal_year: int, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """The last day 年度 ``fiscal_year``'s personal data must be kept: 31 March of Y + 1 + years."""
    return date(fiscal_year + 1 + years, 3, 31)


def is_year_expired(fiscal_year: int, as_of: date, years: int = DEFAULT_RETENTION_YEARS) -> bool:
    return as_of > year_expires_after(fiscal_year, years)


def identity_expires_after(last_relevant_year: int, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """Identity (氏名・住所…) of a person who is no longer a resident is kept as long as their newest 年度."""
    return year_expires_after(last_relevant_year, years)


@dataclass(frozen=True)
class ErasedKey:
    """One destroyed data key: its id (pseudonymous: a taxpayer id and 年度, no personal value)."""

    key_id: str
    scope: str  # "year" | "identity" | "filing" | "entry"


class ErasureRun(Aggregate):
    """消去の記録: one per retention run that destroyed anything."""

    TOPIC = "juminzei.retention.ErasureRun"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.retention.ErasureRun.Created"

    class ErasureRecorded(Created):
        TOPIC = "juminzei.retention.ErasureRecorded"
        as_of: date
        retention_years: int
        basis: str
        erased: tuple[ErasedKey, ...]
        held: int

    def __init__(
        self,
        as_of: date,
        retention_years: int,
        basis: str,
        erased: tuple[ErasedKey, ...],
        held: int,
        **_: Any,
    ) -> None:
        self.as_of = as_of
        self.retention_years = retention_years
        self.basis = basis
        self.erased = erased
        self.held = held

    @classmethod
    def record(
        cls,
        *,
        as_of: date,
        retention_years: int,
        erased: tuple[ErasedKey, ...],
        held: int,
        ctx: CommandContext,
    ) -> "ErasureRun":
        return cls._create(
            cls.ErasureRecorded,
            id=deterministic_id("erasure-run", as_of.isoformat(), str(retention_years), ctx.command_id),
            as_of=as_of,
            retention_years=retention_years,
            basis=BASIS,
            erased=erased,
            held=held,
            **ctx.event_fields(),
        )
