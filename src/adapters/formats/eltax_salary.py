"""給与支払報告書（個人別明細書）— eLTAX 統一CSV, 法定資料の種類 315.

Basis: 地方税法第317条の6第1項 (給与支払報告書の提出); CSV conventions of the NTA
法定調書 CSV (Shift_JIS, no header row, one record per line, フリガナ half-width) as
summarised in reference/formats.md §4.2. Column order: versioned descriptors in
``adapters.formats.layouts.eltax_salary`` keyed by 年分 (315-R06 for ≤ 2024, 144 columns;
315-R07 for ≥ 2025, 147 columns), after chumaltd/luca-jp ``jp_payreport.rb`` [B]; the
35 columns luca-jp leaves unnamed are named by us [C]. Era codes of 生年月日: 明治3 大正2
昭和1 平成4 令和5 [B]. 提出区分: 0 新規, 1 追加, 2 訂正, 3 取消.

Not read (kept in the file, ignored): 整理番号, 役職名, 未払金額, 住宅借入金 details,
保険料 breakdowns, 予備, 作成区分. See docs/formats/eltax-salary.md.
"""

from __future__ import annotations

from datetime import date

from adapters.formats import _statutory as st
from adapters.formats._base import (
    FieldError,
    num,
)
from adapters.formats.layouts.eltax_salary import SALARY_LAYOUTS, YEAR_INDEX
from application.intake.formats import ImportKind
from domain.intake import DisabilitySelf, SalaryReport

KIND = ImportKind.ELTAX_SALARY.value
ENCODING = st.ENCODING


def _job_change(r: st.LayoutRow, year: int) -> tuple[date | None, date | None]:
    kind = r.raw(r.i("job_change"))
    if not kind:
        return None, None
    if kind not in ("1", "2"):
        raise FieldError(
            r.name(r.i("job_change")),
            "中途就・退職の区分は「1」（就職）または「2」（退職）で記載してください。",
        )
    yy, mm, dd = (r.raw(r.i(k)) for k in ("job_change_yy", "job_change_mm", "job_change_dd"))
    label = "中途就・退職年月日"
    if not (yy and mm and dd):
        raise FieldError(label, "必須項目が空欄です（区分がある場合は年月日も必要です）。")
    try:
        d = date(2018 + int(yy), int(mm), int(dd))
    except ValueError:
        raise FieldError(label, "日付が正しくありません（実在しない日付です）。") from None
    if d.year != year:
        raise FieldError(label, "中途就・退職年月日が年分の年に含まれていません。")
    return (d, None) if kind == "1" else (None, d)


def _parse_row(cells: list[str], line: int) -> SalaryReport:
    year, r = st.layout_row(cells, SALARY_LAYOUTS, YEAR_INDEX, "315", "給与所得の源泉徴収票")
    layout = r.layout
    spouse_income = r.opt_amount(r.i("spouse_income"))
    joined, left = _job_change(r, year)
    disability = st.self_disability(r, "本人が特別障害者")
    return SalaryReport(
        tax_year=year,
        submission_kind=st.submission_kind(r),
        destination_code=r.local_gov_code(r.i("destination_code")),
        designation_number=r.opt_digits(r.i("designation_number"), range(1, 13)),
        employer_corporate_number=r.corporate_number(r.i("corporate_number"), required=False),
        employer_name=r.text(r.i("payer_name"), max_len=30),
        employer_address=r.text(r.i("payer_address"), max_len=60),
        employer_phone=r.opt_text(r.i("payer_phone"), max_len=15),
        recipient_number=r.opt_text(r.i("recipient_number"), max_len=25),
        individual_number=r.my_number(r.i("my_number"), required=False),
        name=r.text(r.i("name"), max_len=30),
        kana=r.kana(r.i("kana")),
        birth_date=st.birth_date(r),
        address=r.text(r.i("address"), max_len=60),
        payment_kind=r.opt_text(r.i("payment_kind"), max_len=10) or "",
        payment_amount=r.amount(r.i("payment_amount")),
        income_after_deduction=r.amount(r.i("income_after_deduction")),
        total_deductions=r.amount(r.i("total_deductions")),
        withholding_tax=r.amount(r.i("withholding_tax")),
        spouse_deduction=r.amount(r.i("spouse_deduction")),
        specified_dependents=r.count(r.i("specified_main")),
        elderly_dependents=r.count(r.i("elderly_main")),
        other_dependents=r.count(r.i("other_main")),
        under16_dependents=r.count(r.i("under16_count")),
        special_disabled=r.count(r.i("special_disabled")),
        other_disabled=r.count(r.i("other_disabled")),
        social_insurance=r.amount(r.i("social_insurance")),
        small_business_mutual_aid=r.amount(r.i("small_business")),
        life_insurance_deduction=r.amount(r.i("life_insurance")),
        earthquake_insurance_deduction=r.amount(r.i("earthquake_insurance")),
        housing_loan_credit=r.amount(r.i("housing_loan_credit")),
        spouse_income=spouse_income,
        basic_deduction=r.opt_amount(r.i("basic_deduction")),
        self_disability=disability,
        widow=r.flag(r.i("widow")),
        single_parent=r.flag(r.i("single_parent")),
        working_student=r.flag(r.i("working_student")),
        joined_on=joined,
        left_on=left,
        remarks=r.opt_text(r.i("remarks"), max_len=100) or "",
        dependents=st.read_dependents(r, spouse_income),
        ordinary_collection=r.flag(r.i("ordinary_collection")),
        layout_version=layout.layout_id,
    )


