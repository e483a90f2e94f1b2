"""Document models: exactly what a printed notice or certificate shows (DESIGN §9, ADR 0007).

Frozen dataclasses, integer yen, ``datetime.date``, plain strings. The issuing event stores
``model.to_dict()`` (JSON-safe: ints, strs, bools, null, ISO dates, lists, objects) and the document can
be re-rendered byte for byte later from ``Model.from_dict(d)``; the round trip is exact. Models carry no
computation: whoever builds them (the assessment code) decides every printed figure; ``__post_init__``
only rejects internally inconsistent models (e.g. monthly amounts that do not add up to the 年税額).

Legal bases (article numbers as quoted in the project's notes; [M] = from general knowledge, unverified
against e-Gov):

* 納税通知書 (普通徴収): 地方税法 第319条の2 (普通徴収の手続), 第1条第1項第6号 (納税通知書), 第41条 (道府県民税
  = 都民税 collected together with the 市町村民税 = 特別区民税) [M]; 森林環境税 collected with 均等割 under
  森林環境税及び森林環境譲与税に関する法律 [V per docs/tax-rules.md A.9].
* 特別徴収税額決定通知書: 地方税法 第321条の4 第1項 (to the 特別徴収義務者) and 第2項 (納税義務者用, passed on
  by the employer) (formats.md §4.4 [C]); 月割 per 第321条の5 and 第20条の4の2第6項.
* 税額変更通知書: 更正 within 第17条の5 (期間制限) [M], notified like the original notice (第319条の2 /
  特別徴収 第321条の6) [M].
* 課税証明書・非課税証明書: 地方税法 第20条の10 (証明書の交付) and 施行令 第6条の21 [M].
* 住登外課税の通知 (他団体通知): 地方税法 第294条第3項 (課税) and 第4項 (notice to the 市町村長 where the
  person is recorded in the 住民基本台帳) [M]; seed PIA ⑨ (区で住登外課税した者の住民登録している他地方公共
  団体に対し、区で課税した旨の通知を送信する).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.documents import barcode as cvs
from domain.documents import el_qr
from domain.taxrules.serde import Serde

#: 特別徴収 months in print order: June of the 年度 … May of the next year (地方税法第321条の5).
SPECIAL_COLLECTION_MONTHS: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)


def _non_negative(obj: object, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if value < 0:
            raise ValueError(f"{type(obj).__name__}.{name} must be ≥ 0: {value}")


@dataclass(frozen=True)
class Issuer(Serde):
    """発行者: the ward (差出人). ``head`` is printed as the issuing authority, e.g. 「目黒区長 青木 英二」.

    ``municipal_tax_name``/``prefectural_tax_name`` default to a Tokyo special ward's 特別区民税/都民税
    (市町村民税/道府県民税 elsewhere).
    """

    municipality_code: str  # 全国地方公共団体コード, 6 digits (e.g. 131105 目黒区)
    municipality_name: str  # 目黒区
    head: str  # 目黒区長 ○○ ○○
    department: str  # 区民部 税務課 課税係
    address: str
    phone: str
    municipal_tax_name: str = "特別区民税"
    prefectural_tax_name: str = "都民税"


@dataclass(frozen=True)
class Addressee(Serde):
    """宛先 (送付先): postal code, address and name as printed in the window of the envelope."""

    postal_code: str  # 7 digits or 「123-4567」, printed as 〒123-4567
    address: str
    name: str
    honorific: str = "様"

    @property
    def postal_code_text(self) -> str:
        digits = self.postal_code.replace("-", "")
        return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else self.postal_code


@dataclass(frozen=True)
class AmountLine(Serde):
    """One labelled amount (e.g. 給与収入 / 給与所得 / 社会保険料控除) as printed in a breakdown."""

    label: str
    amount: int


@dataclass(frozen=True)
class TaxAmounts(Serde):
    """税額: 特別区民税・都民税 の 均等割額・所得割額 and 森林環境税 (国税, collected with 均等割).

    Amounts are after credits and truncation, i.e. the figures that are levied.
    """

    municipal_per_capita: int  # 特別区民税 均等割額
    municipal_income_levy: int  # 特別区民税 所得割額
    prefectural_per_capita: int  # 都民税 均等割額
    prefectural_income_levy: int  # 都民税 所得割額
    forest_environment_tax: int  # 森林環境税

    def __post_init__(self) -> None:
        _non_negative(
            self,
            "municipal_per_capita",
            "municipal_income_levy",
            "prefectural_per_capita",
            "prefectural_income_levy",
            "forest_environment_tax",
        )

    @property
    def municipal_total(self) -> int:
        return self.municipal_per_capita + self.municipal_income_levy

    @property
    def prefectural_total(self) -> int:
        return self.prefectural_per_capita + self.prefectural_income_levy

    @property
    def total(self) -> int:
        """合計 (年税額)."""
        return self.municipal_total + self.prefectural_total + self.forest_environment_tax


@dataclass(frozen=True)
class CalculationBasis(Serde):
    """算出の内訳: 総所得金額等, 所得控除合計, 課税標準額 and 税額控除 per tax.

    ``income_lines``/``deduction_lines`` optionally itemise the totals (e.g. 給与収入, 給与所得; 社会保険料
    控除, 基礎控除); when given they are printed as they are (no arithmetic is implied — e.g. 給与収入 is
    shown next to 給与所得).
    """

    total_income: int  # 総所得金額等
    total_deductions: int  # 所得控除合計
    taxable_income: int  # 課税標準額 (総所得金額等 − 所得控除, 1,000円未満切捨て)
    municipal_tax_credits: int  # 税額控除 (特別区民税): 調整控除・配当控除・住宅借入金・寄附金 …
    prefectural_tax_credits: int  # 税額控除 (都民税)
    income_lines: tuple[AmountLine, ...] = ()
    deduction_lines: tuple[AmountLine, ...] = ()

    def __post_init__(self) -> None:
        _non_negative(
            self,
            "total_income",
            "total_deductions",
            "taxable_income",
            "municipal_tax_credits",
            "prefectural_tax_credits",
        )


@dataclass(frozen=True)
class InstallmentSlip(Serde):
    """納付書 (one 期別 of 普通徴収): 期別, amount, 納期限, the コンビニ barcode (44 digits) if any and the eL-QR.

    ``barcode`` is ``None`` when the slip cannot be paid at a convenience store (amount above the
    6-digit field / the aggregator's limit); the slip then says so. When present it must be a valid
    code (formats.md §3.2) whose 支払金額 equals ``amount``. ``el_qr`` (any amount ≥ 1 yen: eL-QR banks and
    地方税お支払サイト have no CVS limit) must agree with the slip's amount, 納期限 and 期別 (ADR 0025).
    """

    period: int  # 1..4 (第1期〜第4期); 0 = 随時
    label: str  # 「第1期」
    amount: int
    due_date: date  # 納期限
    barcode: str | None = None
    el_qr: str | None = (
        None  # 地方税統一QRコード payload (domain.documents.el_qr); None on slips issued before it
    )

    def __post_init__(self) -> None:
        _non_negative(self, "amount", "period")
        if self.barcode is not None:
            parts = cvs.CvsBarcode.parse(self.barcode)  # raises ValueError if malformed
            if parts.amount != self.amount:
                raise ValueError("barcode amount differs from the slip amount")
        if self.el_qr is not None:
            qr = el_qr.parse(self.el_qr)  # raises ValueError if malformed
            if (qr.amount, qr.due_date, qr.payment_number.period) != (
                self.amount,
                self.due_date,
                self.period,
            ):
                raise ValueError("eL-QR amount, 納期限 or 期別 differs from the slip")

    @property
    def el_number(self) -> str | None:
        """The printed eL番号 (納付書番号) of the slip's eL-QR, if it has one."""
        return None if self.el_qr is None else el_qr.parse(self.el_qr).el_number

    @property
    def cvs_deadline(self) -> date | None:
        """コンビニ取扱期限 read from the barcode (``None``: no barcode or no limit)."""
        return None if self.barcode is None else cvs.CvsBarcode.parse(self.barcode).payment_deadline


@dataclass(frozen=True)
class TaxNoticeModel(Serde):
    """納税通知書 (普通徴収) with its 納付書 — 地方税法 第319条の2.

    ``installments`` are the 普通徴収 期別 (normally 第1期〜第4期). Their sum may be less than
    ``taxes.total`` when part of the tax is collected by 特別徴収; the difference is printed as such.
    """

    fiscal_year: int  # 年度
    issue_date: date  # 通知日 (also the PDF creation date)
    notice_number: str  # 通知書番号
    taxpayer_number: str  # 宛名番号
    addressee: Addressee
    issuer: Issuer
    taxes: TaxAmounts
    basis: CalculationBasis
    installments: tuple[InstallmentSlip, ...]
    notes: tuple[str, ...] = ()  # 摘要 / お知らせ

    def __post_init__(self) -> None:
        if not self.installments:
            raise ValueError("a 普通徴収 notice needs at least one installment")
        if self.ordinary_collection_total > self.taxes.total:
            raise ValueError("installments exceed the annual tax")

    @property
    def ordinary_collection_total(self) -> int:
        """普通徴収税額 (sum of the installments)."""
        return sum(s.amount for s in self.installments)


@dataclass(frozen=True)
class SpecialCollectionRow(Serde):
    """特別徴収 one employee: 年税額 per tax and the 12 月割額 June–May (地方税法 第321条の4・第321条の5)."""

    employee_number: str  # 受給者番号 (the employer's own id; may be "")
    taxpayer_number: str  # 宛名番号
    name: str  # 氏名
    municipal_tax: int  # 特別区民税 年税額
    prefectural_tax: int  # 都民税 年税額
    forest_environment_tax: int  # 森林環境税
    monthly: tuple[int, ...]  # 月割額, June … May (12)

    def __post_init__(self) -> None:
        _non_negative(self, "municipal_tax", "prefectural_tax", "forest_environment_tax")
        if len(self.monthly) != 12 or any(m < 0 for m in self.monthly):
            raise ValueError("monthly must hold 12 non-negative amounts (June … May)")
        if sum(self.monthly) != self.annual_tax:
            raise ValueError(f"monthly amounts of {self.taxpayer_number} do not add up to the annual tax")

    @property
    def annual_tax(self) -> int:
        """年税額 (特別区民税 + 都民税 + 森林環境税)."""
        return self.municipal_tax + self.prefectural_tax + self.forest_environment_tax


@dataclass(frozen=True)
class EmployerSpecialCollectionModel(Serde):
    """特別徴収税額決定通知書 (特別徴収義務者用) — 地方税法 第321条の4 第1項. One per employer."""

    fiscal_year: int
    issue_date: date
    notice_number: str
    issuer: Issuer
    employer: Addressee  # 特別徴収義務者 (name, address) as addressed
    employer_number: str  # 特別徴収義務者指定番号
    rows: tuple[SpecialCollectionRow, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.rows:
            raise ValueError("an employer notice needs at least one employee row")

    @property
    def monthly_totals(self) -> tuple[int, ...]:
        """月別 合計 (all employees), June … May."""
        return tuple(sum(r.monthly[i] for r in self.rows) for i in range(12))

    @property
    def annual_total(self) -> int:
        return sum(r.annual_tax for r in self.rows)


@dataclass(frozen=True)
class EmployeeSpecialCollectionModel(Serde):
    """特別徴収税額決定通知書 (納税義務者用) — 地方税法 第321条の4 第2項, handed over by the employer."""

    fiscal_year: int
    issue_date: date
    notice_number: str
    taxpayer_number: str  # 宛名番号
    employee_number: str  # 受給者番号
    employee: Addressee  # 納税義務者 (address on 1 January, name)
    employer_name: str  # 特別徴収義務者 名称
    employer_number: str  # 特別徴収義務者指定番号
    issuer: Issuer
    taxes: TaxAmounts
    basis: CalculationBasis
    monthly: tuple[int, ...]  # 月割額 June … May

    def __post_init__(self) -> None:
        if len(self.monthly) != 12 or any(m < 0 for m in self.monthly):
            raise ValueError("monthly must hold 12 non-negative amounts (June … May)")
        if sum(self.monthly) != self.taxes.total:
            raise ValueError("monthly amounts do not add up to the annual tax")


@dataclass(frozen=True)
class InstallmentChange(Serde):
    """One 期別 before and after a 更正 (``due_date`` None for 特別徴収 months without a 納期限)."""

    label: str  # 「第2期」 or 「7月」
    due_date: date | None
    before: int
    after: int

    def __post_init__(self) -> None:
        _non_negative(self, "before", "after")

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ChangeNoticeModel(Serde):
    """税額変更通知書 (更正の通知): before / after / 差引 per tax, reason, and the new installments.

    Basis: 更正 under 地方税法 第17条の5 (期間制限) notified like the original 納税通知書 (第319条の2) [M].
    ``slips`` are new 納付書 for what remains to pay (empty when nothing is due or for 特別徴収).
    """

    fiscal_year: int
    issue_date: date
    notice_number: str
    taxpayer_number: str
    addressee: Addressee
    issuer: Issuer
    collection_method: str  # 徴収方法: 「普通徴収」「特別徴収」…
    reason: str  # 変更理由 (e.g. 「所得の修正申告による更正」)
    before: TaxAmounts
    after: TaxAmounts
    basis: CalculationBasis | None  # 算出の内訳 after the change, if printed
    installment_changes: tuple[InstallmentChange, ...]
    slips: tuple[InstallmentSlip, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def delta_total(self) -> int:
        """差引 合計 (positive: additional tax; negative: 減額)."""
        return self.after.total - self.before.total


CERTIFICATE_KINDS = ("taxable", "non_taxable")


@dataclass(frozen=True)
class CertificateSubject(Serde):
    """証明を受ける者: name, address (on 1 January of the 年度) and birth date as printed."""

    name: str
    address: str
    birth_date: date | None = None


@dataclass(frozen=True)
class CertificateModel(Serde):
    """課税証明書 / 非課税証明書 — 地方税法 第20条の10 (証明書の交付).

    ``kind`` is ``"taxable"`` (課税証明書: incomes, deductions and taxes) or ``"non_taxable"``
    (非課税証明書: incomes, and the statement that no 特別区民税・都民税 is levied; ``taxes`` is None).

    ``verification_code`` is the keyed code printed on the certificate (adapters.documents.verification:
    HMAC-SHA256 over :func:`domain.documents.verification.certificate_payload`, which covers every other
    field). It is empty in the draft the code is computed from; renderers refuse an empty code.
    """

    kind: str
    certificate_number: str  # 証明書番号 (the look-up key for verification)
    fiscal_year: int  # 年度 (income year = fiscal_year − 1)
    issue_date: date  # 発行日
    issuer: Issuer
    subject: CertificateSubject
    basis: CalculationBasis
    taxes: TaxAmounts | None
    purpose: str = ""  # 使用目的 (printed if given)
    remarks: tuple[str, ...] = ()  # 備考 (e.g. 扶養人数)
    verification_code: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CERTIFICATE_KINDS:
            raise ValueError(f"kind must be one of {CERTIFICATE_KINDS}")
        if (self.kind == "taxable") != (self.taxes is not None):
            raise ValueError("a taxable certificate needs taxes; a non-taxable one must not have them")
        if self.taxes is not None and self.taxes.total == 0:
            raise ValueError("zero tax: issue a non-taxable certificate")

    @property
    def title(self) -> str:
        return "課税証明書" if self.kind == "taxable" else "非課税証明書"

    @property
    def income_year(self) -> int:
        return self.fiscal_year - 1


@dataclass(frozen=True)
class NonResidentNoticeModel(Serde):
    """住登外課税の通知 (他団体通知) to the municipality where the person is in the 住民基本台帳.

    Basis: 地方税法 第294条第3項・第4項 [M] (see the module docstring).
    """

    fiscal_year: int
    issue_date: date
    notice_number: str
    issuer: Issuer
    recipient: Addressee  # e.g. name 「○○市長」, honorific 「様」 or 「殿」
    recipient_municipality_code: str
    taxpayer_number: str  # our 宛名番号 (住登外者宛名番号)
    subject_name: str
    subject_kana: str
    subject_birth_date: date | None
    registered_address: str  # 住民票上の住所 (in the recipient municipality)
    address_in_ward: str  # 当区における住所・居所 (1月1日現在)
    reason: str  # 課税の理由 (e.g. 「1月1日現在、当区に居住の実態があるため」)
    taxes: TaxAmounts
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class DunningNoticeModel(Serde):
    """督促状 — 地方税法 第329条第1項 (特別区民税・都民税の督促: 納期限後20日以内に発付).

    One per unpaid 普通徴収 期別: the 本税 still unpaid, the 延滞金 to the issue date (第326条; it keeps
    running until payment), the 指定期限 (``pay_by``) and a 納付書 for the 本税. The notice states that
    差押 may follow if the tax is not paid by the 10th day after issue (第331条第1項第1号).
    """

    fiscal_year: int
    issue_date: date  # 発付日
    notice_number: str  # 通知書番号
    taxpayer_number: str  # 宛名番号
    addressee: Addressee
    issuer: Issuer
    period: int  # 期別
    label: str  # 「第1期」
    original_due_date: date  # 本来の納期限
    unpaid_tax: int  # 未納本税
    late_fee: int  # 延滞金 (発付日現在)
    pay_by: date  # 指定期限
    slip: InstallmentSlip

    def __post_init__(self) -> None:
        _non_negative(self, "unpaid_tax", "late_fee", "period")
        if self.unpaid_tax <= 0:
            raise ValueError("a 督促状 is only for unpaid tax")
        if self.issue_date <= self.original_due_date:
            raise ValueError("a 督促状 is issued after the 納期限")
        if self.pay_by < self.issue_date:
            raise ValueError("the 指定期限 is on or after the issue date")
        if self.slip.amount != self.unpaid_tax:
            raise ValueError("the slip pays the unpaid 本税")


DOCUMENT_MODELS: tuple[type[Serde], ...] = (
    TaxNoticeModel,
    EmployerSpecialCollectionModel,
    EmployeeSpecialCollectionModel,
    ChangeNoticeModel,
    CertificateModel,
    NonResidentNoticeModel,
    DunningNoticeModel,
)
