"""特別徴収義務者（給与支払者）台帳 — OUR import format (defined by juminzei).

The 特別徴収義務者 is designated under 地方税法第321条の4; the 指定番号 is the
municipality's own number. The 法人番号 check digit follows 平成26年財務省令第70号第2条
(python-stdnum ``stdnum.jp.cn``). Real employer data arrive on the 給与支払報告書 総括表,
whose electronic layout is not public (reference/formats.md §4.2), hence this file.

File: UTF-8, header row, RFC 4180 quoting. See docs/formats/employers.md.
"""

from __future__ import annotations

from adapters.formats._base import (
    FieldError,
    Row,
)
from adapters.formats.csv_format import CsvFormat
from application.intake.formats import ImportKind
from domain.intake import Employer

KIND = ImportKind.EMPLOYERS.value
HEADER = (
    "指定番号",
    "法人番号",
    "名称",
    "カナ名称",
    "所在地",
    "郵便番号",
    "電話番号",
    "担当部署",
    "メールアドレス",
)


def _parse_row(r: Row) -> Employer:
    postal = r.text(5)
    if not (
        len(postal) == 8 and postal[3] == "-" and (postal[:3] + postal[4:]).isdigit() and postal.isascii()
    ):
        raise FieldError("郵便番号", "郵便番号は「123-4567」の形式で記載してください。")
    phone = r.text(6, max_len=15)
    if not all(c.isdigit() or c == "-" for c in phone) or not phone.isascii():
        raise FieldError("電話番号", "電話番号は半角数字とハイフンで記載してください。")
    email = r.raw(8)
    if email and ("@" not in email or not email.isascii()):
        raise FieldError("メールアドレス", "メールアドレスの形式が正しくありません。")
    return Employer(
        designation_number=r.digits(0, range(1, 13)),
        corporate_number=r.corporate_number(1, required=False),
        name=r.text(2, max_len=60),
        kana=r.kana(3),
        address=r.text(4, max_len=100),
        postal_code=postal,
        phone=phone,
        contact_department=r.raw(7),
        email=email,
    )


def to_row(e: Employer) -> list[str]:
    return [
        e.designation_number,
        e.corporate_number or "",
        e.name,
        e.kana,
        e.address,
        e.postal_code,
        e.phone,
        e.contact_department,
        e.email,
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
