"""Import a received file: one ImportBatch, one outcome per record, nothing lost (DESIGN §2.4).

The interface layer parses the file with the adapter for its KIND and hands over a ``ReceivedFile``.
Records are processed in line order in chunks; each chunk's outcomes and every aggregate it created or
changed are saved **in one transaction**, so a crash loses or doubles nothing and a rerun resumes after
the last saved chunk. A file already reconciled is a no-op.

Matching (名寄せ, seed III-2 リスク3): a filing is matched by My Number through the vault's blind index
and confirmed by kana name and birth date. A My Number match with a name or birth-date mismatch is
**not** accepted: it waits in the 本人確認 queue. No match waits in the 税務調査 queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import structlog
from eventsourcing.domain import Aggregate

from application.app import JuminzeiApplication
from application.intake.codec import record_to_content
from application.intake.formats import FormatRegistry, RecordHandler, RecordServices
from application.ports import IndividualNumberVault, VaultBatch, VaultConflictError
from domain.employers.employer import Employer, employer_id
from domain.filings.filing import Filing, FilingKind, Submission, WorkQueue
from domain.filings.resident_return import ResidentReturn
from domain.imports.batch import (
    ImportBatch,
    LineAccepted,
    LineQuarantined,
    LineRejected,
    SubmitterCount,
    import_batch_id,
)
from domain.intake import (
    AssistanceKind,
    ChangeReason,
    DisabilityRecord,
    FurusatoNotice,
    ParsedRecord,
    PensionReport,
    PublicAssistanceRecord,
    RecordError,
    ResidentRecord,
    SalaryReport,
    SubmissionKind,
    TaxReturn,
    fingerprint,
)
from domain.intake import (
    Employer as EmployerRecord,
)
from domain.shared.events import CommandContext, DomainError
from domain.shared.kana import kana_key
from domain.shared.person import RegistrationKind, Sex
from domain.taxpayer.model import Taxpayer, taxpayer_id
from domain.taxpayer.values import AssistancePeriod, DisabilityStatus, ResidenceChange

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ReceivedFile:
    """A parsed received file: one item (record or error) per physical record."""

    kind: str
    file_name: str
    sha256: str
    declared_count: int | None
    physical_records: int
    items: Sequence[ParsedRecord[Any] | RecordError]
    file_errors: Sequence[RecordError] = ()


@dataclass
class ImportSummary:
    """What an import did (the `juminzei import` JSON)."""

    batch_id: UUID
    kind: str
    received: int
    accepted: int
    rejected: int
    quarantined: int
    duplicates: int
    gap: int
    already_imported: bool
    errors: list[RecordError] = field(default_factory=list)
    by_submitter: tuple[SubmitterCount, ...] = ()
    position: int = 0


class IntakeIndex(Protocol):
    """Read-model lookups the importer needs (kept by projections.intake)."""

    def fingerprints_seen(self, kind: str, fingerprints: list[str]) -> set[str]:
        """Which of ``fingerprints`` an earlier import of ``kind`` already stored (one query per chunk)."""
        ...

    def active_filing(self, kind: str, tax_year: int, submitter: str, taxpayer: UUID) -> UUID | None: ...


_CHANGE = {
    ChangeReason.EXISTING: ResidenceChange.EXISTING,
    ChangeReason.BIRTH: ResidenceChange.BIRTH,
    ChangeReason.MOVE_IN: ResidenceChange.MOVE_IN,
    ChangeReason.MOVE_OUT: ResidenceChange.MOVE_OUT,
    ChangeReason.ADDRESS_CHANGE: ResidenceChange.ADDRESS_CHANGE,
    ChangeReason.NAME_CHANGE: ResidenceChange.NAME_CHANGE,
    ChangeReason.DEATH: ResidenceChange.DEATH,
}


class _Chunk:
    """Aggregates touched by one chunk (saved together) and the chunk's outcomes."""

    def __init__(
        self,
        app: JuminzeiApplication,
        active: dict[tuple[str, int, str, UUID], UUID],
        vault: IndividualNumberVault | VaultBatch,
    ) -> None:
        self.app = app
        #: The vault as this chunk sees it: a ``VaultBatch`` in a file import (links written at the end).
        self.vault = vault
        #: Filings this import made current, by (kind, tax year, submitter, taxpayer): shared by every chunk
        #: of the file, because the intake projection is not caught up between chunks.
        self.active = active
        self.aggregates: dict[UUID, Aggregate] = {}
        #: Read ahead by ``preload`` and not yet asked for (``get`` moves them to ``aggregates``).
        self.loaded: dict[UUID, Aggregate] = {}
        self.absent: set[UUID] = set()
        #: Fingerprints of this chunk's records already imported by an earlier file.
        self.known_fingerprints: set[str] = set()
        self.accepted: list[LineAccepted] = []
        self.rejected: list[LineRejected] = []
        self.quarantined: list[LineQuarantined] = []
        self.duplicates: list[int] = []

    def preload(self, aggregate_ids: list[UUID]) -> None:
        """Read the aggregates the chunk is going to ask for in one query. Nothing is saved during a
        chunk, so each is what ``get`` would have read when it is asked for."""
        wanted = [
            i for i in dict.fromkeys(aggregate_ids) if i not in self.aggregates and i not in self.loaded
        ]
        found = self.app.get_many(wanted)
        self.loaded.update(found)
        self.absent.update(i for i in wanted if i not in found)

    def record_outcome(self, item: ParsedRecord[Any], changed: bool, aggregate_id: UUID) -> None:
        """受理 (the record changed ``aggregate_id``) or 重複 (it changed nothing)."""
        if changed:
            self.accepted.append(LineAccepted(item.line, item.fingerprint, str(aggregate_id)))
        else:
            self.duplicates.append(item.line)

    def registered_taxpayer(self, item: ParsedRecord[Any], address_number: str) -> Taxpayer | None:
        """The taxpayer the record names, or None with the line rejected (宛名番号 not registered)."""
        taxpayer: Taxpayer | None = self.get(taxpayer_id(address_number))
        if taxpayer is None:
            self.rejected.append(LineRejected(item.line, "宛名番号", "宛名番号が登録されていません。"))
        return taxpayer

    def get(self, aggregate_id: UUID) -> Any | None:
        if aggregate_id in self.aggregates:
            return self.aggregates[aggregate_id]
        if aggregate_id in self.loaded:
            found = self.aggregates[aggregate_id] = self.loaded.pop(aggregate_id)
            return found
        if aggregate_id in self.absent:
            return None
        stored = self.app.find(aggregate_id)
        if stored is not None:
            self.aggregates[aggregate_id] = stored
        return stored

    def add(self, aggregate: Aggregate) -> None:
        self.aggregates[aggregate.id] = aggregate


