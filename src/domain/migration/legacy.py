"""移行前の賦課・収納履歴 (levy and collection history from the predecessor system; seed II-7 備考).

The history is not re-levied: it is recorded as the old system stated it (年税額, 収入済額 per taxpayer × 年度),
one aggregate each (id: uuid5 of 宛名番号 and 年度, so a re-import finds it), with ``source_ref``
``migration:<file sha256>:<line>``. ``MigrationReconciled`` records, per 年度, the source file's control
totals against what was accepted, rejected and quarantined (件数 and 金額) — the reconciliation report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext
from domain.shared.ids import deterministic_id


def legacy_levy_id(address_number: str, fiscal_year: int) -> UUID:
    return deterministic_id("legacy-levy", address_number, str(fiscal_year))


class LegacyLevyHistory(Aggregate):
    """移行された賦課・収納履歴 (one taxpayer, one 年度)."""

    TOPIC = "juminzei.migration.LegacyLevyHistory"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.migration.LegacyLevyHistory.Created"

    class Migrated(Created):
        """移行: the predecessor system's 年税額 and 収入済額 for the 年度, as stated there."""

        TOPIC = "juminzei.migration.LegacyLevyMigrated"
        taxpayer_id: UUID
        address_number: str
        fiscal_year: int
        tax_total: int
        paid_total: int
        source_system: str

    def __init__(
        self,
        taxpayer_id: UUID,
        address_number: str,
        fiscal_year: int,
        tax_total: int,
        paid_total: int,
        source_system: str,
        **_metadata: Any,
    ) -> None:
        self.taxpayer_id = taxpayer_id
        self.address_number = address_number
        self.fiscal_year = fiscal_year
        self.tax_total = tax_total
        self.paid_total = paid_total
        self.source_system = source_system

    @classmethod
    def migrate(
        cls,
        *,
        taxpayer_id: UUID,
        address_number: str,
        fiscal_year: int,
        tax_total: int,
        paid_total: int,
        source_system: str,
        ctx: CommandContext,
    ) -> LegacyLevyHistory:
        return cls._create(
            cls.Migrated,
            id=legacy_levy_id(address_number, fiscal_year),
            taxpayer_id=taxpayer_id,
            address_number=address_number,
            fiscal_year=fiscal_year,
            tax_total=tax_total,
            paid_total=paid_total,
            source_system=source_system,
            **ctx.event_fields(),
        )


@dataclass(frozen=True)
class YearReconciliation:
    """年度別照合: the source's control totals against the outcomes (件数 and 円)."""

    fiscal_year: int
    declared_count: int | None
    declared_tax: int | None
    declared_paid: int | None
    accepted_count: int
    accepted_tax: int
    accepted_paid: int
    rejected_count: int
    rejected_tax: int
    quarantined_count: int
    quarantined_tax: int

    @property
    def reconciled(self) -> bool:
        """Every declared record and yen is accounted for: accepted + rejected + quarantined = declared."""
        if self.declared_count is None or self.declared_tax is None:
            return False
        return (
            self.accepted_count + self.rejected_count + self.quarantined_count == self.declared_count
            and self.accepted_tax + self.rejected_tax + self.quarantined_tax == self.declared_tax
        )

    @property
    def complete(self) -> bool:
        """Reconciled and nothing left out (all accepted, and the 収入済額 agrees too)."""
        return (
            self.reconciled
            and self.rejected_count == 0
            and self.quarantined_count == 0
            and self.accepted_paid == self.declared_paid
        )


def migration_id(sha256: str) -> UUID:
    return deterministic_id("legacy-migration", sha256)


class LegacyMigration(Aggregate):
    """移行の照合記録 (one per migrated file)."""

    TOPIC = "juminzei.migration.LegacyMigration"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.migration.LegacyMigration.Created"

    class Reconciled(Created):
        """移行の照合: per 年度, control totals against accepted / rejected / quarantined."""

        TOPIC = "juminzei.migration.MigrationReconciled"
        sha256: str
        file_name: str
        layout: str
        years: tuple[dict[str, Any], ...]  # YearReconciliation as plain data (no stored type name)
        character_changes: int
        unmapped_characters: int

    def __init__(
        self,
        sha256: str,
        file_name: str,
        layout: str,
        years: tuple[dict[str, Any], ...],
        character_changes: int,
        unmapped_characters: int,
        **_metadata: Any,
    ) -> None:
        self.sha256 = sha256
        self.file_name = file_name
        self.layout = layout
        self.years = years
        self.character_changes = character_changes
        self.unmapped_characters = unmapped_characters

    @classmethod
    def reconcile(
        cls,
        *,
        sha256: str,
        file_name: str,
        layout: str,
        years: tuple[dict[str, Any], ...],
        character_changes: int,
        unmapped_characters: int,
        ctx: CommandContext,
    ) -> LegacyMigration:
        return cls._create(
            cls.Reconciled,
            id=migration_id(sha256),
            sha256=sha256,
            file_name=file_name,
            layout=layout,
            years=years,
            character_changes=character_changes,
            unmapped_characters=unmapped_characters,
            **ctx.event_fields(),
        )
