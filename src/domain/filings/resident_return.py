"""住民税申告書 (地方税法 第317条の2) and its four-eyes paper entry (seed III-2: 入力の正確性確保).

A paper return is keyed in by one clerk (入力) and keyed in again, independently, by a different clerk
(確認). Equal entries are verified and become a filing; a mismatch goes back for correction with the
names of the differing items (never their values). The verifier can never be the person who entered or
last corrected the entry. Returns from マイナポータル arrive as data and need no re-keying.

The entry's content is the return without its My Number; the entered number is kept only as its
blind index (sealed like other personal data), enough to compare the two keyings.
"""

from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


@dataclass(frozen=True, slots=True)
class DeclaredDependent:
    """申告書に記載された配偶者・扶養親族."""

    relationship: str
    name: str
    kana: str
    birth_date: date
    individual_number: str | None = None
    cohabiting: bool = True
    total_income: int = 0
    disability: str = "none"


@dataclass(frozen=True, slots=True)
class ResidentReturn:
    """住民税申告書の記載事項 (amounts in int yen; premiums paid, not deductions)."""

    tax_year: int
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    address: str
    salary_revenue: int = 0
    public_pension_revenue: int = 0
    business: int = 0
    real_estate: int = 0
    dividend_comprehensive: int = 0
    miscellaneous: int = 0
    social_insurance: int = 0
    small_business_mutual_aid: int = 0
    life_insurance_general_new: int = 0
    earthquake_insurance: int = 0
    medical_expenses_paid: int = 0
    medical_expenses_reimbursed: int = 0
    furusato_donations: int = 0
    disability: str = "none"
    widow: bool = False
    single_parent: bool = False
    working_student: bool = False
    spouse: DeclaredDependent | None = None
    dependents: tuple[DeclaredDependent, ...] = ()
    ordinary_collection: bool = True


def differing_items(a: ResidentReturn, b: ResidentReturn) -> tuple[str, ...]:
    """Names of the items that differ between two keyings (My Numbers compared separately)."""
    return tuple(
        f.name
        for f in fields(ResidentReturn)
        if f.name != "individual_number" and getattr(a, f.name) != getattr(b, f.name)
    )


class EntryStatus(Enum):
    AWAITING_VERIFICATION = "確認待ち"
    RETURNED = "差戻し"
    VERIFIED = "確認済"


def entry_id(receipt_number: str) -> UUID:
    return deterministic_id("resident-return-entry", receipt_number)


class ResidentReturnEntry(Aggregate):
    """住民税申告書の入力 (four-eyes)."""

    TOPIC = "juminzei.filings.ResidentReturnEntry"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"entry:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.filings.ResidentReturnEntry.Created"

    class Entered(Created):
        """入力 (first keying)."""

        TOPIC = "juminzei.filings.ReturnEntered"
        PERSONAL_FIELDS = ("content", "number_index")
        receipt_number: str
        tax_year: int
        content: dict[str, Any]
        number_index: str | None
        entered_by: str

    class Corrected(Event):
        """訂正入力 after a mismatch."""

        TOPIC = "juminzei.filings.ReturnCorrected"
        PERSONAL_FIELDS = ("content", "number_index")
        content: dict[str, Any]
        number_index: str | None

        def apply(self, aggregate: "ResidentReturnEntry") -> None:
            aggregate.content = self.content
            aggregate.number_index = self.number_index
            aggregate.keyed_by = self.actor
            aggregate.status = EntryStatus.AWAITING_VERIFICATION

    class Mismatched(Event):
        """確認入力の不一致: back for correction, naming the items only."""

        TOPIC = "juminzei.filings.ReturnMismatched"
        items: tuple[str, ...]

        def apply(self, aggregate: "ResidentReturnEntry") -> None:
            aggregate.status = EntryStatus.RETURNED
            aggregate.mismatched_items = self.items

    class Verified(Event):
        """確認済: the filing it became."""

        TOPIC = "juminzei.filings.ReturnVerified"
        filing_id: UUID

        def apply(self, aggregate: "ResidentReturnEntry") -> None:
            aggregate.status = EntryStatus.VERIFIED
            aggregate.filing_id = self.filing_id

    def __init__(
        self,
        receipt_number: str,
        tax_year: int,
        content: dict[str, Any],
        number_index: str | None,
        entered_by: str,
        **_metadata: Any,
    ) -> None:
        self.receipt_number = receipt_number
        self.tax_year = tax_year
        self.content = content
        self.number_index = number_index
        self.keyed_by = entered_by
        self.status = EntryStatus.AWAITING_VERIFICATION
        self.mismatched_items: tuple[str, ...] = ()
        self.filing_id: UUID | None = None

    @classmethod
    def enter(
        cls,
        *,
        receipt_number: str,
        tax_year: int,
        content: dict[str, Any],
        number_index: str | None,
        ctx: CommandContext,
    ) -> "ResidentReturnEntry":
        if not receipt_number.strip():
            raise DomainError("受付番号を指定してください。", code="missing_receipt")
        return cls._create(
            cls.Entered,
            id=entry_id(receipt_number),
            receipt_number=receipt_number,
            tax_year=tax_year,
            content=content,
            number_index=number_index,
            entered_by=ctx.actor,
            **ctx.event_fields(),
        )

    def check_verifier(self, ctx: CommandContext) -> None:
        if ctx.actor == self.keyed_by:
            raise DomainError(
                "入力（訂正）した職員は確認入力できません。別の職員が確認してください。", code="same_person"
            )

    def correct(self, content: dict[str, Any], number_index: str | None, ctx: CommandContext) -> None:
        if self.status is not EntryStatus.RETURNED:
            raise DomainError("差戻し中の申告書のみ訂正できます。", code="not_returned")
        self.trigger_event(self.Corrected, content=content, number_index=number_index, **ctx.event_fields())

    def verify(self, items: tuple[str, ...], filing: UUID | None, ctx: CommandContext) -> bool:
        """Record the outcome of a verifying keying: ``items`` that differ, or the filing it became."""
        if self.status is not EntryStatus.AWAITING_VERIFICATION:
            raise DomainError(
                f"この申告書は確認待ちではありません（状態: {self.status.value}）。", code="not_awaiting"
            )
        self.check_verifier(ctx)
        if items:
            self.trigger_event(self.Mismatched, items=items, **ctx.event_fields())
            return False
        assert filing is not None
        self.trigger_event(self.Verified, filing_id=filing, **ctx.event_fields())
        return True
