"""Legacy migration (移行): import a predecessor system's export as events with source ``migration``.

The layout adapter (``adapters.migration.legacy_csv``, injected into ``usecases.migration``) parses the file
and hands over rows already normalised; this service turns them into events and accounts for every record as
in intake (DESIGN principle 4):

* ``T`` rows register taxpayers (``Taxpayer`` events, ``source_ref`` ``migration:<sha256>:<line>``);
  a row with an unmapped 外字 is **quarantined** (queue 外字同定), a malformed one **rejected**;
* ``A`` rows become ``LegacyLevyHistory`` (年税額・収入済額 per 年度, as the old system stated them); an A row
  whose taxpayer is neither in the file nor registered is rejected, one whose T row is quarantined is
  quarantined with it;
* ``Z`` rows are the source's control totals per 年度: not records, but what the reconciliation checks;
* the ``ImportBatch`` (kind ``legacy-migration``) records every line's outcome and reconciles the counts,
  and ``LegacyMigration`` records the per-年度 reconciliation of 件数 and 金額.

Re-importing the same file changes nothing (same batch id); a corrected file (e.g. after extending the 外字
対応表) accepts what was quarantined and finds the rest already present.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from application.app import JuminzeiApplication
from application.taxpayers import RegisterTaxpayer, TaxpayerService
from domain.imports.batch import ImportBatch, LineAccepted, LineQuarantined, LineRejected, SubmitterCount
from domain.migration.legacy import (
    LegacyLevyHistory,
    LegacyMigration,
    YearReconciliation,
    legacy_levy_id,
    migration_id,
)
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id

KIND = "legacy-migration"
QUEUE = "外字同定"


class LegacyRowLike(Protocol):
    line: int
    record_type: str
    values: dict[str, str]
    problems: tuple[tuple[str, str], ...]
    quarantine: str | None


class LegacyFileLike(Protocol):
    file_name: str
    sha256: str
    rows: list[Any]
    changes: list[Any]
    file_errors: list[tuple[int, str, str]]


@dataclass
class _Tally:
    count: int = 0
    tax: int = 0
    paid: int = 0

    def add(self, tax: int, paid: int = 0) -> None:
        self.count += 1
        self.tax += tax
        self.paid += paid


@dataclass
class _Outcomes:
    """Every line's outcome and the per-年度 tallies of one import, as the rows are examined."""

    accepted: list[LineAccepted] = field(default_factory=list)
    rejected: list[LineRejected] = field(default_factory=list)
    quarantined: list[LineQuarantined] = field(default_factory=list)
    #: 宛名番号 whose T row is quarantined (their A rows wait with them).
    held: set[str] = field(default_factory=set)
    #: 宛名番号 with a T row in the file.
    in_file: set[str] = field(default_factory=set)
    #: The source's control totals (Z rows) per 年度.
    declared: dict[int, _Tally] = field(default_factory=dict)
    #: (年度, accepted | rejected | quarantined) → tally of A rows.
    tallies: dict[tuple[int, str], _Tally] = field(default_factory=lambda: defaultdict(_Tally))


