"""住民記録（宛名）異動データ — OUR import format (defined by juminzei).

Each municipality's 宛名/住基 feed differs (DESIGN §10), so this layout is ours; see
docs/formats/resident-registry.md. Items follow 住民基本台帳法第7条 (記載事項) and the
住登外者 notion of 地方税法第294条第3項 (家屋敷課税).

File: UTF-8 (BOM tolerated), LF or CRLF, RFC 4180 quoting, line 1 = header row (not a
record). One row per 異動; rows of the same 宛名番号 are in chronological order.
"""

from __future__ import annotations

from adapters.formats._base import (
    SEX_CODES,
    SEX_LABELS,
    FieldError,
    Row,
    iso,
)
from adapters.formats.csv_format import CsvFormat
from application.intake.formats import ImportKind
from domain.intake import ChangeReason, RegistrationKind, ResidentRecord

KIND = ImportKind.RESIDENT_REGISTRY.value
HEADER = (
    "宛名番号",
    "個人番号",
    "氏名",
    "カナ",
    "性別",
    "生年月日",
    "住所",
    "住所コード",
    "世帯番号",
    "続柄",
    "異動事由",
    "異動日",
    "住登区分",
)


def _parse_row(r: Row) -> ResidentRecord:
    sex_raw = r.text(4)
    if sex_raw not in SEX_CODES:
        raise FieldError("性別", "性別は「男」または「女」で記載してください。")
    registration = r.choice(12, RegistrationKind)
    birth = r.iso_date(5)
    change_date = r.iso_date(11)
    if change_date < birth:
        raise FieldError("異動日", "異動日が生年月日より前になっています。")
    return ResidentRecord(
        address_number=r.digits(0, (10,)),
        individual_number=r.my_number(1, required=False),
        name=r.text(2, max_len=30),
        kana=r.kana(3),
        sex=SEX_CODES[sex_raw],
        birth_date=birth,
        address=r.text(6, max_len=100),
        address_code=r.digits(7, (11,)),
        household_number=r.digits(8, (10,)),
        relationship=r.text(9, max_len=20),
        change_reason=r.choice(10, ChangeReason),
        change_date=change_date,
        registration=registration,
    )


def to_row(r: ResidentRecord) -> list[str]:
    return [
        r.address_number,
        r.individual_number or "",
        r.name,
        r.kana,
        SEX_LABELS[r.sex],
        iso(r.birth_date),
        r.address,
        r.address_code,
        r.household_number,
        r.relationship,
        r.change_reason.value,
        iso(r.change_date),
        r.registration.value,
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
