"""Sample intake records for format tests (valid check digits computed, never hard-coded)."""

from __future__ import annotations

from datetime import date

from adapters.formats._base import corporate_number_check_digit, local_gov_check_digit, my_number_check_digit
from domain.intake import (
    AssistanceKind,
    ChangeReason,
    CollectionMethod,
    Dependent,
    DependentKind,
    DisabilityCertificate,
    DisabilityRecord,
    DisabilitySelf,
    Donation,
    DonationKind,
    Employer,
    FurusatoNotice,
    PensionReport,
    PublicAssistanceRecord,
    RegistrationKind,
    ResidentRecord,
    SalaryReport,
    Sex,
    SubmissionKind,
    TaxReturn,
    classify_disability,
)


def mn(i: int) -> str:
    base = f"{31415926535 + i * 7919:011d}"
    return base + my_number_check_digit(base)


def bad_mn(i: int) -> str:
    good = mn(i)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def corp(i: int) -> str:
    base = f"{123456789012 + i * 31:012d}"
    return corporate_number_check_digit(base) + base


WARD = "13110" + local_gov_check_digit("13110")


def resident(i: int = 1, **kw: object) -> ResidentRecord:
    base = ResidentRecord(
        address_number=f"{1000000 + i:010d}",
        individual_number=mn(i),
        name="山田　花子",
        kana="ヤマダ　ハナコ",
        sex=Sex.F,
        birth_date=date(1980, 2, 29),
        address="東京都目黒区中目黒二丁目３番４号　中目黒ハイツ２０１",
        address_code=WARD + "00602",
        household_number=f"{5000000000 + i:010d}",
        relationship="世帯主",
        change_reason=ChangeReason.EXISTING,
        change_date=date(2010, 4, 1),
        registration=RegistrationKind.RESIDENT,
    )
    return _replace(base, kw)


def _replace(obj, kw):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(obj, **kw)


def salary(i: int = 1, year: int = 2025, **kw: object) -> SalaryReport:
    deps = (
        Dependent(DependentKind.SPOUSE, mn(100 + i), "山田　太郎", "ヤマダ　タロウ", income=450_000),
        *(
            Dependent(DependentKind.DEPENDENT, mn(200 + k), f"山田　子{k}", "ヤマダ　コ", non_resident=k == 2)
            for k in range(5)
        ),
        Dependent(DependentKind.DEPENDENT_UNDER_16, mn(300 + i), "山田　次郎", "ヤマダ　ジロウ"),
        Dependent(DependentKind.DEPENDENT_UNDER_16, None, "山田　三郎", "ヤマダ　サブロウ"),
    )
    # the 5th 控除対象扶養親族 goes to the "5人目以降" column, which carries no kana
    deps = tuple(
        _replace(d, {"kana": ""}) if d.kind is DependentKind.DEPENDENT and d.name == "山田　子4" else d
        for d in deps
    )
    base = SalaryReport(
        tax_year=year,
        submission_kind=SubmissionKind.NEW,
        destination_code=WARD,
        designation_number="12345678",
        employer_corporate_number=corp(i),
        employer_name="株式会社目黒商事",
        employer_address="東京都目黒区目黒一丁目１番１号",
        employer_phone="03-1234-5678",
        recipient_number=f"E{i:05d}",
        individual_number=mn(i),
        name="山田　花子",
        kana="ヤマダ　ハナコ",
        birth_date=date(1980, 2, 29),
        address="東京都目黒区中目黒二丁目３番４号",
        payment_kind="給料・賞与",
        payment_amount=6_500_000,
        income_after_deduction=4_760_000,
        total_deductions=1_900_000,
        withholding_tax=150_000,
        spouse_deduction=380_000,
        specified_dependents=1,
        elderly_dependents=0,
        other_dependents=4,
        under16_dependents=2,
        special_disabled=0,
        other_disabled=1,
        social_insurance=950_000,
        small_business_mutual_aid=0,
        life_insurance_deduction=40_000,
        earthquake_insurance_deduction=25_000,
        housing_loan_credit=120_000,
        spouse_income=450_000,
        basic_deduction=580_000,
        self_disability=DisabilitySelf.GENERAL,
        widow=False,
        single_parent=False,
        working_student=False,
        joined_on=None,
        left_on=date(year, 9, 30),
        remarks="普F　退職",
        dependents=deps,
        ordinary_collection=True,
        layout_version="315-R07" if year >= 2025 else "315-R06",
    )
    return _replace(base, kw)


