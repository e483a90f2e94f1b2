"""地方税共通納税システム / 地方税統一QRコード (eL-QR) 収納データ — OUR CSV layout.

Payments made through 地方税お支払サイト, eL-QR at banks or smartphone apps reach the ward through eLTAX
共通納税 (reference formats.md §3.1 [C]); the eLTAX 収納データ layout was not available, so this is our CSV
(UTF-8, header row; docs/formats/payments.md). The payment is keyed on 年度 + 通知書番号 + 期別. An eL番号 of
the layout we print (34 digits, ``domain.documents.el_qr``, ADR 0025) names them itself: the three columns
may then be left empty, and when they are filled they must agree with it (else the line is rejected). Any
other eL番号 (e.g. a converter's own) is carried as an opaque value and the three columns are required.
"""

from __future__ import annotations

from adapters.formats._base import FieldError, Row, iso
from adapters.formats.csv_format import CsvFormat
from adapters.formats.payments import (
    notice_cells,
    notice_reference,
    positive_amount,
    receipt_id,
    require_notice,
)
from application.intake.formats import ImportKind
from domain.collection.records import Channel, NoticeReference, Receipt
from domain.documents.el_qr import ElNumber

KIND = ImportKind.ELTAX_PAYMENTS.value
HEADER = ("受付番号", "収納日", "納付手段", "eL番号", "年度", "通知書番号", "期別", "金額")
MAX_EL_NUMBER = 50
OUR_EL_NUMBER_DIGITS = 34  # 収納機関番号5 + 納付番号20 + 確認番号6 + 納付区分3 (domain.documents.el_qr)


def _el_number(r: Row, i: int) -> str | None:
    v = r.raw(i)
    if not v:
        return None
    if len(v) > MAX_EL_NUMBER or not all(c.isascii() and (c.isdigit() or c == "-") for c in v):
        raise FieldError(
            r.name(i), f"eL番号は半角数字とハイフン（{MAX_EL_NUMBER}文字以内）で記載してください。"
        )
    return v


def _our_el_number(r: Row, i: int, value: str | None) -> NoticeReference | None:
    """The installment an eL番号 of our printed layout names, or None for any other eL番号."""
    if value is None or len(value.replace("-", "")) != OUR_EL_NUMBER_DIGITS:
        return None
    try:
        pn = ElNumber.parse(value).payment_number
    except ValueError:
        raise FieldError(r.name(i), "eL番号の納付番号のチェックデジットが正しくありません。") from None
    return NoticeReference(pn.fiscal_year, pn.notice_number, pn.period, pn.reissue)


def _reference(r: Row, el_number: str | None) -> NoticeReference:
    from_el = _our_el_number(r, 3, el_number)
    if from_el is not None and not (r.raw(4) or r.raw(5) or r.raw(6)):
        return from_el
    columns = notice_reference(r, 4, 5, 6)
    if from_el is not None:
        if (from_el.fiscal_year, from_el.notice_number, from_el.period) != (
            columns.fiscal_year,
            columns.notice_number,
            columns.period,
        ):
            raise FieldError(r.name(3), "eL番号の納付番号が年度・通知書番号・期別と一致しません。")
        return from_el
    return columns


def _parse_row(r: Row) -> Receipt:
    el_number = _el_number(r, 3)
    return Receipt(
        channel=Channel.ELTAX,
        receipt_id=receipt_id(r, 0),
        paid_on=r.iso_date(1),
        collected_by=r.opt_text(2, max_len=20),
        el_number=el_number,
        reference=_reference(r, el_number),
        amount=positive_amount(r, 7),
    )


def to_row(p: Receipt) -> list[str]:
    return [
        p.receipt_id,
        iso(p.paid_on),
        p.collected_by or "",
        p.el_number or "",
        *notice_cells(require_notice(p)),
        str(p.amount),
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
