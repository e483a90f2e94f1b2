"""地方税統一QRコード (eL-QR) and eL番号 on a 納付書 — OUR layout (pure; swappable, ADR 0025).

What is public (shared/reference/formats.md §3.1 [C]): since 2023-04-01 a 地方税 納付書 may carry the eL-QR and
the printed **eL番号 (納付書番号)**, made of 収納機関番号, 納付番号, 確認番号 and 納付区分 (the four items of a
Pay-easy payment number); 地方税お支払サイト, payment apps and eL-QR banks read it and the payment reaches the
ward as eLTAX 共通納税 収納データ (総務省「地方税における QRコード規格に係る検討会 取りまとめ」令和3年6月). What is
**not** public in the sources we could search: the QR symbol parameters, the exact payload string and the
digit lengths of each eL番号 component (they are in the 地方税共同機構 仕様書 distributed to 地方団体). So this
module defines our own payload; everything that depends on it goes through :func:`compose`/:func:`parse`,
and replacing this one module with the 仕様書 layout is the whole change (docs/formats/el-qr.md).

Payload (66 characters, all in the QR alphanumeric character set, 1-based positions):

====== === ==============================================================================
1–4     4  識別子 ``ELQR`` (ours)
5–6     2  レイアウト版 ``01``
7–12    6  全国地方公共団体コード (with its check digit, e.g. ``131105`` 目黒区)
13–17   5  収納機関番号 (assigned by eLTAX; configuration)
18–37  20  納付番号 — see below
38–43   6  確認番号 — see :func:`confirmation_number`
44–46   3  納付区分 (``001`` = 本税)
47–54   8  納期限 ``YYYYMMDD``
55–64  10  納付額 (yen, zero-padded)
65–66   2  チェック: modulus 97 (ISO 7064 MOD 97-10 style) over positions 7–64 read as a decimal number
====== === ==============================================================================

納付番号 (20 digits): 税目区分 (1, ``1`` = 個人住民税 普通徴収, as in the CVS barcode) + 年度 (4) + 通知書番号 (11)
+ 期別 (2) + 再発行区分 (1) + a GS1 modulus-10 check digit (1). It is the key a payment comes back with, so
an eLTAX 収納 line that carries the eL番号 names its installment (年度 + 通知書番号 + 期別) without extra columns.

The printed eL番号 is ``収納機関番号-納付番号-確認番号-納付区分`` (hyphens are print-only).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from domain.documents.barcode import TAX_TYPE_RESIDENT_ORDINARY

PREFIX = "ELQR"
VERSION = "01"
LENGTH = 66
PAYMENT_NUMBER_LENGTH = 20
NOTICE_NUMBER_LENGTH = 11
CLASS_PRINCIPAL = "001"  # 納付区分: 本税 (ours)
MAX_AMOUNT = 10**10 - 1


def _is_digits(value: str, width: int) -> bool:
    return len(value) == width and value.isascii() and value.isdigit()


def _require_digits(value: str, width: int, what: str) -> str:
    if not _is_digits(value, width):
        raise ValueError(f"{what} must be {width} ASCII digits")
    return value


def _mod10(digits: str) -> int:
    """GS1 modulus-10 (weights 3/1 from the right) of ``digits``."""
    total = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _mod97(digits: str) -> str:
    """Two check digits such that ``int(digits + cc) % 97 == 1`` (ISO 7064 MOD 97-10)."""
    return f"{98 - (int(digits) * 100) % 97:02d}"


@dataclass(frozen=True)
class PaymentNumber:
    """納付番号: which installment a payment is for (our 20-digit layout)."""

    fiscal_year: int  # 年度 (Western year)
    notice_number: str  # 通知書番号, 11 digits
    period: int  # 期別 0–99 (0 = 随時/全期)
    reissue: int = 0  # 再発行区分 0–9
    tax_type: int = TAX_TYPE_RESIDENT_ORDINARY

    def __post_init__(self) -> None:
        _require_digits(self.notice_number, NOTICE_NUMBER_LENGTH, "notice_number")
        if not 2000 <= self.fiscal_year <= 2099:
            raise ValueError(f"fiscal_year out of range: {self.fiscal_year}")
        if not 0 <= self.period <= 99:
            raise ValueError(f"period must fit in 2 digits: {self.period}")
        if not 0 <= self.reissue <= 9:
            raise ValueError(f"reissue must be 0–9: {self.reissue}")
        if not 0 <= self.tax_type <= 9:
            raise ValueError(f"tax_type must be 0–9: {self.tax_type}")

    def digits(self) -> str:
        body = f"{self.tax_type}{self.fiscal_year:04d}{self.notice_number}{self.period:02d}{self.reissue}"
        return body + str(_mod10(body))

    @classmethod
    def parse(cls, value: str) -> PaymentNumber:
        if not _is_digits(value, PAYMENT_NUMBER_LENGTH):
            raise ValueError("納付番号 must be 20 ASCII digits")
        if _mod10(value[:-1]) != int(value[-1]):
            raise ValueError("納付番号 check digit is wrong")
        return cls(
            tax_type=int(value[0]),
            fiscal_year=int(value[1:5]),
            notice_number=value[5:16],
            period=int(value[16:18]),
            reissue=int(value[18]),
        )


def confirmation_number(payment_number: str, due_date: date, amount: int) -> str:
    """確認番号 (6 digits, ours): binds the 納付番号 to the printed amount and 納期限, so a slip whose amount or
    date was altered does not verify. Not a secret: SHA-256 of ``納付番号|YYYYMMDD|金額``, first 8 bytes mod 10⁶."""
    material = f"{payment_number}|{due_date:%Y%m%d}|{amount}".encode("ascii")
    value = int.from_bytes(hashlib.sha256(material).digest()[:8], "big") % 10**6
    return f"{value:06d}"


@dataclass(frozen=True)
class ElQr:
    """The fields of one eL-QR payload (our layout, module docstring)."""

    municipality_code: str  # 全国地方公共団体コード, 6 digits
    collector_code: str  # 収納機関番号, 5 digits
    payment_number: PaymentNumber
    due_date: date  # 納期限
    amount: int  # 納付額 (yen)
    payment_class: str = CLASS_PRINCIPAL  # 納付区分

    def __post_init__(self) -> None:
        _require_digits(self.municipality_code, 6, "municipality_code")
        _require_digits(self.collector_code, 5, "collector_code")
        _require_digits(self.payment_class, 3, "payment_class")
        if not 1 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"amount must be 1–{MAX_AMOUNT}: {self.amount}")
        if not 2000 <= self.due_date.year <= 9999:
            raise ValueError("due_date out of range")

    @property
    def confirmation(self) -> str:
        """確認番号."""
        return confirmation_number(self.payment_number.digits(), self.due_date, self.amount)

    @property
    def el_number(self) -> str:
        """The printed eL番号 ``収納機関番号-納付番号-確認番号-納付区分``."""
        return "-".join(
            (self.collector_code, self.payment_number.digits(), self.confirmation, self.payment_class)
        )

    def payload(self) -> str:
        """The QR payload string (66 characters)."""
        body = (
            self.municipality_code
            + self.collector_code
            + self.payment_number.digits()
            + self.confirmation
            + self.payment_class
            + f"{self.due_date:%Y%m%d}"
            + f"{self.amount:010d}"
        )
        return PREFIX + VERSION + body + _mod97(body)


def compose(
    *,
    municipality_code: str,
    collector_code: str,
    fiscal_year: int,
    notice_number: str,
    period: int,
    due_date: date,
    amount: int,
    reissue: int = 0,
) -> str:
    """The eL-QR payload for one 普通徴収 slip."""
    return ElQr(
        municipality_code=municipality_code,
        collector_code=collector_code,
        payment_number=PaymentNumber(fiscal_year, notice_number, period, reissue),
        due_date=due_date,
        amount=amount,
    ).payload()


def parse(payload: str) -> ElQr:
    """Read a payload back; ``ValueError`` naming what is wrong (prefix, version, length, checks, date)."""
    if not payload.startswith(PREFIX):
        raise ValueError("not an eL-QR payload of our layout (prefix ELQR)")
    if payload[4:6] != VERSION:
        raise ValueError(f"unknown eL-QR layout version {payload[4:6]!r}")
    if len(payload) != LENGTH or not _is_digits(payload[6:], LENGTH - 6):
        raise ValueError(f"eL-QR payload must be {LENGTH} characters, digits after ELQR01")
    body = payload[6:-2]
    if int(body + payload[-2:]) % 97 != 1:
        raise ValueError("eL-QR payload check digits are wrong")
    raw_due = body[40:48]
    try:
        due = date(int(raw_due[:4]), int(raw_due[4:6]), int(raw_due[6:8]))
    except ValueError:
        raise ValueError("eL-QR 納期限 is not a real date") from None
    qr = ElQr(
        municipality_code=body[0:6],
        collector_code=body[6:11],
        payment_number=PaymentNumber.parse(body[11:31]),
        due_date=due,
        amount=int(body[48:58]),
        payment_class=body[37:40],
    )
    if qr.confirmation != body[31:37]:
        raise ValueError("eL-QR 確認番号 does not match the 納付番号, 納期限 and amount")
    return qr


@dataclass(frozen=True)
class ElNumber:
    """A printed eL番号 read back (``収納機関番号-納付番号-確認番号-納付区分``, hyphens optional)."""

    collector_code: str
    payment_number: PaymentNumber
    confirmation: str
    payment_class: str

    @classmethod
    def parse(cls, value: str) -> ElNumber:
        digits = value.replace("-", "")
        if not _is_digits(digits, 5 + PAYMENT_NUMBER_LENGTH + 6 + 3):
            raise ValueError("eL番号 must be 34 digits (収納機関番号5・納付番号20・確認番号6・納付区分3)")
        return cls(
            collector_code=digits[0:5],
            payment_number=PaymentNumber.parse(digits[5:25]),
            confirmation=digits[25:31],
            payment_class=digits[31:34],
        )

    def confirms(self, due_date: date, amount: int) -> bool:
        """True if the 確認番号 matches this 納付番号 with ``due_date`` and ``amount``."""
        return self.confirmation == confirmation_number(self.payment_number.digits(), due_date, amount)