def pension(i: int = 1, year: int = 2025, **kw: object) -> PensionReport:
    base = PensionReport(
        tax_year=year,
        submission_kind=SubmissionKind.NEW,
        destination_code=WARD,
        designation_number=None,
        payer_corporate_number=corp(50 + i) if year >= 2016 else None,
        payer_name="日本年金機構",
        payer_address="東京都杉並区高井戸西三丁目５番２４号",
        recipient_number=f"{9000000000 + i}",
        individual_number=mn(400 + i) if year >= 2016 else None,
        name="佐藤　清",
        kana="サトウ　キヨシ",
        birth_date=date(1948, 11, 3),
        address="東京都目黒区碑文谷四丁目５番６号",
        payment_amount=2_100_000,
        withholding_tax=25_000,
        social_insurance=180_000,
        spouse_present=True,
        elderly_dependents=0,
        other_dependents=0,
        specified_dependents=0,
        under16_dependents=0,
        self_disability=DisabilitySelf.NONE,
        widow=False,
        remarks="",
        dependents=(Dependent(DependentKind.SPOUSE, mn(500 + i), "佐藤　節子", "サトウ　セツコ"),)
        if year >= 2016
        else (),
        layout_version="331-R06J" if year >= 2016 else "331-H26",
    )
    return _replace(base, kw)


def tax_return(i: int = 1, **kw: object) -> TaxReturn:
    base = TaxReturn(
        tax_year=2025,
        etax_user_id="1234567890123456",
        individual_number=mn(600 + i),
        name="鈴木　一郎",
        kana="スズキ　イチロウ",
        birth_date=date(1975, 5, 5),
        address="東京都目黒区自由が丘一丁目２番３号",
        address_code=WARD,
        jan1_address="東京都目黒区自由が丘一丁目２番３号",
        jan1_address_code=WARD,
        business_revenue=12_000_000,
        real_estate_revenue=3_000_000,
        dividend_revenue=200_000,
        salary_revenue=0,
        pension_revenue=0,
        business_income=4_000_000,
        real_estate_income=-350_000,
        interest_income=0,
        dividend_income=200_000,
        salary_income=0,
        pension_income=0,
        misc_income=0,
        total_income=3_850_000,
        social_insurance_deduction=700_000,
        life_insurance_deduction=40_000,
        earthquake_insurance_deduction=0,
        medical_deduction=0,
        donation_deduction=58_000,
        spouse_deduction=0,
        dependent_deduction=0,
        basic_deduction=580_000,
        total_deductions=1_378_000,
        taxable_income=2_472_000,
        withholding_tax=0,
        collection_method=CollectionMethod.ORDINARY,
        dividend_tax_credit=10_000,
        stock_transfer_tax_credit=3_000,
        furusato_donation=60_000,
        community_chest_donation=5_000,
        prefecture_ordinance_donation=0,
        municipality_ordinance_donation=0,
        donations=(
            Donation(DonationKind.FURUSATO, "北海道紋別市", 30_000),
            Donation(DonationKind.FURUSATO, "大阪府泉佐野市", 30_000),
            Donation(DonationKind.COMMUNITY_CHEST, "日本赤十字社 <東京都支部> & 共同募金会", 5_000),
        ),
        form_version="23.0",
    )
    return _replace(base, kw)


def furusato(i: int = 1, **kw: object) -> FurusatoNotice:
    base = FurusatoNotice(
        notice_number=f"01219-2025-{i:07d}",
        sender_code="01219" + local_gov_check_digit("01219"),
        sender_name="北海道紋別市",
        tax_year=2025,
        donation_date=date(2025, 12, 31),
        amount=30_000,
        individual_number=mn(700 + i),
        name="高橋　蓮",
        kana="タカハシ　レン",
        birth_date=date(1990, 1, 1),
        address="東京都目黒区目黒本町五丁目６番１０号",
        sex=Sex.M,
    )
    return _replace(base, kw)


def assistance(i: int = 1, **kw: object) -> PublicAssistanceRecord:
    base = PublicAssistanceRecord(
        address_number=f"{2000000 + i:010d}",
        individual_number=mn(800 + i),
        name="安藤　隆",
        kana="アンドウ　タカシ",
        birth_date=date(1941, 5, 23),
        case_number="M0000001",
        assistance_kind=AssistanceKind.LIVELIHOOD,
        start_date=date(2018, 2, 23),
        end_date=None,
    )
    return _replace(base, kw)


def disability_rec(i: int = 1, **kw: object) -> DisabilityRecord:
    base = DisabilityRecord(
        address_number=f"{3000000 + i:010d}",
        individual_number=None,
        name="近藤　文子",
        kana="コンドウ　フミコ",
        birth_date=date(1990, 6, 19),
        certificate=DisabilityCertificate.PHYSICAL,
        grade="2級",
        issued_on=date(2020, 3, 23),
        returned_on=None,
        classification=classify_disability(DisabilityCertificate.PHYSICAL, "2級"),
    )
    return _replace(base, kw)


def employer(i: int = 1, **kw: object) -> Employer:
    base = Employer(
        designation_number=f"{20000000 + i}",
        corporate_number=corp(900 + i),
        name="株式会社目黒商事",
        kana="カブシキガイシャ　メグロショウジ",
        address="東京都目黒区目黒一丁目１番１号",
        postal_code="153-0063",
        phone="03-1234-5678",
        contact_department="総務部",
        email="payroll@example.jp",
    )
    return _replace(base, kw)