class MigrationService:
    """移行データの取込と照合."""

    def __init__(self, app: JuminzeiApplication, taxpayers: TaxpayerService) -> None:
        self.app = app
        self.taxpayers = taxpayers

    def _exists(self, aggregate_id: UUID) -> bool:
        return self.app.find(aggregate_id) is not None

    def import_file(
        self, parsed: LegacyFileLike, *, layout: str, source_system: str, ctx: CommandContext
    ) -> dict[str, Any]:
        existing = self._batch(parsed.sha256)
        if existing is not None and existing.reconciled:
            return self.report(parsed, already=True)
        rows: list[LegacyRowLike] = list(parsed.rows)
        batch = existing or ImportBatch.receive(
            kind=KIND,
            file_name=parsed.file_name,
            sha256=parsed.sha256,
            declared_count=None,
            physical_records=sum(1 for r in rows if r.record_type != "Z"),
            ctx=ctx,
            file_errors=tuple(LineRejected(line, f, m) for line, f, m in parsed.file_errors),
        )
        seen = _Outcomes()
        for row in rows:
            self._examine(row, seen, parsed.sha256, source_system, ctx)
        self._record(batch, seen, parsed, layout, ctx)
        result = self.report(parsed, already=False)
        result["rejected_lines"] = [asdict(r) for r in seen.rejected]
        result["quarantined_lines"] = [asdict(q) for q in seen.quarantined]
        return result

    def _examine(
        self, row: LegacyRowLike, seen: _Outcomes, sha256: str, source_system: str, ctx: CommandContext
    ) -> None:
        """Account for one row: control totals (Z), rejected, a taxpayer (T) or one 年度's history (A)."""
        v = row.values
        if row.record_type == "Z" and not row.problems:
            seen.declared[int(v["fiscal_year"])] = _Tally(
                int(v["name"]), int(v["tax_total"]), int(v["paid_total"])
            )
        elif row.problems:
            self._reject(row, seen)
        elif row.record_type == "T":
            self._identity(row, seen, _row_context(row, sha256, ctx))
        else:
            self._history(row, seen, source_system, _row_context(row, sha256, ctx))

    def _reject(self, row: LegacyRowLike, seen: _Outcomes) -> None:
        v = row.values
        field_name, message = row.problems[0]
        seen.rejected.append(LineRejected(row.line, field_name, message))
        # A rejected A row still counts against its 年度 when its year and amount are legible.
        if row.record_type == "A" and v.get("fiscal_year", "").isdigit() and v.get("tax_total", "").isdigit():
            seen.tallies[(int(v["fiscal_year"]), "rejected")].add(int(v["tax_total"]))

    def _identity(self, row: LegacyRowLike, seen: _Outcomes, ctx: CommandContext) -> None:
        v = row.values
        seen.in_file.add(v["address_number"])
        if row.quarantine:
            seen.held.add(v["address_number"])
            seen.quarantined.append(LineQuarantined(row.line, QUEUE, row.quarantine, f"line:{row.line}"))
            return
        registered = self.taxpayers.register(
            RegisterTaxpayer(
                address_number=v["address_number"],
                name=v["name"],
                kana=v["kana"],
                birth_date=date.fromisoformat(v["birth_date"]),
                sex=Sex(v["sex"]),
                address=v["address"],
            ),
            ctx,
        )
        seen.accepted.append(LineAccepted(row.line, f"T:{v['address_number']}", str(registered.aggregate_id)))

    def _history(self, row: LegacyRowLike, seen: _Outcomes, source_system: str, ctx: CommandContext) -> None:
        """An A row: the 年税額・収入済額 of one 年度, as the old system stated them."""
        v = row.values
        number, year = v["address_number"], int(v["fiscal_year"])
        tax, paid = int(v["tax_total"]), int(v["paid_total"])
        if number in seen.held:
            seen.quarantined.append(
                LineQuarantined(row.line, QUEUE, "宛名レコードが外字同定で保留中です。", f"line:{row.line}")
            )
            seen.tallies[(year, "quarantined")].add(tax)
            return
        if number not in seen.in_file and not self._exists(taxpayer_id(number)):
            seen.rejected.append(
                LineRejected(row.line, "address_number", "宛名レコード（T）がなく、登録もされていません。")
            )
            seen.tallies[(year, "rejected")].add(tax)
            return
        history_id = legacy_levy_id(number, year)
        if not self._exists(history_id):
            self.app.save(
                LegacyLevyHistory.migrate(
                    taxpayer_id=taxpayer_id(number),
                    address_number=number,
                    fiscal_year=year,
                    tax_total=tax,
                    paid_total=paid,
                    source_system=source_system,
                    ctx=ctx,
                )
            )
        seen.accepted.append(LineAccepted(row.line, f"A:{number}:{year}", str(history_id)))
        seen.tallies[(year, "accepted")].add(tax, paid)

    def _record(
        self, batch: ImportBatch, seen: _Outcomes, parsed: LegacyFileLike, layout: str, ctx: CommandContext
    ) -> None:
        """The batch's line outcomes and per-年度 counts, and the migration's reconciliation of amounts."""
        batch.record_outcomes(
            accepted=tuple(seen.accepted),
            rejected=tuple(seen.rejected),
            quarantined=tuple(seen.quarantined),
            duplicates=(),
            ctx=ctx,
        )
        years = self._years(seen.declared, seen.tallies)
        batch.reconcile(
            tuple(
                SubmitterCount(
                    submitter=f"{y.fiscal_year}年度",
                    declared=y.declared_count,
                    received=y.accepted_count + y.rejected_count + y.quarantined_count,
                    accepted=y.accepted_count,
                    rejected=y.rejected_count,
                    quarantined=y.quarantined_count,
                    duplicates=0,
                )
                for y in years
            ),
            ctx,
        )
        record = LegacyMigration.reconcile(
            sha256=parsed.sha256,
            file_name=parsed.file_name,
            layout=layout,
            years=tuple(asdict(y) for y in years),
            character_changes=len(parsed.changes),
            unmapped_characters=sum(1 for c in parsed.changes if c.rule == "未対応外字"),
            ctx=ctx,
        )
        self.app.save(batch, record)

    def _years(
        self, declared: dict[int, _Tally], tallies: dict[tuple[int, str], _Tally]
    ) -> list[YearReconciliation]:
        years = sorted({y for y, _ in tallies} | set(declared))
        out = []
        for y in years:
            d = declared.get(y)
            a, r, q = (
                tallies.get((y, "accepted"), _Tally()),
                tallies.get((y, "rejected"), _Tally()),
                tallies.get((y, "quarantined"), _Tally()),
            )
            out.append(
                YearReconciliation(
                    fiscal_year=y,
                    declared_count=d.count if d else None,
                    declared_tax=d.tax if d else None,
                    declared_paid=d.paid if d else None,
                    accepted_count=a.count,
                    accepted_tax=a.tax,
                    accepted_paid=a.paid,
                    rejected_count=r.count,
                    rejected_tax=r.tax,
                    quarantined_count=q.count,
                    quarantined_tax=q.tax,
                )
            )
        return out

    def _batch(self, sha256: str) -> ImportBatch | None:
        from domain.imports.batch import import_batch_id

        batch: ImportBatch | None = self.app.find(import_batch_id(KIND, sha256))
        return batch

    def report(self, parsed: LegacyFileLike, *, already: bool) -> dict[str, Any]:
        """The reconciliation report of a migrated file (from its recorded events) and its mapping report."""
        batch = self._batch(parsed.sha256)
        record: LegacyMigration | None = self.app.find(migration_id(parsed.sha256))
        years = []
        for y in record.years if record is not None else ():
            r = YearReconciliation(**y)
            years.append({**y, "reconciled": r.reconciled, "complete": r.complete})
        return {
            "file": parsed.file_name,
            "sha256": parsed.sha256,
            "already_imported": already,
            "received": batch.physical_records if batch else 0,
            "accepted": batch.accepted if batch else 0,
            "rejected": batch.rejected if batch else 0,
            "quarantined": batch.quarantined if batch else 0,
            "gap": batch.gap if batch else 0,
            "file_errors": [{"line": line, "field": f, "message": m} for line, f, m in parsed.file_errors],
            "years": years,
            "reconciled": bool(years) and all(y["reconciled"] for y in years) and not parsed.file_errors,
            "character_changes": [asdict(c) for c in parsed.changes],
        }


def _row_context(row: LegacyRowLike, sha256: str, ctx: CommandContext) -> CommandContext:
    """The context of one row's events: its own command id and the file line as ``source_ref``."""
    return CommandContext(
        actor=ctx.actor,
        purpose=Purpose.REGISTRY,
        command_id=f"{ctx.command_id}/{row.line}",
        source_ref=f"migration:{sha256}:{row.line}",
        terminal=ctx.terminal,
    )
