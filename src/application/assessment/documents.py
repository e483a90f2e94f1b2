"""Notices and certificates (通知書・証明書) built from the record, recorded as events, re-renderable.

Each issued document is an event holding its printable model (sealed: it carries names and addresses),
what kind it is, to whom, and which version of the assessment it reflects. Rendering is a pure function
of the model (adapters.documents.pdf), so a document re-renders byte-for-byte from its event.

Document ids are deterministic (assessment × kind × assessment version), so issuing the same notice for
the same version twice records it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from application.app import JuminzeiApplication
from application.assessment import load_assessment
from application.ports import CertificateSigner
from domain.assessment.assessment import Assessment
from domain.assessment.values import AssessmentStatus, CollectionMethod, LevyAmounts
from domain.documents import barcode, el_qr
from domain.documents.models import (
    DOCUMENT_MODELS,
    Addressee,
    AmountLine,
    CalculationBasis,
    CertificateModel,
    CertificateSubject,
    ChangeNoticeModel,
    DunningNoticeModel,
    EmployeeSpecialCollectionModel,
    EmployerSpecialCollectionModel,
    InstallmentChange,
    InstallmentSlip,
    Issuer,
    NonResidentNoticeModel,
    SpecialCollectionRow,
    TaxAmounts,
    TaxNoticeModel,
)
from domain.employers.employer import Employer, employer_id
from domain.shared.events import CommandContext, DomainError
from domain.shared.ids import deterministic_id
from domain.taxpayer.model import Taxpayer

#: The issuing ward (configuration; Meguro ward from the seed document).
DEFAULT_ISSUER = Issuer(
    municipality_code="131105",
    municipality_name="目黒区",
    head="目黒区長",
    department="区民部 税務課",
    address="東京都目黒区上目黒二丁目19番15号",
    phone="03-3715-1111",
)
#: 請求書発行企業コード on CVS slips (assigned by the 収納代行会社; configuration).
DEFAULT_CVS_COMPANY_CODE = "912345"
#: 収納機関番号 in the eL-QR / eL番号 (assigned by eLTAX / 地方税共同機構; configuration, placeholder value).
DEFAULT_ELTAX_COLLECTOR_CODE = "13110"

TAX_NOTICE = "納税通知書"
REISSUED_SLIP = "再発行納付書"
CHANGE_NOTICE = "税額変更通知書"
EMPLOYEE_NOTICE = "特別徴収税額決定通知書（納税義務者用）"
CERTIFICATE = "課税・非課税証明書"
DUNNING_NOTICE = "督促状"
#: 指定期限 on a 督促状: the 10th day after issue, after which 差押 is possible (地方税法 第331条第1項第1号).
DUNNING_PAY_BY_DAYS = 10
NON_RESIDENT_NOTICE = "住登外課税通知（他団体通知）"

_MODEL_TYPES = {cls.__name__: cls for cls in DOCUMENT_MODELS}


def notice_number(address_number: str, fiscal_year: int) -> str:
    """通知書番号 (11 digits): 年度下2桁 + 宛名番号 (right-aligned, 9 digits)."""
    return f"{fiscal_year % 100:02d}{int(address_number) % 10**9:09d}"


def _slip_period(stored: dict[str, Any]) -> int | None:
    """The 期別 of the slip in a stored 再発行納付書 or 督促状 model."""
    data = stored["data"]
    if stored["type"] == DunningNoticeModel.__name__:
        return int(data["period"])
    installments = data.get("installments") or [{}]
    period = installments[0].get("period")
    return None if period is None else int(period)


def taxes_from(amounts: LevyAmounts) -> TaxAmounts:
    return TaxAmounts(
        municipal_per_capita=amounts.municipal_per_capita,
        municipal_income_levy=amounts.municipal_income_levy,
        prefectural_per_capita=amounts.prefectural_per_capita,
        prefectural_income_levy=amounts.prefectural_income_levy,
        forest_environment_tax=amounts.forest_environment_tax,
    )


def special_collection_taxes(amounts: LevyAmounts, special_total: int) -> TaxAmounts:
    """The part of the tax collected by 特別徴収 when a share goes to 普通徴収 (非給与所得分).

    均等割 and 森林環境税 stay with 特別徴収; the 所得割 part is what remains, split between 特別区民税 and
    都民税 in the ratio of their levies (6:4 by default)."""
    full = taxes_from(amounts)
    if special_total == full.total:
        return full
    income_part = (
        special_total - full.municipal_per_capita - full.prefectural_per_capita - full.forest_environment_tax
    )
    levy_total = full.municipal_income_levy + full.prefectural_income_levy
    municipal = income_part * full.municipal_income_levy // levy_total if levy_total else 0
    return TaxAmounts(
        municipal_per_capita=full.municipal_per_capita,
        municipal_income_levy=municipal,
        prefectural_per_capita=full.prefectural_per_capita,
        prefectural_income_levy=income_part - municipal,
        forest_environment_tax=full.forest_environment_tax,
    )


_INCOME_LABELS = {"salary_income": "給与所得", "public_pension_income": "公的年金等に係る雑所得"}
_DEDUCTION_LABELS = {
    "social_insurance": "社会保険料控除",
    "small_business_mutual_aid": "小規模企業共済等掛金控除",
    "life_insurance": "生命保険料控除",
    "earthquake_insurance": "地震保険料控除",
    "medical_expenses": "医療費控除",
    "spouse": "配偶者控除",
    "spouse_special": "配偶者特別控除",
    "dependents": "扶養控除",
    "specific_relative": "特定親族特別控除",
    "disability": "障害者控除",
    "widow": "寡婦控除",
    "single_parent": "ひとり親控除",
    "working_student": "勤労学生控除",
    "basic": "基礎控除",
    "casualty_loss": "雑損控除",
}
_CREDITS = (
    "adjustment_credit",
    "dividend_credit",
    "housing_loan_credit",
    "donation_credit",
    "flat_reduction",
)


_INPUT_INCOME_LABELS = {
    "business": "事業所得",
    "real_estate": "不動産所得",
    "dividend_comprehensive": "配当所得",
    "miscellaneous": "雑所得（その他）",
    "miscellaneous_business": "雑所得（業務）",
}


def basis_from(computation: dict[str, Any], tax_input: dict[str, Any] | None = None) -> CalculationBasis:
    """算出の内訳 from a recorded computation (and the input, for incomes the engine takes as 所得)."""
    income = computation["income"]
    deductions = computation["deductions"]
    given = (tax_input or {}).get("income", {})
    extra = tuple(AmountLine(label, given[k]) for k, label in _INPUT_INCOME_LABELS.items() if given.get(k))
    return CalculationBasis(
        total_income=income["total_income"],
        total_deductions=deductions["total"],
        taxable_income=computation["taxable_income"],
        municipal_tax_credits=sum(computation["municipal"][k] for k in _CREDITS),
        prefectural_tax_credits=sum(computation["prefectural"][k] for k in _CREDITS),
        income_lines=tuple(
            AmountLine(label, income[k]) for k, label in _INCOME_LABELS.items() if income.get(k)
        )
        + extra,
        deduction_lines=tuple(
            AmountLine(_DEDUCTION_LABELS.get(k, k), v) for k, v in deductions["items"].items() if v
        ),
    )


@dataclass(frozen=True)
class IssuedDocument:
    document_id: str
    kind: str
    model: Any
    verification_code: str | None = None
    already_issued: bool = False


class DocumentService:
    def __init__(
        self,
        app: JuminzeiApplication,
        signer: CertificateSigner,
        issuer: Issuer = DEFAULT_ISSUER,
        cvs_company_code: str = DEFAULT_CVS_COMPANY_CODE,
        eltax_collector_code: str = DEFAULT_ELTAX_COLLECTOR_CODE,
    ) -> None:
        self.app = app
        self.signer = signer
        self.issuer = issuer
        self.cvs_company_code = cvs_company_code
        self.eltax_collector_code = eltax_collector_code

    # -- helpers --------------------------------------------------------------------------------
    def _load(self, address_number: str, fiscal_year: int) -> tuple[Assessment, Taxpayer]:
        assessment = load_assessment(self.app, address_number, fiscal_year)
        taxpayer: Taxpayer = self.app.require(
            assessment.taxpayer_id, f"宛名番号 {address_number} の{fiscal_year}年度の賦課がありません。"
        )
        return assessment, taxpayer

    @staticmethod
    def _addressee(taxpayer: Taxpayer) -> Addressee:
        return Addressee(postal_code="", address=str(taxpayer.address), name=str(taxpayer.name))

    def _record(
        self,
        assessment: Assessment,
        kind: str,
        model: Any,
        recipient: str,
        ctx: CommandContext,
        code: str | None = None,
    ) -> IssuedDocument:
        document_id = str(
            deterministic_id(
                "document",
                str(assessment.id),
                kind,
                str(assessment.levy_version),
                model.issue_date.isoformat(),
            )
        )
        if document_id in assessment.documents:
            stored = self.model_of(document_id, assessment.id)
            return IssuedDocument(
                document_id, kind, stored, getattr(stored, "verification_code", None) or None, True
            )
        _record(assessment, kind, document_id, model, ctx, recipient=recipient, code=code)
        self.app.save(assessment)
        return IssuedDocument(document_id, kind, model, code)

    def model_of(self, document_id: str, assessment: UUID) -> Any:
        """The printable model of an issued document, from its event (for byte-identical re-rendering)."""
        for event in self.app.events.get(assessment):
            if isinstance(event, Assessment.DocumentIssued) and event.document_id == document_id:
                stored = event.model
                if not isinstance(stored, dict):
                    raise DomainError("この文書の内容は消去済みです（保存期間経過）。", code="erased")
                return _MODEL_TYPES[stored["type"]].from_dict(stored["data"])
        raise DomainError(f"文書 {document_id} の発行記録がありません。", code="not_found")

    # -- documents ------------------------------------------------------------------------------
    def tax_notice(
        self, address_number: str, fiscal_year: int, issue_date: date, ctx: CommandContext
    ) -> IssuedDocument:
        """納税通知書 (地方税法 第319条の2) with 普通徴収 slips and CVS barcodes."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        if assessment.status is not AssessmentStatus.LEVIED:
            raise DomainError("課税されていない賦課には納税通知書を発行できません。", code="not_levied")
        number = notice_number(address_number, fiscal_year)
        slips = []
        ordinary = [
            i for i in assessment.installments if i.method is CollectionMethod.ORDINARY and i.due_date
        ]
        for period, line in enumerate(ordinary, start=1):
            assert line.due_date is not None
            code = self._slip_code(number, fiscal_year, period, line.due_date, line.amount)
            qr = self._slip_qr(number, fiscal_year, period, line.due_date, line.amount, 0)
            slips.append(InstallmentSlip(period, line.label, line.amount, line.due_date, code, qr))
        model = self._tax_notice(
            assessment, taxpayer, address_number, issue_date, tuple(slips), tuple(assessment.notes)
        )
        return self._record(assessment, TAX_NOTICE, model, "納税義務者", ctx)

    def reissue_slip(
        self,
        address_number: str,
        fiscal_year: int,
        period: int,
        new_due_date: date,
        issue_date: date,
        outstanding: int,
        late_fee: int,
        ctx: CommandContext,
    ) -> IssuedDocument:
        """再発行納付書: one slip for what is still unpaid, a new due date, the 再発行区分 digit incremented
        (1 for the first reissue …), and the 延滞金 to that date shown separately (paid on its own)."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        if outstanding <= 0:
            raise DomainError("この期別は完納されています。再発行の必要はありません。", code="paid")
        reissue = self._next_reissue(assessment, period)
        number = notice_number(address_number, fiscal_year)
        code = self._slip_code(number, fiscal_year, period, new_due_date, outstanding, reissue)
        qr = self._slip_qr(number, fiscal_year, period, new_due_date, outstanding, reissue)
        model = self._tax_notice(
            assessment,
            taxpayer,
            address_number,
            issue_date,
            (
                InstallmentSlip(
                    period, f"第{period}期（再発行{reissue}）", outstanding, new_due_date, code, qr
                ),
            ),
            (
                f"再発行納付書（第{reissue}回）: 新しい納期限 {new_due_date.isoformat()}",
                f"延滞金 {late_fee:,}円（{new_due_date.isoformat()}まで。本税とは別に納付してください）",
            ),
        )
        document_id = str(
            deterministic_id("document", str(assessment.id), REISSUED_SLIP, str(period), str(reissue))
        )
        _record(assessment, REISSUED_SLIP, document_id, model, ctx)
        self.app.save(assessment)
        return IssuedDocument(document_id, REISSUED_SLIP, model)

    def _tax_notice(
        self,
        assessment: Assessment,
        taxpayer: Taxpayer,
        address_number: str,
        issue_date: date,
        slips: tuple[InstallmentSlip, ...],
        notes: tuple[str, ...],
    ) -> TaxNoticeModel:
        """納税通知書 (or 再発行納付書) of ``assessment`` with these 納付書 and notes."""
        return TaxNoticeModel(
            fiscal_year=assessment.fiscal_year,
            issue_date=issue_date,
            notice_number=notice_number(address_number, assessment.fiscal_year),
            taxpayer_number=address_number,
            addressee=self._addressee(taxpayer),
            issuer=self.issuer,
            taxes=taxes_from(assessment.amounts),
            basis=basis_from(assessment.computation, assessment.tax_input),
            installments=slips,
            notes=notes,
        )

    def _slip_code(
        self, number: str, fiscal_year: int, period: int, deadline: date, amount: int, reissue: int = 0
    ) -> str | None:
        """The コンビニ barcode of a slip (``reissue``: its 再発行区分), or None when nothing is due or
        above the CVS amount limit."""
        if not 0 < amount <= barcode.MAX_AMOUNT:
            return None
        return barcode.compose(
            company_code=self.cvs_company_code,
            fiscal_year=fiscal_year,
            notice_number=number,
            period=period,
            payment_deadline=deadline,
            amount=amount,
            reissue=reissue,
        )

    def _slip_qr(
        self, number: str, fiscal_year: int, period: int, due_date: date, amount: int, reissue: int
    ) -> str | None:
        """The eL-QR payload of a slip (ADR 0025), or None when nothing is due."""
        if amount <= 0:
            return None
        payment = el_qr.PaymentNumber(fiscal_year, number, period, reissue)
        issuer = self.issuer.municipality_code
        return el_qr.ElQr(issuer, self.eltax_collector_code, payment, due_date, amount).payload()

    def _next_reissue(self, assessment: Assessment, period: int) -> int:
        """再発行区分 for a new slip of ``period``: 1 + the slips already reissued for it (再発行納付書 and
        督促状 both carry one), at most 9."""
        previous = [
            e
            for e in self.app.events.get(assessment.id)
            if isinstance(e, Assessment.DocumentIssued)
            and e.document_kind in (REISSUED_SLIP, DUNNING_NOTICE)
            and isinstance(e.model, dict)
            and _slip_period(e.model) == period
        ]
        return min(len(previous) + 1, 9)

    def dunning_notice(
        self,
        assessment: Assessment,
        *,
        period: int,
        label: str,
        original_due_date: date,
        unpaid_tax: int,
        late_fee: int,
        issue_date: date,
        ctx: CommandContext,
    ) -> IssuedDocument:
        """督促状 (地方税法 第329条) for one unpaid 期別, recorded on ``assessment`` but **not saved**: the caller
        saves it with the ledger's ``DunningIssued`` so the 督促 and its document commit together."""
        taxpayer: Taxpayer = self.app.repository.get(assessment.taxpayer_id)
        number = notice_number(taxpayer.address_number, assessment.fiscal_year)
        pay_by = issue_date + timedelta(days=DUNNING_PAY_BY_DAYS)
        reissue = self._next_reissue(assessment, period)
        code = self._slip_code(number, assessment.fiscal_year, period, pay_by, unpaid_tax, reissue)
        qr = self._slip_qr(number, assessment.fiscal_year, period, pay_by, unpaid_tax, reissue)
        model = DunningNoticeModel(
            fiscal_year=assessment.fiscal_year,
            issue_date=issue_date,
            notice_number=number,
            taxpayer_number=taxpayer.address_number,
            addressee=self._addressee(taxpayer),
            issuer=self.issuer,
            period=period,
            label=label,
            original_due_date=original_due_date,
            unpaid_tax=unpaid_tax,
            late_fee=late_fee,
            pay_by=pay_by,
            slip=InstallmentSlip(period, f"{label}（督促）", unpaid_tax, pay_by, code, qr),
        )
        document_id = str(deterministic_id("document", str(assessment.id), DUNNING_NOTICE, str(period)))
        _record(assessment, DUNNING_NOTICE, document_id, model, ctx)
        return IssuedDocument(document_id, DUNNING_NOTICE, model)

    def change_notice(
        self, address_number: str, fiscal_year: int, issue_date: date, ctx: CommandContext
    ) -> IssuedDocument:
        """税額変更通知書 after the latest 更正 or granted 減免 (the per-tax amounts and the installments before
        and after; for a 減免 the taxes stay and the installments fall by the amount granted)."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        events = [
            e
            for e in self.app.events.get(assessment.id)
            if isinstance(e, Assessment.Reassessed)
            or (isinstance(e, Assessment.ReductionDecided) and e.granted)
        ]
        if not events:
            raise DomainError("更正または減免の記録がありません。", code="no_reassessment")
        last = events[-1]
        before: Assessment = self.app.repository.get(assessment.id, version=last.originator_version - 1)
        if isinstance(last, Assessment.Reassessed):
            reason, taxes_before, taxes_after = last.reason, taxes_from(last.before), taxes_from(last.after)
        else:
            reason = f"減免（{last.amount:,}円）: {last.reason}"
            taxes_before, taxes_after = taxes_from(before.amounts), taxes_from(last.amounts)
        before_lines, after_lines = before.installments, assessment.installments
        changes = []
        for i in range(max(len(before_lines), len(after_lines))):
            b = before_lines[i] if i < len(before_lines) else None
            a = after_lines[i] if i < len(after_lines) else None
            line = a or b
            assert line is not None  # i is below the longer list's length
            changes.append(
                InstallmentChange(line.label, line.due_date, b.amount if b else 0, a.amount if a else 0)
            )
        model = ChangeNoticeModel(
            fiscal_year=fiscal_year,
            issue_date=issue_date,
            notice_number=notice_number(address_number, fiscal_year),
            taxpayer_number=address_number,
            addressee=self._addressee(taxpayer),
            issuer=self.issuer,
            collection_method=assessment.method.value,
            reason=reason,
            before=taxes_before,
            after=taxes_after,
            basis=basis_from(assessment.computation, assessment.tax_input),
            installment_changes=tuple(changes),
        )
        return self._record(assessment, CHANGE_NOTICE, model, "納税義務者", ctx)

    def employee_notice(
        self, address_number: str, fiscal_year: int, issue_date: date, ctx: CommandContext
    ) -> IssuedDocument:
        """特別徴収税額決定通知書（納税義務者用）(地方税法 第321条の4第2項)."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        monthly = tuple(i.amount for i in assessment.installments if i.method is CollectionMethod.SALARY)
        if len(monthly) != 12:
            raise DomainError("給与特別徴収（12か月）の賦課ではありません。", code="not_salary")
        model = EmployeeSpecialCollectionModel(
            fiscal_year=fiscal_year,
            issue_date=issue_date,
            notice_number=notice_number(address_number, fiscal_year),
            taxpayer_number=address_number,
            employee_number="",
            employee=self._addressee(taxpayer),
            employer_name="",
            employer_number=assessment.collector or "",
            issuer=self.issuer,
            taxes=special_collection_taxes(assessment.amounts, sum(monthly)),
            basis=basis_from(assessment.computation, assessment.tax_input),
            monthly=monthly,
        )
        return self._record(assessment, EMPLOYEE_NOTICE, model, "納税義務者（特別徴収義務者経由）", ctx)

    def certificate(
        self,
        address_number: str,
        fiscal_year: int,
        issue_date: date,
        ctx: CommandContext,
        purpose: str = "",
        recipient: str = "本人",
    ) -> IssuedDocument:
        """課税証明書 / 非課税証明書 (地方税法 第20条の10) with a verification code (``recipient``: the channel,
        e.g. 本人（コンビニ交付）, recorded on the DocumentIssued event)."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        if assessment.status is AssessmentStatus.CANCELLED:
            raise DomainError("取り消された賦課の証明書は発行できません。", code="cancelled")
        taxable = assessment.amounts.total > 0
        draft = CertificateModel(
            kind="taxable" if taxable else "non_taxable",
            certificate_number=f"C{notice_number(address_number, fiscal_year)}-{assessment.levy_version:03d}",
            fiscal_year=fiscal_year,
            issue_date=issue_date,
            issuer=self.issuer,
            subject=CertificateSubject(
                name=str(taxpayer.name),
                address=str(taxpayer.address),
                birth_date=taxpayer.birth_date if isinstance(taxpayer.birth_date, date) else None,
            ),
            basis=basis_from(assessment.computation, assessment.tax_input),
            taxes=taxes_from(assessment.amounts) if taxable else None,
            purpose=purpose,
        )
        model = self.signer.sign(draft)
        return self._record(assessment, CERTIFICATE, model, recipient, ctx, code=model.verification_code)

    def employer_notice(
        self,
        designation_number: str,
        fiscal_year: int,
        assessment_ids: list[UUID],
        issue_date: date,
        ctx: CommandContext,
    ) -> IssuedDocument:
        """特別徴収税額決定通知書（特別徴収義務者用）: one row per employee, the June–May table."""
        employer: Employer = self.app.require(
            employer_id(designation_number), f"特別徴収義務者 {designation_number} は登録されていません。"
        )
        rows = []
        refs = []
        for aid in sorted(assessment_ids):
            assessment: Assessment = self.app.repository.get(aid)
            monthly = tuple(
                i.amount
                for i in assessment.installments
                if i.method is CollectionMethod.SALARY and i.payer == designation_number
            )
            if len(monthly) != 12:
                continue
            taxpayer: Taxpayer = self.app.repository.get(assessment.taxpayer_id)
            t = special_collection_taxes(assessment.amounts, sum(monthly))
            rows.append(
                SpecialCollectionRow(
                    employee_number="",
                    taxpayer_number=taxpayer.address_number,
                    name=str(taxpayer.name),
                    municipal_tax=t.municipal_total,
                    prefectural_tax=t.prefectural_total,
                    forest_environment_tax=t.forest_environment_tax,
                    monthly=monthly,
                )
            )
            refs.append((str(aid), assessment.levy_version))
        if not rows:
            raise DomainError("この特別徴収義務者の給与特別徴収の賦課がありません。", code="no_rows")
        model = EmployerSpecialCollectionModel(
            fiscal_year=fiscal_year,
            issue_date=issue_date,
            notice_number=f"{fiscal_year % 100:02d}{designation_number[-9:]:0>9}",
            issuer=self.issuer,
            employer=Addressee(
                postal_code="", address=str(employer.address), name=str(employer.name), honorific="御中"
            ),
            employer_number=designation_number,
            rows=tuple(rows),
        )
        document_id = str(
            deterministic_id(
                "document", "employer", designation_number, str(fiscal_year), *(f"{a}:{v}" for a, v in refs)
            )
        )
        recorded = employer.record_notice(
            document_id=document_id,
            fiscal_year=fiscal_year,
            model=_stored_form(model),
            assessment_refs=tuple(refs),
            ctx=ctx,
        )
        if recorded:
            self.app.save(employer)
        return IssuedDocument(
            document_id, "特別徴収税額決定通知書（特別徴収義務者用）", model, None, not recorded
        )

    def non_resident_notice(
        self,
        address_number: str,
        fiscal_year: int,
        issue_date: date,
        recipient_code: str,
        recipient_name: str,
        registered_address: str,
        ctx: CommandContext,
    ) -> IssuedDocument:
        """住登外課税の通知 to the municipality of registration (他団体通知)."""
        assessment, taxpayer = self._load(address_number, fiscal_year)
        model = NonResidentNoticeModel(
            fiscal_year=fiscal_year,
            issue_date=issue_date,
            notice_number=notice_number(address_number, fiscal_year),
            issuer=self.issuer,
            recipient=Addressee(postal_code="", address="", name=recipient_name, honorific="様"),
            recipient_municipality_code=recipient_code,
            taxpayer_number=address_number,
            subject_name=str(taxpayer.name),
            subject_kana=str(taxpayer.kana),
            subject_birth_date=taxpayer.birth_date if isinstance(taxpayer.birth_date, date) else None,
            registered_address=registered_address,
            address_in_ward=str(taxpayer.address),
            reason="1月1日現在、当区に事務所・家屋敷を有するため",
            taxes=taxes_from(assessment.amounts),
        )
        return self._record(assessment, NON_RESIDENT_NOTICE, model, recipient_name, ctx)


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str
    document_id: str | None = None
    kind: str | None = None
    current: bool | None = None


def verify_certificate(service: DocumentService, lookup: Any, code: str) -> Verification:
    """証明書の真正性確認: find the certificate by its code and check the code against the recorded model."""
    typed = service.signer.normalise(code)
    found = lookup.document_by_code(typed)
    if found is None:
        return Verification(False, "この確認コードの証明書は発行されていません。")
    model = service.model_of(found["document_id"], UUID(found["assessment_id"]))
    if not service.signer.verify(model, code):
        return Verification(
            False, "確認コードが証明書の内容と一致しません。", found["document_id"], found["kind"]
        )
    assessment: Assessment = service.app.repository.get(UUID(found["assessment_id"]))
    current = not any(
        isinstance(e, Assessment.Reassessed | Assessment.Cancelled | Assessment.ReductionDecided)
        for e in service.app.events.get(assessment.id, gt=found["event_version"])
    )
    reason = "有効な証明書です。" if current else "発行時点では有効でしたが、その後に税額が変更されています。"
    return Verification(True, reason, found["document_id"], found["kind"], current)


def _stored_form(model: Any) -> dict[str, Any]:
    """A printable model as a document event stores it (re-rendered byte for byte from it later)."""
    return {"type": type(model).__name__, "data": model.to_dict()}


def _record(
    assessment: Assessment,
    kind: str,
    document_id: str,
    model: Any,
    ctx: CommandContext,
    *,
    recipient: str = "納税義務者",
    code: str | None = None,
) -> None:
    """Record an issued document on its assessment (the event the document's verification rests on)."""
    assessment.record_document(
        document_kind=kind,
        document_id=document_id,
        model=_stored_form(model),
        recipient=recipient,
        verification_code=code,
        ctx=ctx,
    )
