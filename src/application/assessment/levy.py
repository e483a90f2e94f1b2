"""The annual levy (当初賦課) and 更正, as resumable, idempotent batches.

``run`` assesses every taxpayer with active 課税資料 for the 年度 (and 住登外 taxpayers for 均等割-only
家屋敷課税), in chunks saved one transaction each. Assessment ids are deterministic (taxpayer × 年度), so
a rerun after any interruption — even a kill — skips what was saved and completes the rest; no levy is
ever made twice. Everyone considered ends as levied, non-taxable (a recorded determination) or skipped
with a reason.

``reassess`` finds assessments whose active filings changed after the levy (a new, corrected or
cancelled filing) and records a 更正 with before/after and delta. Late filings never change a levy
silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

import structlog

from application.app import JuminzeiApplication
from application.intake.codec import content_to_record
from domain.assessment.assessment import Assessment, assessment_id
from domain.assessment.collection import plan_collection
from domain.assessment.consolidation import Consolidated, PersonFacts, SourceFiling, consolidate
from domain.assessment.values import LevyAmounts
from domain.filings.filing import Filing, FilingStatus
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import RegistrationKind, Sex
from domain.taxpayer.model import Taxpayer
from domain.taxrules.engine import compute
from domain.taxrules.model import TaxComputation
from domain.taxrules.params import TOKYO_SPECIAL_WARD, MunicipalityParams
from domain.taxrules.registry import rule_set_for

log = structlog.get_logger(__name__)


class LevyIndex(Protocol):
    """Read-model look-ups the levy needs."""

    def levy_candidates(self, fiscal_year: int) -> list[UUID]: ...

    def active_filings(self, taxpayer: UUID, fiscal_year: int) -> list[UUID]: ...

    def active_filings_many(self, taxpayers: list[UUID], fiscal_year: int) -> dict[UUID, list[UUID]]:
        """``active_filings`` of each taxpayer (same order), in one look-up."""
        ...

    def assessments(self, fiscal_year: int) -> list[UUID]: ...


@dataclass
class LevyRunResult:
    fiscal_year: int
    levied: int = 0
    non_taxable: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    total_tax: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


@dataclass(frozen=True)
class _Loaded:
    """What the assessments of one chunk of candidates read, loaded up front in a few queries (instead of
    one event-store query per aggregate and one read-model query per candidate). Read only: every
    aggregate here is exactly what ``repository.get`` returns at the start of the chunk."""

    aggregates: dict[UUID, Any]
    active: dict[UUID, list[UUID]]


@dataclass(frozen=True)
class Computed:
    consolidated: Consolidated
    computation: TaxComputation
    amounts: LevyAmounts


class LevyService:
    def __init__(
        self,
        app: JuminzeiApplication,
        index: LevyIndex,
        is_closed: Callable[[date], bool],
        record_types: Mapping[str, type[Any]],
        mp: MunicipalityParams = TOKYO_SPECIAL_WARD,
        chunk_size: int = 200,
    ) -> None:
        self.app = app
        #: Record type of each 課税資料 kind, from the format registry (``FormatRegistry.record_types``).
        self.record_types = dict(record_types)
        self.index = index
        self.is_closed = is_closed
        self.mp = mp
        self.chunk_size = chunk_size

    # -- facts ----------------------------------------------------------------------------------
    def person_facts(self, taxpayer: Taxpayer, fiscal_year: int) -> PersonFacts:
        levy_date = date(fiscal_year, 1, 1)
        year_end = date(fiscal_year - 1, 12, 31)
        classes = {s.tax_class for s in taxpayer.disabilities if s.valid_on(year_end)}
        disability = "special" if "special" in classes else "general" if "general" in classes else "none"
        birth = taxpayer.birth_date if isinstance(taxpayer.birth_date, date) else None
        non_resident = taxpayer.registration_kind is RegistrationKind.NON_RESIDENT
        return PersonFacts(
            birth_date=birth,
            sex={Sex.M: "male", Sex.F: "female"}.get(taxpayer.sex),
            disability=disability,
            public_assistance=taxpayer.on_public_assistance(levy_date),
            resident=taxpayer.resident_on(levy_date),
            non_resident_taxable=non_resident and not taxpayer.resident_on(levy_date),
        )

    def sources(self, taxpayer: UUID, fiscal_year: int, loaded: _Loaded | None = None) -> list[SourceFiling]:
        result: list[SourceFiling] = []
        if loaded is None:
            active = self.index.active_filings(taxpayer, fiscal_year)
            filings = self.app.get_many(active)
        else:
            active, filings = loaded.active[taxpayer], loaded.aggregates
        for filing_id in active:
            filing: Filing = (
                filings[filing_id] if filing_id in filings else self.app.repository.get(filing_id)
            )
            if filing.status is not FilingStatus.ACTIVE or filing.kind.value not in self.record_types:
                continue
            record = content_to_record(self.record_types[filing.kind.value], filing.content)
            # Receipt order: the batch's notification position is not at hand; the filing's creation
            # time orders receipts (later wins among filings of one kind).
            result.append(
                SourceFiling(str(filing.id), filing.kind, record, int(filing.created_on.timestamp() * 1e6))
            )
        return result

    def compute_for(
        self, taxpayer: Taxpayer, fiscal_year: int, loaded: _Loaded | None = None
    ) -> Computed | str:
        """The consolidated input and computation, or the reason the taxpayer is not assessable here."""
        person = self.person_facts(taxpayer, fiscal_year)
        if not person.resident and not person.non_resident_taxable:
            return "1月1日に住所なし（他団体で課税）"
        filings = self.sources(taxpayer.id, fiscal_year, loaded)
        if not filings and not person.non_resident_taxable:
            return "課税資料なし"
        consolidated = consolidate(fiscal_year, person, filings)
        computation = compute(consolidated.tax_input, rule_set_for(fiscal_year), self.mp)
        return Computed(consolidated, computation, LevyAmounts.from_computation(computation))

    # -- the batch ------------------------------------------------------------------------------
    def run(
        self,
        fiscal_year: int,
        ctx: CommandContext,
        progress: Callable[[int, int], None] | None = None,
        only: Sequence[UUID] | None = None,
    ) -> LevyRunResult:
        """当初賦課 of everyone with 課税資料 for the 年度, or 随時賦課 of ``only`` these taxpayers (e.g. after a
        期限後申告 for an earlier 年度); either way a taxpayer already assessed for the 年度 is skipped."""
        result = LevyRunResult(fiscal_year)
        candidates = self.index.levy_candidates(fiscal_year) if only is None else sorted(set(only))
        done = 0
        for start in range(0, len(candidates), self.chunk_size):
            chunk = candidates[start : start + self.chunk_size]
            assessments: list[Assessment] = []
            loaded = self._load(chunk, fiscal_year)
            for taxpayer_id in chunk:
                outcome = self._assess(
                    taxpayer_id, fiscal_year, ctx.derive(f"levy:{fiscal_year}:{taxpayer_id}"), loaded
                )
                if isinstance(outcome, str):
                    result.skipped[outcome] += 1
                    continue
                assessments.append(outcome)
                if outcome.amounts.total > 0:
                    result.levied += 1
                    result.total_tax += outcome.amounts.payable
                else:
                    result.non_taxable += 1
            if assessments:
                self.app.save(*assessments)  # one transaction per chunk: all or nothing
            done += len(chunk)
            if progress:
                progress(done, len(candidates))
        log.info(
            "levy.run",
            fiscal_year=fiscal_year,
            levied=result.levied,
            non_taxable=result.non_taxable,
            skipped=result.skipped_total,
        )
        return result

    def _load(self, taxpayers: list[UUID], fiscal_year: int) -> _Loaded:
        """Three queries for a chunk: existing assessments and taxpayers, active filings, those filings."""
        aggregates = self.app.get_many([*(assessment_id(t, fiscal_year) for t in taxpayers), *taxpayers])
        active = self.index.active_filings_many(list(taxpayers), fiscal_year)
        aggregates.update(self.app.get_many([f for t in taxpayers for f in active[t]]))
        return _Loaded(aggregates, active)

    def _assess(
        self, taxpayer_id: UUID, fiscal_year: int, ctx: CommandContext, loaded: _Loaded
    ) -> Assessment | str:
        if assessment_id(taxpayer_id, fiscal_year) in loaded.aggregates:
            return "賦課済み"
        taxpayer: Taxpayer | None = loaded.aggregates.get(taxpayer_id)
        if taxpayer is None:
            return "宛名なし"
        try:
            computed = self.compute_for(taxpayer, fiscal_year, loaded)
        except (DomainError, ValueError, KeyError) as error:
            log.warning("levy.compute_failed", taxpayer_id=str(taxpayer_id), error=type(error).__name__)
            return f"計算できません（{type(error).__name__}）"
        if isinstance(computed, str):
            return computed
        method, collector, lines = plan_collection(
            computed.consolidated,
            computed.amounts.payable,
            salary_income=computed.computation.income.salary_income,
            is_closed=self.is_closed,
            mp=self.mp,
        )
        return Assessment.determine(
            taxpayer_id=taxpayer_id,
            fiscal_year=fiscal_year,
            non_taxable_reason=computed.computation.non_taxable.reason,
            rule_set_id=computed.computation.rule_set_id,
            basis=computed.consolidated.basis,
            source_filing_ids=computed.consolidated.sources,
            tax_input=computed.consolidated.tax_input.to_dict(),
            computation=computed.computation.to_dict(),
            notes=computed.consolidated.notes,
            amounts=computed.amounts,
            method=method,
            collector=collector,
            installments=lines,
            ctx=ctx,
        )

    # -- 更正 -----------------------------------------------------------------------------------
    def reassess_changed(self, fiscal_year: int, ctx: CommandContext, reason: str) -> list[tuple[UUID, int]]:
        """更正 every assessment whose active filings differ from those it was levied on."""
        changes: list[tuple[UUID, int]] = []
        for aid in self.index.assessments(fiscal_year):
            assessment: Assessment = self.app.repository.get(aid)
            current = {str(f) for f in self.index.active_filings(assessment.taxpayer_id, fiscal_year)}
            if current == set(assessment.source_filing_ids) or assessment.status.value == "取消":
                continue
            delta = self.reassess_one(assessment, reason, ctx.derive(f"reassess:{aid}:{assessment.version}"))
            if delta is not None:
                changes.append((aid, delta))
        return changes

    def reassess_one(self, assessment: Assessment, reason: str, ctx: CommandContext) -> int | None:
        taxpayer: Taxpayer = self.app.repository.get(assessment.taxpayer_id)
        computed = self.compute_for(taxpayer, assessment.fiscal_year)
        if isinstance(computed, str):
            raise DomainError(f"更正できません: {computed}", code="not_assessable")
        after = LevyAmounts.from_computation(computed.computation, reduction=assessment.amounts.reduction)
        method, collector, lines = plan_collection(
            computed.consolidated,
            after.payable,
            salary_income=computed.computation.income.salary_income,
            is_closed=self.is_closed,
            mp=self.mp,
        )
        before = assessment.amounts
        changed = assessment.reassess(
            reason=reason,
            rule_set_id=computed.computation.rule_set_id,
            basis=computed.consolidated.basis,
            source_filing_ids=computed.consolidated.sources,
            tax_input=computed.consolidated.tax_input.to_dict(),
            computation=computed.computation.to_dict(),
            notes=computed.consolidated.notes,
            after=after,
            method=method,
            collector=collector,
            installments=lines,
            ctx=ctx,
        )
        if not changed:
            return None
        self.app.save(assessment)
        log.info(
            "assessment.reassessed", assessment_id=str(assessment.id), delta=after.payable - before.payable
        )
        return after.payable - before.payable
