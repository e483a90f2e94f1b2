"""Sample document models for the document tests (synthetic people, Meguro-like issuer)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.documents import barcode, el_qr
from domain.documents.models import (
    Addressee,
    AmountLine,
    CalculationBasis,
    CertificateModel,
    CertificateSubject,
    ChangeNoticeModel,
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

COMPANY_CODE = "912345"
COLLECTOR_CODE = "13110"  # 収納機関番号 (eL-QR)

ISSUER = Issuer(
    municipality_code="131105",
    municipality_name="目黒区",
    head="目黒区長　山田　一郎",
    department="区民部 税務課 課税係",
    address="東京都目黒区上目黒二丁目19番15号",
    phone="03-3715-1111",
)

ADDRESSEE = Addressee(
    postal_code="1538573", address="東京都目黒区上目黒二丁目1番1号 目黒ハイツ101", name="目黒　太郎"
)

# 年税額 123,400円 = 区 3,000 + 72,600 / 都 1,000 + 46,800? keep it simple and consistent:
TAXES = TaxAmounts(
    municipal_per_capita=3_000,
    municipal_income_levy=71_400,
    prefectural_per_capita=1_000,
    prefectural_income_levy=47_000,
    forest_environment_tax=1_000,
)  # total 123,400

BASIS = CalculationBasis(
    total_income=2_500_000,
    total_deductions=1_310_000,
    taxable_income=1_190_000,
    municipal_tax_credits=1_500,
    prefectural_tax_credits=1_000,
    income_lines=(AmountLine("給与収入", 3_800_000), AmountLine("給与所得", 2_500_000)),
    deduction_lines=(
        AmountLine("社会保険料控除", 550_000),
        AmountLine("基礎控除", 430_000),
        AmountLine("扶養控除", 330_000),
    ),
)

DUE = (date(2026, 6, 30), date(2026, 8, 31), date(2026, 10, 30), date(2027, 2, 1))
AMOUNTS = (31_400, 31_000, 31_000, 30_000)


def slip(
    period: int,
    amount: int,
    due: date,
    *,
    with_barcode: bool = True,
    with_qr: bool = True,
    notice_number: str = "26000012345",
    reissue: int = 0,
) -> InstallmentSlip:
    code = (
        barcode.compose(
            company_code=COMPANY_CODE,
            fiscal_year=2026,
            notice_number=notice_number,
            period=period,
            payment_deadline=due,
            amount=amount,
            reissue=reissue,
        )
        if with_barcode
        else None
    )
    payment = el_qr.PaymentNumber(2026, notice_number, period, reissue)
    qr = (
        el_qr.ElQr(ISSUER.municipality_code, COLLECTOR_CODE, payment, due, amount).payload()
        if with_qr
        else None
    )
    return InstallmentSlip(
        period=period, label=f"第{period}期", amount=amount, due_date=due, barcode=code, el_qr=qr
    )


def tax_notice() -> TaxNoticeModel:
    return TaxNoticeModel(
        fiscal_year=2026,
        issue_date=date(2026, 6, 10),
        notice_number="26000012345",
        taxpayer_number="000123456",
        addressee=ADDRESSEE,
        issuer=ISSUER,
        taxes=TAXES,
        basis=BASIS,
        installments=tuple(slip(i + 1, a, d) for i, (a, d) in enumerate(zip(AMOUNTS, DUE, strict=True))),
        notes=("口座振替を利用されている方は、納期限の日に指定口座から振り替えます。",),
    )


def _monthly(annual: int) -> tuple[int, ...]:
    each = annual // 12 // 100 * 100
    return (annual - each * 11,) + (each,) * 11


def employee_row(i: int) -> SpecialCollectionRow:
    municipal = 60_000 + i * 1_200
    prefectural = 40_000 + i * 800
    annual = municipal + prefectural + 1_000
    return SpecialCollectionRow(
        employee_number=f"E{i:05d}",
        taxpayer_number=f"{100000 + i:09d}",
        name=f"社員　{i}号",
        municipal_tax=municipal,
        prefectural_tax=prefectural,
        forest_environment_tax=1_000,
        monthly=_monthly(annual),
    )


def employer_notice(rows: int = 3) -> EmployerSpecialCollectionModel:
    return EmployerSpecialCollectionModel(
        fiscal_year=2026,
        issue_date=date(2026, 5, 15),
        notice_number="T2600000042",
        issuer=ISSUER,
        employer=Addressee(
            postal_code="153-0061",
            address="東京都目黒区中目黒一丁目2番3号",
            name="株式会社　目黒商事",
            honorific="御中",
        ),
        employer_number="00012345",
        rows=tuple(employee_row(i) for i in range(1, rows + 1)),
        notes=("納期の特例の承認を受けている場合は、6月から11月分を12月10日までに納入してください。",),
    )


def employee_notice() -> EmployeeSpecialCollectionModel:
    return EmployeeSpecialCollectionModel(
        fiscal_year=2026,
        issue_date=date(2026, 5, 15),
        notice_number="T2600000042",
        taxpayer_number="000123456",
        employee_number="E00001",
        employee=ADDRESSEE,
        employer_name="株式会社　目黒商事",
        employer_number="00012345",
        issuer=ISSUER,
        taxes=TAXES,
        basis=BASIS,
        monthly=_monthly(TAXES.total),
    )


def change_notice() -> ChangeNoticeModel:
    after = replace(TAXES, municipal_income_levy=77_400, prefectural_income_levy=51_000)  # +10,000
    return ChangeNoticeModel(
        fiscal_year=2026,
        issue_date=date(2026, 9, 15),
        notice_number="26000012345",
        taxpayer_number="000123456",
        addressee=ADDRESSEE,
        issuer=ISSUER,
        collection_method="普通徴収",
        reason="所得税の修正申告に基づく更正",
        before=TAXES,
        after=after,
        basis=replace(BASIS, total_income=2_600_000, taxable_income=1_290_000),
        installment_changes=(
            InstallmentChange("第1期", DUE[0], 31_400, 31_400),
            InstallmentChange("第2期", DUE[1], 31_000, 31_000),
            InstallmentChange("第3期", DUE[2], 31_000, 36_000),
            InstallmentChange("第4期", DUE[3], 30_000, 35_000),
        ),
        slips=(slip(3, 36_000, DUE[2]), slip(4, 35_000, DUE[3], with_barcode=False)),
    )


def certificate(kind: str = "taxable") -> CertificateModel:
    taxable = kind == "taxable"
    return CertificateModel(
        kind=kind,
        certificate_number="C2026-000077",
        fiscal_year=2026,
        issue_date=date(2026, 7, 1),
        issuer=ISSUER,
        subject=CertificateSubject(
            name="目黒　花子", address="東京都目黒区目黒一丁目1番1号", birth_date=date(1985, 4, 12)
        ),
        basis=BASIS
        if taxable
        else CalculationBasis(
            total_income=400_000,
            total_deductions=430_000,
            taxable_income=0,
            municipal_tax_credits=0,
            prefectural_tax_credits=0,
            income_lines=(AmountLine("給与収入", 1_000_000), AmountLine("給与所得", 400_000)),
            deduction_lines=(AmountLine("基礎控除", 430_000),),
        ),
        taxes=TAXES if taxable else None,
        purpose="児童手当の申請",
        remarks=("扶養人数 1人",),
    )


def non_resident_notice() -> NonResidentNoticeModel:
    return NonResidentNoticeModel(
        fiscal_year=2026,
        issue_date=date(2026, 6, 20),
        notice_number="J2600000007",
        issuer=ISSUER,
        recipient=Addressee(
            postal_code="2108577", address="神奈川県川崎市川崎区宮本町1番地", name="川崎市長", honorific="様"
        ),
        recipient_municipality_code="141305",
        taxpayer_number="900000012",
        subject_name="川崎　次郎",
        subject_kana="カワサキ　ジロウ",
        subject_birth_date=date(1990, 1, 5),
        registered_address="神奈川県川崎市川崎区駅前本町1番地",
        address_in_ward="東京都目黒区下目黒三丁目4番5号",
        reason="1月1日現在、当区に居住の実態があるため",
        taxes=TAXES,
    )
