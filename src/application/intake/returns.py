"""住民税申告書: four-eyes paper entry and electronic submission (地方税法 第317条の2).

- ``enter``: the first clerk keys the paper return (no number stored, only its blind index).
- ``verify``: a *different* clerk keys it again; equal keyings become a filing (matched like any
  other 課税資料), a mismatch is returned for correction naming the differing items.
- ``correct``: re-keying after a mismatch; then another verification by someone else.
- ``submit_electronic``: a return that arrived as data (マイナポータル) becomes a filing directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.app import JuminzeiApplication
from application.intake.codec import content_to_record, record_to_content
from application.intake.importer import IntakeService
from application.ports import IndividualNumberVault
from domain.filings.filing import FilingKind
from domain.filings.resident_return import ResidentReturn, ResidentReturnEntry, differing_items, entry_id
from domain.shared.events import CommandContext, DomainError


@dataclass(frozen=True)
class EntryOutcome:
    receipt_number: str
    status: str
    mismatched_items: tuple[str, ...] = ()
    filing_id: UUID | None = None
    filing_outcome: str | None = None


class ResidentReturnService:
    def __init__(self, app: JuminzeiApplication, vault: IndividualNumberVault, intake: IntakeService) -> None:
        self.app = app
        self.vault = vault
        self.intake = intake

    def _index(self, record: ResidentReturn) -> str | None:
        return self.vault.blind_index(record.individual_number) if record.individual_number else None

    def _entry(self, receipt_number: str) -> ResidentReturnEntry:
        entry: ResidentReturnEntry = self.app.require(
            entry_id(receipt_number), f"受付番号 {receipt_number} の入力がありません。"
        )
        return entry

    def enter(self, receipt_number: str, record: ResidentReturn, ctx: CommandContext) -> EntryOutcome:
        if entry_id(receipt_number) in self.app.repository:
            raise DomainError(f"受付番号 {receipt_number} は入力済みです。", code="already_entered")
        entry = ResidentReturnEntry.enter(
            receipt_number=receipt_number,
            tax_year=record.tax_year,
            content=record_to_content(record),
            number_index=self._index(record),
            ctx=ctx,
        )
        self.app.save(entry)
        return EntryOutcome(receipt_number, entry.status.value)

    def correct(self, receipt_number: str, record: ResidentReturn, ctx: CommandContext) -> EntryOutcome:
        entry = self._entry(receipt_number)
        entry.correct(record_to_content(record), self._index(record), ctx)
        self.app.save(entry)
        return EntryOutcome(receipt_number, entry.status.value)

    def verify(self, receipt_number: str, record: ResidentReturn, ctx: CommandContext) -> EntryOutcome:
        entry = self._entry(receipt_number)
        first: ResidentReturn = content_to_record(ResidentReturn, entry.content)
        items = list(differing_items(first, record))
        if entry.number_index != self._index(record):
            items.insert(0, "individual_number")
        if items:
            entry.verify(tuple(items), None, ctx)
            self.app.save(entry)
            return EntryOutcome(receipt_number, entry.status.value, tuple(items))
        # Equal keyings: the verifier's copy (it carries the number, used once for matching) becomes the filing.
        entry.check_verifier(ctx)
        filing, aggregates, outcome = self.intake.receive_single(
            FilingKind.RESIDENT_RETURN, record, f"receipt:{receipt_number}", ctx
        )
        entry.verify((), filing.id, ctx)
        self.app.save(entry, *aggregates)
        return EntryOutcome(receipt_number, entry.status.value, (), filing.id, outcome)

    def submit_electronic(
        self, receipt_number: str, record: ResidentReturn, ctx: CommandContext
    ) -> EntryOutcome:
        filing, aggregates, outcome = self.intake.receive_single(
            FilingKind.RESIDENT_RETURN, record, f"portal:{receipt_number}", ctx
        )
        if filing.id in self.app.repository:
            return EntryOutcome(receipt_number, "受付済", (), filing.id, "already_received")
        self.app.save(*aggregates)
        return EntryOutcome(receipt_number, "受付済", (), filing.id, outcome)