class IntakeService:
    """Application service: import files of every kind in the format registry."""

    def __init__(
        self,
        app: JuminzeiApplication,
        vault: IndividualNumberVault,
        index: IntakeIndex,
        *,
        formats: FormatRegistry,
        chunk_size: int = 500,
    ) -> None:
        self.app = app
        self.vault = vault
        self.index = index
        self.formats = formats
        self.chunk_size = chunk_size
        #: Record handler of each kind, picked by its registry entry from the wired services (``bind``).
        self.handlers: dict[str, RecordHandler] = {}

    def bind(self, services: RecordServices) -> None:
        """Resolve every registry entry's record handler (the composition root calls this once)."""
        self.handlers = self.formats.handlers(services)

    # -- entry point ----------------------------------------------------------------------------
    def import_file(
        self, received: ReceivedFile, ctx: CommandContext, progress: Callable[[int, int], None] | None = None
    ) -> ImportSummary:
        spec = self.formats.get(received.kind)
        if not spec.importable or (spec.filing_kind is None and received.kind not in self.handlers):
            raise DomainError(f"取込種別 {received.kind} は扱えません。", code="unknown_kind")
        batch_id = import_batch_id(received.kind, received.sha256)
        batch: ImportBatch | None = self.app.find(batch_id)
        if batch is not None and batch.reconciled:
            return self._summary(batch, received, already=True)
        if batch is None:
            batch = ImportBatch.receive(
                kind=received.kind,
                file_name=received.file_name,
                sha256=received.sha256,
                declared_count=received.declared_count,
                physical_records=received.physical_records,
                file_errors=tuple(LineRejected(e.line, e.field, e.message) for e in received.file_errors),
                ctx=ctx,
            )
            self.app.save(batch)
        items = sorted(received.items, key=lambda i: i.line)
        pending = [i for i in items if i.line > batch.last_line]
        seen: set[str] = set()
        active: dict[tuple[str, int, str, UUID], UUID] = {}
        done = len(items) - len(pending)
        for start in range(0, len(pending), self.chunk_size):
            chunk_items = pending[start : start + self.chunk_size]
            records = [i.record for i in chunk_items if not isinstance(i, RecordError)]
            vault = self.vault.batch(
                [n for r in records if (n := getattr(r, "individual_number", None))],
                [taxpayer_id(r.address_number) for r in records if isinstance(r, ResidentRecord)],
            )
            chunk = _Chunk(self.app, active, vault)
            chunk.preload(self._to_load(received.kind, records, vault))
            chunk.known_fingerprints = self.index.fingerprints_seen(
                received.kind, [i.fingerprint for i in chunk_items if not isinstance(i, RecordError)]
            )
            for item in chunk_items:
                self._one(received.kind, item, batch_id, chunk, seen, ctx.derive(f"{batch_id}:{item.line}"))
            batch.record_outcomes(
                accepted=tuple(chunk.accepted),
                rejected=tuple(chunk.rejected),
                quarantined=tuple(chunk.quarantined),
                duplicates=tuple(chunk.duplicates),
                ctx=ctx,
            )
            # The chunk's My Number links first (as each ``link`` used to be written before the events),
            # then one transaction: the chunk's outcomes and every aggregate it touched.
            vault.commit()
            self.app.save(batch, *chunk.aggregates.values())
            done += len(chunk_items)
            if progress:
                progress(done, len(items))
        batch.reconcile(self._by_submitter(batch_id, items), ctx)
        position = self.app.save_all(batch)
        log.info(
            "import.reconciled",
            batch_id=str(batch_id),
            kind=received.kind,
            accepted=batch.accepted,
            rejected=batch.rejected,
            quarantined=batch.quarantined,
            duplicates=batch.duplicates,
            gap=batch.gap,
        )
        summary = self._summary(batch, received, already=False)
        summary.position = position
        return summary

    def _to_load(self, kind: str, records: list[Any], vault: VaultBatch) -> list[UUID]:
        """The existing aggregates a chunk of ``kind`` will read, as its registry entry says (other
        handlers' reads stay one by one)."""
        preload = self.formats.get(kind).preload
        return list(preload(records, vault)) if preload is not None else []

    def _summary(self, batch: ImportBatch, received: ReceivedFile, *, already: bool) -> ImportSummary:
        # Every rejection recorded on the batch: parse errors and rule refusals alike, by line.
        errors: list[RecordError] = []
        by_submitter: tuple[SubmitterCount, ...] = ()
        for event in self.app.events.get(batch.id):
            if isinstance(event, ImportBatch.OutcomesRecorded):
                errors.extend(RecordError(r.line, r.field, r.message) for r in event.rejected)
            if isinstance(event, ImportBatch.Reconciled):
                by_submitter = event.by_submitter
        errors.sort(key=lambda e: e.line)
        return ImportSummary(
            batch_id=batch.id,
            kind=batch.kind,
            **batch.tally(),
            already_imported=already,
            errors=list(received.file_errors) + errors,
            by_submitter=by_submitter,
            position=self.app.head(),
        )

    def _by_submitter(
        self, batch_id: UUID, items: Sequence[ParsedRecord[Any] | RecordError]
    ) -> tuple[SubmitterCount, ...]:
        """Per-submitter reconciliation from the batch's recorded outcomes (including resumed chunks)."""
        outcome: dict[int, str] = {}
        for event in self.app.events.get(batch_id):
            if isinstance(event, ImportBatch.OutcomesRecorded):
                outcome.update({a.line: "accepted" for a in event.accepted})
                outcome.update({r.line: "rejected" for r in event.rejected})
                outcome.update({q.line: "quarantined" for q in event.quarantined})
                outcome.update({d: "duplicates" for d in event.duplicates})
        counts: dict[str, Counter[str]] = {}
        for item in items:
            submitter = _submitter(item.record) if isinstance(item, ParsedRecord) else "（判読不能）"
            counter = counts.setdefault(submitter, Counter())
            counter["received"] += 1
            counter[outcome.get(item.line, "missing")] += 1
        return tuple(
            SubmitterCount(
                submitter=s,
                declared=None,
                received=c["received"],
                accepted=c["accepted"],
                rejected=c["rejected"],
                quarantined=c["quarantined"],
                duplicates=c["duplicates"],
            )
            for s, c in sorted(counts.items())
        )

    # -- one record -----------------------------------------------------------------------------
    def _one(
        self,
        kind: str,
        item: ParsedRecord[Any] | RecordError,
        batch_id: UUID,
        chunk: _Chunk,
        seen: set[str],
        ctx: CommandContext,
    ) -> None:
        if isinstance(item, RecordError):
            chunk.rejected.append(LineRejected(item.line, item.field, item.message))
            return
        if item.fingerprint in seen or item.fingerprint in chunk.known_fingerprints:
            chunk.duplicates.append(item.line)
            return
        seen.add(item.fingerprint)
        ctx = CommandContext(
            actor=ctx.actor,
            purpose=ctx.purpose,
            command_id=ctx.command_id,
            source_ref=f"{kind}:{batch_id}:{item.line}",
            terminal=ctx.terminal,
        )
        filing_kind = self.formats.get(kind).filing_kind
        try:
            if filing_kind is not None:
                self._filing(filing_kind, item, batch_id, chunk, ctx)
            else:
                self.handlers[kind](item, chunk, ctx)
        except DomainError as error:
            chunk.rejected.append(LineRejected(item.line, "-", error.message))

    def resident(self, item: ParsedRecord[ResidentRecord], chunk: _Chunk, ctx: CommandContext) -> None:
        record = item.record
        tid = taxpayer_id(record.address_number)
        if record.individual_number:
            owner = chunk.vault.find(record.individual_number)
            if owner is not None and owner != tid:
                chunk.rejected.append(
                    LineRejected(
                        item.line,
                        "個人番号",
                        "この個人番号は別の宛名番号に紐付いています（本人確認が必要です）。",
                    )
                )
                return
        taxpayer: Taxpayer | None = chunk.get(tid)
        change = _CHANGE[record.change_reason]
        if taxpayer is None:
            if change in (ResidenceChange.MOVE_OUT, ResidenceChange.DEATH):
                chunk.rejected.append(
                    LineRejected(
                        item.line, "宛名番号", f"未登録の宛名に{record.change_reason.value}は記録できません。"
                    )
                )
                return
            taxpayer = Taxpayer.register(
                address_number=record.address_number,
                name=record.name,
                kana=record.kana,
                birth_date=record.birth_date,
                sex=Sex(record.sex.value),
                address=record.address,
                address_code=record.address_code,
                household_number=record.household_number,
                relationship=record.relationship,
                registration_kind=RegistrationKind(record.registration.value),
                registered_on=record.change_date,
                ctx=ctx,
            )
            chunk.add(taxpayer)
        else:
            taxpayer.change_record(
                change=change,
                change_date=record.change_date,
                name=record.name,
                kana=record.kana,
                address=record.address,
                address_code=record.address_code,
                household_number=record.household_number,
                relationship=record.relationship,
                ctx=ctx,
            )
        if record.individual_number:
            try:
                chunk.vault.link(tid, record.individual_number)
            except VaultConflictError as error:
                chunk.rejected.append(LineRejected(item.line, "個人番号", str(error)))
                return
            taxpayer.link_individual_number(ctx)
        chunk.accepted.append(LineAccepted(item.line, item.fingerprint, str(tid)))

    def assistance(
        self, item: ParsedRecord[PublicAssistanceRecord], chunk: _Chunk, ctx: CommandContext
    ) -> None:
        record = item.record
        taxpayer = chunk.registered_taxpayer(item, record.address_number)
        if taxpayer is None:
            return
        period = AssistancePeriod(
            case_number=record.case_number,
            kind=record.assistance_kind.value,
            livelihood=record.assistance_kind is AssistanceKind.LIVELIHOOD,
            start_date=record.start_date,
            end_date=record.end_date,
        )
        chunk.record_outcome(item, taxpayer.record_public_assistance(period, ctx), taxpayer.id)

    def disability(self, item: ParsedRecord[DisabilityRecord], chunk: _Chunk, ctx: CommandContext) -> None:
        record = item.record
        taxpayer = chunk.registered_taxpayer(item, record.address_number)
        if taxpayer is None:
            return
        status = DisabilityStatus(
            certificate=record.certificate.value,
            grade=record.grade,
            tax_class=record.classification.value,
            issued_on=record.issued_on,
            returned_on=record.returned_on,
        )
        chunk.record_outcome(item, taxpayer.record_disability(status, ctx), taxpayer.id)

    def receive_single(
        self, kind: FilingKind, record: Any, natural_key: str, ctx: CommandContext
    ) -> tuple[Filing, list[Aggregate], str]:
        """One filing outside a file (窓口, マイナポータル): match it; return the filing, every aggregate to
        save with it, and its outcome ("accepted" or the queue name)."""
        chunk = _Chunk(self.app, {}, self.vault)
        item = ParsedRecord(line=0, record=record, fingerprint=fingerprint(record))
        self._filing(kind, item, None, chunk, ctx, natural_key=natural_key)
        filing = next(
            a
            for a in chunk.aggregates.values()
            if isinstance(a, Filing) and a.line == 0 and a.batch_id is None
        )
        outcome = chunk.quarantined[0].queue if chunk.quarantined else "accepted"
        return filing, list(chunk.aggregates.values()), outcome

    def _filing(
        self,
        kind: FilingKind,
        item: ParsedRecord[Any],
        batch_id: UUID | None,
        chunk: _Chunk,
        ctx: CommandContext,
        natural_key: str = "",
    ) -> None:
        record = item.record
        submitter = _submitter(record)
        submission = _submission(record)
        matched, queue, reason = self._match(record, chunk)
        dependents = getattr(record, "dependents", ())
        refs = tuple(self.vault.blind_index(d.individual_number) for d in dependents if d.individual_number)
        filing = Filing.receive(
            kind=kind,
            tax_year=_tax_year(record),
            batch_id=batch_id,
            line=item.line,
            submitter=submitter,
            submission=submission,
            fingerprint=item.fingerprint,
            content=record_to_content(record),
            dependent_refs=refs,
            taxpayer_id=matched,
            ctx=ctx,
            natural_key=natural_key,
        )
        chunk.add(filing)
        if isinstance(record, SalaryReport) and record.designation_number:
            self._employer(record, chunk, ctx)
        if queue is not None:
            filing.quarantine(queue, reason, ctx)
            chunk.quarantined.append(LineQuarantined(item.line, queue.value, reason, str(filing.id)))
            return
        assert matched is not None
        if submission is not Submission.NEW:
            previous = self._previous(kind, filing.tax_year, submitter, matched, chunk, filing.id)
            if previous is None:
                filing.quarantine(
                    WorkQueue.INVESTIGATION, "訂正・取消の対象となる元の資料が見つかりません。", ctx
                )
                chunk.quarantined.append(
                    LineQuarantined(
                        item.line, WorkQueue.INVESTIGATION.value, "訂正・取消の元資料なし", str(filing.id)
                    )
                )
                return
            previous.supersede(filing.id, submission is Submission.CANCELLATION, ctx)
        key = (kind.value, filing.tax_year, submitter, matched)
        if submission is Submission.CANCELLATION:
            chunk.active.pop(key, None)
        else:
            chunk.active[key] = filing.id
        chunk.accepted.append(LineAccepted(item.line, item.fingerprint, str(filing.id)))

    def _match(self, record: Any, chunk: _Chunk) -> tuple[UUID | None, WorkQueue | None, str]:
        """名寄せ: (taxpayer, None, "") when matched, else (None, queue, reason)."""
        number = getattr(record, "individual_number", None)
        if not number:
            return None, WorkQueue.INVESTIGATION, "個人番号の記載がなく、宛名と照合できません。"
        owner = chunk.vault.find(number)
        if owner is None:
            return (
                None,
                WorkQueue.INVESTIGATION,
                "個人番号に一致する宛名がありません（1月1日の住所地の確認が必要です）。",
            )
        taxpayer: Taxpayer | None = chunk.get(owner)
        if taxpayer is None:
            return None, WorkQueue.INVESTIGATION, "個人番号に一致する宛名が読み込めません。"
        if kana_key(str(taxpayer.kana)) != kana_key(record.kana):
            return None, WorkQueue.IDENTITY, "個人番号は一致しましたが、カナ氏名が一致しません。"
        if taxpayer.birth_date != record.birth_date:
            return None, WorkQueue.IDENTITY, "個人番号は一致しましたが、生年月日が一致しません。"
        return owner, None, ""

    def _previous(
        self, kind: FilingKind, tax_year: int, submitter: str, taxpayer: UUID, chunk: _Chunk, exclude: UUID
    ) -> Filing | None:
        for aggregate in chunk.aggregates.values():
            if (
                isinstance(aggregate, Filing)
                and aggregate.id != exclude
                and aggregate.kind is kind
                and aggregate.tax_year == tax_year
                and aggregate.submitter == submitter
                and aggregate.taxpayer_id == taxpayer
                and aggregate.superseded_by is None
                and aggregate.queue is None
                and aggregate.submission is not Submission.CANCELLATION
            ):
                return aggregate
        earlier_chunk = chunk.active.get((kind.value, tax_year, submitter, taxpayer))
        if earlier_chunk is not None and earlier_chunk != exclude:
            earlier: Filing | None = chunk.get(earlier_chunk)
            if earlier is not None and earlier.superseded_by is None:
                return earlier
        found = self.index.active_filing(kind.value, tax_year, submitter, taxpayer)
        return chunk.get(found) if found else None

    def employer_record(self, item: ParsedRecord[EmployerRecord], chunk: _Chunk, ctx: CommandContext) -> None:
        """特別徴収義務者の登録・変更 from the employer file."""
        record = item.record
        contact = " ".join(p for p in (record.contact_department, record.phone, record.email) if p)
        eid = employer_id(record.designation_number)
        existing: Employer | None = chunk.get(eid)
        if existing is None:
            employer = Employer.register(
                designation_number=record.designation_number,
                corporate_number=record.corporate_number,
                name=record.name,
                address=record.address,
                contact=contact,
                ctx=ctx,
            )
            chunk.add(employer)
            changed = True
        else:
            changed = existing.update(
                corporate_number=record.corporate_number,
                name=record.name,
                address=record.address,
                contact=contact,
                ctx=ctx,
            )
        chunk.record_outcome(item, changed, eid)

    def _employer(self, record: SalaryReport, chunk: _Chunk, ctx: CommandContext) -> None:
        assert record.designation_number
        if chunk.get(employer_id(record.designation_number)) is not None:
            return
        chunk.add(
            Employer.register(
                designation_number=record.designation_number,
                corporate_number=record.employer_corporate_number,
                name=record.employer_name,
                address=record.employer_address,
                contact=record.employer_phone or "",
                ctx=ctx,
            )
        )


