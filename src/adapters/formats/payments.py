"""Payment-channel CSV files (収納データ) — OUR layouts, shared machinery.

The counter-parties' own data formats (指定金融機関 収納データ, 収納代行会社 速報・確報, eLTAX 共通納税
収納データ, 特別徴収 納入データ) are not public or not standardised (shared/reference/formats.md §3.1–3.2:
"expect one parser per aggregator, keyed by the 44-digit barcode"), so juminzei defines one CSV per
channel and a thin converter per counter-party is expected in front of it. All are UTF-8, header row,
RFC 4180 quoting, ISO dates, one payment per line; see docs/formats/payments.md.

Modules (KIND): ``bank_payments`` (``bank-payments``), ``cvs_payments`` (``cvs-payments``),
``eltax_payments`` (``eltax-payments``), ``employer_remittances`` (``employer-remittances``),
``pension_remittances`` (``pension-remittances``), ``debit_mandates`` (``debit-mandates``).
Each declares a ``csv_format.CsvFormat`` and has ``KIND``, ``HEADER``, ``iter_parse``, ``stream``, ``parse``, ``to_row``, ``open_writer`` and
``write`` following ``adapters.formats._base`` (one outcome per data line, sha256, file_errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from adapters.formats._base import FieldError, Row
from adapters.formats.csv_format import CsvFormat
from domain.collection.records import Channel, NoticeReference, Receipt, RemittanceReference

T = TypeVar("T")
NOTICE_NUMBER_LENGTH = 11
MAX_PERIOD = 4  # 期別 1–4 (特別区 普通徴収: 6・8・10・1月); 0 = 随時/全期 (domain.documents.barcode)
MAX_ID_LENGTH = 30
_ID_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")


# --------------------------------------------------------------------------- cell helpers


def receipt_id(r: Row, i: int) -> str:
    v = r.text(i)
    if len(v) > MAX_ID_LENGTH or not all(c in _ID_CHARS for c in v):
        raise FieldError(
            r.name(i), f"半角英数字・ハイフン・アンダースコア（{MAX_ID_LENGTH}文字以内）で記載してください。"
        )
    return v


def ascii_code(r: Row, i: int, max_len: int) -> str:
    """A counter-party code (店舗コード etc.): ASCII letters and digits."""
    v = r.text(i)
    if len(v) > max_len or not (v.isascii() and v.isalnum()):
        raise FieldError(r.name(i), f"半角英数字（{max_len}文字以内）で記載してください。")
    return v


def positive_amount(r: Row, i: int) -> int:
    if not r.raw(i):
        raise FieldError(r.name(i), "必須項目が空欄です。")
    v = r.amount(i)
    if v <= 0:
        raise FieldError(r.name(i), "金額は1円以上で記載してください。")
    return v


def fiscal_year(r: Row, i: int) -> int:
    v = int(r.digits(i, (4,)))
    if not 2000 <= v <= 2099:
        raise FieldError(r.name(i), "年度は西暦4桁（2000〜2099）で記載してください。")
    return v


def notice_number(r: Row, i: int) -> str:
    v = r.raw(i)
    if not (len(v) == NOTICE_NUMBER_LENGTH and v.isascii() and v.isdigit()):
        raise FieldError(r.name(i), "通知書番号は11桁の半角数字（前ゼロ埋め）で記載してください。")
    return v


def period_number(value: int, label: str) -> int:
    if not 0 <= value <= MAX_PERIOD:
        raise FieldError(label, f"期別が正しくありません（0〜{MAX_PERIOD}）。")
    return value


def period(r: Row, i: int) -> int:
    return period_number(int(r.digits(i, (1, 2))), r.name(i))


def notice_reference(r: Row, year_i: int, notice_i: int, period_i: int) -> NoticeReference:
    return NoticeReference(fiscal_year(r, year_i), notice_number(r, notice_i), period(r, period_i))


def year_month(r: Row, i: int) -> tuple[int, int]:
    v = r.text(i)
    ok = len(v) == 7 and v[4] == "-" and v.isascii() and (v[:4] + v[5:]).isdigit()
    if not ok or not 1 <= int(v[5:]) <= 12 or not 2000 <= int(v[:4]) <= 2099:
        raise FieldError(r.name(i), "納入月は「YYYY-MM」の形式（実在する年月）で記載してください。")
    return int(v[:4]), int(v[5:])


def code(r: Row, i: int, length: int, what: str) -> str:
    v = r.raw(i)
    if not (len(v) == length and v.isascii() and v.isdigit()):
        raise FieldError(r.name(i), f"{what}は{length}桁の半角数字で記載してください。")
    return v


def notice_cells(ref: NoticeReference) -> list[str]:
    return [str(ref.fiscal_year), ref.notice_number, str(ref.period)]


def require_notice(receipt: Receipt) -> NoticeReference:
    if not isinstance(receipt.reference, NoticeReference):
        raise ValueError("this layout needs a NoticeReference")
    return receipt.reference


def require_remittance(receipt: Receipt) -> RemittanceReference:
    if not isinstance(receipt.reference, RemittanceReference):
        raise ValueError("this layout needs a RemittanceReference")
    return receipt.reference


def split_collector(value: str | None, parts: int) -> list[str]:
    """``collected_by`` is stored as codes joined by ``-``; give back ``parts`` cells."""
    cells = (value or "").split("-") if value else []
    return [*cells, *[""] * (parts - len(cells))][:parts]


def join_collector(values: Sequence[str]) -> str | None:
    present = [v for v in values if v]
    return "-".join(values) if present else None


# --------------------------------------------------------------------------- 特別徴収 remittances


def remittance_format(
    kind: str, channel: Channel, payer_label: str, per_person: bool = False
) -> CsvFormat[Receipt]:
    """The shared layout of 特別徴収 remittances (employer 指定番号 or 年金保険者コード + 納入月); with
    ``per_person`` an optional 8th column 宛名番号 makes a line one person's share (人員 must then be 1)."""
    header = ("受付番号", "収納日", "収納機関", payer_label, "納入月", "人員", "金額") + (
        ("宛名番号",) if per_person else ()
    )

    def parse_row(r: Row) -> Receipt:
        rid = receipt_id(r, 0)
        paid_on = r.iso_date(1)
        collector = r.opt_text(2, max_len=20)
        payer = r.digits(3, range(1, 13))
        year, month = year_month(r, 4)
        if not r.raw(5):
            raise FieldError(r.name(5), "必須項目が空欄です。")
        headcount = r.count(5)
        person = r.opt_digits(7, (10,)) if per_person else None
        if person is not None and headcount != 1:
            raise FieldError(r.name(5), "宛名番号を記載した行（個人別内訳）の人員は1です。")
        return Receipt(
            channel=channel,
            receipt_id=rid,
            paid_on=paid_on,
            amount=positive_amount(r, 6),
            reference=RemittanceReference(payer, year, month, person),
            collected_by=collector,
            headcount=headcount,
        )

    def to_row(p: Receipt) -> list[str]:
        ref = require_remittance(p)
        if p.headcount is None:
            raise ValueError("a remittance needs its headcount (人員)")
        return [
            p.receipt_id,
            p.paid_on.isoformat(),
            p.collected_by or "",
            ref.payer_number,
            f"{ref.year:04d}-{ref.month:02d}",
            str(p.headcount),
            str(p.amount),
        ] + ([ref.taxpayer_number or ""] if per_person else [])

    return CsvFormat(kind, header, parse_row, to_row)
