"""Intake record types (課税資料・宛名・他課連携).

Frozen dataclasses, standard library only. All money is ``int`` yen. Legal dates are
``date``. Personal values (個人番号, 氏名, カナ, 住所, 生年月日) are carried here only
between parsing and the importer, which moves the 個人番号 into the vault and encrypts
the rest (DESIGN §6); they never go into events or logs as plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.intake.values import (
    AssistanceKind,
    ChangeReason,
    CollectionMethod,
    Dependent,
    DisabilityCertificate,
    DisabilityClass,
    DisabilitySelf,
    DonationKind,
    RegistrationKind,
    Sex,
    SubmissionKind,
)


@dataclass(frozen=True, slots=True)
class ResidentRecord:
    """住民記録 (宛名) 異動 row — our import format (docs/formats/resident-registry.md).

    Basis: 住民基本台帳法第7条 (記載事項), 地方税法第294条第1項 (1月1日 住所地課税),
    第294条第2項〜第3項 (住登外者 / 家屋敷課税).
    """

    address_number: str  # 宛名番号
    individual_number: str | None  # 個人番号 (12 digits; vault only)
    name: str  # 氏名
    kana: str  # カナ氏名 (full-width katakana)
    sex: Sex
    birth_date: date
    address: str
    address_code: str  # 住所コード (our 町丁 code)
    household_number: str  # 世帯番号
    relationship: str  # 続柄 (世帯主との続柄, as printed on 住民票)
    change_reason: ChangeReason  # 異動事由
    change_date: date  # 異動日
    registration: RegistrationKind = RegistrationKind.RESIDENT  # 住登区分


@dataclass(frozen=True, slots=True)
class Employer:
    """特別徴収義務者 (地方税法第321条の4) as kept in our employer file."""

    designation_number: str  # 指定番号
    corporate_number: str | None  # 法人番号 (13 digits, check digit first); None for 個人事業主
    name: str
    kana: str
    address: str
    postal_code: str
    phone: str
    contact_department: str  # 担当部署 (no personal name)
    email: str


@dataclass(frozen=True, slots=True)
class SalaryReport:
    """給与支払報告書（個人別明細書）, 法定資料の種類 315 (地方税法第317条の6第1項)."""

    tax_year: int  # 年分 (Western year of the income)
    submission_kind: SubmissionKind  # 提出区分
    destination_code: str  # 提出先市町村コード
    designation_number: str | None  # 指定番号
    employer_corporate_number: str | None  # 法人番号
    employer_name: str
    employer_address: str
    employer_phone: str | None
    recipient_number: str | None  # 受給者番号
    individual_number: str | None  # 受給者の個人番号
    name: str
    kana: str
    birth_date: date
    address: str
    payment_kind: str  # 種別 (給料・賞与 etc.)
    payment_amount: int  # 支払金額
    income_after_deduction: int  # 給与所得控除後の給与等の金額
    total_deductions: int  # 所得控除の額の合計額
    withholding_tax: int  # 源泉徴収税額
    spouse_deduction: int  # 配偶者(特別)控除の額
    specified_dependents: int  # 控除対象扶養親族の数 特定
    elderly_dependents: int  # 控除対象扶養親族の数 老人
    other_dependents: int  # 控除対象扶養親族の数 その他
    under16_dependents: int  # 16歳未満扶養親族の数
    special_disabled: int  # 障害者の数 特別障害者
    other_disabled: int  # 障害者の数 その他
    social_insurance: int  # 社会保険料等の金額
    small_business_mutual_aid: int  # 上の内訳 小規模企業共済等掛金
    life_insurance_deduction: int  # 生命保険料の控除額
    earthquake_insurance_deduction: int  # 地震保険料の控除額
    housing_loan_credit: int  # 住宅借入金等特別控除等の額
    spouse_income: int | None  # 配偶者の合計所得
    basic_deduction: int | None  # 基礎控除の額
    self_disability: DisabilitySelf
    widow: bool  # 寡婦
    single_parent: bool  # ひとり親
    working_student: bool  # 勤労学生
    joined_on: date | None  # 中途就職 年月日
    left_on: date | None  # 中途退職 年月日 (mid-year leaver)
    remarks: str  # 摘要
    dependents: tuple[Dependent, ...]
    ordinary_collection: bool  # 普通徴収
    layout_version: str  # descriptor id used to parse/write


@dataclass(frozen=True, slots=True)
class PensionReport:
    """公的年金等支払報告書, 法定資料の種類 331 (地方税法第317条の6第4項)."""

    tax_year: int
    submission_kind: SubmissionKind
    destination_code: str
    designation_number: str | None
    payer_corporate_number: str | None
    payer_name: str
    payer_address: str
    recipient_number: str | None
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    address: str
    payment_amount: int  # 支払金額 (sum of 所得税法第203条の3 各号)
    withholding_tax: int
    social_insurance: int
    spouse_present: bool  # 控除対象配偶者の有無
    elderly_dependents: int
    other_dependents: int
    specified_dependents: int
    under16_dependents: int
    self_disability: DisabilitySelf
    widow: bool
    remarks: str
    dependents: tuple[Dependent, ...]
    layout_version: str


@dataclass(frozen=True, slots=True)
class Donation:
    """寄附金 detail from 第二表 (寄附先 and amount)."""

    kind: DonationKind
    recipient: str
    amount: int


@dataclass(frozen=True, slots=True)
class TaxReturn:
    """所得税及び復興特別所得税の確定申告書 (e-Tax KOA020) as received via 国税連携
    (地方税法第317条の3, 所得税法第120条)."""

    tax_year: int  # 年分
    etax_user_id: str | None  # 利用者識別番号
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    address: str
    address_code: str | None
    jan1_address: str  # 1月1日の住所
    jan1_address_code: str | None  # decides the taxing municipality
    # 収入金額等
    business_revenue: int
    real_estate_revenue: int
    dividend_revenue: int
    salary_revenue: int
    pension_revenue: int
    # 所得金額等
    business_income: int
    real_estate_income: int
    interest_income: int
    dividend_income: int
    salary_income: int
    pension_income: int
    misc_income: int
    total_income: int  # 合計
    # 所得から差し引かれる金額
    social_insurance_deduction: int
    life_insurance_deduction: int
    earthquake_insurance_deduction: int
    medical_deduction: int
    donation_deduction: int
    spouse_deduction: int
    dependent_deduction: int
    basic_deduction: int
    total_deductions: int
    taxable_income: int
    withholding_tax: int
    # 住民税に関する事項
    collection_method: CollectionMethod | None
    dividend_tax_credit: int  # 配当割額控除額
    stock_transfer_tax_credit: int  # 株式等譲渡所得割額控除額
    furusato_donation: int  # 都道府県・市区町村への寄附
    community_chest_donation: int  # 共同募金会・日赤
    prefecture_ordinance_donation: int
    municipality_ordinance_donation: int
    donations: tuple[Donation, ...]
    form_version: str  # KOA020 VR


@dataclass(frozen=True, slots=True)
class FurusatoNotice:
    """寄附金税額控除に係る申告特例通知書 (地方税法附則第7条, one-stop notice) — our CSV."""

    notice_number: str
    sender_code: str  # 通知元団体コード (6 digits)
    sender_name: str
    tax_year: int  # 寄附年 (年分)
    donation_date: date
    amount: int
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    address: str
    sex: Sex | None


@dataclass(frozen=True, slots=True)
class PublicAssistanceRecord:
    """生活保護 受給状況 (生活福祉課 feed, our CSV). Basis for 均等割・所得割 非課税
    (地方税法第295条第1項第1号: 生活扶助を受けている者)."""

    address_number: str
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    case_number: str  # ケース番号
    assistance_kind: AssistanceKind
    start_date: date
    end_date: date | None  # 廃止日 (None = continuing)


@dataclass(frozen=True, slots=True)
class DisabilityRecord:
    """障害者手帳 交付状況 (障害者支援課 feed, our CSV)."""

    address_number: str
    individual_number: str | None
    name: str
    kana: str
    birth_date: date
    certificate: DisabilityCertificate
    grade: str  # 等級 / 度 as printed on the 手帳 (e.g. "1級", "3度")
    issued_on: date
    returned_on: date | None  # 返還日
    classification: DisabilityClass