# -- what a chunk reads ahead (registry entries' ``preload``) -------------------------------------------


def preload_taxpayers(records: Sequence[Any], vault: VaultBatch) -> list[UUID]:
    """Taxpayers by 宛名番号 (住民記録, 生活保護, 障害者手帳)."""
    return [taxpayer_id(r.address_number) for r in records]


def preload_employers(records: Sequence[Any], vault: VaultBatch) -> list[UUID]:
    """Employers by 指定番号 (特別徴収義務者台帳)."""
    return [employer_id(r.designation_number) for r in records]


def preload_filings(records: Sequence[Any], vault: VaultBatch) -> list[UUID]:
    """課税資料: the taxpayer its My Number points to, and a salary report's employer."""
    ids: list[UUID] = []
    for record in records:
        number = getattr(record, "individual_number", None)
        owner = vault.find(number) if number else None
        if owner is not None:
            ids.append(owner)
        if isinstance(record, SalaryReport) and record.designation_number:
            ids.append(employer_id(record.designation_number))
    return ids


def _submitter(record: Any) -> str:
    if isinstance(record, SalaryReport):
        return record.designation_number or record.employer_corporate_number or "（指定番号なし）"
    if isinstance(record, PensionReport):
        return record.designation_number or record.payer_corporate_number or "（指定番号なし）"
    if isinstance(record, FurusatoNotice):
        return record.sender_code
    if isinstance(record, TaxReturn):
        return "国税連携"
    if isinstance(record, ResidentReturn):
        return "窓口"
    return "-"


def _submission(record: Any) -> Submission:
    kind = getattr(record, "submission_kind", None)
    if kind is SubmissionKind.CORRECTION:
        return Submission.CORRECTION
    if kind is SubmissionKind.CANCELLATION:
        return Submission.CANCELLATION
    return Submission.NEW


def _tax_year(record: Any) -> int:
    year = getattr(record, "tax_year", None)
    if isinstance(year, int):
        return year
    if isinstance(record, FurusatoNotice):
        return record.donation_date.year
    raise DomainError("年分が特定できません。", code="missing_tax_year")
