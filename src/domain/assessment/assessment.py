"""Assessment aggregate (賦課): one per taxpayer × 年度.

The levy event records the engine input snapshot, the full computation with its trace, the rule-set
version and the ids of the source filings (DESIGN §5), so ``audit explain`` can re-run it years later.
Input and computation are sealed under the taxpayer's key for that 年度 (they hold birth dates and
family facts); the headline amounts stay in clear for the 課税台帳 and statistics.

Changes during the year are events too: 更正 (with reason, before/after and delta), 減免 (applied by one
clerk, decided by a different supervisor), switching 特別徴収 to 普通徴収 after 退職, cancellation, and
every issued document.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.assessment.values import AssessmentStatus, CollectionMethod, InstallmentLine, LevyAmounts
from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


def assessment_id(taxpayer: UUID, fiscal_year: int) -> UUID:
    return deterministic_id("assessment", str(taxpayer), str(fiscal_year))


def _require_installments_total(installments: tuple[InstallmentLine, ...], amounts: LevyAmounts) -> None:
    """The 期別 amounts must add up to what is payable (納付すべき税額)."""
    if sum(i.amount for i in installments) != amounts.payable:
        raise DomainError("期別税額の合計が年税額と一致しません。", code="installments_mismatch")


def _levied_or_non_taxable(amounts: LevyAmounts) -> AssessmentStatus:
    """課税 when any tax is levied, else 非課税 (never silence)."""
    return AssessmentStatus.LEVIED if amounts.total > 0 else AssessmentStatus.NON_TAXABLE


class Assessment(Aggregate):
    """賦課 (地方税法 第319条〜: 個人の市町村民税の賦課徴収)."""

    TOPIC = "juminzei.assessment.Assessment"

    class Event(AuditedEvent):
        """Events with personal fields carry ``taxpayer_id`` and ``fiscal_year`` and are sealed under the
        taxpayer's key for that 年度 (erasable year by year, DESIGN §6)."""

        def personal_subject(self) -> str:
            state = vars(self)
            return f"taxpayer:{state['taxpayer_id']}:{state['fiscal_year']}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.assessment.Assessment.Created"

    class Determined(Created):
        """当初賦課: levied, or determined non-taxable (非課税) — never silence."""

        TOPIC = "juminzei.assessment.Determined"
        PERSONAL_FIELDS = ("tax_input", "computation", "notes")
        taxpayer_id: UUID
        fiscal_year: int
        status: AssessmentStatus
        non_taxable_reason: str | None
        rule_set_id: str
        basis: str
        source_filing_ids: tuple[str, ...]
        tax_input: dict[str, Any]
        computation: dict[str, Any]
        notes: tuple[str, ...]
        amounts: LevyAmounts
        method: CollectionMethod
        collector: str | None
        installments: tuple[InstallmentLine, ...]

    class Reassessed(Event):
        """更正 (地方税法 第321条の3, 第17条の5): new computation, reason, before/after and delta."""

        TOPIC = "juminzei.assessment.Reassessed"
        PERSONAL_FIELDS = ("tax_input", "computation", "notes")
        fiscal_year: int
        taxpayer_id: UUID
        reason: str
        rule_set_id: str
        basis: str
        source_filing_ids: tuple[str, ...]
        tax_input: dict[str, Any]
        computation: dict[str, Any]
        notes: tuple[str, ...]
        before: LevyAmounts
        after: LevyAmounts
        delta: int
        status: AssessmentStatus
        method: CollectionMethod
        collector: str | None
        installments: tuple[InstallmentLine, ...]

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.rule_set_id = self.rule_set_id
            aggregate.basis = self.basis
            aggregate.source_filing_ids = self.source_filing_ids
            aggregate.tax_input = self.tax_input
            aggregate.computation = self.computation
            aggregate.amounts = self.after
            aggregate.status = self.status
            aggregate.method = self.method
            aggregate.collector = self.collector
            aggregate.installments = self.installments
            aggregate.corrections += 1
            aggregate.levy_version = self.originator_version

    class MethodSwitched(Event):
        """徴収方法の変更 (退職・異動届): remaining 特別徴収 months to 普通徴収 or 一括徴収."""

        TOPIC = "juminzei.assessment.MethodSwitched"
        reason: str
        effective: date
        method: CollectionMethod
        installments: tuple[InstallmentLine, ...]

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.method = self.method
            aggregate.installments = self.installments
            aggregate.levy_version = self.originator_version

    class ReductionApplied(Event):
        """減免申請 (地方税法 第323条, 区条例) entered by a clerk."""

        TOPIC = "juminzei.assessment.ReductionApplied"
        PERSONAL_FIELDS = ("grounds",)
        taxpayer_id: UUID
        fiscal_year: int
        kind: str
        grounds: str
        requested_amount: int

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.pending_reduction = (self.actor, self.kind, self.requested_amount)

    class ReductionDecided(Event):
        """減免の決定 by a supervisor who is not the clerk who entered the application."""

        TOPIC = "juminzei.assessment.ReductionDecided"
        granted: bool
        amount: int
        reason: str
        amounts: LevyAmounts
        installments: tuple[InstallmentLine, ...]

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.pending_reduction = None
            if self.granted:
                aggregate.amounts = self.amounts
                aggregate.installments = self.installments
                aggregate.levy_version = self.originator_version

    class Cancelled(Event):
        """賦課の取消 (e.g. 1月1日に住所がなかったことが判明): forwarded to the right municipality."""

        TOPIC = "juminzei.assessment.Cancelled"
        reason: str
        forwarded_to: str | None

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.status = AssessmentStatus.CANCELLED
            aggregate.installments = ()
            aggregate.levy_version = self.originator_version

    class DocumentIssued(Event):
        """通知書・証明書の発行: what, to whom, which version of the assessment; the model re-renders it."""

        TOPIC = "juminzei.assessment.DocumentIssued"
        PERSONAL_FIELDS = ("model",)
        document_kind: str
        document_id: str
        assessment_version: int
        model: dict[str, Any]
        recipient: str
        verification_code: str | None
        taxpayer_id: UUID
        fiscal_year: int

        def apply(self, aggregate: "Assessment") -> None:
            aggregate.documents = (*aggregate.documents, self.document_id)

    def __init__(
        self,
        taxpayer_id: UUID,
        fiscal_year: int,
        status: AssessmentStatus,
        non_taxable_reason: str | None,
        rule_set_id: str,
        basis: str,
        source_filing_ids: tuple[str, ...],
        tax_input: dict[str, Any],
        computation: dict[str, Any],
        notes: tuple[str, ...],
        amounts: LevyAmounts,
        method: CollectionMethod,
        collector: str | None,
        installments: tuple[InstallmentLine, ...],
        **_metadata: Any,
    ) -> None:
        self.taxpayer_id = taxpayer_id
        self.fiscal_year = fiscal_year
        self.status = status
        self.non_taxable_reason = non_taxable_reason
        self.rule_set_id = rule_set_id
        self.basis = basis
        self.source_filing_ids = source_filing_ids
        self.tax_input = tax_input
        self.computation = computation
        self.notes = notes
        self.amounts = amounts
        self.method = method
        self.collector = collector
        self.installments = installments
        self.pending_reduction: tuple[str, str, int] | None = None
        self.corrections = 0
        self.documents: tuple[str, ...] = ()
        #: Version of the last event that changed what is levied (documents do not count).
        self.levy_version = 1

    @classmethod
    def determine(
        cls,
        *,
        taxpayer_id: UUID,
        fiscal_year: int,
        non_taxable_reason: str | None,
        rule_set_id: str,
        basis: str,
        source_filing_ids: tuple[str, ...],
        tax_input: dict[str, Any],
        computation: dict[str, Any],
        notes: tuple[str, ...],
        amounts: LevyAmounts,
        method: CollectionMethod,
        collector: str | None,
        installments: tuple[InstallmentLine, ...],
        ctx: CommandContext,
    ) -> "Assessment":
        _require_installments_total(installments, amounts)
        status = _levied_or_non_taxable(amounts)
        return cls._create(
            cls.Determined,
            id=assessment_id(taxpayer_id, fiscal_year),
            taxpayer_id=taxpayer_id,
            fiscal_year=fiscal_year,
            status=status,
            non_taxable_reason=non_taxable_reason,
            rule_set_id=rule_set_id,
            basis=basis,
            source_filing_ids=source_filing_ids,
            tax_input=tax_input,
            computation=computation,
            notes=notes,
            amounts=amounts,
            method=method,
            collector=collector,
            installments=installments,
            **ctx.event_fields(),
        )

    def _ensure_active(self) -> None:
        if self.status is AssessmentStatus.CANCELLED:
            raise DomainError("取り消された賦課は変更できません。", code="cancelled")

    def reassess(
        self,
        *,
        reason: str,
        rule_set_id: str,
        basis: str,
        source_filing_ids: tuple[str, ...],
        tax_input: dict[str, Any],
        computation: dict[str, Any],
        notes: tuple[str, ...],
        after: LevyAmounts,
        method: CollectionMethod,
        collector: str | None,
        installments: tuple[InstallmentLine, ...],
        ctx: CommandContext,
    ) -> bool:
        """更正. Returns False (no event) when nothing the taxpayer owes or the record holds would change."""
        self._ensure_active()
        if not reason.strip():
            raise DomainError("更正の理由を入力してください。", code="missing_reason")
        _require_installments_total(installments, after)
        if (
            after == self.amounts
            and source_filing_ids == self.source_filing_ids
            and tax_input == self.tax_input
        ):
            return False
        self.trigger_event(
            self.Reassessed,
            fiscal_year=self.fiscal_year,
            taxpayer_id=self.taxpayer_id,
            reason=reason,
            rule_set_id=rule_set_id,
            basis=basis,
            source_filing_ids=source_filing_ids,
            tax_input=tax_input,
            computation=computation,
            notes=notes,
            before=self.amounts,
            after=after,
            delta=after.payable - self.amounts.payable,
            status=_levied_or_non_taxable(after),
            method=method,
            collector=collector,
            installments=installments,
            **ctx.event_fields(),
        )
        return True

    def switch_method(
        self,
        *,
        reason: str,
        effective: date,
        method: CollectionMethod,
        installments: tuple[InstallmentLine, ...],
        ctx: CommandContext,
    ) -> None:
        self._ensure_active()
        _require_installments_total(installments, self.amounts)
        self.trigger_event(
            self.MethodSwitched,
            reason=reason,
            effective=effective,
            method=method,
            installments=installments,
            **ctx.event_fields(),
        )

    def apply_reduction(self, *, kind: str, grounds: str, requested_amount: int, ctx: CommandContext) -> None:
        self._ensure_active()
        if self.pending_reduction is not None:
            raise DomainError("審査中の減免申請があります。", code="pending_reduction")
        if not 0 < requested_amount <= self.amounts.payable:
            raise DomainError(
                "減免申請額は1円以上、納付すべき税額以下で指定してください。", code="invalid_amount"
            )
        self.trigger_event(
            self.ReductionApplied,
            taxpayer_id=self.taxpayer_id,
            fiscal_year=self.fiscal_year,
            kind=kind,
            grounds=grounds,
            requested_amount=requested_amount,
            **ctx.event_fields(),
        )

    def decide_reduction(
        self,
        *,
        granted: bool,
        amount: int,
        reason: str,
        amounts: LevyAmounts,
        installments: tuple[InstallmentLine, ...],
        ctx: CommandContext,
    ) -> None:
        if self.pending_reduction is None:
            raise DomainError("審査中の減免申請がありません。", code="no_application")
        applicant_clerk = self.pending_reduction[0]
        if ctx.actor == applicant_clerk:
            raise DomainError(
                "減免の決定は、申請を受け付けた職員以外の所属長が行ってください。", code="same_person"
            )
        if granted:
            _require_installments_total(installments, amounts)
        self.trigger_event(
            self.ReductionDecided,
            granted=granted,
            amount=amount if granted else 0,
            reason=reason,
            amounts=amounts if granted else self.amounts,
            installments=installments if granted else self.installments,
            **ctx.event_fields(),
        )

    def cancel(self, *, reason: str, forwarded_to: str | None, ctx: CommandContext) -> None:
        self._ensure_active()
        self.trigger_event(self.Cancelled, reason=reason, forwarded_to=forwarded_to, **ctx.event_fields())

    def record_document(
        self,
        *,
        document_kind: str,
        document_id: str,
        model: dict[str, Any],
        recipient: str,
        verification_code: str | None,
        ctx: CommandContext,
    ) -> None:
        self.trigger_event(
            self.DocumentIssued,
            document_kind=document_kind,
            document_id=document_id,
            assessment_version=self.levy_version,
            model=model,
            recipient=recipient,
            verification_code=verification_code,
            taxpayer_id=self.taxpayer_id,
            fiscal_year=self.fiscal_year,
            **ctx.event_fields(),
        )