def to_row(s: SalaryReport) -> list[str]:
    layout = st.layout_for(SALARY_LAYOUTS, s.tax_year)
    if s.joined_on is not None and s.left_on is not None:
        raise ValueError("the 315 layout holds one 中途就・退職 date only")
    v: dict[str, str] = {
        "form": "315",
        "payer_address": s.employer_address,
        "payer_name": s.employer_name,
        "payer_phone": s.employer_phone or "",
        "submission_kind": s.submission_kind.value,
        "year": st.year_to_cell(s.tax_year),
        "address": s.address,
        "name": s.name,
        "payment_kind": s.payment_kind,
        "payment_amount": str(s.payment_amount),
        "income_after_deduction": str(s.income_after_deduction),
        "total_deductions": str(s.total_deductions),
        "withholding_tax": str(s.withholding_tax),
        "spouse_flag": "1" if s.spouse_deduction > 0 else "2",
        "spouse_deduction": str(s.spouse_deduction),
        "specified_main": str(s.specified_dependents),
        "elderly_main": str(s.elderly_dependents),
        "other_main": str(s.other_dependents),
        "special_disabled": str(s.special_disabled),
        "other_disabled": str(s.other_disabled),
        "social_insurance": str(s.social_insurance),
        "small_business": str(s.small_business_mutual_aid),
        "life_insurance": str(s.life_insurance_deduction),
        "earthquake_insurance": str(s.earthquake_insurance_deduction),
        "housing_loan_credit": str(s.housing_loan_credit),
        "spouse_income": num(s.spouse_income),
        **st.birth_cells(s.birth_date),
        "minor": "1" if s.birth_date > date(s.tax_year - 18, 12, 31) else "",
        "self_special_disabled": "1" if s.self_disability is DisabilitySelf.SPECIAL else "",
        "self_other_disabled": "1" if s.self_disability is DisabilitySelf.GENERAL else "",
        "widow": "1" if s.widow else "",
        "working_student": "1" if s.working_student else "",
        "remarks": s.remarks,
        "under16_count": str(s.under16_dependents),
        "corporate_number": s.employer_corporate_number or "",
        "my_number": s.individual_number or "",
        **st.dependents_cells(layout, s.dependents),
        "ordinary_collection": "1" if s.ordinary_collection else "",
        "kana": st.kana_cell(s.kana),
        "recipient_number": s.recipient_number or "",
        "destination_code": s.destination_code,
        "designation_number": s.designation_number or "",
        "basic_deduction": num(s.basic_deduction),
        "single_parent": "1" if s.single_parent else "",
        "creation_kind": "1",
    }
    changed = s.joined_on or s.left_on
    if changed is not None:
        v.update(
            job_change="1" if s.joined_on else "2",
            job_change_yy=f"{changed.year - 2018:02d}",
            job_change_mm=f"{changed.month:02d}",
            job_change_dd=f"{changed.day:02d}",
        )
    return st.assemble(layout, v)


FORMAT = st.statutory_format(KIND, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
