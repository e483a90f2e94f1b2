"""Employer CSV of 特別徴収税額 (our layout) — the data of 特別徴収税額決定通知書（特別徴収義務者用）.

The electronic eLTAX 特別徴収税額通知 layout is not public (formats.md §4.4 [C], §9 item 2), so this is
**our documented layout** (docs/documents.md), offered to employers who ask for data alongside the
paper notice (formats.md §4.4: "expect legacy employers to ask for CSV"):

* Encoding **UTF-8 with BOM** (``utf-8-sig``): opens correctly in Excel and keeps every character of a
  name (cp932 cannot represent some 異体字 such as JIS X 0213 characters). Parsing accepts the file with
  or without the BOM; a cp932 file is rejected as wrong encoding unless it happens to be ASCII.
* RFC 4180: comma separated, CRLF line ends, fields quoted only when needed, one header row.
* One row per employee; the employer columns repeat on every row so each row stands alone.

Columns (``COLUMNS``): 年度 (西暦), 団体コード, 特別徴収義務者指定番号, 特別徴収義務者名称, 通知書番号,
受給者番号, 宛名番号, 氏名, 特別区民税, 都民税, 森林環境税, 年税額, 6月 … 5月 (12 monthly amounts, June of the
年度 to May of the next year). Amounts are integer yen without separators. 年税額 must equal the sum of
the three taxes and of the 12 months.

Legal basis of the amounts: 地方税法 第321条の4 (通知), 第321条の5 (月割).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from domain.documents.models import (
    SPECIAL_COLLECTION_MONTHS,
    EmployerSpecialCollectionModel,
    SpecialCollectionRow,
)

ENCODING = "utf-8-sig"
COLUMNS: tuple[str, ...] = (
    "年度",
    "団体コード",
    "特別徴収義務者指定番号",
    "特別徴収義務者名称",
    "通知書番号",
    "受給者番号",
    "宛名番号",
    "氏名",
    "特別区民税",
    "都民税",
    "森林環境税",
    "年税額",
    *(f"{m}月" for m in SPECIAL_COLLECTION_MONTHS),
)


class EmployerCsvError(ValueError):
    """A malformed employer CSV: ``line`` (1-based physical record), ``field`` (column name), Japanese
    ``message`` for a clerk. The offending value is never echoed (it may be personal data)."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(f"{line}行目 {field}: {message}")
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EmployerCsv:
    """What an employer CSV carries: the employer identification and one row per employee."""

    fiscal_year: int
    municipality_code: str
    employer_number: str
    employer_name: str
    notice_number: str
    rows: tuple[SpecialCollectionRow, ...]


def write(model: EmployerSpecialCollectionModel) -> bytes:
    """The employer CSV of ``model`` (UTF-8 with BOM, CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    head = [
        str(model.fiscal_year),
        model.issuer.municipality_code,
        model.employer_number,
        model.employer.name,
        model.notice_number,
    ]
    for r in model.rows:
        writer.writerow(
            [
                *head,
                r.employee_number,
                r.taxpayer_number,
                r.name,
                str(r.municipal_tax),
                str(r.prefectural_tax),
                str(r.forest_environment_tax),
                str(r.annual_tax),
                *(str(v) for v in r.monthly),
            ]
        )
    return out.getvalue().encode(ENCODING)


def _int(value: str, line: int, field: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise EmployerCsvError(line, field, "0以上の整数（半角数字、区切りなし）で入力してください。")
    return int(value)


def parse(data: bytes) -> EmployerCsv:
    """Read an employer CSV written by :func:`write`; raises :class:`EmployerCsvError` on any problem."""
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError:
        raise EmployerCsvError(
            1, "文字コード", "UTF-8（BOM付き）で保存されたファイルではありません。"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error:
        raise EmployerCsvError(reader.line_num, "書式", "CSVの引用符の使い方が正しくありません。") from None
    if not records or tuple(records[0]) != COLUMNS:
        raise EmployerCsvError(1, "見出し行", "見出し行が所定の様式と一致しません。")
    if len(records) < 2:
        raise EmployerCsvError(1, "明細", "従業員の明細行がありません。")
    first: tuple[str, ...] | None = None
    rows: list[SpecialCollectionRow] = []
    for line, rec in enumerate(records[1:], start=2):
        if len(rec) != len(COLUMNS):
            raise EmployerCsvError(line, "項目数", f"項目数が{len(COLUMNS)}ではありません。")
        employer = tuple(rec[:5])
        if first is None:
            first = employer
            _int(employer[0], line, "年度")
        elif employer != first:
            raise EmployerCsvError(line, "特別徴収義務者", "特別徴収義務者の項目が1行目の明細と異なります。")
        amounts = {name: _int(rec[i], line, name) for i, name in enumerate(COLUMNS) if i >= 8}
        try:
            row = SpecialCollectionRow(
                employee_number=rec[5],
                taxpayer_number=rec[6],
                name=rec[7],
                municipal_tax=amounts["特別区民税"],
                prefectural_tax=amounts["都民税"],
                forest_environment_tax=amounts["森林環境税"],
                monthly=tuple(amounts[f"{m}月"] for m in SPECIAL_COLLECTION_MONTHS),
            )
        except ValueError:
            raise EmployerCsvError(line, "月割額", "月割額の合計が年税額と一致しません。") from None
        if row.annual_tax != amounts["年税額"]:
            raise EmployerCsvError(
                line, "年税額", "年税額が特別区民税・都民税・森林環境税の合計と一致しません。"
            )
        rows.append(row)
    assert first is not None
    return EmployerCsv(
        fiscal_year=int(first[0]),
        municipality_code=first[1],
        employer_number=first[2],
        employer_name=first[3],
        notice_number=first[4],
        rows=tuple(rows),
    )
