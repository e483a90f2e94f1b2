"""コンビニ収納用バーコード: the 44-digit GS1-128 料金代理収納 code (pure).

Source: shared/reference/formats.md §3.2 [A] — 一般財団法人流通システム開発センター (GS1 Japan)
「GS1-128シンボルによる標準料金代理収納ガイドライン」 (第6版 2024-03; corroborated by rolan.co.jp, mint-s.jp,
Hitachi EUR §4.4.6, paya02.com). Layout (1-based digit positions):

====== === ======================================================================
1–2     2  AI ``91``
3–8     6  請求書発行企業コード (GS1 事業者コード without the leading 「4」, or the 収納代行会社's code)
9–29   21  自由使用欄 (issuer-defined; see :func:`free_field` for *our* layout)
30      1  再発行区分 (0 = original, 1–9 = reissue count)
31–36   6  支払期限日 YYMMDD (西暦下2桁); ``999999`` = no limit
37      1  印紙フラグ (0 = 収入印紙不要; always 0 for taxes)
38–43   6  支払金額 (yen, zero-padded, ≤ 999,999)
44      1  チェックデジット: modulus 10, weights 3/1 (GS1 mod-10) over digits 1–43
====== === ======================================================================

Check digit: counting from the right with the check digit as position 1, digits at even positions are
weighted 3 and at odd positions 1; CD = (10 − sum mod 10) mod 10. Because 3 is coprime to 10, every
single-digit substitution changes the sum mod 10 and is detected. Verified vectors (formats.md §3.2):
``91 912345 0123456789012345678901 010331 0 123000`` → 3 (the formats.md grouping shows the 21 自由使用欄
digits plus the 再発行区分 as one 22-digit group) and ``91 942386 1789539178539356927301 030731 1 031290`` → 3.

Our 21-digit 自由使用欄 (our choice, not from the guideline; an aggregator may impose its own — formats.md
§3.2 notes DSK uses a 5-digit 委託企業コード + 16 free digits, which our layout keeps compatible with):

====== === ======================================================================
9–13    5  委託企業コード (assigned by the 収納代行会社; ``00000`` when the ward holds its own code)
14      1  税目区分 (``1`` = 個人住民税 普通徴収)
15–16   2  年度 (西暦下2桁)
17–27  11  通知書番号 (zero-padded)
28–29   2  期別 (``01``–``04``; ``00`` = 随時/全期)
====== === ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

AI = "91"
LENGTH = 44
MAX_AMOUNT = 999_999
NO_DEADLINE = "999999"
TAX_TYPE_RESIDENT_ORDINARY = 1  # 税目区分: 個人住民税（普通徴収） — our code


def check_digit(digits: str) -> int:
    """GS1 modulus-10 check digit (weights 3/1 from the right) of the 43 digits before it."""
    if len(digits) != LENGTH - 1 or not digits.isascii() or not digits.isdigit():
        raise ValueError("expected 43 ASCII digits")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        # i = 0 is the digit next to the check digit, i.e. position 2 counted from the right → weight 3
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid(code: str) -> bool:
    """True if ``code`` is 44 ASCII digits, starts with AI 91 and its check digit is right."""
    if len(code) != LENGTH or not code.isascii() or not code.isdigit() or not code.startswith(AI):
        return False
    return check_digit(code[:-1]) == int(code[-1])


def _digits(value: int, width: int, what: str) -> str:
    if value < 0 or value >= 10**width:
        raise ValueError(f"{what} must fit in {width} digits: {value}")
    return str(value).zfill(width)


def _digit_str(value: str, width: int, what: str) -> str:
    if len(value) != width or not value.isascii() or not value.isdigit():
        raise ValueError(f"{what} must be {width} ASCII digits")
    return value


def free_field(
    *,
    fiscal_year: int,
    notice_number: str,
    period: int,
    client_code: str = "00000",
    tax_type: int = TAX_TYPE_RESIDENT_ORDINARY,
) -> str:
    """Our 21-digit 自由使用欄: 委託企業コード(5) 税目区分(1) 年度下2桁(2) 通知書番号(11) 期別(2)."""
    if not notice_number.isascii() or not notice_number.isdigit() or len(notice_number) > 11:
        raise ValueError("notice_number must be at most 11 ASCII digits")
    return (
        _digit_str(client_code, 5, "client_code")
        + _digits(tax_type, 1, "tax_type")
        + _digits(fiscal_year % 100, 2, "fiscal_year")
        + notice_number.zfill(11)
        + _digits(period, 2, "period")
    )


@dataclass(frozen=True)
class CvsBarcode:
    """The parts of one コンビニ収納 code (formats.md §3.2). ``payment_deadline=None`` = ``999999``."""

    company_code: str  # 請求書発行企業コード, 6 digits
    free_field: str  # 自由使用欄, 21 digits
    reissue: int  # 再発行区分 0–9
    payment_deadline: date | None  # 支払期限日 (CVS refuse to scan after it)
    amount: int  # 支払金額, yen
    stamp_flag: int = 0  # 印紙フラグ; taxes: 0

    def __post_init__(self) -> None:
        _digit_str(self.company_code, 6, "company_code")
        _digit_str(self.free_field, 21, "free_field")
        _digits(self.reissue, 1, "reissue")
        _digits(self.stamp_flag, 1, "stamp_flag")
        if not 0 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"amount out of the 6-digit CVS range: {self.amount}")
        if self.payment_deadline is not None and not 2000 <= self.payment_deadline.year <= 2099:
            raise ValueError("payment_deadline must be in 2000–2099 (YYMMDD)")

    @property
    def deadline_digits(self) -> str:
        d = self.payment_deadline
        return NO_DEADLINE if d is None else f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"

    def digits(self) -> str:
        """The 44-digit code including the check digit."""
        body = (
            AI
            + self.company_code
            + self.free_field
            + str(self.reissue)
            + self.deadline_digits
            + str(self.stamp_flag)
            + str(self.amount).zfill(6)
        )
        return body + str(check_digit(body))

    @classmethod
    def parse(cls, code: str) -> CvsBarcode:
        """Split a 44-digit code into its parts; ``ValueError`` if it is malformed or the CD is wrong."""
        if not is_valid(code):
            raise ValueError("not a valid 44-digit GS1-128 CVS code (AI 91, check digit)")
        raw_deadline = code[30:36]
        deadline: date | None = None
        if raw_deadline != NO_DEADLINE:
            deadline = date(2000 + int(raw_deadline[0:2]), int(raw_deadline[2:4]), int(raw_deadline[4:6]))
        return cls(
            company_code=code[2:8],
            free_field=code[8:29],
            reissue=int(code[29]),
            payment_deadline=deadline,
            amount=int(code[37:43]),
            stamp_flag=int(code[36]),
        )


def compose(
    *,
    company_code: str,
    fiscal_year: int,
    notice_number: str,
    period: int,
    payment_deadline: date | None,
    amount: int,
    reissue: int = 0,
    client_code: str = "00000",
) -> str:
    """Build the 44-digit code for one 普通徴収 installment slip (our 自由使用欄 layout)."""
    return CvsBarcode(
        company_code=company_code,
        free_field=free_field(
            fiscal_year=fiscal_year, notice_number=notice_number, period=period, client_code=client_code
        ),
        reissue=reissue,
        payment_deadline=payment_deadline,
        amount=amount,
    ).digits()


def human_readable(code: str) -> str:
    """The printed line under the bars: ``(91)`` then groups by field, separators not encoded.

    ``(91)912345-012345678901234567890-1-010331-0-123000-3`` — AI, 企業コード, 自由使用欄, 再発行区分,
    支払期限, 印紙フラグ, 金額, CD (formats.md §3.2: parentheses/hyphens are print-only).
    """
    if len(code) != LENGTH:
        raise ValueError("expected 44 digits")
    parts = (code[2:8], code[8:29], code[29], code[30:36], code[36], code[37:43], code[43])
    return f"({code[:2]})" + "-".join(parts)
