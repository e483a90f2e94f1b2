"""生活保護 受給状況データ (生活福祉課 → 課税課) — OUR CSV layout.

Purpose: 地方税法第295条第1項第1号 (生活保護法の規定による生活扶助を受けている者は
均等割・所得割とも非課税, as of 1月1日) and 減免. Kinds of assistance per 生活保護法第11条
第1項. One row per 扶助 period of one person. See docs/formats/public-assistance.md.

File: UTF-8, header row, RFC 4180 quoting.
"""

from __future__ import annotations

from adapters.formats._base import (
    FieldError,
    Row,
    iso,
)
from adapters.formats.csv_format import CsvFormat
from application.intake.formats import ImportKind
from domain.intake import AssistanceKind, PublicAssistanceRecord

KIND = ImportKind.PUBLIC_ASSISTANCE.value
HEADER = ("宛名番号", "個人番号", "氏名", "カナ", "生年月日", "ケース番号", "扶助種別", "開始日", "廃止日")


def _parse_row(r: Row) -> PublicAssistanceRecord:
    start = r.iso_date(7)
    end = r.opt_iso_date(8)
    if end is not None and end < start:
        raise FieldError("廃止日", "廃止日が開始日より前になっています。")
    return PublicAssistanceRecord(
        address_number=r.digits(0, (10,)),
        individual_number=r.my_number(1, required=False),
        name=r.text(2, max_len=30),
        kana=r.kana(3),
        birth_date=r.iso_date(4),
        case_number=r.text(5, max_len=20),
        assistance_kind=r.choice(6, AssistanceKind),
        start_date=start,
        end_date=end,
    )


def to_row(p: PublicAssistanceRecord) -> list[str]:
    return [
        p.address_number,
        p.individual_number or "",
        p.name,
        p.kana,
        iso(p.birth_date),
        p.case_number,
        p.assistance_kind.value,
        iso(p.start_date),
        iso(p.end_date),
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
