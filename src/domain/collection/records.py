"""Collection records read from and written to external files (収納・口座振替・還付).

Frozen dataclasses, standard library only, mypy --strict. Money is ``int`` yen, legal dates are
``date``. Layout authorities:

* 全銀協「全銀協パーソナル・コンピュータ用標準通信プロトコル（ベーシック手順）適用業務およびレコード・
  フォーマット」 §15–16 預金口座振替（依頼明細・処理結果明細, 種別 91） and §8 総合振込 (種別 21), as read
  in shared/reference/formats.md §1.2–1.4 [A]; docs/formats/zengin.md.
* コンビニ GS1-128 code: formats.md §3.2 [A], ``domain.documents.barcode``.
* Our own CSV layouts for the payment channels: docs/formats/payments.md.

Personal values (口座番号, 口座名義) are carried here only between the adapter and the application
service that encrypts them (DESIGN §6); never log them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

# --------------------------------------------------------------------------- receipts


class Channel(enum.Enum):
    """収納チャネル (how the money reached the ward)."""

    COUNTER = "窓口"  # 区役所 窓口収納
    BANK = "指定金融機関"  # 指定金融機関・収納代理金融機関 (納付書)
    CVS = "コンビニ"  # コンビニ収納代行 (GS1-128 44桁)
    ELTAX = "共通納税"  # 地方税共通納税システム / eL-QR
    DIRECT_DEBIT = "口座振替"  # 全銀 種別91 振替結果 code 0
    SPECIAL = "特別徴収"  # 給与からの特別徴収 (特別徴収義務者の納入, 地方税法第321条の5)
    PENSION = "年金特別徴収"  # 公的年金からの特別徴収 (年金保険者の納入, 地方税法第321条の7の6)


@dataclass(frozen=True, slots=True)
class NoticeReference:
    """普通徴収 installment: 年度 + 通知書番号 (11 digits) + 期別 (+ 再発行区分 from a slip)."""

    fiscal_year: int  # 年度 (Western year)
    notice_number: str  # 通知書番号, 11 ASCII digits
    period: int  # 期別 1–4; 0 = 随時/全期
    reissue: int = 0  # 再発行区分 0 = original slip, 1–9 = reissue count


@dataclass(frozen=True, slots=True)
class DebitReference:
    """口座振替: the 20-digit 顧客番号 we put in the 種別91 data record (see :func:`customer_number`)."""

    customer_number: str


@dataclass(frozen=True, slots=True)
class RemittanceReference:
    """特別徴収 remittance: 特別徴収義務者 指定番号 (or 年金保険者 code) + 納入月."""

    payer_number: str  # 指定番号 (1–12 digits) or 年金保険者コード
    year: int  # 納入月 — year
    month: int  # 納入月 — month 1–12
    taxpayer_number: str | None = (
        None  # 宛名番号: one person's share (年金特別徴収 個人別内訳), else the total
    )


Reference = NoticeReference | DebitReference | RemittanceReference


def reference_key(reference: Reference) -> str:
    """A stable text form of a receipt's reference, kept on a 収納保留 so it can be matched again later.

    ``notice:YYYY:通知書番号:期別:再発行区分`` | ``debit:顧客番号`` | ``remittance:指定番号:YYYY-MM``.
    """
    if isinstance(reference, NoticeReference):
        return (
            f"notice:{reference.fiscal_year}:{reference.notice_number}:{reference.period}:{reference.reissue}"
        )
    if isinstance(reference, DebitReference):
        return f"debit:{reference.customer_number}"
    key = f"remittance:{reference.payer_number}:{reference.year:04d}-{reference.month:02d}"
    return f"{key}:{reference.taxpayer_number}" if reference.taxpayer_number else key


def parse_reference_key(text: str) -> Reference | None:
    """Inverse of :func:`reference_key`; None for anything else (e.g. a free-text reference)."""
    kind, _, rest = text.partition(":")
    parts = rest.split(":")
    try:
        if kind == "notice" and len(parts) == 4 and parts[1].isascii() and parts[1].isdigit():
            return NoticeReference(int(parts[0]), parts[1], int(parts[2]), int(parts[3]))
        if kind == "debit" and len(parts) == 1 and parts[0]:
            return DebitReference(parts[0])
        if kind == "remittance" and len(parts) in (2, 3) and parts[0] and all(parts[2:]):
            year, _, month = parts[1].partition("-")
            if 1 <= int(month) <= 12:
                return RemittanceReference(parts[0], int(year), int(month), parts[2] if parts[2:] else None)
    except ValueError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class Receipt:
    """One payment received (収納), from any channel; input to 消込.

    ``receipt_id`` is the id the source gives the payment (銀行の受付番号, 収納代行の取引番号, eLTAX
    受付番号, …); with ``channel`` it identifies the receipt. ``amount`` is the whole amount received.
    """

    channel: Channel
    receipt_id: str
    paid_on: date  # 収納日 (the day the payer paid)
    amount: int  # yen
    reference: Reference
    collected_by: str | None = None  # 収納機関 (金融機関・店舗コード, コンビニ本部・店舗コード)
    barcode: str | None = None  # the 44-digit GS1-128 code (コンビニ)
    el_number: str | None = None  # eL番号 (共通納税; opaque, formats.md §3.1 [C])
    headcount: int | None = None  # 人員 (特別徴収 remittances)
    provisional: bool = False  # コンビニ 速報 (True) vs 確報 (False)


# --------------------------------------------------------------------------- Zengin codes


class ZenginKind(enum.Enum):
    """種別コード (header bytes 2–3; formats.md §1.1)."""

    DEBIT = "91"  # 預金口座振替
    TRANSFER = "21"  # 総合振込


class AccountType(enum.Enum):
    """預金種目 (全銀協 付録3). Each field admits a subset (see ``DEBIT_ACCOUNT_TYPES`` etc.)."""

    ORDINARY = "1"  # 普通
    CURRENT = "2"  # 当座
    TAX_RESERVE = "3"  # 納税準備預金
    SAVINGS = "4"  # 貯蓄
    NOTICE = "5"  # 通知
    TIME = "6"  # 定期
    INSTALMENT_TIME = "7"  # 積立定期
    INSTALMENT_SAVINGS = "8"  # 定期積金
    OTHER = "9"  # その他

    @property
    def label(self) -> str:
        return _ACCOUNT_LABELS[self]


_ACCOUNT_LABELS = {
    AccountType.ORDINARY: "普通",
    AccountType.CURRENT: "当座",
    AccountType.TAX_RESERVE: "納税準備預金",
    AccountType.SAVINGS: "貯蓄",
    AccountType.NOTICE: "通知",
    AccountType.TIME: "定期",
    AccountType.INSTALMENT_TIME: "積立定期",
    AccountType.INSTALMENT_SAVINGS: "定期積金",
    AccountType.OTHER: "その他",
}

HEADER_ACCOUNT_TYPES = frozenset({AccountType.ORDINARY, AccountType.CURRENT, AccountType.OTHER})
DEBIT_ACCOUNT_TYPES = frozenset(
    {AccountType.ORDINARY, AccountType.CURRENT, AccountType.TAX_RESERVE, AccountType.OTHER}
)
TRANSFER_ACCOUNT_TYPES = frozenset(
    {AccountType.ORDINARY, AccountType.CURRENT, AccountType.SAVINGS, AccountType.OTHER}
)


class NewCode(enum.Enum):
    """新規コード (data byte 91): 1 第1回引落(振込)分, 2 変更分, 0 その他."""

    OTHER = "0"
    FIRST = "1"
    CHANGED = "2"


class TransferDesignation(enum.Enum):
    """振替指定区分 (総合振込 data byte 112): 7 テレ振込, 8 文書振込; blank (many banks: unused)."""

    NONE = " "
    TELEGRAPHIC = "7"
    DOCUMENT = "8"


# 振替結果コード (formats.md §1.3 [A]; JBA §16). 5–7 are unused; other values are bank-specific.
RESULT_MEANINGS: dict[int, str] = {
    0: "振替済",
    1: "資金不足",
    2: "取引なし",
    3: "預金者の都合による振替停止",
    4: "預金口座振替依頼書なし",
    8: "委託者の都合による振替停止",
    9: "その他",
}
UNKNOWN_RESULT_MEANING = "その他（規定外の振替結果コード）"


def result_code(raw: str) -> tuple[int, str, bool]:
    """Map a raw 振替結果コード to (code 0–9, Japanese meaning, unknown?). Unknown → 9, flagged."""
    if len(raw) == 1 and raw.isascii() and raw.isdigit() and int(raw) in RESULT_MEANINGS:
        code = int(raw)
        return code, RESULT_MEANINGS[code], False
    return 9, UNKNOWN_RESULT_MEANING, True


# --------------------------------------------------------------------------- mandates


class MandateAction(enum.Enum):
    """口座振替 依頼書 の届出区分."""

    REGISTER = "登録"
    CHANGE = "変更"
    CANCEL = "解約"


@dataclass(frozen=True, slots=True)
class DebitMandate:
    """口座振替依頼 (mandate) of one taxpayer, as received from the 口座管理 intake (our CSV).

    ``holder_kana`` is already in the Zengin character set (half-width, 名義 class, ≤ 30 bytes;
    ``adapters.formats.zengin.zengin_kana``). ``start_date`` is the first 納期 the registration or change
    applies to; for a cancellation, the date from which no more debits are made.
    """

    mandate_id: str  # 受付番号 of the 依頼書
    address_number: str  # 宛名番号 (10 digits)
    action: MandateAction
    start_date: date
    bank_code: str  # 4 digits
    branch_code: str  # 3 digits
    account_type: AccountType  # 1 普通, 2 当座, 3 納税準備預金
    account_number: str  # 7 digits
    holder_kana: str  # 預金者名 (Zengin charset)
    #: Lossy changes made converting the name to the Zengin set (e.g. ``ッ→ﾂ``), reported to the clerk.
    holder_kana_changes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- Zengin records


@dataclass(frozen=True, slots=True)
class ZenginHeader:
    """ヘッダー・レコード (データ区分 1) of 種別 91 or 21 (formats.md §1.2, §1.4).

    ``mmdd`` is the yearless 引落日/振込指定日 exactly as in the file; resolve it with
    :func:`resolve_mmdd` against the batch it belongs to. The bank is the ward's own
    (取引銀行 / 仕向銀行). Names are half-width Zengin characters; ``""`` = blank.
    """

    kind: ZenginKind
    originator_code: str  # 委託者コード / 振込依頼人コード, 10 digits
    originator_name: str  # ≤ 40 bytes
    mmdd: str  # 引落日 / 振込指定日 MMDD
    bank_code: str  # 4 digits
    bank_name: str  # ≤ 15 bytes, optional
    branch_code: str  # 3 digits
    branch_name: str  # ≤ 15 bytes, optional
    account_type: AccountType  # 1, 2, 9
    account_number: str  # 7 digits
    code_division: str = "0"  # コード区分: 0 = JIS (1 = EBCDIC is refused)


@dataclass(frozen=True, slots=True)
class DebitRequestLine:
    """預金口座振替 依頼明細 data record (データ区分 2, 種別 91; 振替結果コード ``0``)."""

    bank_code: str  # 引落銀行番号, 4 digits
    bank_name: str  # ≤ 15 bytes, optional
    branch_code: str  # 引落支店番号, 3 digits
    branch_name: str  # ≤ 15 bytes, optional
    account_type: AccountType  # 1, 2, 3, 9
    account_number: str  # 7 digits
    holder_kana: str  # 預金者名 ≤ 30 bytes
    amount: int  # 引落金額 ≤ 10 digits
    new_code: NewCode
    customer_number: str  # 顧客番号, 20 digits (see :func:`customer_number`)


@dataclass(frozen=True, slots=True)
class DebitResultLine:
    """預金口座振替 処理結果明細 data record: the request fields plus the bank's 振替結果コード.

    ``raw_result_code`` is the byte as received; ``result_code`` is 0–9 with unknown values mapped
    to 9 (``unknown_code`` True). Only ``result_code == 0`` is collected money.
    """

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: AccountType
    account_number: str
    holder_kana: str
    amount: int
    new_code: NewCode
    customer_number: str
    raw_result_code: str

    @property
    def result_code(self) -> int:
        return result_code(self.raw_result_code)[0]

    @property
    def result_meaning(self) -> str:
        return result_code(self.raw_result_code)[1]

    @property
    def unknown_code(self) -> bool:
        return result_code(self.raw_result_code)[2]

    @property
    def collected(self) -> bool:
        """True only for 振替結果コード 0 (振替済)."""
        return self.result_code == 0

    @property
    def flagged(self) -> bool:
        """Needs a clerk: not collected (codes 1–9), including unknown codes mapped to 9."""
        return not self.collected


@dataclass(frozen=True, slots=True)
class TransferLine:
    """総合振込 data record (データ区分 2, 種別 21; formats.md §1.4) — one refund payment.

    ``customer_code1``/``customer_code2`` are 10 digits each, or ``""`` when blank; when ``edi`` is
    True (識別表示 ``Y``) bytes 92–111 are one C(20) EDI情報 held in ``edi_info`` and both customer
    codes are ``""``. ``clearing_house`` is the unused 手形交換所番号: ``""`` (spaces) or 4 digits.
    """

    bank_code: str  # 被仕向銀行番号
    bank_name: str
    branch_code: str  # 被仕向支店番号
    branch_name: str
    account_type: AccountType  # 1, 2, 4, 9
    account_number: str
    payee_kana: str  # 受取人名 ≤ 30 bytes
    amount: int  # 振込金額
    new_code: NewCode = NewCode.OTHER
    customer_code1: str = ""
    customer_code2: str = ""
    designation: TransferDesignation = TransferDesignation.NONE
    edi: bool = False
    edi_info: str = ""
    clearing_house: str = ""


@dataclass(frozen=True, slots=True)
class ZenginTrailer:
    """トレーラ・レコード (データ区分 8). The 振替済/振替不能 fields exist only in 種別 91 (0 in a request)."""

    kind: ZenginKind
    total_count: int  # 合計件数
    total_amount: int  # 合計金額
    collected_count: int = 0  # 振替済件数
    collected_amount: int = 0  # 振替済金額
    failed_count: int = 0  # 振替不能件数
    failed_amount: int = 0  # 振替不能金額


@dataclass(frozen=True, slots=True)
class ZenginEnd:
    """エンド・レコード (データ区分 9)."""


ZenginRecord = ZenginHeader | DebitRequestLine | DebitResultLine | TransferLine | ZenginTrailer | ZenginEnd


# --------------------------------------------------------------------------- helpers (pure)

CUSTOMER_NUMBER_LENGTH = 20


def customer_number(*, fiscal_year: int, notice_number: str, period: int, attempt: int = 1) -> str:
    """Our 20-digit 顧客番号 for a 種別91 data record (formats.md §1.2: the only key returned in the
    result file; digits only): 年度(4) 税目区分(1, ``1`` = 個人住民税) 通知書番号(11) 期別(2) 依頼回数(2)."""
    if not (notice_number.isascii() and notice_number.isdigit() and len(notice_number) <= 11):
        raise ValueError("notice_number must be at most 11 ASCII digits")
    if not (1000 <= fiscal_year <= 9999 and 0 <= period <= 99 and 1 <= attempt <= 99):
        raise ValueError("fiscal_year, period or attempt out of range")
    return f"{fiscal_year:04d}1{notice_number.zfill(11)}{period:02d}{attempt:02d}"


def notice_from_customer_number(number: str) -> tuple[NoticeReference, int] | None:
    """Inverse of :func:`customer_number`: (notice reference, attempt), or None if not ours."""
    if len(number) != CUSTOMER_NUMBER_LENGTH or not (number.isascii() and number.isdigit()):
        return None
    if number[4] != "1" or number[18:20] == "00":
        return None
    return NoticeReference(int(number[0:4]), number[5:16], int(number[16:18])), int(number[18:20])


def resolve_mmdd(mmdd: str, reference: date) -> date:
    """Resolve a yearless Zengin MMDD forward from ``reference`` (formats.md §1.1: the first such
    date on or after ``reference``; 0229 resolves to the next leap year, never backwards)."""
    if len(mmdd) != 4 or not (mmdd.isascii() and mmdd.isdigit()):
        raise ValueError("MMDD must be 4 ASCII digits")
    month, day = int(mmdd[:2]), int(mmdd[2:])
    for year in range(reference.year, reference.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= reference:
            return candidate
    raise ValueError("not a calendar date")
