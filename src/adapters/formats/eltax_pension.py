"""公的年金等支払報告書 — 法定資料の種類 331 CSV.

Basis: 地方税法第317条の6第4項 (公的年金等支払報告書); layout 331-H26 after
arakanema/nenpou_csv_validator (49 columns, 総税市第49号 技術基準) [B], and for 年分 ≥ 2016
OUR extension 331-R06J (個人番号・法人番号・配偶者／扶養親族 blocks appended; the official
current column set is in the eLTAX 統一CSV spec, not available [C]). Shift_JIS (cp932), no
header row, CRLF. 支払金額 = sum of 所得税法第203条の3 第1〜3号適用分.
See docs/formats/eltax-pension.md.
"""

from __future__ import annotations

from adapters.formats import _statutory as st
from adapters.formats._base import (
    FieldError,
)
from adapters.formats.layouts.eltax_pension import PENSION_LAYOUTS, YEAR_INDEX
from application.intake.formats import ImportKind
from domain.intake import DisabilitySelf, PensionReport

KIND = ImportKind.ELTAX_PENSION.value
ENCODING = st.ENCODING


def _parse_row(cells: list[str], line: int) -> PensionReport:
    year, r = st.layout_row(cells, PENSION_LAYOUTS, YEAR_INDEX, "331", "公的年金等の源泉徴収票")
    layout = r.layout
    disability = st.self_disability(r, "本人（特別障害者）")
    spouse_flag = r.raw(r.i("spouse_flag"))
    if spouse_flag not in ("", "1", "2", "3"):
        raise FieldError(
            r.name(r.i("spouse_flag")), "控除対象配偶者の有無等は「1」〜「3」または空欄で記載してください。"
        )
    extended = "my_number" in layout.index
    paid = sum(r.amount(r.i(f"art{n}_paid")) for n in (1, 2, 3))
    withheld = sum(r.amount(r.i(f"art{n}_withheld")) for n in (1, 2, 3))
    return PensionReport(
        tax_year=year,
        submission_kind=st.submission_kind(r),
        destination_code=r.local_gov_code(r.i("destination_code")),
        designation_number=r.opt_digits(r.i("designation_number"), range(1, 13)),
        payer_corporate_number=r.corporate_number(r.i("corporate_number"), required=False)
        if extended
        else None,
        payer_name=r.text(r.i("payer_name"), max_len=30),
        payer_address=r.text(r.i("payer_address"), max_len=60),
        recipient_number=r.opt_text(r.i("recipient_number"), max_len=25),
        individual_number=r.my_number(r.i("my_number"), required=False) if extended else None,
        name=r.text(r.i("name"), max_len=30),
        kana=r.kana(r.i("kana")),
        birth_date=st.birth_date(r),
        address=r.text(r.i("address"), max_len=60),
        payment_amount=paid,
        withholding_tax=withheld,
        social_insurance=r.amount(r.i("social_insurance")),
        spouse_present=spouse_flag == "1",
        elderly_dependents=r.count(r.i("elderly_dependents")),
        other_dependents=r.count(r.i("other_dependents")),
        specified_dependents=r.count(r.i("specified_dependents")),
        under16_dependents=r.count(r.i("under16_count")),
        self_disability=disability,
        widow=r.flag(r.i("widow")),
        remarks=r.opt_text(r.i("remarks"), max_len=100) or "",
        dependents=st.read_dependents(r, None) if extended else (),
        layout_version=layout.layout_id,
    )


def to_row(p: PensionReport) -> list[str]:
    layout = st.layout_for(PENSION_LAYOUTS, p.tax_year)
    extended = "my_number" in layout.index
    v: dict[str, str] = {
        "form": "331",
        "payer_address": p.payer_address,
        "payer_name": p.payer_name,
        "submission_kind": p.submission_kind.value,
        "year": st.year_to_cell(p.tax_year),
        "address": p.address,
        "name": p.name,
        **st.birth_cells(p.birth_date),
        # the whole amount is reported as 第1号適用分 (国民年金・厚生年金等)
        "art1_paid": str(p.payment_amount),
        "art1_withheld": str(p.withholding_tax),
        "self_special_disabled": "1" if p.self_disability is DisabilitySelf.SPECIAL else "",
        "self_other_disabled": "1" if p.self_disability is DisabilitySelf.GENERAL else "",
        "spouse_flag": "1" if p.spouse_present else "2",
        "elderly_dependents": str(p.elderly_dependents),
        "other_dependents": str(p.other_dependents),
        "social_insurance": str(p.social_insurance),
        "specified_dependents": str(p.specified_dependents),
        "remarks": p.remarks,
        "widow": "1" if p.widow else "",
        "under16_count": str(p.under16_dependents),
        "kana": st.kana_cell(p.kana),
        "recipient_number": p.recipient_number or "",
        "destination_code": p.destination_code,
        "designation_number": p.designation_number or "",
    }
    if extended:
        v["my_number"] = p.individual_number or ""
        v["corporate_number"] = p.payer_corporate_number or ""
        v.update(st.dependents_cells(layout, p.dependents))
    return st.assemble(layout, v)


FORMAT = st.statutory_format(KIND, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
