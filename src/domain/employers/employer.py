"""Employer aggregate (特別徴収義務者, 地方税法 第321条の4): 指定番号, 法人番号, name, address, contact.

Keyed by the 指定番号 the ward assigns (or, before one is assigned, the 法人番号). A sole proprietor's
name and address are personal data, so they are sealed under the employer's own key like a person's.
"""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


def employer_id(designation_number: str) -> UUID:
    return deterministic_id("employer", designation_number)


class Employer(Aggregate):
    """特別徴収義務者."""

    TOPIC = "juminzei.employers.Employer"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"employer:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.employers.Employer.Created"

    class Registered(Created):
        TOPIC = "juminzei.employers.Registered"
        PERSONAL_FIELDS = ("name", "address", "contact")
        designation_number: str
        corporate_number: str | None
        name: str
        address: str
        contact: str

    class DetailsChanged(Event):
        TOPIC = "juminzei.employers.DetailsChanged"
        PERSONAL_FIELDS = ("name", "address", "contact")
        corporate_number: str | None
        name: str
        address: str
        contact: str

        def apply(self, aggregate: "Employer") -> None:
            aggregate.corporate_number = self.corporate_number
            aggregate.name = self.name
            aggregate.address = self.address
            aggregate.contact = self.contact

    class NoticeIssued(Event):
        """特別徴収税額決定通知書（特別徴収義務者用）の発行 (地方税法 第321条の4第1項)."""

        TOPIC = "juminzei.employers.NoticeIssued"
        PERSONAL_FIELDS = ("model",)
        document_id: str
        fiscal_year: int
        model: dict[str, Any]
        assessment_refs: tuple[tuple[str, int], ...]

        def personal_subject(self) -> str:
            return f"employer:{self.originator_id}:{self.fiscal_year}"

        def apply(self, aggregate: "Employer") -> None:
            aggregate.documents = (*aggregate.documents, self.document_id)

    def __init__(
        self,
        designation_number: str,
        corporate_number: str | None,
        name: str,
        address: str,
        contact: str,
        **_metadata: Any,
    ) -> None:
        self.designation_number = designation_number
        self.corporate_number = corporate_number
        self.name = name
        self.address = address
        self.contact = contact
        self.documents: tuple[str, ...] = ()

    @classmethod
    def register(
        cls,
        *,
        designation_number: str,
        corporate_number: str | None,
        name: str,
        address: str,
        contact: str,
        ctx: CommandContext,
    ) -> "Employer":
        if not designation_number.strip():
            raise DomainError("指定番号（または法人番号）が空です。", code="missing_designation")
        if corporate_number is not None and not (corporate_number.isdigit() and len(corporate_number) == 13):
            raise DomainError("法人番号は13桁の数字です。", code="invalid_corporate_number")
        return cls._create(
            cls.Registered,
            id=employer_id(designation_number),
            designation_number=designation_number,
            corporate_number=corporate_number,
            name=name,
            address=address,
            contact=contact,
            **ctx.event_fields(),
        )

    def update(
        self, *, corporate_number: str | None, name: str, address: str, contact: str, ctx: CommandContext
    ) -> bool:
        if (corporate_number, name, address, contact) == (
            self.corporate_number,
            self.name,
            self.address,
            self.contact,
        ):
            return False
        self.trigger_event(
            self.DetailsChanged,
            corporate_number=corporate_number,
            name=name,
            address=address,
            contact=contact,
            **ctx.event_fields(),
        )
        return True

    def record_notice(
        self,
        *,
        document_id: str,
        fiscal_year: int,
        model: dict[str, Any],
        assessment_refs: tuple[tuple[str, int], ...],
        ctx: CommandContext,
    ) -> bool:
        if document_id in self.documents:
            return False
        self.trigger_event(
            self.NoticeIssued,
            document_id=document_id,
            fiscal_year=fiscal_year,
            model=model,
            assessment_refs=assessment_refs,
            **ctx.event_fields(),
        )
        return True
