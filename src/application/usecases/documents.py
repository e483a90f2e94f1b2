"""帳票の発行: 課税・非課税証明書 (地方税法 第20条の10), 納税通知書 (第319条の2), 税額変更通知書, 特別徴収税額決定通知書
(第321条の4), 再発行納付書 with 延滞金 (第326条), 住登外課税の通知, and verifying a certificate's code.

Each issuance is recorded on the assessment (``DocumentIssued``) before the document exists; re-rendering
from the record is byte-for-byte identical. Rendering to PDF is the entry point's (an adapter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, Protocol
from uuid import UUID

from application.app import JuminzeiApplication
from application.assessment.documents import DocumentService, IssuedDocument, Verification, verify_certificate
from application.read_rows import DocumentRow, EmployerListRow
from application.usecases.base import Call, Command, InvalidCommandError, Query, UseCases
from domain.assessment.assessment import assessment_id
from domain.collection.ledger import ledger_id
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id
from domain.taxrules.late_fee import compute_late_fee


class DocumentLedger(Protocol):
    """The issued-documents part of the 課税台帳 read model."""

    def document(self, document_id: str) -> DocumentRow | None: ...

    def document_by_code(self, normalised_code: str) -> DocumentRow | None: ...

    def employer_list(self, fiscal_year: int) -> list[EmployerListRow]: ...

    def assessments_collected_by(self, designation_number: str, fiscal_year: int) -> list[UUID]: ...


@dataclass(frozen=True)
class IssueCertificate(Command[IssuedDocument]):
    """課税証明書 / 非課税証明書 with a verification code."""

    purpose: ClassVar[Purpose] = Purpose.CERTIFICATE
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    issue_date: date
    use: str = ""


NoticeKind = Literal["tax", "change", "employee"]
_NOTICES: dict[str, tuple[str, Purpose]] = {
    "tax": ("tax_notice", Purpose.INITIAL_LEVY),  # 納税通知書（普通徴収）
    "change": ("change_notice", Purpose.CORRECTION),  # 税額変更通知書 (after 更正)
    "employee": ("employee_notice", Purpose.INITIAL_LEVY),  # 特別徴収税額決定通知書（納税義務者用）
}


@dataclass(frozen=True)
class IssueNotice(Command[IssuedDocument]):
    """A per-taxpayer notice: 納税通知書, 税額変更通知書 or 特別徴収税額決定通知書（納税義務者用）."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY
    reads_read_models: ClassVar[bool] = False

    kind: NoticeKind
    address_number: str
    fiscal_year: int
    issue_date: date

    def declared_purpose(self) -> Purpose:
        return _NOTICES[self.kind][1]


@dataclass(frozen=True)
class ReissueSlip(Command[IssuedDocument]):
    """再発行納付書: the unpaid amount of one 期別, a new due date, the 延滞金 to that date shown apart."""

    purpose: ClassVar[Purpose] = Purpose.COLLECTION
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    period: int
    due_date: date
    issue_date: date


@dataclass(frozen=True)
class IssueNonResidentNotice(Command[IssuedDocument]):
    """住登外課税の通知 (他団体通知) to the municipality where the person is registered."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    issue_date: date
    to_code: str
    to_name: str
    registered_address: str


@dataclass(frozen=True)
class EmployerNotice:
    designation_number: str
    document: IssuedDocument


@dataclass(frozen=True)
class IssueEmployerNotices(Command[list[EmployerNotice]]):
    """特別徴収税額決定通知書（特別徴収義務者用）, one per 指定番号 in the 年度's 特別徴収義務者別一覧."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY

    fiscal_year: int
    issue_date: date
    #: Only these 指定番号 (default: every 特別徴収義務者 of the 年度).
    designation_numbers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class VerifyCertificate(Query[Verification]):
    """証明書の真正性確認 by its verification code (no personal data is returned)."""

    purpose: ClassVar[Purpose] = Purpose.CERTIFICATE

    code: str


@dataclass(frozen=True)
class IssuedDocumentModel(Query[Any]):
    """The printable model of an issued document, from its record (for re-rendering)."""

    purpose: ClassVar[Purpose] = Purpose.OPERATIONS

    document_id: str


class DocumentHandlers:
    def __init__(self, app: JuminzeiApplication, documents: DocumentService, ledger: DocumentLedger) -> None:
        self._app = app
        self._documents = documents
        self._ledger = ledger

    def certificate(self, command: IssueCertificate, call: Call) -> IssuedDocument:
        return self._documents.certificate(
            command.address_number, command.fiscal_year, command.issue_date, call.context, command.use
        )

    def notice(self, command: IssueNotice, call: Call) -> IssuedDocument:
        issue = getattr(self._documents, _NOTICES[command.kind][0])
        issued: IssuedDocument = issue(
            command.address_number, command.fiscal_year, command.issue_date, call.context
        )
        return issued

    def reissue(self, command: ReissueSlip, call: Call) -> IssuedDocument:
        lid = ledger_id(assessment_id(taxpayer_id(command.address_number), command.fiscal_year))
        if lid not in self._app.repository:
            raise DomainError(
                f"宛名番号 {command.address_number} の{command.fiscal_year}年度の収納台帳がありません"
                "（ledger open を先に）。",
                code="no_ledger",
            )
        ledger: Any = self._app.repository.get(lid)
        charge = next((ch for ch in ledger.charges if ch.period == command.period), None)
        if charge is None or charge.due_date is None:
            raise InvalidCommandError(f"第{command.period}期の調定がありません。", field="period")
        outstanding = ledger.tax_outstanding(command.period)
        # 延滞金 (地方税法 第326条) from the original 納期限 to the new one, shown on the slip and paid apart.
        fee = compute_late_fee(outstanding, charge.due_date, command.due_date).late_fee if outstanding else 0
        return self._documents.reissue_slip(
            command.address_number,
            command.fiscal_year,
            command.period,
            command.due_date,
            command.issue_date,
            outstanding,
            fee,
            call.context,
        )

    def non_resident(self, command: IssueNonResidentNotice, call: Call) -> IssuedDocument:
        return self._documents.non_resident_notice(
            command.address_number,
            command.fiscal_year,
            command.issue_date,
            command.to_code,
            command.to_name,
            command.registered_address,
            call.context,
        )

    def employers(self, command: IssueEmployerNotices, call: Call) -> list[EmployerNotice]:
        issued: list[EmployerNotice] = []
        for employer in self._ledger.employer_list(command.fiscal_year):
            number = employer["designation_number"]
            if command.designation_numbers is not None and number not in command.designation_numbers:
                continue
            ids = self._ledger.assessments_collected_by(number, command.fiscal_year)
            doc = self._documents.employer_notice(
                number, command.fiscal_year, ids, command.issue_date, call.context
            )
            issued.append(EmployerNotice(number, doc))
        return issued

    def verify(self, query: VerifyCertificate, call: Call) -> Verification:
        return verify_certificate(self._documents, self._ledger, query.code)

    def model(self, query: IssuedDocumentModel, call: Call) -> Any:
        found = self._ledger.document(query.document_id)
        if found is None:
            raise DomainError(f"文書 {query.document_id} の発行記録がありません。", code="not_found")
        return self._documents.model_of(query.document_id, UUID(found["assessment_id"]))


def register(bus: UseCases, handlers: DocumentHandlers) -> None:
    bus.register_handlers(handlers)
