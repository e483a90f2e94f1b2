"""指定金融機関・収納代理金融機関 収納データ (納付書による納付) — OUR CSV layout.

The 指定金融機関 (地方自治法第235条, 地方自治法施行令第168条) reports the 納付書 payments it and the
収納代理金融機関 took; its own 収納データ layout (OCR 読取 or a 地公体 fixed-length file, reference
formats.md §1.6) varies by bank, so a converter maps it onto this CSV. One line per payment of one 納期.
UTF-8, header row, RFC 4180 quoting. See docs/formats/payments.md.
"""

from __future__ import annotations

from adapters.formats._base import Row, iso
from adapters.formats.csv_format import CsvFormat
from adapters.formats.payments import (
    code,
    join_collector,
    notice_cells,
    notice_reference,
    positive_amount,
    receipt_id,
    require_notice,
    split_collector,
)
from application.intake.formats import ImportKind
from domain.collection.records import Channel, Receipt

KIND = ImportKind.BANK_PAYMENTS.value
HEADER = ("受付番号", "収納日", "金融機関コード", "店舗コード", "年度", "通知書番号", "期別", "金額")


def _parse_row(r: Row) -> Receipt:
    return Receipt(
        channel=Channel.BANK,
        receipt_id=receipt_id(r, 0),
        paid_on=r.iso_date(1),
        collected_by=join_collector([code(r, 2, 4, "金融機関コード"), code(r, 3, 3, "店舗コード")]),
        reference=notice_reference(r, 4, 5, 6),
        amount=positive_amount(r, 7),
    )


def to_row(p: Receipt) -> list[str]:
    return [
        p.receipt_id,
        iso(p.paid_on),
        *split_collector(p.collected_by, 2),
        *notice_cells(require_notice(p)),
        str(p.amount),
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
