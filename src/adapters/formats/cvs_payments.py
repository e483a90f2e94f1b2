"""コンビニ収納代行 収納データ (速報・確報) — OUR CSV layout, keyed by the 44-digit GS1-128 code.

Aggregators' 収納データ is not standardised (reference formats.md §3.2: one parser per aggregator,
keyed by the barcode); a converter maps theirs onto this CSV. The barcode is validated with
``domain.documents.barcode`` (44 digits, AI 91, GS1 modulus-10 check digit; GS1 Japan「GS1-128シンボルに
よる標準料金代理収納ガイドライン」) and its 自由使用欄 is read with our layout: 委託企業コード(5) 税目区分(1)
年度下2桁(2) 通知書番号(11) 期別(2). UTF-8, header row. See docs/formats/payments.md.
"""

from __future__ import annotations

from adapters.formats._base import FieldError, Row, iso
from adapters.formats.csv_format import CsvFormat
from adapters.formats.payments import (
    ascii_code,
    join_collector,
    period_number,
    positive_amount,
    receipt_id,
    split_collector,
)
from application.intake.formats import ImportKind
from domain.collection.records import Channel, NoticeReference, Receipt
from domain.documents.barcode import AI, LENGTH, TAX_TYPE_RESIDENT_ORDINARY, CvsBarcode, check_digit

KIND = ImportKind.CVS_PAYMENTS.value
HEADER = ("取引番号", "速報確報区分", "収納日", "バーコード", "金額", "コンビニ本部コード", "店舗コード")
PROVISIONAL = "速報"
FINAL = "確報"
_BARCODE = "バーコード"


def parse_barcode(value: str) -> tuple[CvsBarcode, NoticeReference]:
    """Validate a 44-digit code and read our 自由使用欄; FieldError naming the part that is wrong."""
    if not (len(value) == LENGTH and value.isascii() and value.isdigit()):
        raise FieldError(_BARCODE, "バーコードは44桁の半角数字で記載してください。")
    if not value.startswith(AI):
        raise FieldError(_BARCODE, "バーコードの先頭2桁（AI）が「91」ではありません。")
    if check_digit(value[:-1]) != int(value[-1]):
        raise FieldError(_BARCODE, "バーコードのチェックデジットが正しくありません。")
    try:
        bc = CvsBarcode.parse(value)
    except ValueError:
        raise FieldError(_BARCODE, "バーコードの支払期限日が実在しない日付です。") from None
    free = bc.free_field
    if int(free[5]) != TAX_TYPE_RESIDENT_ORDINARY:
        raise FieldError(_BARCODE, "バーコードの税目区分が個人住民税（普通徴収）ではありません。")
    ref = NoticeReference(
        fiscal_year=2000 + int(free[6:8]),
        notice_number=free[8:19],
        period=period_number(int(free[19:21]), _BARCODE),
        reissue=bc.reissue,
    )
    return bc, ref


def _parse_row(r: Row) -> Receipt:
    rid = receipt_id(r, 0)
    status = r.text(1)
    if status not in (PROVISIONAL, FINAL):
        raise FieldError(r.name(1), "速報確報区分は「速報」または「確報」で記載してください。")
    paid_on = r.iso_date(2)
    barcode_text = r.text(3)
    bc, ref = parse_barcode(barcode_text)
    amount = positive_amount(r, 4)
    if amount != bc.amount:
        raise FieldError(r.name(4), "金額がバーコードの支払金額と一致しません。")
    return Receipt(
        channel=Channel.CVS,
        receipt_id=rid,
        paid_on=paid_on,
        amount=amount,
        reference=ref,
        collected_by=join_collector([ascii_code(r, 5, 10), ascii_code(r, 6, 20)]),
        barcode=barcode_text,
        provisional=status == PROVISIONAL,
    )


def to_row(p: Receipt) -> list[str]:
    if p.barcode is None:
        raise ValueError("a CVS receipt needs its barcode")
    return [
        p.receipt_id,
        PROVISIONAL if p.provisional else FINAL,
        iso(p.paid_on),
        p.barcode,
        str(p.amount),
        *split_collector(p.collected_by, 2),
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
