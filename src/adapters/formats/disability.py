"""障害者手帳 交付状況データ (障害者支援課 → 課税課) — OUR CSV layout.

Used for 障害者控除 / 特別障害者控除 and the 障害者 非課税限度 (地方税法第295条第1項第2号:
前年の合計所得金額135万円以下). The tax class is derived from 手帳種別 + 等級 by
``domain.intake.classify_disability`` (特別障害者 = 身体1・2級, 精神1級, 愛の手帳1・2度;
地方税法施行令第7条の15の7). See docs/formats/disability.md.

File: UTF-8, header row, RFC 4180 quoting. 等級 is written as on the 手帳 ("1級"…"6級",
"1度"…"4度").
"""

from __future__ import annotations

from adapters.formats._base import (
    FieldError,
    Row,
    iso,
)
from adapters.formats.csv_format import CsvFormat
from application.intake.formats import ImportKind
from domain.intake import (
    DisabilityCertificate,
    DisabilityRecord,
    classify_disability,
)

KIND = ImportKind.DISABILITY.value
HEADER = ("宛名番号", "個人番号", "氏名", "カナ", "生年月日", "手帳種別", "等級", "交付日", "返還日")


def _parse_row(r: Row) -> DisabilityRecord:
    cert = r.choice(5, DisabilityCertificate)
    grade = r.text(6)
    issued = r.iso_date(7)
    returned = r.opt_iso_date(8)
    if returned is not None and returned < issued:
        raise FieldError("返還日", "返還日が交付日より前になっています。")
    try:
        cls = classify_disability(cert, grade, returned is not None)
    except ValueError:
        raise FieldError("等級", "手帳種別に対して等級の値が正しくありません。") from None
    return DisabilityRecord(
        address_number=r.digits(0, (10,)),
        individual_number=r.my_number(1, required=False),
        name=r.text(2, max_len=30),
        kana=r.kana(3),
        birth_date=r.iso_date(4),
        certificate=cert,
        grade=grade,
        issued_on=issued,
        returned_on=returned,
        classification=cls,
    )


def to_row(d: DisabilityRecord) -> list[str]:
    return [
        d.address_number,
        d.individual_number or "",
        d.name,
        d.kana,
        iso(d.birth_date),
        d.certificate.value,
        d.grade,
        iso(d.issued_on),
        iso(d.returned_on),
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
