"""寄附金税額控除に係る申告特例通知書（ふるさと納税ワンストップ特例）— OUR CSV layout.

The notice is sent by the municipality that received the donation to the donor's
municipality of 1 January of the following year (地方税法附則第7条 寄附金税額控除に係る
申告の特例; 様式 = 地方税法施行規則 第55号の5様式 [C: 様式番号 from memory]). In practice it
arrives through eLTAX in a layout distributed only to 地方団体, so this file is ours:
one row per notice (one 寄附者 × 通知元団体 × 寄附日). See docs/formats/furusato-notice.md.

File: UTF-8, header row, RFC 4180 quoting.
"""

from __future__ import annotations

from adapters.formats._base import (
    SEX_CODES,
    SEX_LABELS,
    FieldError,
    Row,
    is_valid_local_gov_code,
    iso,
)
from adapters.formats.csv_format import CsvFormat
from application.intake.formats import ImportKind
from domain.intake import FurusatoNotice

KIND = ImportKind.FURUSATO_NOTICE.value
HEADER = (
    "通知番号",
    "通知元団体コード",
    "通知元団体名",
    "年分",
    "寄附年月日",
    "寄附金額",
    "個人番号",
    "氏名",
    "カナ",
    "性別",
    "生年月日",
    "住所",
)


def _parse_row(r: Row) -> FurusatoNotice:
    sender = r.digits(1, (6,))
    if not is_valid_local_gov_code(sender):
        raise FieldError("通知元団体コード", "地方公共団体コードの検査数字が正しくありません。")
    year = int(r.digits(3, (4,)))
    donated = r.iso_date(4)
    if donated.year != year:
        raise FieldError("寄附年月日", "寄附年月日が年分の年に含まれていません。")
    amount = r.amount(5)
    if amount <= 0:
        raise FieldError("寄附金額", "寄附金額が0円以下です。")
    sex_raw = r.raw(9)
    if sex_raw and sex_raw not in SEX_CODES:
        raise FieldError("性別", "性別は「男」「女」または空欄で記載してください。")
    return FurusatoNotice(
        notice_number=r.text(0, max_len=20),
        sender_code=sender,
        sender_name=r.text(2, max_len=30),
        tax_year=year,
        donation_date=donated,
        amount=amount,
        individual_number=r.my_number(6, required=True),
        name=r.text(7, max_len=30),
        kana=r.kana(8),
        sex=SEX_CODES.get(sex_raw),
        birth_date=r.iso_date(10),
        address=r.text(11, max_len=100),
    )


def to_row(n: FurusatoNotice) -> list[str]:
    return [
        n.notice_number,
        n.sender_code,
        n.sender_name,
        str(n.tax_year),
        iso(n.donation_date),
        str(n.amount),
        n.individual_number or "",
        n.name,
        n.kana,
        SEX_LABELS[n.sex] if n.sex else "",
        iso(n.birth_date),
        n.address,
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
