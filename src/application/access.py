"""One access policy for every entry point: the use-case bus authorises each message (ADR 0023).

``MESSAGE_ACTIONS`` maps every bus message class to an action of the policy catalogue
(``domain.staff.policy.ACTIONS``); a test checks that no message is missing, so the table cannot go stale.
``AccessPolicy`` is the bus's ``Authorizer``: for the principal (a verified staff session or job credential,
from the CLI, the HTTP API or the worker) it loads the grants *as they are now* — so a revoked or expired
grant or credential stops at the next request, not the next sign-in — and asks the same ``decide`` the HTTP
routes use. Every decision is logged with its decision id; an allowed call runs with the decision id as its
command id (so every event and access-journal entry it writes carries it); a refusal is journaled as an
``AccessRecord.AccessDenied`` event (shown by ``audit access``) and raises ``DomainError(code="forbidden")``
before the handler runs, so a refused read returns nothing.

Principals of kind ``system`` (the process applying events to its read models) may run only
``SYSTEM_MESSAGES``, which read and record nothing attributable to a person. Principals of kind
``development`` (the HTTP API's development tokens, ``JUMINZEI_API_TOKENS``, accepted only with
``JUMINZEI_ALLOW_DEV_TOKENS=true``) are decided like the enrolled staff member the token names — their live
grants, refusals journaled — so no principal passes without a decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import structlog

from application.usecases import assessments as a
from application.usecases import collection as col
from application.usecases import compliance as comp
from application.usecases import contracts as con
from application.usecases import convenience as cvs
from application.usecases import documents as doc
from application.usecases import images as img
from application.usecases import inquiries as inq
from application.usecases import inspection as insp
from application.usecases import intake as ink
from application.usecases import integrated_address as ia
from application.usecases import intermediate as mid
from application.usecases import juki as jk
from application.usecases import levy as lev
from application.usecases import migration as mig
from application.usecases import operations as ops
from application.usecases import provisions as prov
from application.usecases import registry as reg
from application.usecases import reports as rep
from application.usecases.base import Message, Principal
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.staff.policy import ACTIONS, Decision, Resource

log = structlog.get_logger(__name__)

#: Messages that read and record nothing attributable to a person; any principal may run them.
SYSTEM_MESSAGES: frozenset[type[Message[Any]]] = frozenset({ops.CatchUpReadModels, doc.VerifyCertificate})

#: Every other bus message → its policy action.
MESSAGE_ACTIONS: Mapping[type[Message[Any]], str] = {
    # 宛名 (registry)
    reg.RegisterTaxpayerCommand: "taxpayer.register",
    reg.SearchTaxpayers: "taxpayer.search",
    reg.ResidenceOnLevyDate: "taxpayer.view",
    reg.RevealIndividualNumber: "individual_number.reveal",
    reg.ShowTaxpayerFile: "taxpayer.view",
    mig.MigrateLegacy: "registry.migrate",
    # 団体内統合宛名番号 and the 中間サーバー
    ia.IssueIntegratedAddress: "integrated_address.manage",
    ia.AttachAddressNumber: "integrated_address.manage",
    ia.MergeIntegratedAddresses: "integrated_address.manage",
    ia.SplitIntegratedAddress: "integrated_address.manage",
    ia.ShowIntegratedAddress: "integrated_address.view",
    mid.SyncIntermediateCopies: "intermediate.sync",
    mid.ProvideFromCopies: "intermediate.provide",
    mid.InquireIntermediate: "intermediate.inquire",
    mid.SelfInformation: "intermediate.provide",
    # 住基ネット 本人確認 (Sys9, ⑪)
    jk.QueryJukiFourItems: "juki.query",
    jk.QueryJukiNumber: "juki.query_number",
    jk.ConfirmFilingIdentity: "juki.confirm",
    # 課税資料イメージ管理 (Sys8)
    img.AttachFilingImage: "filing_image.attach",
    img.ShowFilingImage: "filing_image.view",
    # コンビニ交付 (⑫)
    cvs.AnswerConvenienceRequests: "certificate.convenience",
    # 課税資料 (intake)
    ink.IntakeStatus: "intake.view",
    ink.QueueItems: "intake.view",
    ink.DependentOverlaps: "intake.view",
    ink.ForwardingExport: "intake.view",
    ink.ImportFile: "file.import",
    ink.ImportReceived: "file.import",
    ink.MatchFiling: "intake.import",
    ink.RegisterNonResident: "intake.import",
    ink.ForwardFiling: "intake.import",
    ink.KeyResidentReturn: "intake.import",
    # 賦課 (levy and changes)
    lev.RunLevy: "levy.run",
    lev.ReassessChanged: "assessment.correct",
    a.ShowAssessment: "assessment.view",
    a.EmployerListQuery: "assessment.view",
    a.SwitchCollectionMethod: "assessment.correct",
    a.CancelAssessment: "assessment.correct",
    a.ApplyReduction: "assessment.reduce",
    a.DecideReduction: "assessment.reduce",
    a.LevyTotalsQuery: "statistics.report",
    rep.TaxStatusSurvey: "statistics.report",
    rep.EucAggregate: "statistics.report",
    # 帳票 (documents)
    doc.IssueCertificate: "certificate.issue",
    doc.IssueNotice: "notice.issue",
    doc.ReissueSlip: "notice.issue",
    doc.IssueNonResidentNotice: "notice.issue",
    doc.IssueEmployerNotices: "notice.issue",
    doc.IssuedDocumentModel: "document.render",
    # 収納 (collection)
    col.OpenLedgers: "payment.post",
    col.ReconcilePayments: "payment.post",
    col.ResolveSuspense: "payment.post",
    col.DebitRequests: "payment.post",
    col.AssessLateFees: "payment.post",
    col.IssueDunning: "payment.post",
    col.CloseYear: "payment.post",
    col.ImportDebitResult: "payment.post",
    col.CollectionTotals: "collection.view",
    col.SuspenseList: "collection.view",
    col.PaymentStatus: "collection.view",
    col.ArrearsList: "collection.view",
    col.DailyReceipts: "collection.view",
    col.SettleOverpayments: "refund.determine",
    col.RefundReturned: "refund.determine",
    col.PayRefunds: "refund.determine",
    # 問合せ (inquiries)
    inq.RecordInquiry: "inquiry.record",
    inq.AddInquiryStep: "inquiry.record",
    inq.EscalateInquiry: "inquiry.record",
    inq.CloseInquiry: "inquiry.record",
    inq.ShowInquiry: "inquiry.view",
    inq.InquiryList: "inquiry.view",
    inq.InquiryReport: "statistics.report",
    # 監査 (inspection, compliance)
    insp.ReplayAggregate: "audit.history",
    insp.ExplainAssessment: "audit.history",
    insp.AccessHistory: "audit.access",
    insp.ProvisionRecords: "audit.access",
    insp.CompileDisclosure: "disclosure.respond",
    comp.AnomalyReport: "audit.anomalies",
    comp.ReviewFinding: "audit.review_finding",
    # 委託 (contracts)
    con.RegisterContract: "contract.manage",
    con.AssignContractWorker: "contract.manage",
    con.RecordReturn: "contract.handover",
    con.ConfirmErasure: "contract.manage",
    con.HandOver: "contract.handover",
    con.OpenHandover: "contract.open_handover",
    con.ContractReport: "contract.report",
    # 提供 (provision, exports)
    prov.TransferOutbox: "provision.view",
    prov.ProvisionList: "provision.view",
    prov.DeliverTransfers: "provision.deliver",
    prov.Provide: "provision.provide",
    prov.RequestExport: "export.request",
    prov.ApproveExport: "export.approve",
    prov.ExportRequests: "export.approve",
    prov.RunExport: "export.run",
    # 運用 (operations)
    ops.RunRetention: "operations.retention",
    ops.PlaceRetentionHold: "operations.retention",
    ops.ReleaseRetentionHold: "operations.retention",
    ops.DrainReplicaJournal: "operations.replica",
    ops.TakeBackup: "operations.backup",
}


def action_of(message_type: type[Message[Any]]) -> str | None:
    """The policy action of a message type (None: a system message); unknown types raise ``KeyError``."""
    if message_type in SYSTEM_MESSAGES:
        return None
    return MESSAGE_ACTIONS[message_type]


class AccessPolicy:
    """The bus's ``Authorizer`` over the staff registry (``StaffService``) and its application."""

    def __init__(self, staff: Any, clock: Callable[[], datetime]) -> None:
        self._staff = staff
        self._clock = clock

    def __call__(self, principal: Principal, message: Message[Any], /) -> str | None:
        """Decide; return the decision id of an allowed call (None for system messages)."""
        kind = type(message)
        if kind in SYSTEM_MESSAGES:
            return None
        action = MESSAGE_ACTIONS.get(kind)
        return self.check(principal, action or kind.__name__, message.declared_purpose())

    def check(self, principal: Principal, action: str, purpose: Purpose) -> str:
        """Decide ``action`` for ``principal`` (also for commands outside the bus, e.g. key rotation);
        journal a refusal and raise, or return the decision id."""
        if action not in ACTIONS:
            decision_id = str(uuid.uuid4())
            self.journal_refusal(principal, purpose, action, decision_id, ("F-UNKNOWN-ACTION",))
            raise DomainError("定義されていない操作です。", code="forbidden")
        now = self._clock()
        who = self._staff.policy_principal(principal.actor, principal.kind, now, terminal=principal.terminal)
        decision: Decision = self._staff.authorize(
            who, action, Resource(kind=action.split(".")[0]), purpose, now
        )
        if decision.allowed:
            return decision.decision_id
        self.journal_refusal(principal, purpose, action, decision.decision_id, decision.matched_rules)
        needed = "・".join(sorted(r.value for r in ACTIONS[action].roles))
        raise DomainError(
            f"この操作は許可されていません（判断ID {decision.decision_id}）: {decision.reason}"
            f"（必要な役割: {needed}）",
            code="forbidden",
        )

    def journal_refusal(
        self,
        principal: Principal,
        purpose: Purpose,
        action: str,
        decision_id: str,
        rules: tuple[str, ...],
    ) -> None:
        """Journal a refusal (``AccessRecord.AccessDenied``, shown by ``audit access``) and log it; also
        for decisions taken outside the bus (the HTTP route policy)."""
        ctx = CommandContext(
            actor=principal.actor,
            purpose=purpose,
            command_id=f"{principal.terminal}:{decision_id}",
            source_ref=f"issued-by:{principal.issued_by}" if principal.issued_by else None,
            terminal=principal.terminal,
        )
        record = AccessRecord.record_denial(action=action, decision_id=decision_id, rules=rules, ctx=ctx)
        self._staff.app.save(record)
        log.warning(
            "access.denied",
            decision_id=decision_id,
            actor=principal.actor,
            kind=principal.kind,
            action=action,
            rules=list(rules),
        )
