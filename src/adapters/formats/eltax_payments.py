"""地方税共通納税システム / 地方税統一QRコード (eL-QR) 収納データ — OUR CSV layout.

Payments made through 地方税お支払サイト, eL-QR at banks or smartphone apps reach the ward through eLTAX
共通納税 (reference formats.md §3.1 [C]); the eL-QR payload and the eLTAX 収納データ layout were not
available, so the eL番号 is carried as an opaque value and the payment is keyed on 年度 + 通知書番号 +
期別 (registered with eLTAX when the slip is issued). UTF-8, header row. See docs/formats/payments.md.
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
from domain.collection.records import Channel, Receipt

KIND = ImportKind.ELTAX_PAYMENTS.value
HEADER = ("受付番号", "収納日", "納付手段", "eL番号", "年度", "通知書番号", "期別", "金額")
MAX_EL_NUMBER = 50


def _el_number(r: Row, i: int) -> str | None:
    v = r.raw(i)
    if not v:
        return None
    if len(v) > MAX_EL_NUMBER or not all(c.isascii() and (c.isdigit() or c == "-") for c in v):
        raise FieldError(
            r.name(i), f"eL番号は半角数字とハイフン（{MAX_EL_NUMBER}文字以内）で記載してください。"
        )
    return v


def _parse_row(r: Row) -> Receipt:
    return Receipt(
        channel=Channel.ELTAX,
        receipt_id=receipt_id(r, 0),
        paid_on=r.iso_date(1),
        collected_by=r.opt_text(2, max_len=20),
        el_number=_el_number(r, 3),
        reference=notice_reference(r, 4, 5, 6),
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
